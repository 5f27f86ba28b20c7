from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBeneficiaryTour(HttpCase):
    def test_officer_registers_beneficiary(self):
        # Parse every manifest now, in this thread: the HTTP server otherwise
        # does it on the browser's first parallel requests, and Python 3.11.7
        # can fail compiling in several threads at once (CPython gh-106905).
        self.assertIn("social_beneficiary", http.root.statics)
        commune = self.env.ref("social_beneficiary.area_21445")
        officer = new_test_user(
            self.env,
            login="tour_officer",
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, commune.ids)],
        )
        self.start_tour(
            "/odoo/action-social_beneficiary.social_beneficiary_action",
            "social_beneficiary_officer_tour",
            login="tour_officer",
        )
        beneficiary = self.env["res.partner"].search(
            [("name", "=", "Đinh Thị Tuyết"), ("is_beneficiary", "=", True)]
        )
        self.assertEqual(len(beneficiary), 1)
        self.assertEqual(beneficiary.create_uid, officer)
        self.assertEqual(beneficiary.area_id, commune)
        self.assertEqual(beneficiary.citizen_id, "051160001234")
        self.assertEqual(beneficiary.phone, "0912345670")
        self.assertTrue(beneficiary.beneficiary_ref.startswith("DT"))
        guardian = beneficiary.representative_ids
        self.assertEqual(guardian.role, "guardian")
        self.assertEqual(guardian.partner_id.name, "Đinh Văn Hộ")
        self.assertFalse(guardian.partner_id.is_beneficiary)
        self.assertEqual(guardian.document_ref, "QĐ 12/2025")
        account = beneficiary.bank_ids
        self.assertEqual(account.acc_number, "3400205123456")
        self.assertEqual(account.bank_id.napas_bin, "970405")

    def test_officer_imports_a_list(self):
        """An officer uploads a list, reads the preview, applies it and finds
        the new beneficiaries in the registry."""
        self.assertIn("social_beneficiary", http.root.statics)
        # the list names the commune by its code before the 2025 merger: its
        # people go to the commune it became, which the officer serves too
        former = self.env.ref("social_beneficiary.area_21445")
        commune = former.successor_ids
        self.assertEqual(len(commune), 1)
        officer = new_test_user(
            self.env,
            login="tour_import_officer",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, (former | commune).ids)],
        )
        self.start_tour(
            "/odoo/action-social_beneficiary.social_beneficiary_action",
            "social_beneficiary_import_tour",
            login="tour_import_officer",
        )
        partners = self.env["res.partner"].search(
            [("citizen_id", "in", ("051148000901", "051050000902"))]
        )
        self.assertEqual(sorted(partners.mapped("name")), ["Lò Thị Mai", "Lò Văn Sáng"])
        for partner in partners:
            self.assertTrue(partner.is_beneficiary)
            self.assertEqual(partner.create_uid, officer)
            self.assertEqual(partner.area_id, commune)
            self.assertEqual(partner.allowance_ids.state, "active")
            self.assertEqual(partner.allowance_ids.category_id.code, "k5a_60")
            registration = partner.payment_registration_ids
            self.assertEqual(registration.method, "bank")
            self.assertEqual(registration.state, "draft")
            self.assertEqual(registration.bank_account_id.bank_id.napas_bin, "970405")
        self.assertEqual(
            partners.filtered(
                lambda p: p.citizen_id == "051050000902"
            ).bank_ids.acc_number,
            "3400205000902",
        )
