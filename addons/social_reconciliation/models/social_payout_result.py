# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.social_payout.models.social_payout_fee_rule import PAYMENT_METHODS


class SocialPayoutResult(models.Model):
    """One row of a provider's result file, matched to its payout line.

    Rows are written set-based by the import (no mail.thread here); the
    commune, method and planned amount are copied from the line at import so
    that totals group without joining the lines.

    No create/write user and date columns (``_log_access``): a row is never
    edited, and who imported the file when is the reconciliation's (its
    chatter note with the file attached). Each of those user columns was a
    foreign key that PostgreSQL checked on every row imported, a seventh of
    the import of a 100,000-row file (README, "Benchmarks").
    """

    _name = "social.payout.result"
    _description = "Payout Result"
    _inherit = ["social.workflow.mixin"]
    _log_access = False
    _workflow_records_only = True
    _order = "reconciliation_id, row, id"
    _rec_name = "reference"

    reconciliation_id = fields.Many2one(
        "social.payout.reconciliation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    line_id = fields.Many2one(
        "social.payout.line", string="Payout Line", required=True, index=True
    )
    reference = fields.Char(required=True)
    status = fields.Selection([("paid", "Paid"), ("failed", "Unpaid")], required=True)
    currency_id = fields.Many2one(related="reconciliation_id.currency_id")
    amount_paid = fields.Monetary()
    paid_date = fields.Date()
    provider_ref = fields.Char(string="Provider Reference")
    reason = fields.Char()
    row = fields.Integer(string="File Row")
    planned_amount = fields.Monetary()
    fee_amount = fields.Monetary(string="Fee")
    partner_id = fields.Many2one("res.partner", string="Beneficiary")
    area_id = fields.Many2one("social.area", string="Commune")
    method = fields.Selection(PAYMENT_METHODS)

    # The rows are the provider's evidence: only the import writes them (in
    # SQL) and only replacing a draft's results or deleting a draft removes
    # them. Nobody, administrators included, creates, edits or deletes one.
    def _workflow_records_refusal(self):
        return self.env._(
            "Payout results come only from the provider's result file: "
            "import a corrected file instead of creating, editing or "
            "deleting results."
        )
