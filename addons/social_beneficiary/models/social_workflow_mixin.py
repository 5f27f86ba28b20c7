"""Workflow fields that change only inside the suite's own actions and imports.

Every model of the suite whose state, who/when of transitions, links to entries or
payment results carry money or legal meaning inherits ``social.workflow.mixin`` and
lists those fields in ``_workflow_fields``. ``create`` and ``write`` then refuse them
from anywhere else (forms, imports of Odoo's generic kind, XML-RPC/JSON-RPC), for every
user including administrators. The actions write them through ``_workflow_write`` /
``_workflow_create``, which carry a sentinel object in the context: an object that no
JSON or XML-RPC payload can carry, so no client-sent context key can imitate it
(a plain ``True`` or string flag is not a guard).

``_workflow_lock`` takes the rows of a transition with ``FOR UPDATE NOWAIT`` so that
two users pressing the same button at the same moment cannot both pass the checks:
the second is told that someone else is working on the record, and once the first
has committed, the checks see its new state.
"""

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.locks import lock_rows_nowait

# not serialisable: no client can send it in a context
_WORKFLOW = object()


class SocialWorkflowMixin(models.AbstractModel):
    _name = "social.workflow.mixin"
    _description = "Workflow Fields Guard"

    # the fields that only the suite's actions and imports may write
    _workflow_fields = frozenset()
    # True: the records themselves are evidence (months paid, results, ...) that
    # only the suite's actions and imports create, change or delete
    _workflow_records_only = False

    # ------------------------------------------------------------------ guard
    def _in_workflow(self):
        return self.env.context.get("social_workflow") is _WORKFLOW

    def _workflow_env_records(self):
        """These records with the sentinel context, for the actions' own writes."""
        return self.with_context(social_workflow=_WORKFLOW)

    def _workflow_write(self, vals):
        # the whole write chain runs (normalisation, tracking): only the guard yields
        return self._workflow_env_records().write(vals)

    @api.model
    def _workflow_create(self, vals_list):
        return self._workflow_env_records().create(vals_list).with_env(self.env)

    def _workflow_refuse(self, field_names):
        labels = ", ".join(
            sorted(
                self._fields[name]._description_string(self.env) for name in field_names
            )
        )
        raise UserError(
            self.env._(
                "%(fields)s of %(model)s change only through the buttons of the "
                "record (its actions), never by editing or importing them.",
                fields=labels,
                model=self._description,
            )
        )

    def _workflow_records_refusal(self):
        """The message that refuses a hand-made change to such records."""
        return self.env._(
            "%(model)s records are written by the suite's actions only: they cannot "
            "be created, changed or deleted by hand.",
            model=self._description,
        )

    def _workflow_check_records(self):
        if self._workflow_records_only and not self._in_workflow():
            raise UserError(self._workflow_records_refusal())

    def _workflow_default_allowed(self, name, value):
        """On create a workflow field may only be given its starting value."""
        if not value:
            return True
        field = self._fields[name]
        default = self.default_get([name]).get(name)
        if field.type == "many2one" and isinstance(value, models.BaseModel):
            value = value.id
        return default is not None and value == default

    @api.model_create_multi
    def create(self, vals_list):
        self._workflow_check_records()
        if self._workflow_fields and not self._in_workflow():
            refused = {
                name
                for vals in vals_list
                for name in self._workflow_fields.intersection(vals)
                if not self._workflow_default_allowed(name, vals[name])
            }
            if refused:
                self._workflow_refuse(refused)
        return super().create(vals_list)

    def write(self, vals):
        self._workflow_check_records()
        if self._workflow_fields and not self._in_workflow():
            refused = self._workflow_fields.intersection(vals)
            if refused:
                self._workflow_refuse(refused)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_workflow_records_only(self):
        # the actions remove such records in SQL or by cascade, or with the sentinel
        self._workflow_check_records()

    # ------------------------------------------------------------- exactly once
    def _workflow_lock(self):
        """Lock these rows for the current transaction, or refuse at once.

        Call it first in an action that moves money or state, before its checks:
        the checks then read the state as committed by whoever acted before.
        """
        if not self:
            return
        if not lock_rows_nowait(self):
            raise UserError(
                self.env._(
                    "Another user is working on %(records)s right now. Reload the "
                    "page and try again in a moment.",
                    records=", ".join(self.mapped("display_name")),
                )
            )
        self.invalidate_recordset()
