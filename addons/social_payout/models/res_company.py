# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

# Allowances are decided, transferred and settled in đồng: a batch's amounts are
# the company's currency, so the books of a paying unit are kept in VND.
PAYOUT_CURRENCY = "VND"

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

    @api.constrains("currency_id", "social_payout_journal_id")
    def _check_social_payout_currency(self):
        for company in self:
            if company.social_payout_journal_id and (
                company.currency_id.name != PAYOUT_CURRENCY
            ):
                raise ValidationError(
                    self.env._(
                        "The books of %(company)s are kept in %(currency)s: social "
                        "allowances are paid in Vietnamese đồng (VND), so the payout "
                        "settings need a company whose currency is VND.",
                        company=company.name,
                        currency=company.currency_id.name,
                    )
                )

    def _social_load_chart(self):
        """The Vietnamese chart of accounts, in VND, on a company that has no
        chart yet: loaded now, so that the suite's accounts are made on top of
        it and no other chart (Odoo's generic one, in USD, with its sample
        invoices) is loaded later."""
        for company in self.filtered(lambda c: not c.chart_template):
            self.env["account.chart.template"].try_loading(
                "vn", company, install_demo=False
            )
        return True

    @api.model
    def _social_demo_remove_sample_company(self):
        """Demo: the Vietnamese localisation's demo brings a sample company
        full of sample invoices; the paying unit's demo has none of it."""
        sample = self.env.ref("base.demo_company_vn", raise_if_not_found=False)
        if not sample or sample == self.env.ref("base.main_company"):
            return False
        self.env["account.move"].sudo().search(
            [("company_id", "=", sample.id)]
        ).with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_ids", "in", sample.ids)])
        )
        main = self.env.ref("base.main_company")
        for user in users:
            vals = {"company_ids": [Command.unlink(sample.id)]}
            if user.company_id == sample:
                vals["company_id"] = main.id
            user.write(vals)
        sample.active = False
        return True

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
                    journal._social_translate_name("Social Allowance Payouts")
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


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _social_translate_name(self, source):
        """The journal's name in every installed language (its name is a
        translatable field): a Vietnamese user reads "Chi trả trợ cấp xã hội"."""
        translations = {
            code: self.with_context(lang=code).env._(source)  # pylint: disable=translation-not-lazy
            for code, _name in self.env["res.lang"].get_installed()
        }
        self.update_field_translations("name", translations)
