import threading
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import SQL

from ..models.res_partner_citizen_id import CITIZEN_ID_INDEX
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

    def test_only_digits(self):
        for wrong in ("05105000111A", "05105000111²", "O51050001111", "051050001111!"):
            with self.subTest(wrong=wrong):
                self.assertRefused("may only contain digits", wrong)

    def test_unicode_digits_become_ascii(self):
        def typed(number, zero):
            return "".join(chr(zero + int(digit)) for digit in number)

        cases = {
            "full-width": typed("051050001111", 0xFF10),
            "Arabic-Indic": typed("051050001111", 0x0660),
            "Devanagari": typed("051050001111", 0x0966),
            # ideographic space, full-width full stop and hyphen as separators
            "full-width with separators": typed("051", 0xFF10)
            + "\u3000"
            + typed("050", 0xFF10)
            + "\uff0e"
            + typed("001", 0xFF10)
            + "\uff0d"
            + typed("111", 0xFF10),
        }
        for kind, number in cases.items():
            with self.subTest(kind=kind):
                self.assertFalse(number.isascii())
                partner = self._new(number)
                self.assertEqual(partner.citizen_id, "051050001111")
                partner.unlink()
        # on write too
        self.ben_a.citizen_id = typed("051050001234", 0xFF10)
        self.assertEqual(self.ben_a.citizen_id, "051050001234")

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

    def test_unknown_province_refused(self):
        # 003 is not a province code
        self.assertRefused(
            "starts with 003, which is not a province code", "003050001111"
        )
        for user in (self.officer_a, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                with self.assertRefusal(ValidationError, "starts with 099"):
                    self.ben_a.with_user(user).citizen_id = "099050001234"
                self.assertEqual(self.ben_a.citizen_id, "051050001234")
        # a representative's number is checked the same way
        with self.assertRefusal(ValidationError, "starts with 003"):
            self.env["res.partner"].create(
                {"name": "Người đại diện", "citizen_id": "003080001111"}
            )
        self.assertFalse(
            self.env["res.partner"].search([("citizen_id", "=", "003080001111")])
        )

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
        with self.assertRefusal(ValidationError, "starts with 099"):
            form.save()
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Người cảnh báo")])
        )

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

    def test_unique_within_one_create(self):
        """Two new people of one call with one number: the message names the
        number and says why, not a holder that does not exist."""
        Partner = self.env["res.partner"].with_user(self.officer_a)
        vals = {
            "is_beneficiary": True,
            "citizen_id": "051050009999",
            "gender": "male",
            "birth_date": date(1950, 3, 2),
            "area_id": self.commune_a.id,
        }
        with self.assertRefusal(
            ValidationError,
            "The citizen ID 051050009999 is given to two new beneficiaries at once",
        ):
            Partner.create([dict(vals, name="Người một"), dict(vals, name="Người hai")])
        self.assertFalse(
            self.env["res.partner"].search([("citizen_id", "=", "051050009999")])
        )

    def test_form_refuses_and_keeps_value(self):
        with self.assertRefusal(ValidationError, "does not match the gender"):
            self.ben_a.write({"gender": "female"})
        self.assertEqual(self.ben_a.gender, "male")

    def test_unique_index_exists(self):
        self.env.cr.execute(
            SQL(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                CITIZEN_ID_INDEX,
            )
        )
        definition = self.env.cr.fetchone()[0]
        self.assertIn("UNIQUE", definition)
        self.assertIn("is_beneficiary", definition)

    def test_changed_number_goes_to_history(self):
        History = self.env["social.beneficiary.id.history"]
        officer = self.officer_a
        partner = self.ben_a.with_user(officer)
        partner.citizen_id = "051050004321"
        row = History.search([("partner_id", "=", self.ben_a.id)])
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.id_number, row.id_type, row.source, row.date_to),
            ("051050001234", "cccd", "change", date.today()),
        )
        self.assertIn(
            "Citizen ID changed from 051050001234 to 051050004321",
            " ".join(self.ben_a.message_ids.mapped("body")),
        )
        # old lists still find the person
        found = self.env["res.partner"].search(
            [("id_history_ids.id_number", "=", "051050001234")]
        )
        self.assertEqual(found, self.ben_a)
        # the row is evidence: not for editing, by the officer or anyone
        with self.assertRefusal(UserError, "cannot be changed"):
            row.with_user(officer).id_number = "051050009999"
        with self.assertRefusal(UserError, "cannot be deleted"):
            row.unlink()
        self.assertEqual(row.id_number, "051050001234")
        # the same number again writes nothing new
        partner.citizen_id = "051050004321"
        self.assertEqual(History.search_count([("partner_id", "=", self.ben_a.id)]), 1)

    def test_old_id_history(self):
        History = self.env["social.beneficiary.id.history"]
        History.create(
            {"partner_id": self.ben_a.id, "id_number": "\uff12\uff11\uff12999888"}
        )
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


@tagged("post_install", "-at_install")
class TestCitizenIdRace(TransactionCase):
    """Two officers save the same citizen ID at the same moment.

    Each thread has its own database connection and transaction, as two HTTP
    workers would; the Python check of each cannot see the other's new row, so
    only the unique index can stop the second one, and its refusal must read as
    the registry's message.
    """

    NUMBER = "051050007777"

    def _cleanup(self, dbname):
        with db_connect(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["res.partner"].search([("citizen_id", "=", self.NUMBER)]).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_same_number_same_moment(self):
        dbname = self.env.cr.dbname
        commune_id = self.env.ref("social_beneficiary.area_21445").id
        self._cleanup(dbname)
        barrier = threading.Barrier(2, timeout=30)
        results = {}

        def register(name):
            with db_connect(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                try:
                    barrier.wait()
                    partner = env["res.partner"].create(
                        {
                            "name": name,
                            "is_beneficiary": True,
                            "area_id": commune_id,
                            "citizen_id": self.NUMBER,
                            "gender": "male",
                            "birth_date": date(1950, 5, 5),
                        }
                    )
                    cr.commit()  # pylint: disable=invalid-commit
                    results[name] = ("created", partner.id)
                except Exception as exc:  # the outcome is what the test checks
                    cr.rollback()
                    results[name] = (type(exc).__name__, str(exc))

        threads = [
            threading.Thread(target=register, args=(name,))
            for name in ("Người thứ nhất", "Người thứ hai")
        ]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            outcomes = sorted(results.values())
            self.assertEqual(len(outcomes), 2, results)
            refused, created = outcomes
            self.assertEqual(created[0], "created", results)
            self.assertEqual(refused[0], "ValidationError", results)
            self.assertRegex(
                refused[1],
                r"The citizen ID 051050007777 is already registered for the "
                r"beneficiary \S+",
            )
            with db_connect(dbname).cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM res_partner WHERE citizen_id = %s",
                    [self.NUMBER],
                )
                self.assertEqual(cr.fetchone()[0], 1)
        finally:
            self._cleanup(dbname)
