# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The batches follow the registry's decisions: suspension and resumption
(with or without the stopped months) and moves between communes."""

from datetime import date

from odoo.tests import Form, tagged

from .common import SocialPayoutCommon

# BTXH from 1/7/2024: 500,000 x 1.5 (elderly 60-80 without pension, k5a_60)
MONTHLY = 750000
AUG, SEP, OCT, NOV, DEC = (date(2024, month, 1) for month in (8, 9, 10, 11, 12))


@tagged("post_install", "-at_install")
class TestSuspensionAndMove(SocialPayoutCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.allowance = cls.alive.allowance_ids
        cls.batch_aug = cls._batch(AUG)
        cls.batch_aug.with_user(cls.officer).action_generate_lines()

    def _decide(self, mode, user=None, **values):
        form = Form(
            self.env["social.allowance.decision.wizard"]
            .with_user(user or self.officer)
            .with_context(default_allowance_ids=self.allowance.ids, default_mode=mode)
        )
        form.decision_signer = "Nguyễn Văn Chủ tịch"
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().action_apply()

    def _suspend_from_september(self):
        self._decide(
            "suspend",
            decision_ref="21/QĐ-UBND",
            decision_date=date(2024, 8, 20),
            reason="absent",
            month_from=SEP,
        )

    def _generated(self, period, area=None):
        batch = self._batch(period, area=area)
        batch.action_generate_lines()
        return batch

    def _months_paid(self, partner):
        return (
            self.env["social.payout.line.month"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("cancelled", "=", False)])
            .mapped("month")
        )

    # ------------------------------------------------------------ suspension
    def test_suspension_then_resumption_with_back_pay(self):
        self.assertEqual(self._line(self.batch_aug, self.alive).amount, MONTHLY)
        self._suspend_from_september()
        self.assertEqual(self.allowance.state, "suspended")
        # the suspended months have no line; September says why
        september = self._generated(SEP)
        self.assertFalse(self._line(september, self.alive))
        dropout = september.dropout_ids.filtered(lambda d: d.partner_id == self.alive)
        self.assertEqual(dropout.reason, "suspended")
        october = self._generated(OCT)
        self.assertFalse(self._line(october, self.alive))

        self._decide(
            "resume",
            decision_ref="30/QĐ-UBND",
            decision_date=date(2024, 11, 5),
            resume_month=NOV,
            back_pay=True,
        )
        self.assertEqual(self.allowance.state, "active")
        november = self._generated(NOV)
        line = self._line(november, self.alive)
        self.assertEqual(line.regular_amount, MONTHLY)
        self.assertEqual(line.arrears_amount, 2 * MONTHLY)
        self.assertEqual(line.arrears_months, 2)
        self.assertEqual(line.amount, 3 * MONTHLY)
        self.assertEqual(line.change_type, "arrears")
        self.assertIn("30/QĐ-UBND", line.arrears_reason)
        self.assertIn("09/2024 - 10/2024", line.arrears_reason)
        self.assertEqual(sorted(self._months_paid(self.alive)), [SEP, OCT])
        # regenerating pays them in this batch again, not twice
        november.action_generate_lines()
        line = self._line(november, self.alive)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.arrears_amount, 2 * MONTHLY)
        self.assertEqual(sorted(self._months_paid(self.alive)), [SEP, OCT])
        # the next month pays its own month only
        december = self._generated(DEC)
        line = self._line(december, self.alive)
        self.assertEqual((line.regular_amount, line.arrears_amount), (MONTHLY, 0))
        self.assertFalse(line.arrears_reason)
        # and October's batch, made again, does not pay October a second time
        october.action_generate_lines()
        self.assertFalse(self._line(october, self.alive))

    def test_resumption_without_back_pay_never_pays_the_stopped_months(self):
        self._suspend_from_september()
        self._generated(SEP)
        self._decide(
            "resume",
            decision_ref="31/QĐ-UBND",
            decision_date=date(2024, 10, 28),
            resume_month=NOV,
            back_pay=False,
        )
        # October's batch made after the resumption: October stays stopped
        october = self._generated(OCT)
        self.assertFalse(self._line(october, self.alive))
        for period in (NOV, DEC):
            line = self._line(self._generated(period), self.alive)
            self.assertEqual((line.regular_amount, line.arrears_amount), (MONTHLY, 0))
        self.assertFalse(self._months_paid(self.alive))
        period = self.allowance.suspension_ids
        self.assertEqual(
            (period.state, period.month_from, period.month_to, period.back_pay),
            ("resumed", SEP, OCT, False),
        )

    # ------------------------------------------------------------ moves
    def _move(self, month, decision_date, user=None):
        form = Form(
            self.env["social.beneficiary.move.wizard"]
            .with_user(user or self.officer)
            .with_context(default_partner_id=self.alive.id)
        )
        form.to_area_id = self.commune_c
        form.month = month
        form.decision_ref = "40/QĐ-UBND"
        form.decision_date = decision_date
        return form.save().action_apply()

    def test_move_recorded_ahead_pays_each_month_once(self):
        """Moving to Xã Cát (another district) from October, recorded in
        September before its batches: the old district pays September, the new
        one from October."""
        self._move(OCT, date(2024, 9, 10))
        self.assertEqual(self.alive.sudo().area_id, self.commune_c)
        old_sep = self._generated(SEP)
        new_sep = self._generated(SEP, area=self.district_2)
        self.assertEqual(self._line(old_sep, self.alive).regular_amount, MONTHLY)
        self.assertFalse(self._line(new_sep, self.alive))
        old_oct = self._generated(OCT)
        new_oct = self._generated(OCT, area=self.district_2)
        self.assertFalse(self._line(old_oct, self.alive))
        dropout = old_oct.dropout_ids.filtered(lambda d: d.partner_id == self.alive)
        self.assertEqual(dropout.reason, "moved")
        line = self._line(new_oct, self.alive)
        self.assertEqual((line.regular_amount, line.arrears_amount), (MONTHLY, 0))
        line = self._line(self._generated(NOV, area=self.district_2), self.alive)
        self.assertEqual((line.regular_amount, line.arrears_amount), (MONTHLY, 0))
        # the new commune's officer sees the person; the old one no longer
        # does, but keeps the lines the district paid and the move itself
        self.assertTrue(self.alive.with_user(self.officer_other).has_access("read"))
        self.assertFalse(self.alive.with_user(self.officer).has_access("read"))
        old_line = self._line(old_sep, self.alive)
        self.assertTrue(old_line.with_user(self.officer).has_access("read"))
        moves = (
            self.env["social.beneficiary.move"]
            .with_user(self.officer)
            .search([("partner_id", "=", self.alive.id)])
        )
        self.assertEqual(moves.to_area_id, self.commune_c)
        self.assertEqual(moves.month, OCT)

    def test_move_recorded_late_no_gap_no_double(self):
        """The old district's September batch was made before the move from
        September was recorded: September is paid there and not again; made
        again without the person, the new district pays September once."""
        old_sep = self._generated(SEP)
        new_sep = self._generated(SEP, area=self.district_2)
        self._move(SEP, date(2024, 9, 25))
        new_sep.action_generate_lines()
        # the old district's line stands: the new district leaves September to it
        self.assertTrue(self._line(old_sep, self.alive))
        self.assertFalse(self._line(new_sep, self.alive))
        new_oct = self._generated(OCT, area=self.district_2)
        line = self._line(new_oct, self.alive)
        self.assertEqual((line.regular_amount, line.arrears_amount), (MONTHLY, 0))
        # the old district's draft is made again: the person has gone
        old_sep.action_generate_lines()
        self.assertFalse(self._line(old_sep, self.alive))
        # the new district's next generation pays the month nobody paid, once
        new_oct.action_generate_lines()
        line = self._line(new_oct, self.alive)
        self.assertEqual(line.regular_amount, MONTHLY)
        self.assertEqual(line.arrears_amount, MONTHLY)
        self.assertIn("Xã An", line.arrears_reason)
        self.assertEqual(self._months_paid(self.alive), [SEP])
        line = self._line(self._generated(NOV, area=self.district_2), self.alive)
        self.assertEqual((line.regular_amount, line.arrears_amount), (MONTHLY, 0))
