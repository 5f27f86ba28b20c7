"""The checks of a whole list of records run once for the set (issue 12), and
still find the one wrong record among many, with its own message."""

from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SocialBeneficiaryCommon


@tagged("post_install", "-at_install")
class TestConstraintsSetBased(SocialBeneficiaryCommon):
    def _people(self, prefix, count):
        return [
            {
                "name": f"{prefix} {number}",
                "is_beneficiary": True,
                "area_id": self.commune_a.id,
                "birth_date": date(1948, 5, 1),
                "gender": "female",
                "citizen_id": f"0511480{number:05d}",
            }
            for number in range(count)
        ]

    def _count(self, prefix):
        return self.env["res.partner"].search_count([("name", "=like", f"{prefix}%")])

    def test_one_person_outside_a_commune_among_many(self):
        Partner = self.env["res.partner"].with_user(self.officer_a)
        people = self._people("Người Tập", 30)
        people[17]["area_id"] = self.district_duc_pho.id
        with self.assertRefusal(
            ValidationError, "lives in a commune, not in .*Đức Phổ"
        ):
            Partner.create(people)
        self.assertEqual(self._count("Người Tập"), 0)

    def test_one_wrong_citizen_id_among_many(self):
        Partner = self.env["res.partner"].with_user(self.officer_a)
        people = self._people("Người Sai Số", 30)
        people[23]["citizen_id"] = "099148000023"
        with self.assertRefusal(
            ValidationError,
            "citizen ID of Người Sai Số 23 starts with 099, which is not a "
            "province code",
        ):
            Partner.create(people)
        self.assertEqual(self._count("Người Sai Số"), 0)

    def test_one_registration_with_a_needless_representative_among_many(self):
        people = self.env["res.partner"].create(self._people("Người Nhận", 6))
        rep = self.env["social.representative"].create(
            {
                "beneficiary_id": people[3].id,
                "partner_id": self.guardian.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
            }
        )
        Registration = self.env["social.payment.registration"].with_user(self.officer_a)
        vals = [
            {"beneficiary_id": person.id, "method": "cash_point", "payee_role": "self"}
            for person in people
        ]
        vals[3]["representative_id"] = rep.id
        with self.assertRefusal(
            ValidationError,
            "registration of Người Nhận 3 pays the beneficiary: remove the "
            "representative",
        ):
            Registration.create(vals)
        self.assertFalse(
            self.env["social.payment.registration"].search(
                [("beneficiary_id", "in", people.ids)]
            )
        )
        # without it, the whole set passes
        registrations = Registration.create(vals[:3] + vals[4:])
        self.assertEqual(len(registrations), 5)
