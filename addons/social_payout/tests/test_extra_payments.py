# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Retroactive level differences (truy lĩnh chênh lệch), one-off payments
(funeral support) and the NCC fee cap in the monthly batch."""

from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SocialPayoutCommon

AUGUST = date(2024, 8, 1)
SEPTEMBER = date(2024, 9, 1)


@tagged("post_install", "-at_install")
class TestLevelDifferences(SocialPayoutCommon):
    def _raise_july_level(self):
        """A province top-up of 600,000 from 1/7/2024, decided in August."""
        return self.env["social.base.level"].create(
            {
                "program_id": self.program.id,
                "amount": 600000,
                "date_from": self.JULY,
                "area_id": self.province.id,
                "legal_basis": "Nghị quyết HĐND tỉnh thử",
            }
        )

    def test_difference_paid_once(self):
        july_line = self._line(self.batch_july, self.alive)
        self.assertEqual(july_line.regular_amount, 750000)
        self._raise_july_level()
        august = self._batch(AUGUST)
        august.with_user(self.officer).action_generate_lines()
        line = self._line(august, self.alive)
        # August at the new level, plus July's difference: 1.5 x (600,000 -
        # 500,000)
        self.assertEqual(line.regular_amount, 900000)
        self.assertEqual(line.difference_amount, 150000)
        self.assertEqual(line.amount, 1050000)
        self.assertEqual(line.change_type, "arrears")
        self.assertIn("07/2024", line.extra_reason)
        self.assertIn("Nghị quyết HĐND tỉnh thử", line.extra_reason)
        self.assertEqual(line.fee_amount, 5250)  # 0.5 % of 1,050,000
        Difference = self.env["social.payout.line.difference"]
        records = Difference.search([("partner_id", "=", self.alive.id)])
        self.assertEqual(
            [(r.month, r.paid_before, r.due_amount, r.amount) for r in records],
            [(self.JULY, 750000, 900000, 150000)],
        )
        # regenerating gives the same line, never a second difference
        august.with_user(self.officer).action_generate_lines()
        line = self._line(august, self.alive)
        self.assertEqual(line.difference_amount, 150000)
        self.assertEqual(
            Difference.search_count([("partner_id", "=", self.alive.id)]), 1
        )
        # the next month pays no difference again
        september = self._batch(SEPTEMBER)
        september.with_user(self.officer).action_generate_lines()
        line = self._line(september, self.alive)
        self.assertEqual((line.regular_amount, line.difference_amount), (900000, 0))
        self.assertEqual(line.amount, 900000)

    def test_cancelled_batch_frees_the_difference(self):
        self._raise_july_level()
        august = self._batch(AUGUST)
        august.with_user(self.officer).action_generate_lines()
        august.with_user(self.officer).action_cancel(reason="Sai danh sách")
        september = self._batch(SEPTEMBER)
        september.with_user(self.officer).action_generate_lines()
        line = self._line(september, self.alive)
        # August (cancelled) is not paid by the difference (it was never paid);
        # July's difference is due again
        self.assertEqual(line.difference_amount, 150000)

    def test_no_difference_without_level_change(self):
        august = self._batch(AUGUST)
        august.with_user(self.officer).action_generate_lines()
        self.assertFalse(any(august.line_ids.mapped("difference_amount")))
        self.assertFalse(self.env["social.payout.line.difference"].search([]))

    def test_differences_are_not_written_by_hand(self):
        self._raise_july_level()
        august = self._batch(AUGUST)
        august.with_user(self.officer).action_generate_lines()
        record = self.env["social.payout.line.difference"].search(
            [("partner_id", "=", self.alive.id)]
        )
        # the generation writes them by SQL: every role only reads them, and
        # the model refuses them to the superuser too
        manager = new_test_user(
            self.env,
            login="po_diff_manager",
            groups="social_beneficiary.group_social_manager",
        )
        for user in (self.officer, manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "recorded by the generation"):
                    record.with_user(user).write({"amount": 1})
                with self.assertRaisesRegex(UserError, "recorded by the generation"):
                    record.with_user(user).copy()
                with self.assertRaisesRegex(AccessError, "not allowed to delete"):
                    record.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "recorded by the generation"):
            record.write({"amount": 1})
        with self.assertRaisesRegex(UserError, "recorded by the generation"):
            record.unlink()
        record.invalidate_recordset()
        self.assertEqual(record.amount, 150000)
        self.assertEqual(
            self.env["social.payout.line.difference"].search_count(
                [("partner_id", "=", self.alive.id)]
            ),
            1,
        )


@tagged("post_install", "-at_install")
class TestOneOffPayments(SocialPayoutCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dying = cls._beneficiary(
            "Đỗ Văn Mất", cls.commune_a, "001038000007", "male", date(1938, 1, 1)
        )
        cls.allowance = cls._allowance(
            cls.dying, cls.cat_15, date(2024, 1, 1), date(2023, 12, 20)
        )
        cls.organiser = cls.env["res.partner"].create({"name": "Đỗ Thị Lo Tang"})

    def _record_death(self):
        self.allowance.write({"date_end": date(2024, 7, 10), "end_reason": "death"})
        self.allowance.with_user(self.officer).action_end()
        return self.env["social.one.off.payment"].search(
            [("partner_id", "=", self.dying.id)]
        )

    def test_funeral_support_paid_once_to_the_organiser(self):
        """Nghị định 20/2021 Điều 11.2: at least 20 x the standard level
        (500,000 in July 2024): 10,000,000 VND."""
        payment = self._record_death()
        self.assertEqual(payment.state, "draft")
        self.assertEqual(payment.amount, 10000000)
        self.assertIn("Điều 11", payment.legal_basis)
        payment.with_user(self.officer).payee_id = self.organiser
        # not paid before an approver confirms it
        august = self._batch(AUGUST)
        august.with_user(self.officer).action_generate_lines()
        self.assertFalse(self._line(august, self.dying))
        payment.with_user(self.approver).action_confirm()
        self.assertEqual(payment.confirmed_by_id, self.approver)
        august.with_user(self.officer).action_generate_lines()
        line = self._line(august, self.dying)
        self.assertEqual(
            (line.regular_amount, line.one_off_amount, line.amount),
            (0, 10000000, 10000000),
        )
        self.assertEqual(line.payee_id, self.organiser)
        self.assertEqual(line.method, "cash_point")
        self.assertIn("one_off_payee", line.flags)
        self.assertIn("Nghị định 20/2021 Điều 11", line.extra_reason)
        self.assertEqual(payment.line_id, line)
        self.assertEqual(payment.payment_state, "in_batch")
        # regenerating pays it once, on the new line
        august.with_user(self.officer).action_generate_lines()
        line = self._line(august, self.dying)
        self.assertEqual(line.one_off_amount, 10000000)
        self.assertEqual(payment.line_id, line)
        september = self._batch(SEPTEMBER)
        september.with_user(self.officer).action_generate_lines()
        self.assertFalse(self._line(september, self.dying))

    def test_one_off_refusals(self):
        payment = self._record_death()
        with self.assertRaisesRegex(UserError, "Only an approver"):
            payment.with_user(self.officer).action_confirm()
        self.assertEqual(payment.state, "draft")
        payment.with_user(self.approver).action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            payment.with_user(self.officer).write({"amount": 20000000})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            payment.with_user(self.officer).write({"state": "draft"})
        self.assertEqual((payment.amount, payment.state), (10000000, "confirmed"))
        # a draft one is edited, but its state and link only by the actions
        draft = payment.copy({"kind": "other", "reason": "Trợ cấp một lần"})
        for vals in (
            {"state": "confirmed"},
            {"line_id": self._line(self.batch_july, self.alive).id},
        ):
            with self.assertRaisesRegex(UserError, "workflow|actions|action"):
                draft.with_user(self.officer).write(vals)
        self.assertEqual((draft.state, draft.line_id.id), ("draft", False))
        with self.assertRaisesRegex(UserError, "Only a draft"):
            payment.with_user(self.officer).unlink()
        self.assertTrue(payment.exists())

    def test_one_off_isolated_by_area(self):
        payment = self._record_death()
        OneOff = self.env["social.one.off.payment"]
        self.assertFalse(
            OneOff.with_user(self.officer_other).search([("id", "=", payment.id)])
        )
        with self.assertRaises(AccessError):
            payment.with_user(self.officer_other).write({"amount": 1})
        with self.assertRaises(AccessError):
            payment.with_user(self.finance).write({"amount": 1})
        with self.assertRaises(AccessError):
            OneOff.with_user(self.approver).create(
                {
                    "partner_id": self.dying.id,
                    "program_id": self.program.id,
                    "kind": "other",
                    "amount": 1000000,
                    "reason": "Thử",
                    "legal_basis": "Thử",
                }
            )
        self.assertEqual(payment.amount, 10000000)
        self.assertEqual(OneOff.search_count([("partner_id", "=", self.dying.id)]), 1)

    def test_one_off_preparer_cannot_confirm(self):
        """Separation of duties: whoever recorded or last changed a one-off
        payment (a manager, or an officer who is also an approver) cannot
        confirm it; another approver can."""
        payment = self._record_death()
        payment.with_user(self.officer_approver).write({"payee_id": self.organiser.id})
        with self.assertRaisesRegex(
            UserError, "whoever prepares a one-off payment cannot confirm it"
        ):
            payment.with_user(self.officer_approver).action_confirm()
        payment.invalidate_recordset()
        self.assertEqual((payment.state, payment.confirmed_by_id.id), ("draft", False))
        own = (
            self.env["social.one.off.payment"]
            .with_user(self.officer_approver)
            .create(
                {
                    "partner_id": self.alive.id,
                    "program_id": self.program.id,
                    "kind": "other",
                    "amount": 1000000,
                    "reason": "Hỗ trợ đột xuất",
                    "legal_basis": "Nghị định 20/2021",
                }
            )
        )
        with self.assertRaisesRegex(
            UserError, "whoever prepares a one-off payment cannot confirm it"
        ):
            own.with_user(self.officer_approver).action_confirm()
        own.invalidate_recordset()
        self.assertEqual(own.state, "draft")
        payment.with_user(self.approver).action_confirm()
        self.assertEqual(payment.confirmed_by_id, self.approver)

    def test_one_off_not_moved_to_another_area(self):
        """The rules are checked before a write: a draft payment moved to a
        beneficiary of an area the officer does not serve is refused."""
        payment = self._record_death()
        stranger = self._beneficiary(
            "Lê Văn Xa", self.commune_c, "001045000321", "male", date(1945, 1, 1)
        )
        with self.assertRaises(AccessError):
            payment.with_user(self.officer).write({"partner_id": stranger.id})
        payment.invalidate_recordset()
        self.assertEqual(payment.partner_id, self.dying)
        self.assertEqual(payment.area_id, self.commune_a)

    def test_one_off_payee_of_another_area_not_named(self):
        """Naming a payee makes them readable by the payment's areas: an
        officer cannot reveal the payee of another area's payment (and their
        accounts) by naming them on a payment of their own."""
        stranger = self._beneficiary(
            "Lê Văn Xa", self.commune_c, "001045000321", "male", date(1945, 1, 1)
        )
        outsider = self.env["res.partner"].create(
            {"name": "Phan Thị Ngoài", "phone": "0905000111"}
        )
        self.env["social.one.off.payment"].create(
            {
                "partner_id": stranger.id,
                "program_id": self.program.id,
                "kind": "other",
                "payee_id": outsider.id,
                "amount": 1000000,
                "reason": "Hỗ trợ đột xuất",
                "legal_basis": "Nghị định 20/2021",
            }
        )
        payment = self._record_death()
        with self.assertRaises(AccessError):
            payment.with_user(self.officer).write({"payee_id": outsider.id})
        OneOff = self.env["social.one.off.payment"].with_user(self.officer)
        with self.assertRaises(AccessError):
            OneOff.create(
                {
                    "partner_id": self.alive.id,
                    "program_id": self.program.id,
                    "kind": "other",
                    "payee_id": outsider.id,
                    "amount": 1000000,
                    "reason": "Thử",
                    "legal_basis": "Thử",
                }
            )
        payment.invalidate_recordset()
        self.assertFalse(payment.payee_id)
        self.assertEqual(
            self.env["social.one.off.payment"].search_count(
                [("payee_id", "=", outsider.id)]
            ),
            1,
        )
        with self.assertRaises(AccessError):
            outsider.with_user(self.officer).read(["phone"])

    def test_only_one_funeral_support(self):
        payment = self._record_death()
        self.assertEqual(len(payment), 1)
        # a second decision ending in death prepares nothing more
        other = self._allowance(
            self.dying,
            self.cat_20,
            date(2024, 1, 1),
            date(2023, 12, 20),
        )
        other.write({"date_end": date(2024, 7, 10), "end_reason": "death"})
        other.with_user(self.officer).action_end()
        self.assertEqual(
            self.env["social.one.off.payment"].search_count(
                [("partner_id", "=", self.dying.id)]
            ),
            1,
        )


@tagged("post_install", "-at_install")
class TestNccFeeCap(SocialPayoutCommon):
    """Thông tư 44/2022: for people with meritorious services the provider's fee
    is at most 0.75 % of the amount paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ncc = cls.env.ref("social_beneficiary.program_ncc")
        cls.manager = new_test_user(
            cls.env,
            login="po_fee_manager",
            groups="base.group_user,social_beneficiary.group_social_manager",
        )
        cls.ncc_provider = cls._provider(
            "Ngân hàng NCC",
            cls.provider_partner,
            [("bank", 0.5), ("cash_point", 0.75)],
        )

    def _ncc_batch(self, provider):
        return (
            self.env["social.payout.batch"]
            .with_user(self.officer)
            .create(
                {
                    "program_id": self.ncc.id,
                    "period": self.JULY,
                    "area_id": self.district.id,
                    "provider_id": provider.id,
                }
            )
        )

    def test_cap_on_batch_and_fee_rules(self):
        self.assertEqual(self.ncc.max_fee_percent, 0.75)
        Batch = self.env["social.payout.batch"]
        with self.assertRaises(ValidationError) as refused:
            self._ncc_batch(self.provider)  # 0.8 % cash, 1.2 % at home
        self.assertRegex(str(refused.exception), r"more than the 0.75 %")
        self.assertFalse(
            Batch.search(
                [("program_id", "=", self.ncc.id), ("area_id", "=", self.district.id)]
            )
        )
        batch = self._ncc_batch(self.ncc_provider)
        rule = self.ncc_provider.fee_rule_ids.filtered(lambda r: r.method == "bank")
        with self.assertRaises(ValidationError) as refused:
            rule.with_user(self.manager).percent = 0.9
            rule.flush_recordset()
        self.assertRegex(str(refused.exception), r"more than the 0.75 %")
        self.assertEqual(rule.percent, 0.5)
        # BTXH batches of the same provider are not capped
        self.assertTrue(batch.exists())

    def test_ncc_lines_from_the_tables(self):
        """A thương binh at 61 %: 5,450,000 in July 2024 (NĐ 77/2024 Phụ lục II),
        fee 0.5 % by bank = 27,250."""
        invalid = self._beneficiary(
            "Thương Binh Sáu Mốt",
            self.commune_a,
            "001050000011",
            "male",
            date(1950, 1, 1),
        )
        allowance = self.env["social.allowance"].create(
            {
                "partner_id": invalid.id,
                "category_id": self.env.ref("social_beneficiary.category_ncc_tb").id,
                "rate": 61,
                "date_start": date(2022, 1, 1),
                "decision_ref": "TB-61/QĐ",
                "decision_date": date(2021, 12, 20),
            }
        )
        allowance.action_activate()
        account = self._account(invalid, "0011000000011")
        self._registration(invalid, "bank", account)
        batch = self._ncc_batch(self.ncc_provider)
        batch.with_user(self.officer).action_generate_lines()
        line = self._line(batch, invalid)
        self.assertEqual((line.amount, line.fee_amount), (5450000, 27250))
