"""Official administrative areas (2025 reorganisation), merged communes, banks."""

import base64
import time
from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..tools import official_areas
from .common import SocialBeneficiaryCommon
from .import_common import NEW_ROW, csv_file

REFORM = date(2025, 7, 1)
LEGACY_END = date(2025, 6, 30)


@tagged("post_install", "-at_install")
class TestOfficialAreas(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="area_manager",
            email=False,
            groups="social_beneficiary.group_social_manager",
        )
        ref = cls.env.ref
        # Xã Phổ Phong (21445) merged into Xã Nguyễn Nghiêm (21457), which
        # reuses the code of the former Xã Phổ Nhơn (21457)
        cls.old_pho_phong = ref("social_beneficiary.area_21445")
        cls.old_pho_nhon = ref("social_beneficiary.area_21457")
        cls.new_nguyen_nghiem = ref("social_beneficiary.area_2025_21457")

    def _count(self, level, period_start):
        Area = self.env["social.area"].with_context(active_test=False)
        if period_start:
            return Area.search_count(
                [("level", "=", level), ("date_from", "=", REFORM)]
            )
        return Area.search_count([("level", "=", level), ("date_to", "=", LEGACY_END)])

    def test_full_2025_set_loads_from_the_package(self):
        """Remove the 2025 units, load them again: 34 provinces, 3,321 communes."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM social_area_succession_rel;"
                "DELETE FROM social_area WHERE date_from = %s AND level = 'commune';"
                "DELETE FROM social_area WHERE date_from = %s AND level = 'province';",
                REFORM,
                REFORM,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self._count("commune", REFORM), 0)
        start = time.perf_counter()
        result = (
            self.env["social.area"].with_user(self.manager).action_load_official_areas()
        )
        elapsed = time.perf_counter() - start
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self._count("province", REFORM), 34)
        self.assertEqual(self._count("commune", REFORM), 3321)
        self.assertLess(elapsed, 60)
        # every commune hangs under its 2025 province, with the package's code
        provinces, communes = official_areas.read_2025()
        Area = self.env["social.area"]
        loaded = Area.search([("date_from", "=", REFORM), ("level", "=", "commune")])
        self.assertEqual(
            {(a.code, a.parent_id.code) for a in loaded},
            {(code, province) for code, __, province in communes},
        )
        self.assertEqual(set(loaded.parent_id.mapped("level")), {"province"})
        # a former commune of each of the 10,035 points to its 2025 commune
        self.assertEqual(self.old_pho_phong.successor_ids.code, "21457")
        self.assertEqual(self.old_pho_phong.successor_ids.date_from, REFORM)
        # again: nothing to do
        again = self.env["social.area"]._load_official_areas()
        self.assertEqual(
            (again["created"], again["updated"], again["links"]), (0, 0, 0)
        )

    def test_former_units_are_history(self):
        self.assertEqual(self._count("province", None), 63)
        self.assertEqual(self._count("district", None), 696)
        self.assertEqual(self._count("commune", None), 10035)
        # the demo communes are the official ones, not copies
        Area = self.env["social.area"].with_context(active_test=False)
        self.assertEqual(
            Area.search_count([("code", "=", "21445"), ("level", "=", "commune")]), 1
        )
        self.assertEqual(self.old_pho_phong.name, "Xã Phổ Phong")
        self.assertEqual(self.old_pho_phong.parent_id.code, "534")
        # Kon Tum (62) went into Quảng Ngãi (51)
        kon_tum = Area.search([("code", "=", "62"), ("level", "=", "province")])
        self.assertEqual(kon_tum.successor_ids.code, "51")
        self.assertEqual(kon_tum.successor_ids.date_from, REFORM)

    def test_only_a_manager_loads(self):
        with self.assertRefusal(AccessError, "Only a manager can load"):
            self.env["social.area"].with_user(
                self.officer_a
            ).action_load_official_areas()

    def test_code_unique_per_level_and_period(self):
        Area = self.env["social.area"].with_user(self.manager)
        province = Area.create(
            {
                "name": "Tỉnh Cũ",
                "code": "990",
                "level": "province",
                "date_to": LEGACY_END,
            }
        )
        new_province = Area.create(
            {
                "name": "Tỉnh Mới",
                "code": "990",
                "level": "province",
                "date_from": REFORM,
            }
        )
        old = Area.create(
            {
                "name": "Xã Cũ",
                "code": "99001",
                "level": "commune",
                "parent_id": province.id,
                "date_to": LEGACY_END,
            }
        )
        # the same code after the merger, and at another level: accepted
        new = Area.create(
            {
                "name": "Xã Mới",
                "code": "99001",
                "level": "commune",
                "parent_id": new_province.id,
                "date_from": REFORM,
            }
        )
        other_level = Area.create(
            {
                "name": "Tỉnh Số",
                "code": "99001",
                "level": "province",
                "date_from": REFORM,
            }
        )
        self.assertEqual(len(old | new | other_level), 3)
        count = Area.search_count([("code", "=", "99001")])
        # the same level and an overlapping period: refused
        with self.assertRefusal(
            ValidationError,
            "The code 99001 of .*Xã Trùng is already used by .*Xã Mới at the "
            "same level in an overlapping period",
        ):
            Area.create(
                {
                    "name": "Xã Trùng",
                    "code": "99001",
                    "level": "commune",
                    "parent_id": new_province.id,
                    "date_from": date(2026, 1, 1),
                }
            )
        with self.assertRefusal(ValidationError, "overlapping period"):
            new.write({"date_from": date(2025, 6, 1)})
        self.assertEqual(Area.search_count([("code", "=", "99001")]), count)
        self.assertEqual(new.date_from, REFORM)
        # real data does the same: 21457 is the former Phổ Nhơn and the new
        # Nguyễn Nghiêm
        self.assertEqual(self.old_pho_nhon.code, self.new_nguyen_nghiem.code)
        self.assertEqual(self.old_pho_nhon.successor_ids, self.new_nguyen_nghiem)
        self.assertIn(self.old_pho_phong, self.new_nguyen_nghiem.predecessor_ids)

    def test_merged_commune_found_under_both_codes(self):
        person = self.env["res.partner"].create(
            {
                "name": "Võ Thị Hợp",
                "is_beneficiary": True,
                "area_id": self.new_nguyen_nghiem.id,
                "former_area_id": self.old_pho_phong.id,
                "citizen_id": "051150009876",
                "birth_date": date(1950, 1, 1),
                "gender": "female",
            }
        )
        Partner = self.env["res.partner"].with_user(self.manager)
        for code in ("21445", "21457"):
            self.assertIn(person, Partner.search([("area_id", "ilike", code)]), code)
            self.assertIn(person, Partner.search([("area_id", "child_of", code)]), code)
        # the former code proposes the commune it became
        found = [
            area_id
            for area_id, __ in self.env["social.area"]
            .with_user(self.manager)
            .name_search("21445", limit=20)
        ]
        self.assertIn(self.new_nguyen_nghiem.id, found)
        self.assertIn(self.old_pho_phong.id, found)
        # and the person's record keeps the old commune
        self.assertEqual(person.former_area_id.code, "21445")


@tagged("post_install", "-at_install")
class TestImportMergedCommunes(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.old_pho_phong = ref("social_beneficiary.area_21445")
        cls.old_pho_nhon = ref("social_beneficiary.area_21457")
        cls.new_nguyen_nghiem = ref("social_beneficiary.area_2025_21457")
        # after 1 July 2025 the commune officer serves the new commune
        cls.officer_new = new_test_user(
            cls.env,
            login="officer_nguyen_nghiem",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, cls.new_nguyen_nghiem.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="import_manager",
            email=False,
            groups="social_beneficiary.group_social_manager",
        )

    def _import(self, rows, user=None):
        wizard = (
            self.env["social.beneficiary.import"]
            .with_user(user or self.officer_new)
            .create({"file": base64.b64encode(csv_file(rows)), "filename": "l.csv"})
        )
        wizard.action_preview()
        return wizard

    def _person(self, citizen_id):
        return self.env["res.partner"].search([("citizen_id", "=", citizen_id)])

    def test_old_list_maps_old_codes_to_the_new_commune(self):
        rows = [
            # a 2024 list: 21445 is Phổ Phong, 21457 is Phổ Nhơn
            dict(NEW_ROW, citizen_id="051148000801", commune_code="21445"),
            dict(NEW_ROW, citizen_id="051148000802", commune_code="21457"),
            # a 2026 list: 21457 is Nguyễn Nghiêm itself
            dict(
                NEW_ROW,
                citizen_id="051148000803",
                commune_code="21457",
                date_start="01/02/2026",
                decision_date="20/01/2026",
                decision_ref="5/QĐ-UBND",
            ),
        ]
        wizard = self._import(rows)
        self.assertEqual(
            [(e.row, e.message) for e in wizard.error_ids], [], "no refusal"
        )
        self.assertEqual(wizard.count_new, 3)
        wizard.action_apply()
        first, second, third = (
            self._person(cid)
            for cid in ("051148000801", "051148000802", "051148000803")
        )
        self.assertEqual(
            (first | second | third).area_id, self.new_nguyen_nghiem, "one commune"
        )
        self.assertEqual(first.former_area_id, self.old_pho_phong)
        self.assertEqual(second.former_area_id, self.old_pho_nhon)
        self.assertFalse(third.former_area_id)
        # found under the old code and the new one
        Partner = self.env["res.partner"].with_user(self.officer_new)
        self.assertIn(first, Partner.search([("area_id", "child_of", "21445")]))
        self.assertIn(first, Partner.search([("area_id", "child_of", "21457")]))
        # the same file again changes nothing
        again = self._import(rows)
        self.assertEqual((again.count_new, again.count_unchanged), (0, 3))

    def test_divided_commune_is_refused(self):
        self.env.cr.execute(
            """
            SELECT a.code FROM social_area a
              JOIN social_area_succession_rel r ON r.predecessor_id = a.id
             WHERE a.level = 'commune'
             GROUP BY a.id, a.code HAVING count(*) > 1
             ORDER BY a.code LIMIT 1
            """
        )
        code = self.env.cr.fetchone()[0]
        before = self.env["res.partner"].search_count([])
        wizard = self._import(
            [dict(NEW_ROW, citizen_id="051148000804", commune_code=code)],
            user=self.manager,
        )
        self.assertEqual(wizard.count_refused, 1)
        self.assertRegex(
            wizard.error_ids.message,
            f"The commune {code} ended on 2025-06-30 and was divided between "
            "the communes .*, .*: give the code of the new commune",
        )
        self.assertEqual(self.env["res.partner"].search_count([]), before)
        self.assertFalse(self._person("051148000804"))


@tagged("post_install", "-at_install")
class TestBanks(SocialBeneficiaryCommon):
    def test_public_bin_list(self):
        Bank = self.env["res.bank"].with_user(self.officer_a)
        banks = Bank.search([("napas_bin", "!=", False)])
        self.assertEqual(len(banks), 60)
        self.assertEqual(len(banks.filtered(lambda b: b.social_kind == "ewallet")), 3)
        by_bin = {bank.napas_bin: bank for bank in banks}
        for bin_, name in (
            ("970436", "Vietcombank"),
            ("970415", "VietinBank"),
            ("970418", "BIDV"),
            ("970405", "Agribank"),
            ("970422", "MB Bank"),
            ("970449", "LPBank"),
            ("971025", "MoMo"),
        ):
            self.assertEqual(by_bin[bin_].name, name, bin_)
        self.assertEqual(by_bin["970436"].bic, "BFTVVNVX")
        self.assertEqual(by_bin["971025"].social_kind, "ewallet")
        self.assertEqual(by_bin["971005"].social_kind, "ewallet")
