from datetime import date

from odoo.tests import tagged

from .common import SocialBeneficiaryCommon

JUNE = date(2024, 6, 1)
JULY = date(2024, 7, 1)


@tagged("post_install", "-at_install")
class TestMonthlyAmounts(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Allowance = cls.env["social.allowance"]

    def _amounts(self, partners, month_from, month_to=None, program=None, **kw):
        return self._both(
            program or self.btxh, month_from, month_to, partner_ids=partners.ids, **kw
        )

    def _both(self, program, month_from, month_to=None, **kw):
        """The SQL computation, checked against its Python twin on every case."""
        sql = self.Allowance._get_monthly_amounts(program, month_from, month_to, **kw)
        python = self.Allowance._get_monthly_amounts_python(
            program, month_from, month_to, **kw
        )
        self.assertEqual(sql, python, "SQL and Python amounts differ")
        return sql

    def test_each_category_across_level_change(self):
        """Every BTXH category against the decree's own figures: Nghị định
        20/2021 Điều 6 (coefficients) at the standard level of 360,000 (Điều 4,
        to 30/6/2024) and of 500,000 (Nghị định 76/2024, from 1/7/2024). The
        expected amounts are written here, not computed from the database's
        coefficients, so a wrong coefficient in the data fails."""
        expected = {
            # code: (June 2024, July 2024)
            "k1_u4": (900000, 1250000),  # Điều 6.1.a, child under 4: 2.5
            "k1_4p": (540000, 750000),  # Điều 6.1.a, child from 4: 1.5
            "k2": (540000, 750000),  # Điều 6.1.b, 16 to 22 in school: 1.5
            "k3_u4": (900000, 1250000),  # Điều 6.1.c, HIV child under 4: 2.5
            "k3_4p": (720000, 1000000),  # Điều 6.1.c, HIV child from 4: 2.0
            "k4": (360000, 500000),  # Điều 6.1.d, poor single parent: 1.0
            "k5a_60": (540000, 750000),  # Điều 6.1.đ, elderly 60-80: 1.5
            "k5a_80": (720000, 1000000),  # Điều 6.1.đ, elderly from 80: 2.0
            "k5b": (360000, 500000),  # Điều 6.1.đ, elderly 75-80 poor: 1.0
            "k5c": (360000, 500000),  # Điều 6.1.đ, from 80 no pension: 1.0
            "k5d": (1080000, 1500000),  # Điều 6.1.đ, cared for in community: 3.0
            "k6_dbn": (720000, 1000000),  # Điều 6.1.e, extremely severe: 2.0
            "k6_dbn_tecc": (900000, 1250000),  # Điều 6.1.e, child or elderly: 2.5
            "k6_n": (540000, 750000),  # Điều 6.1.e, severe: 1.5
            "k6_n_tecc": (720000, 1000000),  # Điều 6.1.e, child or elderly: 2.0
            "k7": (540000, 750000),  # Điều 6.1.g, poor child under 3: 1.5
            "k8": (540000, 750000),  # Điều 6.1.h, HIV poor adult: 1.5
        }
        categories = self.env["social.category"].search(
            [("program_id", "=", self.btxh.id)]
        )
        self.assertEqual(sorted(categories.mapped("code")), sorted(expected))
        partners = {}
        for code in expected:
            partner = self._beneficiary(f"Người hưởng {code}")
            self._allowance(partner, code, date(2023, 1, 1))
            partners[code] = partner
        all_partners = self.env["res.partner"].concat(*partners.values())
        amounts = self._amounts(all_partners, JUNE, JULY)
        self.assertEqual(len(amounts), 2 * len(expected))
        for code, (june, july) in expected.items():
            with self.subTest(category=code):
                self.assertEqual(amounts[(partners[code].id, JUNE)], june)
                self.assertEqual(amounts[(partners[code].id, JULY)], july)

    def test_several_categories_pay_the_highest(self):
        partner = self._beneficiary("Phạm Văn Cao")
        self._allowance(partner, "k5a_60", date(2023, 1, 1))  # 1.5
        self._allowance(partner, "k6_n_tecc", date(2023, 1, 1))  # 2.0
        self._allowance(partner, "k5c", date(2023, 1, 1))  # 1.0
        amounts = self._amounts(partner, JUNE, JULY)
        self.assertEqual(
            amounts, {(partner.id, JUNE): 720000, (partner.id, JULY): 1000000}
        )

    def test_single_parent_is_added_per_child(self):
        parent = self._beneficiary("Võ Thị Đơn")
        self._allowance(parent, "k6_n", date(2023, 1, 1))  # 1.5
        self._allowance(parent, "k4", date(2023, 1, 1), decision_ref="child-1")
        self._allowance(parent, "k4", date(2023, 1, 1), decision_ref="child-2")
        amounts = self._amounts(parent, JUNE, JULY)
        # 1.5 x level + 1.0 x level for each of the two children
        self.assertEqual(amounts[(parent.id, JUNE)], 540000 + 2 * 360000)
        self.assertEqual(amounts[(parent.id, JULY)], 750000 + 2 * 500000)

    def test_single_parent_alone(self):
        parent = self._beneficiary("Đặng Thị Mẹ")
        self._allowance(parent, "k4", date(2024, 1, 1))
        self.assertEqual(self._amounts(parent, JULY), {(parent.id, JULY): 500000})

    def test_start_and_end_months(self):
        partner = self._beneficiary("Huỳnh Văn Tháng")
        self._allowance(partner, "k5a_80", date(2024, 6, 20), date(2024, 8, 3))
        amounts = self._amounts(partner, date(2024, 5, 1), date(2024, 9, 30))
        self.assertEqual(
            sorted(amounts.items()),
            [
                ((partner.id, JUNE), 720000),
                ((partner.id, JULY), 1000000),
                ((partner.id, date(2024, 8, 1)), 1000000),
            ],
        )

    def test_states_due(self):
        ended = self._beneficiary("Người đã mất")
        self._allowance(ended, "k5c", date(2023, 1, 1), date(2024, 6, 10), "ended")
        suspended = self._beneficiary("Người tạm dừng")
        self._allowance(suspended, "k5c", date(2023, 1, 1), state="suspended")
        draft = self._beneficiary("Người chưa duyệt")
        self._allowance(draft, "k5c", date(2023, 1, 1), state="draft")
        amounts = self._amounts(ended | suspended | draft, JUNE, JULY)
        # the ended allowance is still due for its month of death (arrears)
        self.assertEqual(amounts, {(ended.id, JUNE): 360000})

    def test_local_province_level(self):
        self.env["social.base.level"].create(
            [
                {
                    "program_id": self.btxh.id,
                    "amount": 600000,
                    "date_from": JULY,
                    "area_id": self.province_qn.id,
                },
                {
                    # a local level below the national one never lowers it
                    "program_id": self.btxh.id,
                    "amount": 400000,
                    "date_from": JULY,
                    "area_id": self.commune_bmt.province_id.id,
                },
            ]
        )
        local = self._beneficiary("Người Quảng Ngãi")
        lower = self._beneficiary("Người Đắk Lắk", self.commune_bmt)
        for partner in local | lower:
            self._allowance(partner, "k5a_60", date(2023, 1, 1))
        amounts = self._amounts(local | lower, JUNE, JULY)
        self.assertEqual(amounts[(local.id, JUNE)], 540000)
        self.assertEqual(amounts[(local.id, JULY)], 900000)
        self.assertEqual(amounts[(lower.id, JULY)], 750000)

    def test_area_and_program_filters(self):
        in_a = self._beneficiary("Người xã A")
        in_b = self._beneficiary("Người xã B", self.commune_b)
        in_bmt = self._beneficiary("Người Buôn Ma Thuột", self.commune_bmt)
        not_beneficiary = self._beneficiary("Không phải")
        for partner in in_a | in_b | in_bmt | not_beneficiary:
            self._allowance(partner, "k5c", date(2023, 1, 1))
        # no longer a beneficiary: the decision stays, nothing is due
        not_beneficiary.is_beneficiary = False
        ncc = self._beneficiary("Người có công", self.commune_b)
        # a martyr's relative: 2,055,000 from 7/2023, 2,789,000 from 7/2024
        self._allowance(ncc, "tnls_1", date(2023, 1, 1), program="ncc")
        amounts = self._both(self.btxh, JULY, area_ids=self.district_duc_pho.ids)
        partners = {partner_id for partner_id, __ in amounts}
        self.assertIn(in_a.id, partners)
        self.assertIn(in_b.id, partners)
        self.assertNotIn(in_bmt.id, partners)
        self.assertNotIn(not_beneficiary.id, partners)
        self.assertNotIn(ncc.id, partners)
        by_commune = self._both(self.btxh, JULY, area_ids=self.commune_b.ids)
        self.assertEqual({p for p, __ in by_commune}, {in_b.id})
        ncc_amounts = self._both(self.ncc, JULY, partner_ids=ncc.ids)
        self.assertEqual(ncc_amounts, {(ncc.id, JULY): 2789000})
        self.assertEqual(self.Allowance._get_monthly_amount(ncc, JUNE), 2055000)

    def test_two_level_area_structure(self):
        """Since 2025 a commune sits directly under its province."""
        Area = self.env["social.area"]
        province = Area.create({"name": "Tỉnh Thử", "code": "T99", "level": "province"})
        commune = Area.create(
            {
                "name": "Xã Mới",
                "code": "T99001",
                "level": "commune",
                "parent_id": province.id,
            }
        )
        self.assertEqual(commune.province_id, province)
        partner = self._beneficiary("Người xã mới", commune)
        self._allowance(partner, "k5c", date(2025, 7, 1))
        amounts = self._both(self.btxh, date(2025, 7, 1), area_ids=province.ids)
        self.assertEqual(amounts, {(partner.id, date(2025, 7, 1)): 500000})
