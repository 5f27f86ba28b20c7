# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the external API must not do to the entries of a payout: a transfer
entry is neither reset to draft nor edited, by an accountant or the
administrator; a reversed transfer balances the books. Each refusal checks the
message and that nothing changed."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SocialPayoutIntegrityCommon


@tagged("post_install", "-at_install")
class TestIntegrityEntries(SocialPayoutIntegrityCommon):
    # ----------------------------------------------------------- entries

    def test_transfer_entry_cannot_be_reset_or_edited(self):
        batch = self._transfer()
        move = batch.sudo().transfer_move_id
        self.assertTrue(move.journal_id.restrict_mode_hash_table)
        accountant = self._user("po_accountant", "finance", self.district)
        accountant.groups_id = [
            Command.link(self.env.ref("account.group_account_manager").id)
        ]
        message = "belongs to a social allowance payout"
        for user in (accountant, self.admin):
            with self.assertRaisesRegex(UserError, message):
                move.with_user(user).button_draft()
            with self.assertRaisesRegex(UserError, message):
                move.with_user(user).button_cancel()
            with self.assertRaisesRegex(UserError, message):
                move.with_user(user).write({"ref": "edited"})
            with self.assertRaisesRegex(UserError, message):
                move.with_user(user).write({"state": "draft"})
            with self.assertRaisesRegex(UserError, message):
                move.line_ids[:1].with_user(user).write({"name": "edited"})
            with self.assertRaisesRegex(UserError, message):
                move.with_user(user).unlink()
        # Odoo's reversal wizard would leave the batch "transferred"
        moves_before = self.env["account.move"].search_count([])
        for user in (accountant, self.admin):
            wizard = (
                self.env["account.move.reversal"]
                .with_user(user)
                .with_context(active_model="account.move", active_ids=move.ids)
                .create({"journal_id": move.journal_id.id, "reason": "x"})
            )
            with self.assertRaisesRegex(
                UserError, "is reversed from its payout batch only"
            ):
                wizard.reverse_moves()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(batch.state, "transferred")
        move.invalidate_recordset()
        self.assertEqual(move.state, "posted")
        self.assertTrue(move.inalterable_hash)
        self.assertNotEqual(move.ref, "edited")
        self.assertNotIn("edited", move.line_ids.mapped("name"))

    def test_reverse_transfer_balances_the_books(self):
        batch = self._transfer(self.batch_june)
        move = batch.sudo().transfer_move_id
        clearing = self.company.social_clearing_account_id
        MoveLine = self.env["account.move.line"]
        domain = [
            ("account_id", "=", clearing.id),
            ("partner_id", "=", self.provider_partner.id),
            ("parent_state", "=", "posted"),
        ]
        self.assertEqual(
            sum(MoveLine.search(domain).mapped("balance")), batch.amount_total
        )
        for user, exception, message in (
            (self.officer, AccessError, "do not allow you to reverse the transfer of"),
            (self.approver, AccessError, "do not allow you to reverse the transfer of"),
        ):
            with self.assertRaisesRegex(exception, message):
                batch.with_user(user).action_reverse_transfer(reason="x")
        self.assertEqual(batch.state, "transferred")
        action = batch.with_user(self.finance).action_reverse_transfer()
        self.assertEqual(action["res_model"], "social.payout.cancel.wizard")
        wizard = (
            self.env["social.payout.cancel.wizard"]
            .with_user(self.finance)
            .create({"batch_ids": [Command.set(batch.ids)], "reason": "Wrong provider"})
        )
        wizard.action_confirm()
        self.assertEqual(batch.state, "cancelled")
        reversal = batch.sudo().reversal_move_id
        self.assertEqual(reversal.reversed_entry_id, move)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(batch.reversed_by, self.finance)
        self.assertEqual(batch.cancel_reason, "Wrong provider")
        self.assertIn("Wrong provider", reversal.ref)
        self.assertAlmostEqual(
            sum(reversal.line_ids.mapped("debit")),
            sum(reversal.line_ids.mapped("credit")),
        )
        # the provider holds nothing of this batch any more, and the original
        # entry stays as it was, posted
        self.assertEqual(sum(MoveLine.search(domain).mapped("balance")), 0)
        clearing_lines = MoveLine.search(domain)
        self.assertEqual(len(clearing_lines.move_id), 2)  # transfer and reversal
        self.assertEqual(
            clearing_lines.mapped("reconciled"), [True] * len(clearing_lines)
        )
        self.assertEqual(move.state, "posted")
        bodies = " ".join(batch.message_ids.mapped("body"))
        self.assertIn("Transfer reversed", bodies)
        self.assertIn("Wrong provider", bodies)
        # the months are free for another batch, the reversal is protected too
        self.assertTrue(all(batch.line_ids.mapped("is_cancelled")))
        with self.assertRaisesRegex(UserError, "belongs to a social allowance payout"):
            reversal.with_user(self.admin).button_draft()
        with self.assertRaisesRegex(
            UserError,
            "is Cancelled: only a batch in Transferred can have its transfer reversed",
        ):
            batch.with_user(self.finance).action_reverse_transfer(reason="again")
        with self.assertRaisesRegex(UserError, "only draft or cancelled batches"):
            batch.with_user(self.admin).unlink()
        self.assertTrue(batch.exists())
