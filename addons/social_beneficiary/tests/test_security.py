from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SocialBeneficiaryCommon


@tagged("post_install", "-at_install")
class TestAreaSecurity(SocialBeneficiaryCommon):
    """Officer A serves Nguyễn Nghiêm only; ben_b lives in Phổ An."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.allowance_b = cls._allowance(cls.ben_b, "k5c", date(2024, 1, 1))
        cls.rep_b = cls.env["social.representative"].create(
            {
                "beneficiary_id": cls.ben_b.id,
                "partner_id": cls.guardian.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
            }
        )
        cls.registration_b = cls.env["social.payment.registration"].create(
            {"beneficiary_id": cls.ben_b.id, "method": "cash_point"}
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.officer_a)
        cls.officer_export = new_test_user(
            cls.env,
            login="officer_export",
            groups="social_beneficiary.group_social_commune_officer,"
            "base.group_allow_export",
            social_area_ids=[(6, 0, cls.commune_a.ids)],
        )

    def test_own_commune_visible(self):
        self.assertEqual(
            self.Partner.search([("is_beneficiary", "=", True)]), self.ben_a
        )
        self.assertEqual(self.ben_a.with_user(self.officer_a).name, "Nguyễn Văn An")

    def test_cannot_read_other_commune(self):
        with self.assertRefusal(
            AccessError, "doesn't have '(read|write|create)' access to:\n- Contact"
        ):
            self.ben_b.with_user(self.officer_a).read(["name", "citizen_id"])
        for model, record in (
            ("social.allowance", self.allowance_b),
            ("social.representative", self.rep_b),
            ("social.payment.registration", self.registration_b),
        ):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    record.with_user(self.officer_a).read(["area_id"])

    def test_cannot_search_or_count_other_commune(self):
        domain = [("is_beneficiary", "=", True)]
        self.assertFalse(self.Partner.search([("citizen_id", "=", "051155000111")]))
        self.assertFalse(self.Partner.search([("name", "ilike", "Trần Thị Bình")]))
        self.assertEqual(self.Partner.search_count(domain), 1)
        self.assertEqual(
            self.Partner.search_count([*domain, ("area_id", "=", self.commune_b.id)]),
            0,
        )
        for model in (
            "social.allowance",
            "social.representative",
            "social.payment.registration",
        ):
            with self.subTest(model=model):
                self.assertEqual(
                    self.env[model].with_user(self.officer_a).search_count([]), 0
                )

    def test_cannot_group_other_commune(self):
        groups = self.Partner.read_group(
            [("is_beneficiary", "=", True)], ["area_id"], ["area_id"]
        )
        self.assertEqual([g["area_id"][0] for g in groups], [self.commune_a.id])
        self.assertEqual(groups[0]["area_id_count"], 1)
        allowance_groups = (
            self.env["social.allowance"]
            .with_user(self.officer_a)
            .read_group([], ["area_id"], ["area_id"])
        )
        self.assertEqual(allowance_groups, [])

    def test_cannot_export_other_commune(self):
        Exporter = self.env["res.partner"].with_user(self.officer_export)
        both = Exporter.browse((self.ben_a | self.ben_b).ids)
        with self.assertRefusal(AccessError, "doesn't have 'read' access"):
            both.export_data(["name", "citizen_id"])
        visible = Exporter.search([("is_beneficiary", "=", True)])
        rows = visible.export_data(["name", "citizen_id"])["datas"]
        self.assertEqual(rows, [["Nguyễn Văn An", "051050001234"]])

    def test_cannot_write_or_move_into_other_commune(self):
        with self.assertRefusal(
            AccessError, "doesn't have '(read|write|create)' access to:\n- Contact"
        ):
            self.ben_b.with_user(self.officer_a).write({"phone": "0912000111"})
        self.assertFalse(self.ben_b.phone)
        with self.assertRefusal(
            AccessError, "doesn't have '(read|write|create)' access to:\n- Contact"
        ):
            self.Partner.create(
                {
                    "name": "Người xã khác",
                    "is_beneficiary": True,
                    "area_id": self.commune_b.id,
                }
            )
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Người xã khác")])
        )
        with self.assertRefusal(
            AccessError, "doesn't have '(read|write|create)' access to:\n- Contact"
        ):
            self.ben_a.with_user(self.officer_a).write({"area_id": self.commune_b.id})
        self.assertEqual(self.ben_a.area_id, self.commune_a)

    def test_cannot_add_allowance_in_other_commune(self):
        Allowance = self.env["social.allowance"].with_user(self.officer_a)
        count = self.env["social.allowance"].search_count([])
        with self.assertRaises(AccessError):
            Allowance.create(
                {
                    "partner_id": self.ben_b.id,
                    "category_id": self._category("k5c").id,
                    "date_start": date(2024, 1, 1),
                    "decision_ref": "1/QĐ",
                    "decision_date": date(2024, 1, 1),
                }
            )
        self.assertEqual(self.env["social.allowance"].search_count([]), count)

    def test_district_staff_see_their_communes(self):
        Approver = self.env["res.partner"].with_user(self.approver)
        bmt = self._beneficiary("Người Buôn Ma Thuột", self.commune_bmt)
        mine = (self.ben_a | self.ben_b | bmt).ids
        self.assertEqual(Approver.search([("id", "in", mine)]), self.ben_a | self.ben_b)
        with self.assertRaises(AccessError):
            bmt.with_user(self.approver).read(["name"])

    def test_auditor_is_read_only(self):
        Auditor = self.env["res.partner"].with_user(self.auditor)
        mine = (self.ben_a | self.ben_b).ids
        self.assertEqual(len(Auditor.search([("id", "in", mine)])), 2)
        with self.assertRaises(AccessError):
            self.ben_a.with_user(self.auditor).write({"phone": "0912000111"})
        self.assertEqual(self.ben_a.phone, "0912345678")
        with self.assertRaises(AccessError):
            self.allowance_b.with_user(self.auditor).write({"note": "x"})
        self.assertFalse(self.allowance_b.note)

    def test_area_change_applies_at_once(self):
        self.assertEqual(self.Partner.search_count([("is_beneficiary", "=", True)]), 1)
        self.officer_a.social_area_ids = [(4, self.commune_b.id)]
        self.assertEqual(self.Partner.search_count([("is_beneficiary", "=", True)]), 2)

    def test_officer_cannot_verify_registration(self):
        registration = self.env["social.payment.registration"].create(
            {"beneficiary_id": self.ben_a.id, "method": "cash_point"}
        )
        with self.assertRefusal(UserError, "Only an approver can verify"):
            registration.with_user(self.officer_a).action_verify()
        self.assertEqual(registration.state, "draft")
        registration.with_user(self.approver).action_verify()
        self.assertEqual(registration.state, "verified")
        self.assertEqual(registration.verified_by_id, self.approver)
