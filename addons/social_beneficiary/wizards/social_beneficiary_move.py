"""The form in which the commune officer records a beneficiary's move to
another commune (the checks live in the beneficiary)."""

from odoo import fields, models


class SocialBeneficiaryMoveWizard(models.TransientModel):
    _name = "social.beneficiary.move.wizard"
    _description = "Move to Another Commune"

    partner_id = fields.Many2one("res.partner", string="Beneficiary", required=True)
    from_area_id = fields.Many2one(related="partner_id.area_id", string="From Commune")
    to_area_id = fields.Many2one(
        "social.area",
        string="To Commune",
        required=True,
        domain=[("level", "=", "commune")],
    )
    month = fields.Date(
        string="Paid by the New Commune From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The old commune pays up to the month before.",
    )
    decision_ref = fields.Char(string="Decision Number", required=True)
    decision_date = fields.Date(required=True)
    note = fields.Text()

    def action_apply(self):
        self.ensure_one()
        self.partner_id._move_to_commune(
            {
                "to_area_id": self.to_area_id.id,
                "month": self.month,
                "decision_ref": self.decision_ref,
                "decision_date": self.decision_date,
                "note": self.note,
            }
        )
        return {"type": "ir.actions.act_window_close"}
