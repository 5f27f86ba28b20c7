# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models

# Suggested defaults of the administrative accounting regime (Thông tư 24/2024):
# the unit's accountant confirms or replaces them in Settings.
SUGGESTED_ACCOUNTS = {
    "social_clearing_account_id": (
        "331",
        "Phải trả tổ chức chi trả",
        "liability_current",
        True,
    ),
    "social_funding_account_id": (
        "3371",
        "Kinh phí hoạt động bằng tiền",
        "liability_current",
        False,
    ),
    "social_expense_account_id": (
        "611",
        "Chi phí hoạt động - chi trợ cấp",
        "expense",
        False,
    ),
    "social_fee_account_id": ("6118", "Chi phí dịch vụ chi trả", "expense", False),
    "social_fee_payable_account_id": (
        "3318",
        "Phải trả phí dịch vụ chi trả",
        "liability_current",
        True,
    ),
    "social_revenue_account_id": ("511", "Thu hoạt động do NSNN cấp", "income", False),
    "social_bank_account_id": (
        "112",
        "Tiền gửi Ngân hàng, Kho bạc",
        "asset_cash",
        False,
    ),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    social_payout_journal_id = fields.Many2one(
        "account.journal",
        string="Social Payout Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
    )
    social_funding_account_id = fields.Many2one(
        "account.account",
        string="Treasury Funding Account",
        check_company=True,
        help="Credited when the batch total is transferred to the provider "
        "(3371 or 112).",
    )
    social_clearing_account_id = fields.Many2one(
        "account.account",
        string="Provider Clearing Account",
        check_company=True,
        help="Reconcilable account holding what each provider still owes (331): "
        "debited on transfer, credited on settlement.",
    )
    social_expense_account_id = fields.Many2one(
        "account.account", string="Allowance Expense Account", check_company=True
    )
    social_fee_account_id = fields.Many2one(
        "account.account", string="Fee Expense Account", check_company=True
    )
    social_fee_payable_account_id = fields.Many2one(
        "account.account", string="Fee Payable Account", check_company=True
    )
    social_revenue_account_id = fields.Many2one(
        "account.account",
        string="Budget Revenue Account",
        check_company=True,
        help="Optional: credited when budget revenue is recognised (511).",
    )
    social_revenue_counterpart_account_id = fields.Many2one(
        "account.account",
        string="Budget Revenue Counterpart Account",
        check_company=True,
        help="Optional: debited when budget revenue is recognised (3371).",
    )
    social_bank_account_id = fields.Many2one(
        "account.account",
        string="Treasury Bank Account",
        check_company=True,
        help="Debited when unpaid money is refunded instead of carried over (112).",
    )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("social_payout_journal_id"):
            # the payout journal secures its posted entries (never edited)
            journals = self.social_payout_journal_id.filtered(
                lambda j: not j.restrict_mode_hash_table
            )
            if journals:
                journals.sudo().restrict_mode_hash_table = True
        return res

    def _social_find_or_create_account(self, code, name, account_type, reconcile):
        self.ensure_one()
        Account = self.env["account.account"].with_company(self)
        account = Account.search(
            [
                *Account._check_company_domain(self),
                ("code", "=", code),
            ],
            limit=1,
        )
        if account:
            return account
        return Account.create(
            {
                "code": code,
                "name": name,
                "account_type": account_type,
                "reconcile": reconcile,
                "company_ids": [Command.link(self.id)],
            }
        )

    def action_social_create_suggested_accounts(self):
        """Fill the empty settings with the suggested public-sector accounts and
        a general journal; settings already filled are kept."""
        for company in self:
            vals = {}
            for field_name, spec in SUGGESTED_ACCOUNTS.items():
                if not company[field_name]:
                    vals[field_name] = company._social_find_or_create_account(*spec).id
            if not company.social_revenue_counterpart_account_id:
                vals["social_revenue_counterpart_account_id"] = vals.get(
                    "social_funding_account_id", company.social_funding_account_id.id
                )
            if not company.social_payout_journal_id:
                journal = self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("code", "=", "SPAY"),
                    ],
                    limit=1,
                )
                if not journal:
                    journal = (
                        self.env["account.journal"]
                        .with_company(company)
                        .create(
                            {
                                "name": self.env._("Social Allowance Payouts"),
                                "code": "SPAY",
                                "type": "general",
                                "company_id": company.id,
                                # posted entries secured: never edited
                                "restrict_mode_hash_table": True,
                            }
                        )
                    )
                vals["social_payout_journal_id"] = journal.id
            journal = self.env["account.journal"].browse(
                vals.get(
                    "social_payout_journal_id", company.social_payout_journal_id.id
                )
            )
            if journal and not journal.restrict_mode_hash_table:
                journal.restrict_mode_hash_table = True
            if vals:
                company.write(vals)
        return True
