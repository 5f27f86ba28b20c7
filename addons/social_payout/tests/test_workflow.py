# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SocialPayoutCommon


@tagged("post_install", "-at_install")
class TestWorkflow(SocialPayoutCommon):
    def _as(self, user, batch=None):
        return (batch or self.batch_july).with_user(user)

    def _assert_refused(self, user, method, exception, message, batch=None, **kwargs):
        batch = batch or self.batch_july
        state = batch.state
        with self.assertRaisesRegex(exception, message):
            getattr(self._as(user, batch), method)(**kwargs)
        batch.invalidate_recordset()
        self.assertEqual(batch.state, state)

    def test_full_cycle_by_roles(self):
        self._as(self.officer).action_submit()
        self.assertEqual(self.batch_july.state, "submitted")
        self.assertEqual(self.batch_july.submitted_by, self.officer)
        self._as(self.approver).action_approve()
        self.assertEqual(self.batch_july.state, "approved")
        self.assertEqual(self.batch_july.approved_by, self.approver)
        self._as(self.finance).action_transfer()
        self.assertEqual(self.batch_july.state, "transferred")
        self.assertTrue(self.batch_july.transfer_move_id)
        bodies = " ".join(self.batch_july.message_ids.mapped("body"))
        for text in (
            "Submitted for approval by po_officer",
            "Approved by po_approver",
            "Transferred to the provider",
        ):
            self.assertIn(text, bodies)
        self.batch_july._set_settled()
        self.assertEqual(self.batch_july.state, "settled")

    def test_submitter_cannot_approve(self):
        self._as(self.officer_approver).action_submit()
        self._assert_refused(
            self.officer_approver,
            "action_approve",
            UserError,
            "was submitted by po_officer_approver.*: whoever submitted a batch "
            "cannot approve it",
        )
        self.assertFalse(self.batch_july.approved_by)

    def test_officer_cannot_approve_or_transfer(self):
        self._as(self.officer).action_submit()
        self._assert_refused(
            self.officer,
            "action_approve",
            AccessError,
            "do not allow you to approve payout batches",
        )
        self._as(self.approver).action_approve()
        self._assert_refused(
            self.officer,
            "action_transfer",
            AccessError,
            "do not allow you to transfer payout batches",
        )
        self._assert_refused(
            self.approver,
            "action_transfer",
            AccessError,
            "do not allow you to transfer payout batches",
        )
        self.assertFalse(self.batch_july.transfer_move_id)

    def test_finance_and_auditor_cannot_prepare(self):
        for user in (self.finance, self.auditor, self.approver):
            self._assert_refused(
                user,
                "action_submit",
                AccessError,
                "do not allow you to submit payout batches",
            )
            self._assert_refused(
                user,
                "action_generate_lines",
                AccessError,
                "do not allow you to generate payout lines",
            )
        self._assert_refused(
            self.auditor,
            "action_approve",
            AccessError,
            "do not allow you to approve payout batches",
        )
        self._assert_refused(
            self.finance,
            "action_cancel",
            AccessError,
            "do not allow you to cancel payout batches",
            reason="x",
        )

    def test_auditor_reads_only(self):
        batch = self._as(self.auditor)
        self.assertEqual(batch.amount_total, self.batch_july.amount_total)
        with self.assertRaises(AccessError):
            batch.write({"transfer_date": "2024-07-20"})
        self.assertFalse(self.batch_july.transfer_date)

    def test_wrong_state_refused_with_every_problem(self):
        self._assert_refused(
            self.approver,
            "action_approve",
            UserError,
            "is Draft: only a batch in Submitted can be approved",
        )
        self._assert_refused(
            self.finance,
            "action_transfer",
            UserError,
            "is Draft: only a batch in Approved can be transferred",
        )
        self._assert_refused(
            self.officer,
            "action_reset_to_draft",
            UserError,
            "is Draft: only a batch in Submitted can go back to draft",
        )
        both = self.batch_june | self.batch_july
        with self.assertRaisesRegex(
            UserError, f"(?s){self.batch_june.name}.*{self.batch_july.name}"
        ):
            both.with_user(self.approver).action_approve()
        self.assertEqual(set(both.mapped("state")), {"draft"})

    def test_submit_empty_batch_refused(self):
        empty = self._batch(self.JULY, area=self.district_2)
        self.assertEqual(empty.line_count, 0)
        self._assert_refused(
            self.officer_other,
            "action_submit",
            UserError,
            "has no lines: generate them first",
            batch=empty,
        )

    def test_reset_to_draft_and_regenerate(self):
        self._as(self.officer).action_submit()
        self._assert_refused(
            self.officer,
            "action_generate_lines",
            UserError,
            "is Submitted: its lines are generated only while it is Draft",
        )
        self._as(self.officer).action_reset_to_draft()
        self.assertEqual(self.batch_july.state, "draft")
        self.assertFalse(self.batch_july.submitted_by)

    def test_cancel_with_reason_wizard(self):
        self._as(self.officer).action_submit()
        action = self._as(self.officer).action_cancel()
        self.assertEqual(action["res_model"], "social.payout.cancel.wizard")
        wizard_env = self.env["social.payout.cancel.wizard"].with_user(self.officer)
        form = Form(wizard_env.with_context(**action["context"]))
        form.reason = "Duplicate list"
        form.save().action_confirm()
        self.assertEqual(self.batch_july.state, "cancelled")
        self.assertEqual(self.batch_july.cancel_reason, "Duplicate list")
        self._assert_refused(
            self.officer,
            "action_reset_to_draft",
            UserError,
            "is Cancelled: only a batch in Submitted can go back to draft",
        )

    def test_cancel_after_transfer_refused(self):
        self._as(self.officer).action_submit()
        self._as(self.approver).action_approve()
        self._as(self.finance).action_transfer()
        self._assert_refused(
            self.approver,
            "action_cancel",
            UserError,
            "is Transferred: only a batch in Draft, Submitted, Approved can be "
            "cancelled",
            reason="too late",
        )

    def test_submit_warnings_wizard(self):
        action = self._as(self.officer).action_request_submit()
        self.assertEqual(action["res_model"], "social.payout.submit.wizard")
        wizard = (
            self.env["social.payout.submit.wizard"]
            .with_user(self.officer)
            .browse(action["res_id"])
        )
        self.assertIn(
            self._line(self.batch_july, self.proxy_ben), wizard.warning_line_ids
        )
        self.assertIn("Accounts changed since last month", str(wizard.warning_html))
        self.assertIn("not valid for the month", str(wizard.warning_html))
        self.assertEqual(self.batch_july.state, "draft")
        wizard.action_confirm()
        self.assertEqual(self.batch_july.state, "submitted")

    def test_account_change_after_approval_needs_new_approval(self):
        self._as(self.officer).action_submit()
        self._as(self.approver).action_approve()
        line = self._line(self.batch_july, self.alive).with_user(self.officer)
        new_account = self._account(self.alive, "0011000000099")
        line.bank_account_id = new_account
        self.assertEqual(self.batch_july.state, "submitted")
        self.assertFalse(self.batch_july.approved_by)
        bodies = " ".join(self.batch_july.message_ids.mapped("body"))
        self.assertIn("0011000000099", bodies)
        self.assertIn("needs approval again", bodies)

    def test_account_change_after_transfer_refused(self):
        self._as(self.officer).action_submit()
        self._as(self.approver).action_approve()
        self._as(self.finance).action_transfer()
        line = self._line(self.batch_july, self.alive).with_user(self.officer)
        new_account = self._account(self.alive, "0011000000098")
        with self.assertRaisesRegex(
            UserError, "cannot change once the batch is Transferred"
        ):
            line.bank_account_id = new_account
        line.invalidate_recordset()
        self.assertEqual(line.bank_account_id, self.alive_account)

    def test_batch_form_normalises_month(self):
        form = Form(self.env["social.payout.batch"].with_user(self.officer_other))
        form.program_id = self.program
        form.period = "2024-09-17"
        form.area_id = self.district_2
        form.provider_id = self.provider
        batch = form.save()
        self.assertEqual(str(batch.period), "2024-09-01")
        self.assertTrue(batch.name.startswith("CT/"))

    def test_reset_to_draft_by_role(self):
        self._as(self.officer).action_submit()
        for user in (self.finance, self.auditor):
            self._assert_refused(
                user,
                "action_reset_to_draft",
                AccessError,
                "do not allow you to send payout batches back to draft",
            )
        self.assertEqual(self.batch_july.submitted_by, self.officer)
        self._as(self.approver).action_reset_to_draft()
        self.assertEqual(self.batch_july.state, "draft")
        bodies = " ".join(self.batch_july.message_ids.mapped("body"))
        self.assertIn("Reset to draft by po_approver", bodies)
