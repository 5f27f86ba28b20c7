"""A beneficiary moves to another commune: the move is recorded as history and
the beneficiary's commune changes; the payout reads the history so that no month
is missed or paid twice. After the move the new commune's users see the person
(the record rules follow ``area_id``); the old commune's users keep seeing the
move itself and, through the batches, the lines they paid.

Once a person has an allowance decision in force or already paid, the commune
changes only through the move: a direct write of ``area_id`` (form, import,
external API, any context) is refused, since it would leave no history of which
commune pays which month. A person without such a decision yet can still be
corrected directly."""

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .social_allowance import first_of_month

MOVE_GROUPS = (
    "social_beneficiary.group_social_commune_officer",
    "social_beneficiary.group_social_manager",
)
# not serialisable: no client can send it in a context (the pattern of
# social_workflow_mixin); only _move_to_commune writes the commune with it
_MOVE = object()
# decisions that have been (or are being) paid: from then on the months of each
# commune must be known
PAID_STATES = ("active", "suspended", "ended")


class ResPartner(models.Model):
    _inherit = "res.partner"

    move_ids = fields.One2many(
        "social.beneficiary.move",
        "partner_id",
        string="Moves",
        readonly=True,
    )

    def write(self, vals):
        if "area_id" in vals and self.env.context.get("social_move") is not _MOVE:
            # who may not write the record at all hears that first
            self.check_access("write")
            self._check_direct_commune_change(vals["area_id"])
        return super().write(vals)

    def _check_direct_commune_change(self, area):
        """Refuse a direct change of commune of people already paid."""
        area_id = area.id if isinstance(area, models.BaseModel) else (area or False)
        # the 2025 merger: an old unit's people go to its successor, no move
        changing = self.filtered(
            lambda partner: partner.area_id.id != area_id
            and area_id not in partner.area_id.sudo().successor_ids.ids
        )
        if not changing:
            return
        groups = (
            self.env["social.allowance"]
            .sudo()
            ._read_group(
                [("partner_id", "in", changing.ids), ("state", "in", PAID_STATES)],
                ["partner_id"],
            )
        )
        paid = self.browse([partner.id for (partner,) in groups])
        if paid:
            raise UserError(
                self.env._(
                    "The commune of %(names)s is not changed by editing it: they "
                    "have an allowance decision in force or already paid. Use the "
                    "button Move to Another Commune, which records the move's "
                    "decision and the first month the new commune pays.",
                    names=", ".join(paid.sudo().mapped("name")),
                )
            )

    def action_move_commune(self):
        """Open the form that records a move to another commune."""
        self.ensure_one()
        self._check_move_role()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_beneficiary.social_beneficiary_move_wizard_action"
        )
        action["context"] = {"default_partner_id": self.id}
        return action

    def _check_move_role(self):
        if not any(self.env.user.has_group(group) for group in MOVE_GROUPS):
            raise UserError(
                self.env._(
                    "Only a commune officer or a manager records a move to another "
                    "commune."
                )
            )
        self.check_access("write")

    def _area_at(self, month):
        """The commune the beneficiary lived in during ``month``."""
        self.ensure_one()
        later = (
            self.sudo()
            .move_ids.filtered(lambda m: m.month > month)
            .sorted(lambda m: (m.month, m.id))
        )
        return later[:1].from_area_id or self.area_id

    def _move_to_commune(self, values):
        """Record a move: ``values`` holds ``to_area_id``, ``month`` (any day of
        the first month the new commune pays), ``decision_ref``,
        ``decision_date`` and ``note``."""
        self._check_move_role()
        self.env["social.beneficiary.move"].flush_model()
        self.env.cr.execute(
            SQL("SELECT id FROM res_partner WHERE id IN %s FOR UPDATE", tuple(self.ids))
        )
        Area = self.env["social.area"].sudo()
        to_area = Area.browse(values.get("to_area_id") or []).exists()
        month = values.get("month")
        month = month and first_of_month(fields.Date.to_date(month))
        decision_date = fields.Date.to_date(values.get("decision_date"))
        problems = []
        if not to_area or to_area.level != "commune":
            problems.append(self.env._("Choose the commune the beneficiary moves to."))
        if not month:
            problems.append(
                self.env._("Enter the first month paid by the new commune.")
            )
        if not (values.get("decision_ref") or "").strip():
            problems.append(self.env._("Enter the number of the move's decision."))
        if not decision_date:
            problems.append(self.env._("Enter the date of the move's decision."))
        elif decision_date > fields.Date.context_today(self):
            problems.append(
                self.env._(
                    "The move's decision is dated %(date)s, in the future.",
                    date=decision_date.strftime("%d/%m/%Y"),
                )
            )
        for partner in self:
            if not partner.is_beneficiary or not partner.area_id:
                problems.append(
                    self.env._(
                        "%(name)s is not a beneficiary of a commune.",
                        name=partner.name,
                    )
                )
                continue
            if to_area and partner.area_id == to_area:
                problems.append(
                    self.env._(
                        "%(name)s already lives in %(commune)s.",
                        name=partner.name,
                        commune=to_area.display_name,
                    )
                )
            last = partner.sudo().move_ids.sorted(lambda m: (m.month, m.id))[-1:]
            if month and last and month <= last.month:
                problems.append(
                    self.env._(
                        "%(name)s moved to %(commune)s from %(last)s: a new move "
                        "starts after that month.",
                        name=partner.name,
                        commune=last.to_area_id.display_name,
                        last=last.month.strftime("%m/%Y"),
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        for partner in self:
            old_area = partner.area_id
            self.env["social.beneficiary.move"].sudo()._workflow_create(
                [
                    {
                        "partner_id": partner.id,
                        "from_area_id": old_area.id,
                        "to_area_id": to_area.id,
                        "month": month,
                        "decision_ref": values["decision_ref"].strip(),
                        "decision_date": decision_date,
                        "note": values.get("note") or False,
                        "recorded_by_id": self.env.uid,
                    }
                ]
            )
            # the officer of the old commune records the move; the record then
            # belongs to the new commune (its rules no longer show it to them)
            partner.sudo().with_context(social_move=_MOVE).write(
                {"area_id": to_area.id}
            )
            partner._message_log(
                body=self.env._(
                    "Moved from %(old)s to %(new)s by decision %(ref)s of %(date)s: "
                    "%(old)s pays up to %(last)s, %(new)s from %(month)s (recorded "
                    "by %(user)s).",
                    old=old_area.display_name,
                    new=to_area.display_name,
                    ref=values["decision_ref"].strip(),
                    date=decision_date.strftime("%d/%m/%Y"),
                    last=(month - relativedelta(months=1)).strftime("%m/%Y"),
                    month=month.strftime("%m/%Y"),
                    user=self.env.user.name,
                )
            )
        return True
