# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the law pays at the death of a person with meritorious services:
the funeral allowance (10 x the reference level of the month of death) and
the lump sum of 3 months of the monthly allowances, paid once by the next
batch; one funeral support only when several schemes apply.

Expected amounts come from the decrees' tables (domain/ncc_benefits.csv,
domain/one_off_payments.csv), not from the database."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import SocialPayoutCommon

MARCH_2025 = date(2025, 3, 1)
APRIL_2025 = date(2025, 4, 1)
MAY_2025 = date(2025, 5, 1)


@tagged("post_install", "-at_install")
class TestNccDeathPayments(SocialPayoutCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ncc = cls.env.ref("social_beneficiary.program_ncc")
        cls.ncc_provider = cls._provider(
            "Ngân hàng NCC",
            cls.provider_partner,
            [("bank", 0.5), ("cash_point", 0.75)],
        )
        # a war invalid at 81 % with the supplement for 81 % and more and the
        # allowance of the person who looks after him
        cls.invalid = cls._beneficiary(
            "Nguyễn Văn Thương", cls.commune_a, "001045000101", "male", date(1945, 1, 1)
        )
        cls.invalid_allowances = cls.env["social.allowance"]
        for xmlid in ("tb", "tb_phu_cap_81", "tb_nguoi_phuc_vu_81"):
            cls.invalid_allowances |= cls._ncc_allowance(cls.invalid, xmlid, rate=81)
        cls.relative = cls.env["res.partner"].create({"name": "Nguyễn Thị Thân"})
        cls.other_relative = cls.env["res.partner"].create({"name": "Nguyễn Văn Họ"})

    @classmethod
    def _ncc_allowance(cls, partner, code, rate=0, start=date(2022, 1, 1)):
        allowance = cls.env["social.allowance"].create(
            {
                "partner_id": partner.id,
                "category_id": cls.env.ref(
                    f"social_beneficiary.category_ncc_{code}"
                ).id,
                "rate": rate,
                "date_start": start,
                "decision_ref": f"NCC-{partner.id}-{code}",
                "decision_date": date(2021, 12, 20),
            }
        )
        allowance.action_activate()
        return allowance

    def _record_death(self, allowances, day):
        allowances.write({"date_end": day, "end_reason": "death"})
        allowances.with_user(self.officer).action_end()

    def _payments(self, partner):
        return self.env["social.one.off.payment"].search(
            [("partner_id", "=", partner.id), ("state", "!=", "cancelled")],
            order="id",
        )

    def _ncc_batch(self, period):
        return (
            self.env["social.payout.batch"]
            .with_user(self.officer)
            .create(
                {
                    "program_id": self.ncc.id,
                    "period": period,
                    "area_id": self.district.id,
                    "provider_id": self.ncc_provider.id,
                }
            )
        )

    def test_ncc_death_paid_once_in_the_next_batch(self):
        """A war invalid at 81 % dies on 12/3/2025.

        Funeral allowance: 10 x the reference level of March 2025 (mức lương
        cơ sở 2,340,000, Nghị định 73/2024) = 23,400,000 (Nghị định 131/2021
        Điều 121.1; Nghị định 75/2021 Điều 13.1), to whoever organises the
        funeral. Lump sum: 3 x (7,240,000 allowance at 81 % + 1,399,000
        supplement, NĐ 77/2024 Phụ lục I-II) = 25,917,000, the caregiver
        allowance (2,789,000) excluded (Nghị định 131/2021 Điều 121.2), to the
        representative of the relatives. Both are paid by April's batch, once.
        """
        # March's batch is made in February, before the death
        march = self._ncc_batch(MARCH_2025)
        march.with_user(self.officer).action_generate_lines()
        self.assertEqual(
            self._line(march, self.invalid).amount, 7240000 + 1399000 + 2789000
        )
        self._record_death(self.invalid_allowances, date(2025, 3, 12))
        funeral, lump_sum = self._payments(self.invalid)
        self.assertEqual(
            (funeral.kind, funeral.code, funeral.amount, funeral.state),
            ("funeral", "ncc_mai_tang", 23400000, "draft"),
        )
        self.assertIn("Nghị định 131/2021 Điều 121", funeral.legal_basis)
        self.assertEqual(
            (lump_sum.kind, lump_sum.code, lump_sum.amount),
            ("lump_sum", "ncc_tu_tran_3_thang", 25917000),
        )
        self.assertIn("Nghị định 131/2021 Điều 121.2", lump_sum.legal_basis)
        # the relative both organises the funeral and represents the relatives
        (funeral | lump_sum).with_user(self.officer).write(
            {"payee_id": self.relative.id}
        )
        (funeral | lump_sum).with_user(self.approver).action_confirm()

        april = self._ncc_batch(APRIL_2025)
        april.with_user(self.officer).action_generate_lines()
        line = self._line(april, self.invalid)
        self.assertEqual(
            (line.regular_amount, line.one_off_amount, line.amount),
            (0, 49317000, 49317000),
        )
        self.assertEqual((line.payee_id, line.method), (self.relative, "cash_point"))
        self.assertIn("Nghị định 131/2021 Điều 121.1", line.extra_reason)
        self.assertIn("Nghị định 131/2021 Điều 121.2", line.extra_reason)
        self.assertEqual((funeral | lump_sum).line_id, line)
        # regenerating pays them once, on the new line
        april.with_user(self.officer).action_generate_lines()
        line = self._line(april, self.invalid)
        self.assertEqual(line.one_off_amount, 49317000)
        self.assertEqual((funeral | lump_sum).line_id, line)
        may = self._ncc_batch(MAY_2025)
        may.with_user(self.officer).action_generate_lines()
        self.assertFalse(self._line(may, self.invalid))
        # still the two payments, each paid once
        self.assertEqual(len(self._payments(self.invalid)), 2)

    def test_two_payees_two_batches(self):
        """A line is paid to one person: the lump sum to a representative of
        the relatives other than the funeral's organiser waits for the next
        batch, and is paid there once."""
        self._record_death(self.invalid_allowances, date(2025, 3, 12))
        funeral, lump_sum = self._payments(self.invalid)
        funeral.with_user(self.officer).payee_id = self.relative
        lump_sum.with_user(self.officer).payee_id = self.other_relative
        (funeral | lump_sum).with_user(self.approver).action_confirm()
        april = self._ncc_batch(APRIL_2025)
        april.with_user(self.officer).action_generate_lines()
        line = self._line(april, self.invalid)
        self.assertEqual(
            (line.payee_id, line.one_off_amount), (self.relative, 23400000)
        )
        self.assertEqual(lump_sum.payment_state, "waiting")
        may = self._ncc_batch(MAY_2025)
        may.with_user(self.officer).action_generate_lines()
        line = self._line(may, self.invalid)
        self.assertEqual(
            (line.payee_id, line.one_off_amount), (self.other_relative, 25917000)
        )
        self.assertEqual(lump_sum.line_id, line)

    def test_reference_level_of_the_month_of_death(self):
        """10 x the mức lương cơ sở in force in the month of death:
        1,800,000 in June 2024 (Nghị định 24/2023), 2,340,000 from July 2024
        (Nghị định 73/2024); 2,530,000 reported from July 2026, unverified,
        which the payment says."""
        cases = [
            (date(2024, 6, 30), 18000000, "001144000201"),
            (date(2024, 7, 1), 23400000, "001144000202"),
            (date(2026, 7, 5), 25300000, "001144000203"),
        ]
        for day, expected, citizen_id in cases:
            with self.subTest(day=day):
                relative = self._beneficiary(
                    "Liệt Sĩ Thân Nhân",
                    self.commune_a,
                    citizen_id,
                    "female",
                    date(1944, 1, 1),
                )
                allowance = self._ncc_allowance(relative, "tnls_1")
                self._record_death(allowance, day)
                funeral = self._payments(relative).filtered(
                    lambda p: p.kind == "funeral"
                )
                self.assertEqual(funeral.amount, expected)
                if day.year == 2026:
                    self.assertIn("as reported", funeral.confidence)

    def test_remarried_spouse_of_a_martyr_has_no_death_payment(self):
        """Pháp lệnh 02/2020 Điều 16.12: not for the remarried spouse of a
        martyr."""
        spouse = self._beneficiary(
            "Vợ Tái Giá", self.commune_a, "001150000301", "female", date(1950, 1, 1)
        )
        allowance = self._ncc_allowance(spouse, "tnls_vo_chong_tai_gia")
        self._record_death(allowance, date(2025, 3, 12))
        self.assertFalse(self._payments(spouse))

    def test_one_funeral_support_on_btxh_and_ncc(self):
        """A person on the social allowance and an NCC allowance gets one
        funeral support, the highest (Pháp lệnh 02/2020 Điều 6.4; Nghị định
        20/2021 Điều 11.2): the NCC one, 10 x 2,340,000 = 23,400,000, rather
        than 20 x 500,000 = 10,000,000 for BTXH; whichever decision is ended
        first."""
        for index, btxh_first in enumerate((True, False)):
            with self.subTest(btxh_first=btxh_first):
                person = self._beneficiary(
                    "Hai Chế Độ",
                    self.commune_a,
                    f"00104300040{index}",
                    "male",
                    date(1943, 1, 1),
                )
                btxh = self._allowance(
                    person, self.cat_20, date(2024, 1, 1), date(2023, 12, 20)
                )
                ncc = self._ncc_allowance(person, "tnls_1")
                order = (btxh, ncc) if btxh_first else (ncc, btxh)
                for allowance in order:
                    self._record_death(allowance, date(2025, 3, 12))
                funerals = self._payments(person).filtered(
                    lambda p: p.kind == "funeral"
                )
                self.assertEqual(
                    (len(funerals), funerals.code, funerals.amount),
                    (1, "ncc_mai_tang", 23400000),
                )
                cancelled = self.env["social.one.off.payment"].search(
                    [("partner_id", "=", person.id), ("state", "=", "cancelled")]
                )
                # the BTXH draft prepared first gave way to the NCC one
                self.assertEqual(
                    cancelled.mapped("code"), ["btxh_mai_tang"] if btxh_first else []
                )
                # and the lump sum of the martyr's relative: 3 x 2,789,000
                lump_sum = self._payments(person).filtered(
                    lambda p: p.kind == "lump_sum"
                )
                self.assertEqual(lump_sum.amount, 8367000)

    def test_confirmed_funeral_is_not_replaced(self):
        """Once an approver confirmed a funeral support, a later death record
        of another scheme prepares no second one and says so."""
        person = self._beneficiary(
            "Đã Duyệt", self.commune_a, "001043000501", "male", date(1943, 1, 1)
        )
        btxh = self._allowance(
            person, self.cat_20, date(2024, 1, 1), date(2023, 12, 20)
        )
        ncc = self._ncc_allowance(person, "tnls_1")
        self._record_death(btxh, date(2025, 3, 12))
        btxh_funeral = self._payments(person)
        btxh_funeral.with_user(self.approver).action_confirm()
        self._record_death(ncc, date(2025, 3, 12))
        funerals = self._payments(person).filtered(lambda p: p.kind == "funeral")
        self.assertEqual(funerals, btxh_funeral)
        self.assertEqual((funerals.amount, funerals.state), (10000000, "confirmed"))
        self.assertTrue(
            any(
                "only one funeral support is paid" in body
                for body in ncc.message_ids.mapped("body")
            )
        )

    def test_death_payment_refusals(self):
        """The death payments go to whoever organises the funeral and to the
        representative of the relatives (Nghị định 131/2021 Điều 121.1-2):
        not confirmed before someone is named. Only an approver confirms (not
        the officer who names the payee, not finance, not the auditor, not an
        approver who changed it); a confirmed payment is not changed; nothing
        changes on a refusal."""
        self._record_death(self.invalid_allowances, date(2025, 3, 12))
        funeral, lump_sum = self._payments(self.invalid)
        # nobody named to receive the money of a person who died
        with self.assertRaisesRegex(
            UserError, "Name who is paid the one-off payment .* before confirming"
        ):
            (funeral | lump_sum).with_user(self.approver).action_confirm()
        (funeral | lump_sum).invalidate_recordset()
        self.assertEqual((funeral | lump_sum).mapped("state"), ["draft", "draft"])
        funeral.with_user(self.officer).payee_id = self.relative
        with self.assertRaisesRegex(UserError, "Only an approver can confirm"):
            funeral.with_user(self.officer).action_confirm()
        for user in (self.finance, self.auditor):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "Only an approver can confirm"):
                    funeral.with_user(user).action_confirm()
                with self.assertRaises(AccessError):
                    funeral.with_user(user).write({"amount": 50000000})
        funeral.with_user(self.officer_approver).write(
            {"payee_id": self.other_relative.id}
        )
        with self.assertRaisesRegex(
            UserError, "whoever prepares a one-off payment cannot confirm it"
        ):
            funeral.with_user(self.officer_approver).action_confirm()
        funeral.invalidate_recordset()
        self.assertEqual(
            (funeral.state, funeral.amount, funeral.confirmed_by_id.id),
            ("draft", 23400000, False),
        )
        funeral.with_user(self.approver).action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            funeral.with_user(self.officer).write({"amount": 50000000})
        with self.assertRaisesRegex(UserError, "change only through the buttons"):
            lump_sum.with_user(self.officer).write({"state": "confirmed"})
        (funeral | lump_sum).invalidate_recordset()
        self.assertEqual(
            (funeral.state, funeral.amount, funeral.payee_id),
            ("confirmed", 23400000, self.other_relative),
        )
        self.assertEqual((lump_sum.state, lump_sum.amount), ("draft", 25917000))


@tagged("post_install", "-at_install")
class TestNccDemoBatch(TransactionCase):
    def test_demo_ncc_batch_pays_the_tables(self):
        """The demo's NCC batch of the month pays the decrees' amounts: a war
        invalid at 61 %, 5,450,000 (Nghị định 77/2024 Phụ lục II), and the
        wife of one martyr, 2,789,000 (Phụ lục I mục 3.1), by bank at 0.5 %
        within the NCC cap of 0.75 % (Thông tư 44/2022): fees 20,000 (the
        rule's maximum) and 13,945."""
        provider = self.env.ref(
            "social_payout.provider_vnpost_ncc", raise_if_not_found=False
        )
        if not provider:
            self.skipTest("no demo data")
        batch = self.env["social.payout.batch"].search(
            [("provider_id", "=", provider.id)]
        )
        self.assertEqual(batch.program_id.code, "NCC")
        paid = {
            line.partner_id: (line.amount, line.fee_amount) for line in batch.line_ids
        }
        self.assertEqual(
            paid,
            {
                self.env.ref("social_beneficiary.demo_beneficiary_le_chien"): (
                    5450000,
                    20000,
                ),
                self.env.ref("social_beneficiary.demo_beneficiary_tran_luyen"): (
                    2789000,
                    13945,
                ),
            },
        )
