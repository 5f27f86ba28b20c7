# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialPayoutCommon


@tagged("post_install", "-at_install")
class TestTransfer(SocialPayoutCommon):
    def test_transfer_entry(self):
        batch = self.batch_june
        self._approve(batch)
        batch.with_user(self.finance).action_transfer()
        move = batch.transfer_move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company.social_payout_journal_id)
        self.assertAlmostEqual(
            sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
        )
        clearing = move.line_ids.filtered(
            lambda ml: ml.account_id == self.company.social_clearing_account_id
        )
        funding = move.line_ids.filtered(
            lambda ml: ml.account_id == self.company.social_funding_account_id
        )
        self.assertEqual(len(clearing) + len(funding), len(move.line_ids))
        self.assertEqual(sum(clearing.mapped("debit")), batch.amount_total)
        self.assertEqual(sum(funding.mapped("credit")), batch.amount_total)
        self.assertEqual(clearing.partner_id, self.provider_partner)
        # Grouped per commune and method: Xã An bank, Xã An cash, Xã Bình bank.
        self.assertEqual(len(clearing), 3)
        an_cash = clearing.filtered(
            lambda ml: "Xã An" in ml.name and ml.debit == 720000
        )
        self.assertTrue(an_cash)
        self.assertTrue(self.company.social_clearing_account_id.reconcile)
        # the finance office opens the entry it answers for, read-only
        self.assertEqual(
            move.with_user(self.finance).read(["name"])[0]["name"], move.name
        )
        with self.assertRaises(AccessError):
            move.with_user(self.finance).write({"ref": "edited by hand"})
        self.assertNotEqual(move.sudo().ref, "edited by hand")

    def test_carried_over_money_is_not_transferred_again(self):
        """The provider already holds June's unpaid money: July's transfer
        leaves it out, while July's lines still pay it."""
        self._approve(self.batch_june)
        self.batch_june.with_user(self.finance).action_transfer()
        june_line = self.batch_june.line_ids[:1]
        # what the provider's result file does to a line it could not pay
        june_line.sudo()._workflow_write({"state": "failed"})
        unpaid = june_line.amount
        Batch = type(self.env["social.payout.batch"])

        def carry(batch, partner_ids):
            if june_line.partner_id.id in partner_ids:
                return {june_line.partner_id.id: (unpaid, [june_line.id])}
            return {}

        with patch.object(Batch, "_get_carry_over", carry):
            self.batch_july.with_user(self.officer).action_generate_lines()
        batch = self.batch_july
        self.assertTrue(unpaid)
        self.assertEqual(batch.carry_over_total, unpaid)
        self.assertEqual(batch.transfer_amount, batch.amount_total - unpaid)
        self._approve(batch)
        batch.with_user(self.finance).action_transfer()
        clearing = batch.transfer_move_id.line_ids.filtered(
            lambda ml: ml.account_id == self.company.social_clearing_account_id
        )
        self.assertEqual(sum(clearing.mapped("debit")), batch.amount_total - unpaid)
        self.assertEqual(
            sum(batch.transfer_move_id.line_ids.mapped("credit")),
            batch.amount_total - unpaid,
        )

    def test_transfer_needs_settings(self):
        batch = self.batch_june
        self._approve(batch)
        self.company.social_funding_account_id = False
        with self.assertRaisesRegex(
            UserError, "set the treasury funding account in the settings"
        ):
            batch.with_user(self.finance).action_transfer()
        self.assertEqual(batch.state, "approved")
        self.assertFalse(batch.transfer_move_id)

    def test_missing_settings_take_the_administrator_to_them(self):
        """Whoever may change the settings gets a button to them; everybody
        else the same message without it."""
        batch = self.batch_june
        self._approve(batch)
        self.company.social_payout_journal_id = False
        admin_finance = new_test_user(
            self.env,
            login="finance_admin",
            groups="base.group_user,base.group_system,"
            "social_beneficiary.group_social_finance",
            social_area_ids=[(6, 0, self.finance.social_area_ids.ids)],
        )
        with self.assertRaises(RedirectWarning) as caught:
            batch.with_user(admin_finance).action_transfer()
        message, action_id, button = caught.exception.args[:3]
        self.assertIn("set the payout journal in the settings", message)
        self.assertEqual(
            action_id,
            self.env.ref("social_payout.social_payout_config_settings_action").id,
        )
        self.assertTrue(button)
        self.assertEqual(batch.state, "approved")
        self.assertFalse(batch.transfer_move_id)

    def test_transfer_entry_follows_the_accounting_hook(self):
        """A paying unit with another layout overrides one hook: the entry is
        built by _prepare_transfer_move_vals and nothing else."""
        batch = self.batch_june
        self._approve(batch)
        other_funding = self.company.social_bank_account_id
        Batch = type(self.env["social.payout.batch"])
        original = Batch._social_accounts

        def other_accounts(record, company, provider):
            return dict(original(record, company, provider), funding=other_funding)

        with patch.object(Batch, "_social_accounts", other_accounts):
            batch.with_user(self.finance).action_transfer()
        credit = batch.sudo().transfer_move_id.line_ids.filtered("credit")
        self.assertEqual(credit.account_id, other_funding)
        self.assertEqual(credit.credit, batch.transfer_amount)

    def test_suggested_accounts(self):
        company = self.company
        expected = {
            "social_clearing_account_id": ("331", "liability_current", True),
            "social_funding_account_id": ("3371", "liability_current", False),
            "social_expense_account_id": ("611", "expense", False),
            "social_fee_account_id": ("6118", "expense", False),
            "social_fee_payable_account_id": ("3318", "liability_current", True),
            "social_revenue_account_id": ("511", "income", False),
            "social_bank_account_id": ("112", "asset_cash", False),
        }
        for field_name, (code, account_type, reconcile) in expected.items():
            account = company[field_name]
            self.assertEqual(account.code, code, field_name)
            self.assertEqual(account.account_type, account_type, field_name)
            self.assertEqual(account.reconcile, reconcile, field_name)
        self.assertEqual(company.social_revenue_counterpart_account_id.code, "3371")
        self.assertEqual(company.social_payout_journal_id.type, "general")
        # Idempotent: running it again creates nothing.
        count = self.env["account.account"].search_count([])
        settings = self.env["res.config.settings"].create({})
        settings.action_social_create_suggested_accounts()
        self.assertEqual(self.env["account.account"].search_count([]), count)
        self.assertEqual(settings.social_clearing_account_id.code, "331")

    def test_settings_form(self):
        expense = self.env["account.account"].create(
            {"code": "61129", "name": "Chi trợ cấp khác", "account_type": "expense"}
        )
        form = Form(self.env["res.config.settings"])
        self.assertEqual(form.social_clearing_account_id.code, "331")
        form.social_expense_account_id = expense
        form.save().execute()
        self.assertEqual(self.company.social_expense_account_id, expense)
