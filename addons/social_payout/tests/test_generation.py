# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
from datetime import date
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import social_payout_batch_generation as generation_module
from .common import SocialPayoutCommon


@tagged("post_install", "-at_install")
class TestGeneration(SocialPayoutCommon):
    def test_june_lines_before_level_change(self):
        batch = self.batch_june
        self.assertEqual(
            sorted(batch.line_ids.partner_id.ids),
            sorted((self.alive | self.deceased | self.mover | self.proxy_ben).ids),
        )
        self.assertEqual(self._line(batch, self.alive).amount, 540000)
        self.assertEqual(self._line(batch, self.deceased).amount, 720000)
        self.assertEqual(self._line(batch, self.deceased).method, "cash_point")
        self.assertIn("no_registration", self._line(batch, self.deceased).flags)
        proxy_line = self._line(batch, self.proxy_ben)
        self.assertEqual(proxy_line.payee_id, self.proxy)
        self.assertEqual(proxy_line.payee_role, "proxy")
        self.assertEqual(proxy_line.bank_account_id, self.proxy_account)
        self.assertFalse(proxy_line.flags)
        self.assertEqual(batch.amount_total, 540000 * 3 + 720000)
        self.assertEqual(set(batch.line_ids.mapped("change_type")), {"new"})

    def test_july_lines_after_level_change(self):
        batch = self.batch_july
        self.assertEqual(
            sorted(batch.line_ids.partner_id.ids),
            sorted((self.alive | self.proxy_ben | self.late).ids),
        )
        alive = self._line(batch, self.alive)
        self.assertEqual(alive.regular_amount, 750000)
        self.assertEqual(alive.previous_amount, 540000)
        self.assertEqual(alive.change_type, "changed")
        self.assertEqual(alive.fee_amount, 3750)
        self.assertEqual(batch.amount_total, 750000 * 2 + 750000 + 3 * 540000)
        self.assertEqual(batch.fee_total, sum(batch.line_ids.mapped("fee_amount")))

    def test_death_not_paid_from_month_after(self):
        self.assertFalse(self._line(self.batch_july, self.deceased))
        dropout = self.batch_july.dropout_ids.filtered(
            lambda d: d.partner_id == self.deceased
        )
        self.assertEqual(dropout.reason, "ended")
        self.assertEqual(dropout.previous_amount, 720000)
        self.assertEqual(dropout.date_end, date(2024, 6, 15))

    def test_move_to_another_commune(self):
        self.assertFalse(self._line(self.batch_july, self.mover))
        dropout = self.batch_july.dropout_ids.filtered(
            lambda d: d.partner_id == self.mover
        )
        self.assertEqual(dropout.reason, "moved")
        self.assertEqual(dropout.area_id, self.commune_b)
        self.assertEqual(dropout.current_area_id, self.commune_c)
        # The new district pays him from July on, as a new beneficiary.
        other = self._batch(self.JULY, area=self.district_2)
        other.with_user(self.officer_other).action_generate_lines()
        line = self._line(other, self.mover)
        self.assertEqual(line.amount, 750000)
        self.assertEqual(line.change_type, "new")

    def test_late_decision_arrears(self):
        line = self._line(self.batch_july, self.late)
        self.assertEqual(line.regular_amount, 750000)
        self.assertEqual(line.arrears_months, 3)
        self.assertEqual(line.arrears_amount, 3 * 540000)
        self.assertEqual(line.amount, 750000 + 3 * 540000)
        self.assertEqual(line.change_type, "arrears")
        self.assertEqual(line.fee_amount, 11850)
        months = self.env["social.payout.line.month"].search(
            [("line_id", "=", line.id)]
        )
        self.assertEqual(
            sorted(months.mapped("month")),
            [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)],
        )

    def test_long_arrears_wait_for_confirmation(self):
        """Arrears longer than the limit are held until an approver confirms them
        (the limit lowered after the decision was activated)."""
        self.env["ir.config_parameter"].sudo().set_param(
            "social_beneficiary.arrears_months_limit", "2"
        )
        allowance = self.late.allowance_ids
        self.assertFalse(allowance._arrears_payable())
        batch = self.batch_july.with_user(self.officer)
        batch.action_generate_lines()
        line = self._line(batch, self.late)
        self.assertEqual(line.arrears_amount, 0)
        self.assertEqual(line.amount, 750000)

        allowance.with_user(self.approver).action_confirm_arrears()
        self.assertTrue(allowance._arrears_payable())
        batch.action_generate_lines()
        line = self._line(batch, self.late)
        self.assertEqual(line.arrears_months, 3)
        self.assertEqual(line.amount, 750000 + 3 * 540000)

    def test_arrears_paid_once(self):
        """August pays no arrears again: July's batch paid them."""
        august = self._batch(date(2024, 8, 1))
        august.with_user(self.officer).action_generate_lines()
        line = self._line(august, self.late)
        self.assertEqual(line.arrears_amount, 0)
        self.assertEqual(line.amount, 750000)
        self.assertEqual(line.change_type, "continuing")

    def test_proxy_expired_falls_back(self):
        line = self._line(self.batch_july, self.proxy_ben)
        self.assertEqual(line.payee_id, self.proxy_ben)
        self.assertEqual(line.payee_role, "self")
        self.assertEqual(line.bank_account_id, self.proxy_ben_account)
        self.assertIn("representative_expired", line.flags)
        self.assertIn("account_changed", line.flags)
        self.assertTrue(line.has_warning)

    def test_regenerate_gives_same_lines(self):
        def snapshot(batch):
            return sorted(
                batch.line_ids.mapped(
                    lambda line: (
                        line.reference,
                        line.partner_id.id,
                        line.payee_id.id,
                        line.method,
                        line.bank_account_id.id,
                        line.amount,
                        line.arrears_amount,
                        line.fee_amount,
                        line.change_type,
                        line.flags,
                    )
                )
            )

        before = snapshot(self.batch_july)
        dropouts = sorted(
            self.batch_july.dropout_ids.mapped(lambda d: (d.partner_id.id, d.reason))
        )
        self.batch_july.with_user(self.officer).action_generate_lines()
        self.assertEqual(snapshot(self.batch_july), before)
        self.assertEqual(
            sorted(
                self.batch_july.dropout_ids.mapped(
                    lambda d: (d.partner_id.id, d.reason)
                )
            ),
            dropouts,
        )

    def test_error_of_the_copy_reaches_the_caller(self):
        """The lines are copied by a second thread while the next chunk is
        built: its error is raised in the caller's thread, after which no
        thread is left on the cursor and the savepoint undoes the chunks
        already written."""
        batch = self.batch_july
        before = sorted(
            batch.line_ids.mapped(lambda line: (line.reference, line.amount))
        )
        copy_text = generation_module.copy_text
        calls = []

        def copy_then_fail(cr, table, columns, buffer):
            calls.append(table)
            if len(calls) == 2:
                raise RuntimeError("the provider's line could not be written")
            return copy_text(cr, table, columns, buffer)

        with (
            patch.object(generation_module, "CHUNK_SIZE", 1),
            patch.object(generation_module, "copy_text", copy_then_fail),
            self.assertRaisesRegex(RuntimeError, "could not be written"),
            self.cr.savepoint(),
        ):
            batch.with_user(self.officer).action_generate_lines()
        # one chunk per line: the first was written, the second failed
        self.assertEqual(calls, ["social_payout_line"] * 2)
        self.assertFalse(
            [t for t in threading.enumerate() if t.name == "social_payout_generation"]
        )
        batch.invalidate_recordset()
        self.assertEqual(
            sorted(batch.line_ids.mapped(lambda line: (line.reference, line.amount))),
            before,
        )
        # and the batch generates again as before
        batch.with_user(self.officer).action_generate_lines()
        self.assertEqual(
            sorted(batch.line_ids.mapped(lambda line: (line.reference, line.amount))),
            before,
        )

    def test_second_batch_same_month_refused(self):
        count = self.env["social.payout.batch"].search_count([])
        message = "a second batch for the same month is not allowed"
        with self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
            self._batch(self.JULY)
        with self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
            self._batch(self.JULY, area=self.commune_a)
        self.assertEqual(self.env["social.payout.batch"].search_count([]), count)

    def test_same_month_never_paid_twice(self):
        """Another provider's batch for the same month skips those already paid,
        and the database refuses a second row for the same month."""
        other_provider = self.provider.copy({"name": "Bank Test"})
        other = self._batch(self.JULY, provider=other_provider)
        other.with_user(self.officer).action_generate_lines()
        self.assertFalse(other.line_ids)
        self.assertIn("3 already paid by another batch", other.generation_note)
        line = self._line(self.batch_july, self.alive)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            # the database itself refuses, even for the suite's own actions
            line._workflow_env_records().copy(
                {"batch_id": other.id, "reference": "DUPLICATE-1"}
            )
        late_line = self._line(self.batch_july, self.late)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["social.payout.line.month"]._workflow_create(
                {
                    "line_id": late_line.id,
                    "batch_id": other.id,
                    "partner_id": self.late.id,
                    "program_id": self.program.id,
                    "month": date(2024, 5, 1),
                }
            )

    def test_cancelled_batch_frees_the_month(self):
        self.batch_july.with_user(self.officer).action_cancel(reason="Wrong list")
        again = self._batch(self.JULY)
        again.with_user(self.officer).action_generate_lines()
        self.assertEqual(len(again.line_ids), 3)
        self.assertEqual(self._line(again, self.late).arrears_months, 3)

    def test_officer_of_other_area_sees_nothing(self):
        Batch = self.env["social.payout.batch"].with_user(self.officer_other)
        self.assertFalse(Batch.search([("id", "=", self.batch_july.id)]))
        Line = self.env["social.payout.line"].with_user(self.officer_other)
        self.assertEqual(Line.search_count([("batch_id", "=", self.batch_july.id)]), 0)
        officer_lines = self.env["social.payout.line"].with_user(self.officer)
        self.assertEqual(
            officer_lines.search_count([("batch_id", "=", self.batch_july.id)]), 3
        )

    def test_summary_by_method_and_commune(self):
        html = str(self.batch_june.summary_html)
        self.assertIn("Xã An", html)
        self.assertIn("Xã Bình", html)
        # Xã An: 540,000 x 2 + 720,000, grouped as the reader's language does
        self.assertIn("1,800,000", html)
        self.env["res.lang"]._activate_lang("vi_VN")
        html = str(self.batch_june.with_context(lang="vi_VN").summary_html)
        self.assertIn("1.800.000", html)
        self.assertNotIn("1,800,000", html)
        self.assertEqual(self.batch_june.warning_count, 1)
        self.assertEqual(len(self.batch_june.page_line_ids), 4)
        # by method: the lines, their amounts and fees (added up from the
        # totals by commune and method)
        lines = self.batch_june.line_ids
        self.assertEqual(
            self.batch_june.summary_data["by_method"],
            [
                [
                    method,
                    len(group),
                    sum(group.mapped("amount")),
                    sum(group.mapped("fee_amount")),
                ]
                for method, group in sorted(lines.grouped("method").items())
            ],
        )
        self.assertEqual(len(set(lines.mapped("method"))), 2, "two methods")
        # the warnings counted in the same pass: the lines with a flag
        self.assertEqual(self.batch_june.warning_count, len(lines.filtered("flags")))
        self.assertEqual(
            self.batch_june.dropout_count,
            self.env["social.payout.dropout"].search_count(
                [("batch_id", "=", self.batch_june.id)]
            ),
        )

    def test_carry_over_hook(self):
        """What the reconciliation returns through _get_carry_over is added once
        and the earlier line points to the line that carries it."""
        june = self._transfer(self.batch_june)
        june_line = self._line(june, self.alive)
        # what the provider's result file does to a line it could not pay
        june_line.sudo()._workflow_write({"state": "failed"})
        unpaid = june_line.amount
        # June 2024: 360,000 x 1.5 (Nghị định 20/2021, before Nghị định 76/2024)
        self.assertEqual(unpaid, 540000)
        Batch = type(self.env["social.payout.batch"])

        def carry(batch, partner_ids):
            if self.alive.id in partner_ids:
                return {self.alive.id: (unpaid, [june_line.id])}
            return {}

        with patch.object(Batch, "_get_carry_over", carry):
            self.batch_july.with_user(self.officer).action_generate_lines()
        line = self._line(self.batch_july, self.alive)
        self.assertEqual(line.carry_over_amount, 540000)
        self.assertEqual(line.regular_amount, 750000)
        self.assertEqual(line.amount, 1290000)
        # 0.5 % of 1,290,000 = 6,450, within the bank rule's 1,000-20,000
        self.assertEqual(line.fee_amount, 6450)
        self.assertEqual(june_line.carried_to_line_id, line)
        self.assertEqual(line.carried_from_line_ids, june_line)
