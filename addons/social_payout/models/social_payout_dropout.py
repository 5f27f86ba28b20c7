# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

DROPOUT_REASONS = [
    ("ended", "Death or allowance ended"),
    ("moved", "Moved to another commune"),
    ("suspended", "Allowance suspended"),
    ("other_batch", "Paid in another batch"),
    ("not_due", "Nothing due"),
]


class SocialPayoutDropout(models.Model):
    """Beneficiaries paid in the previous month's batch who are not in this one
    (giảm), with the reason found in the registry at generation."""

    _name = "social.payout.dropout"
    _description = "Payout Dropout"
    # found by the generation only: the list of decreases is evidence
    _inherit = ["social.workflow.mixin"]
    _workflow_records_only = True
    _order = "batch_id, area_id, partner_id"

    batch_id = fields.Many2one(
        "social.payout.batch", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", string="Beneficiary", required=True)
    area_id = fields.Many2one(
        "social.area", string="Commune", help="Commune of the previous month's line."
    )
    current_area_id = fields.Many2one("social.area", string="Current Commune")
    previous_line_id = fields.Many2one("social.payout.line", ondelete="set null")
    currency_id = fields.Many2one(related="batch_id.currency_id")
    previous_amount = fields.Monetary()
    reason = fields.Selection(DROPOUT_REASONS, required=True)
    date_end = fields.Date(string="Allowance End")

    def _workflow_records_refusal(self):
        return self.env._(
            "Dropouts are found by the generation of their batch only: they "
            "cannot be created, changed or deleted by hand."
        )
