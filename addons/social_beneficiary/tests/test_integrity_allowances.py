"""An allowance decision's money data must be plausible, and arrears beyond
the limit wait for an approver.

Every refusal acts as the user would (officer, approver, administrator), checks
the message and that nothing changed.
"""

from datetime import date

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SocialBeneficiaryCommon


@tagged("post_install", "-at_install")
class TestAllowancePlausibility(SocialBeneficiaryCommon):
    def _count(self):
        return self.env["social.allowance"].search_count([])

    def _create(self, **vals):
        values = {
            "partner_id": self.ben_a.id,
            "category_id": self._category("k5c").id,
            "date_start": date(2024, 1, 1),
            "decision_ref": "77/QĐ-UBND",
            "decision_date": date(2024, 1, 1),
        }
        values.update(vals)
        return self.env["social.allowance"].with_user(self.officer_a).create(values)

    def test_refused_on_create(self):
        cases = [
            ({"date_start": date(1900, 1, 1)}, "allowances start in 1990 or later"),
            # ben_a was born in March 1950
            ({"date_start": date(1991, 1, 1)}, "before the first base level"),
            (
                {"date_start": date(2024, 5, 1), "date_end": date(2024, 4, 30)},
                "ends before it starts",
            ),
            ({"coefficient": 0}, "must be positive"),
            ({"coefficient": -1.5}, "must be positive"),
            ({"coefficient": 250}, "250 of the decision 77/QĐ-UBND is not plausible"),
            ({"coefficient": 5}, r"outside the coefficients .*\(1.0 to 3.0\)"),
        ]
        count = self._count()
        for vals, message in cases:
            with self.subTest(vals=vals):
                with self.assertRefusal(ValidationError, message):
                    self._create(**vals)
                self.assertEqual(self._count(), count)

    def test_not_before_birth(self):
        child = self._beneficiary(
            "Bé mới sinh",
            citizen_id="051323001234",
            gender="female",
            birth_date=date(2023, 3, 14),
        )
        count = self._count()
        with self.assertRefusal(ValidationError, "before Bé mới sinh was born"):
            self._create(partner_id=child.id, date_start=date(2023, 2, 1))
        self.assertEqual(self._count(), count)
        # the month of birth is fine
        self._create(partner_id=child.id, date_start=date(2023, 3, 1))

    def test_refused_on_write(self):
        allowance = self._create().with_user(self.officer_a)
        for vals, message in (
            ({"coefficient": 0}, "must be positive"),
            ({"coefficient": 3.5}, "outside the coefficients"),
            ({"date_start": date(1900, 1, 1)}, "1990 or later"),
            ({"date_end": date(2023, 12, 31)}, "ends before it starts"),
        ):
            with self.subTest(vals=vals):
                with self.assertRefusal(ValidationError, message):
                    allowance.write(vals)
                self.assertEqual(allowance.coefficient, 1.0)
                self.assertEqual(allowance.date_start, date(2024, 1, 1))
                self.assertFalse(allowance.date_end)

    def test_database_refuses_too(self):
        allowance = self._create()
        allowance.flush_recordset()
        for column, value, constraint, message in (
            (
                "date_start",
                "1900-01-01",
                "social_allowance_date_start_plausible",
                "cannot start before 1990",
            ),
            (
                "date_end",
                "2000-01-01",
                "social_allowance_date_end_after_start",
                "cannot end before it starts",
            ),
            (
                "coefficient",
                0,
                "social_allowance_coefficient_plausible",
                "must be positive and at most 10",
            ),
            (
                "coefficient",
                181,
                "social_allowance_coefficient_plausible",
                "must be positive and at most 10",
            ),
        ):
            with self.subTest(column=column, value=value):
                with (
                    mute_logger("odoo.sql_db"),
                    self.assertRaises(psycopg2.IntegrityError) as cm,
                    self.env.cr.savepoint(),
                ):
                    self.env.cr.execute(
                        SQL(
                            "UPDATE social_allowance SET %s = %s WHERE id = %s",
                            SQL.identifier(column),
                            value,
                            allowance.id,
                        )
                    )
                self.assertEqual(cm.exception.diag.constraint_name, constraint)
                # what an RPC caller is told
                self.assertIn(
                    message, str(_as_validation_error(self.env, cm.exception))
                )
        allowance.invalidate_recordset()
        self.assertEqual(allowance.date_start, date(2024, 1, 1))
        self.assertEqual(allowance.coefficient, 1.0)


@tagged("post_install", "-at_install")
class TestArrears(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # users without an e-mail address act everywhere below
        cls.officer = new_test_user(
            cls.env,
            login="officer_no_mail",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, cls.commune_a.ids)],
        )
        cls.approver_no_mail = new_test_user(
            cls.env,
            login="approver_no_mail",
            email=False,
            groups="social_beneficiary.group_social_approver",
            social_area_ids=[(6, 0, cls.district_duc_pho.ids)],
        )
        # decided in July 2024 with effect from January 2023: 18 months of arrears
        cls.late = (
            cls.env["social.allowance"]
            .with_user(cls.officer)
            .create(
                {
                    "partner_id": cls.ben_a.id,
                    "category_id": cls._category("k5c").id,
                    "date_start": date(2023, 1, 1),
                    "decision_ref": "18/QĐ-UBND",
                    "decision_date": date(2024, 7, 15),
                }
            )
        )

    def test_long_arrears_need_an_approver(self):
        self.assertFalse(self.officer.email)
        self.assertEqual(self.late.arrears_months, 18)
        self.assertTrue(self.late.arrears_needs_confirmation)
        late = self.late.with_user(self.officer)
        with self.assertRefusal(UserError, "18 months of arrears .*more than 12"):
            late.action_activate()
        self.assertEqual(self.late.state, "draft")
        with self.assertRefusal(UserError, "Only an approver can confirm"):
            late.action_confirm_arrears()
        self.assertFalse(self.late.arrears_confirmed)
        self.late.with_user(self.approver_no_mail).action_confirm_arrears()
        self.assertTrue(self.late.arrears_confirmed)
        self.assertEqual(self.late.arrears_confirmed_by_id, self.approver_no_mail)
        self.assertEqual(self.late.arrears_confirmed_months, 18)
        self.assertIn(
            "confirmed 18 months of arrears, from 01/2023 to 06/2024",
            " ".join(self.late.message_ids.mapped("body")),
        )
        with self.assertRefusal(UserError, "already confirmed"):
            self.late.with_user(self.approver_no_mail).action_confirm_arrears()
        late.action_activate()
        self.assertEqual(self.late.state, "active")
        # moving the start further back is not covered by the confirmation
        with self.assertRefusal(ValidationError, "30 months of arrears"):
            late.date_start = date(2022, 1, 1)
        self.assertEqual(self.late.date_start, date(2023, 1, 1))
        self.assertTrue(self.late.arrears_confirmed)

    def test_arrears_not_confirmed_by_who_recorded_them(self):
        officer_approver = new_test_user(
            self.env,
            login="officer_approver_arrears",
            email=False,
            groups="social_beneficiary.group_social_commune_officer,"
            "social_beneficiary.group_social_approver",
            social_area_ids=[(6, 0, self.district_duc_pho.ids)],
        )
        own = (
            self.env["social.allowance"]
            .with_user(officer_approver)
            .create(
                {
                    "partner_id": self.ben_b.id,
                    "category_id": self._category("k5c").id,
                    "date_start": date(2023, 1, 1),
                    "decision_ref": "19/QĐ-UBND",
                    "decision_date": date(2024, 7, 15),
                }
            )
        )
        with self.assertRefusal(UserError, "You recorded the decision 19/QĐ-UBND"):
            own.action_confirm_arrears()
        self.assertFalse(own.arrears_confirmed)
        self.assertFalse(own.arrears_confirmed_by_id)
        own.with_user(self.approver_no_mail).action_confirm_arrears()
        self.assertEqual(own.arrears_confirmed_by_id, self.approver_no_mail)

    def test_short_arrears_need_nothing(self):
        short = self._allowance(
            self.ben_b, "k5c", date(2024, 1, 1), decision_date=date(2024, 7, 1)
        )
        self.assertEqual((short.arrears_months, short.state), (6, "active"))
        with self.assertRefusal(UserError, "needs no confirmation"):
            short.with_user(self.approver).action_confirm_arrears()
        self.assertFalse(short.arrears_confirmed_by_id)

    def test_limit_is_a_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "social_beneficiary.arrears_months_limit", "24"
        )
        self.late.with_user(self.officer).action_activate()
        self.assertEqual(self.late.state, "active")

    def test_payout_condition(self):
        """What social_payout adds to its arrears query."""
        short = self._allowance(
            self.ben_b, "k5c", date(2024, 1, 1), decision_date=date(2024, 7, 1)
        )
        Allowance = self.env["social.allowance"]

        def payable():
            Allowance.flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT a.id FROM social_allowance a WHERE a.id IN %s AND %s",
                    (short.id, self.late.id),
                    Allowance._sql_arrears_payable("a"),
                )
            )
            return {row[0] for row in self.env.cr.fetchall()}

        self.assertEqual(payable(), {short.id})
        self.assertFalse(self.late._arrears_payable())
        self.late.with_user(self.approver).action_confirm_arrears()
        self.assertEqual(payable(), {short.id, self.late.id})
        self.assertTrue(self.late._arrears_payable())
