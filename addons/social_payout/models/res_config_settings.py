# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_payout_journal_id = fields.Many2one(
        related="company_id.social_payout_journal_id", readonly=False
    )
    social_funding_account_id = fields.Many2one(
        related="company_id.social_funding_account_id", readonly=False
    )
    social_clearing_account_id = fields.Many2one(
        related="company_id.social_clearing_account_id", readonly=False
    )
    social_expense_account_id = fields.Many2one(
        related="company_id.social_expense_account_id", readonly=False
    )
    social_fee_account_id = fields.Many2one(
        related="company_id.social_fee_account_id", readonly=False
    )
    social_fee_payable_account_id = fields.Many2one(
        related="company_id.social_fee_payable_account_id", readonly=False
    )
    social_revenue_account_id = fields.Many2one(
        related="company_id.social_revenue_account_id", readonly=False
    )
    social_revenue_counterpart_account_id = fields.Many2one(
        related="company_id.social_revenue_counterpart_account_id", readonly=False
    )
    social_bank_account_id = fields.Many2one(
        related="company_id.social_bank_account_id", readonly=False
    )

    def action_social_create_suggested_accounts(self):
        self.ensure_one()
        self.company_id.action_social_create_suggested_accounts()
        return {"type": "ir.actions.client", "tag": "reload"}
