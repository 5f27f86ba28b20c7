"""The set-based pass that applies a checked beneficiary list.

Every row of the file is checked and none refused when this runs; it runs
inside the savepoint of ``_apply_checked`` (or of a background chunk). Records
are created a list per model (``_create_quietly``: every guard of ``create``
runs, no per-record chatter work), in the order the links need: the people who
represent, the beneficiaries, their former ID numbers, the payment
(``_apply_payment``), the decisions (``_apply_allowances``); the creation and
update notes of the whole import go in one statement per model.
"""

from odoo import models

from ..models.social_chatter import chatter_buffer


class SocialBeneficiaryImport(models.TransientModel):
    _inherit = "social.beneficiary.import"

    # ----------------------------------------------------------------- apply
    def _apply_plan(self, rows):
        # the notes of the whole import go in one statement per model
        with chatter_buffer(self.env) as env:
            self.with_env(env)._apply_rows(rows)

    def _create_quietly(self, model, vals_list):
        """Create records of this import without per-record chatter work.

        Their creation note comes from the import (one batch per model);
        the guards of ``create`` all run.
        """
        Model = self.env[model].with_context(tracking_disable=True)
        if vals_list:
            # the defaults are the same for every record of the list: read them
            # once, as create would for each record (account's default invoice
            # report of a partner alone runs a query per partner)
            defaults = Model._add_missing_default_values({})
            vals_list = [{**defaults, **vals} for vals in vals_list]
        records = Model.create(vals_list)
        # their stored computed fields too: tracked ones would log each record
        Model.flush_model()
        return records.with_env(self.env)

    def _apply_rows(self, rows):
        body_new = self.env._(
            "Created by import of %(file)s.", file=self.filename or "-"
        )
        body_updated = self.env._(
            "Updated by import of %(file)s.", file=self.filename or "-"
        )
        Partner = self.env["res.partner"]
        # the people who represent, once each
        rep_new = {}
        for row in rows:
            rep = row.data.get("rep")
            if rep and not rep["partner_id"]:
                rep_new.setdefault(
                    row.data["rep_cid"],
                    {"name": row.data["rep_name"], "citizen_id": row.data["rep_cid"]},
                )
        created = self._create_quietly("res.partner", list(rep_new.values()))
        rep_ids = dict(zip(rep_new, created.ids, strict=True))
        for row in rows:
            rep = row.data.get("rep")
            if rep and not rep["partner_id"]:
                rep["partner_id"] = rep_ids[row.data["rep_cid"]]
        # beneficiaries
        new_rows = [row for row in rows if row.status == "new" and not row.leader]
        created = self._create_quietly(
            "res.partner", [row.partner_vals for row in new_rows]
        )
        for row, partner_id in zip(new_rows, created.ids, strict=True):
            row.partner_id = partner_id
        for row in rows:
            if row.leader:
                row.partner_id = row.leader.partner_id
        updated_rows = [row for row in rows if row.status == "updated"]
        for row in updated_rows:
            if row.partner_vals:
                Partner.browse(row.partner_id).write(row.partner_vals)
        # former numbers, to match the next lists
        History = self.env["social.beneficiary.id.history"]
        History.create(
            [self._former_number_vals(row) for row in rows if row.data.get("history")]
        )
        self._apply_payment(rows)
        self._apply_allowances(rows)
        bodies = {row.partner_id: body_new for row in new_rows}
        bodies.update({row.partner_id: body_updated for row in updated_rows})
        if bodies:
            Partner.browse(list(bodies))._message_log_batch(bodies)

    def _former_number_vals(self, row):
        """The ID history line of a row's former number."""
        return {
            "partner_id": row.partner_id,
            "id_number": row.data["old"],
            "id_type": {9: "cmnd9", 12: "cmnd12"}.get(len(row.data["old"]), "other"),
            "note": self.filename or False,
        }

    def _log_created(self, records):
        """One creation note per record of this import, with the status reached."""
        if not records:
            return
        states = dict(records._fields["state"]._description_selection(self.env))
        records._message_log_batch(
            {
                record.id: self.env._(
                    "Created by import of %(file)s, status: %(state)s.",
                    file=self.filename or "-",
                    state=states[record.state],
                )
                for record in records
            }
        )
