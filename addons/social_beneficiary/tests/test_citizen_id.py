from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SocialBeneficiaryCommon


@tagged("post_install", "-at_install")
class TestCitizenId(SocialBeneficiaryCommon):
    def _new(self, number, gender="male", birth=date(1950, 3, 2), **vals):
        return self._beneficiary(
            "Người thử", citizen_id=number, gender=gender, birth_date=birth, **vals
        )

    def assertRefused(self, message, number, **kwargs):
        count = self.env["res.partner"].search_count([("name", "=", "Người thử")])
        with self.assertRefusal(ValidationError, message):
            self._new(number, **kwargs)
        self.assertEqual(
            self.env["res.partner"].search_count([("name", "=", "Người thử")]), count
        )

    def test_valid_numbers(self):
        cases = [
            ("051050001111", "male", date(1950, 1, 1)),
            ("051155002222", "female", date(1955, 1, 1)),
            ("066205003333", "male", date(2005, 1, 1)),
            ("020310004444", "female", date(2010, 1, 1)),
            ("046099005555", "male", date(1999, 12, 31)),
        ]
        for number, gender, birth in cases:
            with self.subTest(number=number):
                partner = self._new(number, gender, birth)
                self.assertEqual(partner.citizen_id, number)
                self.assertFalse(partner.citizen_id_province_unknown)
                self.assertFalse(partner.citizen_id_warning)

    def test_spaces_are_removed(self):
        partner = self._new("051 050 001 111")
        self.assertEqual(partner.citizen_id, "051050001111")

    def test_wrong_length(self):
        self.assertRefused("must have exactly 12 digits", "05105000111")
        self.assertRefused("must have exactly 12 digits", "0510500011112")
        self.assertRefused("must have exactly 12 digits", "05105000111A")

    def test_sex_digit(self):
        # digit 4 = 1 is a woman born in the 1900s
        self.assertRefused("does not match the gender", "051150001111", gender="male")
        self.assertRefused("does not match the gender", "051050001111", gender="female")

    def test_century_digit(self):
        # digit 4 = 2 is a man born in the 2000s
        self.assertRefused(
            "does not match the birth year 1950", "051250001111", birth=date(1950, 1, 1)
        )
        self.assertRefused(
            "does not match the birth year 2005",
            "066005003333",
            birth=date(2005, 1, 1),
        )

    def test_birth_year_digits(self):
        self.assertRefused(
            r"Digits 5-6 \(51\) .* do not match the birth year 1950",
            "051051001111",
            birth=date(1950, 1, 1),
        )

    def test_unknown_province_warns_but_saves(self):
        partner = self._new("003050001111")  # 003 is not a province code
        self.assertTrue(partner.citizen_id_province_unknown)
        self.assertIn("003", partner.citizen_id_warning)
        flagged = self.env["res.partner"].search(
            [("citizen_id_province_unknown", "=", True), ("id", "=", partner.id)]
        )
        self.assertEqual(flagged, partner)

    def test_unknown_province_onchange_warning(self):
        form = Form(
            self.env["res.partner"]
            .with_user(self.officer_a)
            .with_context(default_is_beneficiary=True),
            view="social_beneficiary.res_partner_view_form_beneficiary",
        )
        form.name = "Người cảnh báo"
        form.area_id = self.commune_a
        form.gender = "male"
        form.birth_date = date(1950, 1, 1)
        form.citizen_id = "099050001111"
        self.assertIn("099", form.citizen_id_warning)
        partner = form.save()
        self.assertTrue(partner.citizen_id_province_unknown)

    def test_unique_among_beneficiaries(self):
        before = self.env["res.partner"].search_count(
            [("citizen_id", "=", "051050001234")]
        )
        with self.assertRefusal(ValidationError, "already registered for the"):
            self._beneficiary(
                "Người trùng",
                citizen_id="051050001234",
                gender="male",
                birth_date=date(1950, 3, 2),
            )
        self.assertEqual(
            self.env["res.partner"].search_count([("citizen_id", "=", "051050001234")]),
            before,
        )
        # archived beneficiaries keep their number
        self.ben_a.active = False
        with self.assertRefusal(ValidationError, "already registered for the"):
            self._beneficiary("Người trùng", citizen_id="051050001234")
        # a non-beneficiary contact (e.g. the same person as guardian) is not checked
        other = self.env["res.partner"].create(
            {"name": "Người giám hộ", "citizen_id": "051050001234"}
        )
        self.assertEqual(other.citizen_id, "051050001234")

    def test_form_refuses_and_keeps_value(self):
        with self.assertRefusal(ValidationError, "does not match the gender"):
            self.ben_a.write({"gender": "female"})
        self.assertEqual(self.ben_a.gender, "male")

    def test_old_id_history(self):
        History = self.env["social.beneficiary.id.history"]
        History.create({"partner_id": self.ben_a.id, "id_number": "212999888"})
        with self.assertRefusal(ValidationError, "must have 9 digits"):
            History.create({"partner_id": self.ben_a.id, "id_number": "21299988"})
        self.assertEqual(History.search_count([("partner_id", "=", self.ben_a.id)]), 1)
        found = self.env["res.partner"].search(
            [("id_history_ids.id_number", "=", "212999888")]
        )
        self.assertEqual(found, self.ben_a)


@tagged("post_install", "-at_install")
class TestPhone(SocialBeneficiaryCommon):
    def test_normalised(self):
        cases = {
            "+84 912 345 678": "0912345678",
            "84912345678": "0912345678",
            "0912.345.678": "0912345678",
            "(+84) 35-123-4567": "0351234567",
            "0243 826 1234": "02438261234",
        }
        for raw, expected in cases.items():
            with self.subTest(raw=raw):
                self.ben_a.phone = raw
                self.assertEqual(self.ben_a.phone, expected)

    def test_refused_for_beneficiary(self):
        for wrong in ("12345", "0112345678", "+1 202 555 0100"):
            with self.subTest(wrong=wrong):
                with self.assertRefusal(ValidationError, "is not a Vietnamese number"):
                    self.ben_a.phone = wrong
                self.assertEqual(self.ben_a.phone, "0912345678")

    def test_other_contacts_keep_foreign_numbers(self):
        contact = self.env["res.partner"].create(
            {"name": "Foreign contact", "phone": "+1 202 555 0100"}
        )
        self.assertEqual(contact.phone, "+1 202 555 0100")
