# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestSettlement(SocialReconciliationCommon):
    def _clearing_balance(self):
        clearing = self.provider._get_clearing_account()
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", clearing.id),
                ("partner_id", "=", self.provider_partner.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def _reconciliation(self, failed=()):
        rows = self._result_rows(self.batch, failed=failed)
        return self._import(self.batch, self._csv(rows), "result.csv")

    def test_validate_applies_results_to_lines(self):
        reconciliation = self._reconciliation(failed=self.binh)
        reconciliation.action_validate()
        self.assertEqual(reconciliation.state, "validated")
        line_an = self._line(self.batch, self.an)
        self.assertEqual(line_an.state, "paid")
        self.assertEqual(line_an.paid_amount, 750000)
        self.assertEqual(str(line_an.paid_date), "2025-01-10")
        self.assertEqual(line_an.provider_ref, f"GD{line_an.id:06d}")
        self.assertEqual(line_an.fee_amount, 3750)
        line_binh = self._line(self.batch, self.binh)
        self.assertEqual(line_binh.state, "failed")
        self.assertEqual(line_binh.paid_amount, 0)
        self.assertEqual(line_binh.failure_reason, "Vắng nhà, không liên lạc được")
        # The fee is owed on what was paid only.
        self.assertEqual(line_binh.fee_amount, 0)
        self.assertEqual(self.batch.sudo().fee_total, 3750 * 2 + 6000)
        self.assertEqual(self.batch.unpaid_line_count, 1)

    def test_clean_file_settles_batch_balanced_clearing_equals_unpaid(self):
        transfer = self.batch.sudo().transfer_move_id
        transfer_lines = [
            (line.account_id.id, line.debit, line.credit) for line in transfer.line_ids
        ]
        reconciliation = self._reconciliation(failed=self.binh)
        reconciliation.action_validate()
        reconciliation.action_settle()
        self.assertEqual(reconciliation.state, "settled")
        self.assertEqual(self.batch.sudo().state, "settled")
        moves = reconciliation.sudo().move_ids
        # Paid, fee and (configured by the suggested accounts) budget revenue.
        self.assertEqual(len(moves), 3)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        for move in moves:
            self.assertEqual(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
            )
        company = self.company
        expense = moves.line_ids.filtered(
            lambda line: line.account_id == company.social_expense_account_id
        )
        # Grouped per commune and method, not per beneficiary.
        self.assertEqual(len(expense), 3)
        self.assertEqual(sum(expense.mapped("debit")), 2250000)
        fee_payable = moves.line_ids.filtered(
            lambda line: line.account_id == self.provider._get_fee_payable_account()
        )
        self.assertEqual(sum(fee_payable.mapped("credit")), 13500)
        self.assertEqual(fee_payable.partner_id, self.provider_partner)
        revenue = moves.line_ids.filtered(
            lambda line: line.account_id == company.social_revenue_account_id
        )
        self.assertEqual(sum(revenue.mapped("credit")), 2250000 + 13500)
        # The provider still holds exactly the unpaid money.
        self.assertEqual(self._clearing_balance(), 1000000)
        clearing = self.provider._get_clearing_account()
        residual = sum(
            transfer.line_ids.filtered(lambda line: line.account_id == clearing).mapped(
                "amount_residual"
            )
        )
        self.assertEqual(residual, 1000000)
        # Posted moves are never edited.
        self.assertEqual(
            [
                (line.account_id.id, line.debit, line.credit)
                for line in transfer.line_ids
            ],
            transfer_lines,
        )

    def test_refund_instead_of_carry_over_clears_the_provider(self):
        reconciliation = self._reconciliation(failed=self.binh)
        reconciliation.unpaid_policy = "refund"
        reconciliation.action_validate()
        reconciliation.action_settle()
        refund = reconciliation.sudo().move_ids.line_ids.filtered(
            lambda line: line.account_id == self.company.social_bank_account_id
        )
        self.assertEqual(sum(refund.mapped("debit")), 1000000)
        self.assertEqual(self._clearing_balance(), 0)
        clearing = self.provider._get_clearing_account()
        transferred = self.batch.sudo().transfer_move_id.line_ids.filtered(
            lambda line: line.account_id == clearing
        )
        self.assertTrue(transferred)
        self.assertEqual(transferred.mapped("reconciled"), [True] * len(transferred))

    def test_everything_paid_leaves_nothing_with_the_provider(self):
        reconciliation = self._reconciliation()
        reconciliation.action_validate()
        reconciliation.action_settle()
        self.assertEqual(self._clearing_balance(), 0)
        self.assertEqual(reconciliation.amount_unpaid, 0)

    def test_auditor_cannot_validate(self):
        reconciliation = self._reconciliation(failed=self.binh)
        with self.assertRaisesRegex(AccessError, "Only the finance office"):
            reconciliation.with_user(self.auditor).action_validate()
        self.assertEqual(reconciliation.state, "draft")
        self.assertEqual(set(self.batch.sudo().line_ids.mapped("state")), {"pending"})

    def test_auditor_can_read_reconciliation(self):
        reconciliation = self._reconciliation(failed=self.binh)
        as_auditor = reconciliation.with_user(self.auditor)
        self.assertEqual(as_auditor.amount_unpaid, 1000000)
        self.assertEqual(len(as_auditor.result_ids), 4)

    def test_settle_before_validate_refused(self):
        reconciliation = self._reconciliation()
        with self.assertRaisesRegex(UserError, "only a validated reconciliation"):
            reconciliation.action_settle()
        self.assertEqual(reconciliation.state, "draft")
        self.assertFalse(reconciliation.sudo().move_ids)
        self.assertEqual(self.batch.sudo().state, "transferred")

    def test_validate_twice_refused(self):
        reconciliation = self._reconciliation()
        reconciliation.action_validate()
        with self.assertRaisesRegex(UserError, "only a draft reconciliation"):
            reconciliation.action_validate()
        self.assertEqual(reconciliation.state, "validated")

    def test_settle_without_configuration_refused(self):
        reconciliation = self._reconciliation(failed=self.binh)
        reconciliation.action_validate()
        self.company.social_expense_account_id = False
        moves_before = self.env["account.move"].sudo().search_count([])
        with self.assertRaisesRegex(
            UserError, "set the allowance expense account in the settings"
        ):
            reconciliation.action_settle()
        self.assertEqual(reconciliation.state, "validated")
        self.assertEqual(self.env["account.move"].sudo().search_count([]), moves_before)
        self.assertEqual(self.batch.sudo().state, "transferred")

    def test_only_draft_reconciliation_can_be_deleted(self):
        reconciliation = self._reconciliation()
        reconciliation.action_validate()
        manager = self._user("rc_manager", "manager", self.district)
        with self.assertRaisesRegex(UserError, "Only draft reconciliations can be"):
            reconciliation.with_user(manager).unlink()
        self.assertTrue(reconciliation.exists())
        self.assertEqual(reconciliation.state, "validated")

    def test_form_opens_for_finance_and_auditor(self):
        reconciliation = self._reconciliation(failed=self.binh)
        reconciliation.action_validate()
        reconciliation.action_settle()
        for user in (self.finance, self.auditor):
            form = Form(reconciliation.with_user(user))
            self.assertEqual(form.state, "settled")
            self.assertEqual(form.amount_unpaid, 1000000)
            self.assertEqual(len(form.summary_ids), 4)
            self.assertEqual(len(form.unpaid_result_ids), 1)
