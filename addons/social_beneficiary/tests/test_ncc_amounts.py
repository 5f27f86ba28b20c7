"""Monthly amounts of people with meritorious services (NCC), from the decrees'
own tables (Nghị định 75/2021, 55/2023, 77/2024: Phụ lục I, II, III), and the
rules of Pháp lệnh 02/2020 Điều 6 on benefits of one person. The expected
figures are copied from the decrees' tables, not computed."""

from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SocialBeneficiaryCommon

JUNE_2023 = date(2023, 6, 1)
JULY_2023 = date(2023, 7, 1)
JUNE_2024 = date(2024, 6, 1)
JULY_2024 = date(2024, 7, 1)


@tagged("post_install", "-at_install")
class TestNccAmounts(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Allowance = cls.env["social.allowance"]
        cls.htxh = cls.env.ref("social_beneficiary.program_htxh")

    def _ncc(self, partner, code, start=date(2022, 1, 1), **vals):
        return self._allowance(
            partner,
            code,
            start,
            program="ncc",
            decision_ref=f"{partner.id}-{code}-{vals.get('rate', '')}/QĐ",
            **vals,
        )

    def _amounts(self, partners, month_from, month_to=None, program=None):
        program = program or self.ncc
        sql = self.Allowance._get_monthly_amounts(
            program, month_from, month_to, partner_ids=partners.ids
        )
        python = self.Allowance._get_monthly_amounts_python(
            program, month_from, month_to, partner_ids=partners.ids
        )
        self.assertEqual(sql, python, "SQL and Python amounts differ")
        return sql

    def test_categories_follow_the_reference(self):
        """Codes of ncc_benefits.csv; one category per rate group."""
        Category = self.env["social.category"]
        ncc = Category.search([("program_id", "=", self.ncc.id)])
        self.assertEqual(len(ncc), 46)
        for code in ("tb", "tbb", "bb", "cdhh"):
            with self.subTest(code=code):
                category = self._category(code, "ncc")
                self.assertTrue(category.rate_required)
                self.assertTrue(category.use_amount_table)
        self.assertFalse(Category.search([("code", "=like", "tb\\_2%")]))
        self.assertEqual(self._category("tb", "ncc")._rate_bounds(), (21, 100))
        self.assertEqual(self._category("bb", "ncc")._rate_bounds(), (41, 100))
        # 80 rates x 3 decrees for thương binh
        self.assertEqual(len(self._category("tb", "ncc").amount_ids), 240)
        vi = self._category("tb", "ncc").with_context(lang="vi_VN")
        if self.env["res.lang"]._lang_get("vi_VN"):
            self.assertIn("Thương binh", vi.name)

    def test_war_invalid_by_rate_2024(self):
        """Thương binh 21 %, 61 %, 81 %: NĐ 77/2024 Phụ lục II (mức chuẩn
        2,789,000): 1,878,000, 5,450,000 and 7,240,000 VND a month."""
        expected = {21: 1878000, 61: 5450000, 81: 7240000}
        partners = {}
        for rate in expected:
            partners[rate] = self._beneficiary(f"Thương binh {rate}%")
            self._ncc(partners[rate], "tb", rate=rate)
        everyone = self.env["res.partner"].concat(*partners.values())
        amounts = self._amounts(everyone, JULY_2024)
        for rate, amount in expected.items():
            self.assertEqual(amounts[(partners[rate].id, JULY_2024)], amount)

    def test_amounts_across_each_level_change(self):
        """Thương binh 61 %: 3,174,000 (NĐ 75/2021 Phụ lục II), 4,016,000 from
        1/7/2023 (NĐ 55/2023 Phụ lục II), 5,450,000 from 1/7/2024 (NĐ 77/2024).
        A martyr's relative (Phụ lục I mục 4): 1,624,000, 2,055,000, 2,789,000."""
        invalid = self._beneficiary("Nguyễn Văn Thương")
        self._ncc(invalid, "tb", rate=61)
        relative = self._beneficiary("Trần Thị Thân")
        self._ncc(relative, "tnls_1")
        amounts = self._amounts(invalid | relative, JUNE_2023, JULY_2024)
        self.assertEqual(amounts[(invalid.id, JUNE_2023)], 3174000)
        self.assertEqual(amounts[(invalid.id, JULY_2023)], 4016000)
        self.assertEqual(amounts[(invalid.id, JUNE_2024)], 4016000)
        self.assertEqual(amounts[(invalid.id, JULY_2024)], 5450000)
        self.assertEqual(amounts[(relative.id, JUNE_2023)], 1624000)
        self.assertEqual(amounts[(relative.id, JULY_2023)], 2055000)
        self.assertEqual(amounts[(relative.id, JULY_2024)], 2789000)
        # the reported 2026 NCC level has no decree table yet: the 2024 table
        # stays in force until the new table is loaded (then the difference
        # is paid as truy lĩnh chênh lệch)
        later = self._amounts(invalid, date(2026, 8, 1))
        self.assertEqual(later[(invalid.id, date(2026, 8, 1))], 5450000)

    def test_sick_soldier_band(self):
        """Bệnh binh 61-70 %: 4,622,000 (NĐ 77/2024 Phụ lục I mục 7.1); 41-50 %:
        2,911,000; the same amount for any rate within the band."""
        low = self._beneficiary("Bệnh binh 45%")
        self._ncc(low, "bb", rate=45)
        mid = self._beneficiary("Bệnh binh 61%")
        self._ncc(mid, "bb", rate=61)
        top = self._beneficiary("Bệnh binh 70%")
        self._ncc(top, "bb", rate=70)
        amounts = self._amounts(low | mid | top, JULY_2024)
        self.assertEqual(amounts[(low.id, JULY_2024)], 2911000)
        self.assertEqual(amounts[(mid.id, JULY_2024)], 4622000)
        self.assertEqual(amounts[(top.id, JULY_2024)], 4622000)

    def test_martyr_parent_and_spouse(self):
        """Survivor allowances are the relatives' own: each of the martyr's
        mother and spouse receives 2,789,000 (NĐ 77/2024 Phụ lục I mục 4.1); a
        mother of two martyrs 5,578,000 and, living alone, the nurture
        allowance 2,231,000 on top (mục 4.4)."""
        mother = self._beneficiary("Mẹ liệt sĩ")
        self._ncc(mother, "tnls_2")
        self._ncc(mother, "tnls_tuat_nuoi_duong")
        spouse = self._beneficiary("Vợ liệt sĩ")
        self._ncc(spouse, "tnls_1")
        amounts = self._amounts(mother | spouse, JULY_2024)
        self.assertEqual(amounts[(mother.id, JULY_2024)], 5578000 + 2231000)
        self.assertEqual(amounts[(spouse.id, JULY_2024)], 2789000)

    def test_toxic_chemicals_with_caregiver(self):
        """A resistance participant affected by toxic chemicals at 85 %:
        6,358,000 (mục 8.1, 81-100 %), supplement 1,399,000 and caregiver
        allowance 2,789,000 (NĐ 77/2024 Phụ lục I mục 8)."""
        partner = self._beneficiary("Người nhiễm chất độc hóa học")
        self._ncc(partner, "cdhh", rate=85)
        self._ncc(partner, "cdhh_phu_cap_81")
        self._ncc(partner, "cdhh_nguoi_phuc_vu_81")
        amounts = self._amounts(partner, JULY_2024)
        self.assertEqual(amounts[(partner.id, JULY_2024)], 6358000 + 1399000 + 2789000)

    def test_heroic_mother(self):
        """Bà mẹ Việt Nam anh hùng: 8,367,000 allowance, 2,337,000 supplement,
        2,789,000 for the caregiver at home (NĐ 77/2024 Phụ lục I mục 3)."""
        mother = self._beneficiary("Bà mẹ Việt Nam anh hùng")
        self._ncc(mother, "bmvnah_tro_cap")
        self._ncc(mother, "bmvnah_phu_cap")
        self._ncc(mother, "bmvnah_nguoi_phuc_vu")
        amounts = self._amounts(mother, JUNE_2024, JULY_2024)
        self.assertEqual(amounts[(mother.id, JULY_2024)], 13493000)
        # NĐ 55/2023: 6,165,000 + 1,722,000 + 2,055,000
        self.assertEqual(amounts[(mother.id, JUNE_2024)], 9942000)

    def test_benefits_of_one_person_add_up(self):
        """Pháp lệnh 02/2020 Điều 6.1: a thương binh 41 % (3,667,000) who is also
        a martyr's relative (2,789,000) receives both."""
        partner = self._beneficiary("Thương binh, thân nhân liệt sĩ")
        self._ncc(partner, "tb", rate=41)
        self._ncc(partner, "tnls_1")
        amounts = self._amounts(partner, JULY_2024)
        self.assertEqual(amounts[(partner.id, JULY_2024)], 3667000 + 2789000)

    def test_only_the_highest_caregiver_and_supplement(self):
        """Only the highest caregiver allowance (Pháp lệnh 02/2020 Điều 6.3);
        the special supplement replaces the ≥81 % supplement (NĐ 131/2021
        Điều 24.1.d): 7,240,000 + 2,867,000 + 3,582,000."""
        partner = self._beneficiary("Thương binh 81% đặc biệt nặng")
        self._ncc(partner, "tb", rate=81)
        self._ncc(partner, "tb_phu_cap_81")
        self._ncc(partner, "tb_phu_cap_dac_biet_81")
        self._ncc(partner, "tb_nguoi_phuc_vu_81")
        self._ncc(partner, "tb_nguoi_phuc_vu_dac_biet_81")
        amounts = self._amounts(partner, JULY_2024)
        self.assertEqual(amounts[(partner.id, JULY_2024)], 7240000 + 2867000 + 3582000)

    def test_survivor_of_several_ncc_two_allowances_at_most(self):
        """Pháp lệnh 02/2020 Điều 6.5.a: "Thân nhân của hai người có công với
        cách mạng trở lên được hưởng tối đa hai suất trợ cấp tuất hằng tháng".
        The law does not say which two: the two highest are paid. A relative of
        a pre-1945 activist (2,789,000, NĐ 77/2024 Phụ lục I mục 1.2), a war
        invalid and a sick soldier (1,565,000 each, mục 6.2 and 7.2) receives
        2,789,000 + 1,565,000; before 1/7/2024 (NĐ 55/2023) 2,055,000 +
        1,153,000. A relative of two NCC receives both: 1,565,000 (mục 2.2)
        + 1,565,000 (mục 8.2)."""
        three = self._beneficiary("Thân nhân của ba người có công")
        self._ncc(three, "hdcm_truoc1945_than_nhan_tuat")
        self._ncc(three, "tb_than_nhan_tuat")
        self._ncc(three, "bb_than_nhan_tuat")
        two = self._beneficiary("Thân nhân của hai người có công")
        self._ncc(two, "hdcm_1945_than_nhan_tuat")
        self._ncc(two, "cdhh_than_nhan_tuat")
        amounts = self._amounts(three | two, JUNE_2024, JULY_2024)
        self.assertEqual(amounts[(three.id, JULY_2024)], 2789000 + 1565000)
        self.assertEqual(amounts[(three.id, JUNE_2024)], 2055000 + 1153000)
        self.assertEqual(amounts[(two.id, JULY_2024)], 1565000 + 1565000)

    def test_survivor_of_one_martyr_and_several_ncc(self):
        """Pháp lệnh 02/2020 Điều 6.5.b: "Thân nhân của một liệt sỹ đồng thời là
        thân nhân của hai người có công với cách mạng trở lên được hưởng trợ
        cấp tuất hằng tháng của một liệt sỹ và trợ cấp tuất hằng tháng của một
        người có công với cách mạng". One martyr (2,789,000, NĐ 77/2024 Phụ lục
        I mục 4.1) and the highest of the other two (2,789,000, mục 1.2; not
        the war invalid's 1,565,000)."""
        relative = self._beneficiary("Thân nhân một liệt sĩ và hai người có công")
        self._ncc(relative, "tnls_1")
        self._ncc(relative, "hdcm_truoc1945_than_nhan_tuat")
        self._ncc(relative, "tb_than_nhan_tuat")
        amounts = self._amounts(relative, JULY_2024)
        self.assertEqual(amounts[(relative.id, JULY_2024)], 2789000 + 2789000)

    def test_survivor_of_two_martyrs_and_an_ncc(self):
        """Pháp lệnh 02/2020 Điều 6.5.c: "Thân nhân của hai liệt sỹ trở lên và
        đồng thời là thân nhân của người có công với cách mạng thì hưởng trợ cấp
        tuất hằng tháng đối với thân nhân của liệt sỹ theo quy định tại điểm a
        khoản 3 Điều 16": the level of two martyrs (5,578,000, NĐ 77/2024 Phụ
        lục I mục 4.2) and not the war invalid's survivor allowance; the mother
        of three martyrs 8,367,000 (mục 4.3), with one nurture allowance
        2,231,000 (Điều 6.6)."""
        two = self._beneficiary("Mẹ hai liệt sĩ, vợ thương binh")
        self._ncc(two, "tnls_2")
        self._ncc(two, "tb_than_nhan_tuat")
        three = self._beneficiary("Mẹ ba liệt sĩ, vợ bệnh binh")
        self._ncc(three, "tnls_3plus")
        self._ncc(three, "bb_than_nhan_tuat")
        self._ncc(three, "tnls_tuat_nuoi_duong")
        amounts = self._amounts(two | three, JULY_2024)
        self.assertEqual(amounts[(two.id, JULY_2024)], 5578000)
        self.assertEqual(amounts[(three.id, JULY_2024)], 8367000 + 2231000)

    def test_one_nurture_allowance(self):
        """Pháp lệnh 02/2020 Điều 6.6: "Thân nhân của người có công với cách
        mạng thuộc trường hợp được hưởng thêm trợ cấp tuất nuôi dưỡng hằng
        tháng thì hưởng một suất trợ cấp tuất nuôi dưỡng hằng tháng". A martyr's
        spouse living alone, also the widow of a war invalid: 2,789,000
        (mục 4.1) + 1,565,000 (mục 6.2) + one nurture allowance 2,231,000."""
        widow = self._beneficiary("Vợ liệt sĩ sống cô đơn")
        self._ncc(widow, "tnls_1")
        self._ncc(widow, "tnls_tuat_nuoi_duong")
        self._ncc(widow, "tb_than_nhan_tuat")
        self._ncc(widow, "tb_than_nhan_tuat_nuoi_duong")
        amounts = self._amounts(widow, JULY_2024)
        self.assertEqual(amounts[(widow.id, JULY_2024)], 2789000 + 1565000 + 2231000)

    def test_war_invalid_also_sick_soldier(self):
        """NĐ 131/2021 Điều 45.3: "Đối với trường hợp thương binh đồng thời là
        bệnh binh [...] thì hưởng thêm một chế độ trợ cấp hằng tháng kể từ tháng
        Sở Lao động - Thương binh và Xã hội ban hành quyết định trợ cấp, phụ cấp
        ưu đãi." A thương binh 61 % (5,450,000, NĐ 77/2024 Phụ lục II) whose
        bệnh binh allowance 61-70 % (4,622,000, Phụ lục I mục 7.1) is decided
        on 15/08/2024 with a start in January: from August both, before August
        the thương binh allowance only (no arrears for the extra one)."""
        partner = self._beneficiary("Thương binh đồng thời là bệnh binh")
        self._ncc(partner, "tb", rate=61)
        self._ncc(
            partner,
            "bb",
            start=date(2024, 1, 1),
            rate=61,
            decision_date=date(2024, 8, 15),
        )
        august = date(2024, 8, 1)
        amounts = self._amounts(partner, JUNE_2024, august)
        self.assertEqual(amounts[(partner.id, JUNE_2024)], 4016000)
        self.assertEqual(amounts[(partner.id, JULY_2024)], 5450000)
        self.assertEqual(amounts[(partner.id, august)], 5450000 + 4622000)
        # a sick soldier alone is paid from the start of the decision
        alone = self._beneficiary("Bệnh binh")
        self._ncc(alone, "bb", start=date(2024, 1, 1), rate=61, decision_date=august)
        amounts = self._amounts(alone, JULY_2024)
        self.assertEqual(amounts[(alone.id, JULY_2024)], 4622000)

    def test_social_allowance_and_pension_pay_the_higher(self):
        """Luật BHXH 2024 Điều 22.2: BTXH and the social pension together, only
        the higher; on equal amounts the social allowance is paid."""
        month = date(2025, 7, 1)
        higher_btxh = self._beneficiary("Cụ hưởng BTXH cao hơn")
        self._allowance(higher_btxh, "k5a_80", date(2024, 1, 1))  # 2.0 x 500,000
        self._allowance(higher_btxh, "hts", month, program="htxh")  # 500,000
        equal = self._beneficiary("Cụ hưởng bằng nhau")
        self._allowance(equal, "k5c", date(2024, 1, 1))  # 1.0 x 500,000
        self._allowance(equal, "hts", month, program="htxh")
        pension_only = self._beneficiary("Cụ hưởng hưu trí xã hội")
        self._allowance(pension_only, "hts", month, program="htxh")
        everyone = higher_btxh | equal | pension_only
        btxh = self._amounts(everyone, month, program=self.btxh)
        htxh = self._amounts(everyone, month, program=self.htxh)
        self.assertEqual(
            btxh, {(higher_btxh.id, month): 1000000, (equal.id, month): 500000}
        )
        self.assertEqual(htxh, {(pension_only.id, month): 500000})

    def test_rate_refusals(self):
        officer = self.officer_a
        partner = self._beneficiary("Thương binh chưa có tỷ lệ")
        Allowance = self.Allowance.with_user(officer)
        vals = {
            "partner_id": partner.id,
            "category_id": self._category("tb", "ncc").id,
            "date_start": date(2024, 7, 1),
            "decision_ref": "TB-1/QĐ",
            "decision_date": date(2024, 7, 1),
        }
        with self.assertRefusal(ValidationError, "needs the rate of injury"):
            Allowance.create(vals)
        with self.assertRefusal(ValidationError, r"rate 15% .* outside the rates"):
            Allowance.create(dict(vals, rate=15))
        with self.assertRefusal(ValidationError, r"outside the rates .*41% to 100%"):
            Allowance.create(
                dict(vals, rate=30, category_id=self._category("bb", "ncc").id)
            )
        with self.assertRefusal(ValidationError, "its coefficient stays 1"):
            Allowance.create(dict(vals, rate=30, coefficient=1.5))
        self.assertFalse(self.Allowance.search([("partner_id", "=", partner.id)]))
        allowance = Allowance.create(dict(vals, rate=30))
        with self.assertRefusal(ValidationError, "needs the rate of injury"):
            allowance.write({"rate": 0})
        self.assertEqual(allowance.rate, 30)

    def test_manager_adds_a_level_officer_cannot(self):
        """Levels are data: a manager enters a new decree's level from the UI;
        other users read it only."""
        manager = new_test_user(
            self.env,
            login="level_manager",
            groups="social_beneficiary.group_social_manager",
        )
        Level = self.env["social.base.level"]
        vals = {
            "program_id": self.btxh.id,
            "amount": 600000,
            "date_from": date(2027, 1, 1),
            "legal_basis": "Nghị định thử",
        }
        with self.assertRaises(AccessError):
            Level.with_user(self.officer_a).create(vals)
        self.assertFalse(Level.search([("date_from", "=", date(2027, 1, 1))]))
        level = Level.with_user(manager).create(vals)
        level.with_user(manager).amount = 610000
        partner = self._beneficiary("Người hưởng mức mới")
        self._allowance(partner, "k5c", date(2026, 1, 1))
        amounts = self._amounts(partner, date(2027, 1, 1), program=self.btxh)
        self.assertEqual(amounts[(partner.id, date(2027, 1, 1))], 610000)

    def test_reported_2026_levels(self):
        """540,000 BTXH and HTXH (Nghị định 335/2026), 3,012,000 NCC (Nghị định
        321/2026), as reported: shipped as data, marked to verify."""
        Level = self.env["social.base.level"]
        for program, amount in (
            (self.btxh, 540000),
            (self.htxh, 540000),
            (self.ncc, 3012000),
        ):
            level = Level.search(
                [("program_id", "=", program.id), ("date_from", "=", date(2026, 7, 1))]
            )
            self.assertEqual(level.amount, amount)
            self.assertIn("verify", level.confidence)
        partner = self._beneficiary("Người hưởng 2026")
        self._allowance(partner, "k5a_80", date(2026, 1, 1))
        amounts = self._amounts(partner, date(2026, 6, 1), date(2026, 7, 1), self.btxh)
        self.assertEqual(amounts[(partner.id, date(2026, 6, 1))], 1000000)
        self.assertEqual(amounts[(partner.id, date(2026, 7, 1))], 1080000)

    def test_reference_levels(self):
        """The reference level (mức lương cơ sở) the NCC funeral allowance is
        computed from (10 x the level of the month of death, Nghị định
        131/2021 Điều 121.1): 1,800,000 from 1/7/2023 (Nghị định 24/2023),
        2,340,000 from 1/7/2024 (Nghị định 73/2024), 2,530,000 reported from
        1/7/2026, marked to verify. Only a manager changes it."""
        Level = self.env["social.reference.level"]
        for day, amount in (
            (date(2023, 6, 30), 1490000),
            (date(2023, 7, 1), 1800000),
            (date(2025, 3, 12), 2340000),
            (date(2026, 7, 1), 2530000),
        ):
            with self.subTest(day=day):
                self.assertEqual(Level._level_for(day).amount, amount)
        self.assertIn("verify", Level._level_for(date(2026, 7, 1)).confidence)
        with self.assertRaises(AccessError):
            Level.with_user(self.officer_a).create(
                {"amount": 2600000, "date_from": date(2027, 7, 1)}
            )
        with self.assertRaises(AccessError):
            Level._level_for(date(2025, 1, 1)).with_user(self.officer_a).write(
                {"amount": 1}
            )
        self.assertFalse(Level.search([("date_from", "=", date(2027, 7, 1))]))
        self.assertEqual(Level._level_for(date(2025, 1, 1)).amount, 2340000)

    def test_demo_ncc_allowances_use_the_tables(self):
        """The demo's people with meritorious services are paid from the
        decrees' tables: a war invalid at 61 % (5,450,000 from 1/7/2024, NĐ
        77/2024 Phụ lục II) and the wife of one martyr (2,789,000, Phụ lục I
        mục 3.1)."""
        invalid = self.env.ref(
            "social_beneficiary.demo_beneficiary_le_chien", raise_if_not_found=False
        )
        if not invalid:
            self.skipTest("installed without demo data")
        wife = self.env.ref("social_beneficiary.demo_beneficiary_tran_luyen")
        amounts = self._amounts(invalid | wife, date(2025, 1, 1))
        self.assertEqual(amounts[(invalid.id, date(2025, 1, 1))], 5450000)
        self.assertEqual(amounts[(wife.id, date(2025, 1, 1))], 2789000)
        self.assertFalse(
            self.env["social.allowance"].search_count(
                [("category_id.code", "=", "ncc_std")]
            )
        )
