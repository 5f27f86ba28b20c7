"""Workflow fields, chatter without e-mail and names as stored.

Every refusal acts as the user would (officer, approver, administrator), checks
the message and that nothing changed. Plausible decisions and arrears:
``test_integrity_allowances.py``.
"""

import unicodedata
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import SocialBeneficiaryCommon

GUARD = "change only through the buttons of the record"


@tagged("post_install", "-at_install")
class TestWorkflowFields(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.finance = new_test_user(
            cls.env,
            login="finance_duc_pho",
            groups="social_beneficiary.group_social_finance",
            social_area_ids=[(6, 0, cls.district_duc_pho.ids)],
        )
        cls.allowance = cls._allowance(
            cls.ben_a, "k5c", date(2024, 1, 1), state="draft"
        )
        cls.account = cls._account(cls.ben_a, "5566778899")
        cls.registration = cls.env["social.payment.registration"].create(
            {
                "beneficiary_id": cls.ben_a.id,
                "method": "bank",
                "bank_account_id": cls.account.id,
                "date_from": date(2025, 1, 1),
            }
        )
        cls.rep = cls.env["social.representative"].create(
            {
                "beneficiary_id": cls.ben_a.id,
                "partner_id": cls.guardian.id,
                "role": "proxy",
                "document_ref": "GUQ-7/2025",
                "date_from": date(2025, 1, 1),
            }
        )

    def _users(self):
        return (self.officer_a, self.admin)

    def test_allowance_state_and_arrears_fields(self):
        for user in self._users():
            for vals in (
                {"state": "active"},
                {"state": "ended"},
                {"arrears_confirmed_by_id": user.id},
                {"arrears_confirmed_months": 500},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRefusal(UserError, GUARD):
                        self.allowance.with_user(user).write(vals)
                    self.assertEqual(self.allowance.state, "draft")
                    self.assertFalse(self.allowance.arrears_confirmed_by_id)
                    self.assertEqual(self.allowance.arrears_confirmed_months, 0)
        Allowance = self.env["social.allowance"]
        count = Allowance.search_count([])
        with self.assertRefusal(UserError, GUARD):
            Allowance.with_user(self.officer_a).create(
                {
                    "partner_id": self.ben_a.id,
                    "category_id": self._category("k6_n").id,
                    "date_start": date(2024, 1, 1),
                    "decision_ref": "9/QĐ",
                    "decision_date": date(2024, 1, 1),
                    "state": "active",
                }
            )
        self.assertEqual(Allowance.search_count([]), count)
        # the actions still do it, as the officer
        self.allowance.with_user(self.officer_a).action_activate()
        self.assertEqual(self.allowance.state, "active")
        # a copy starts again as a draft, nothing of the workflow comes along
        duplicate = self.allowance.with_user(self.officer_a).copy(
            {"decision_ref": "10/QĐ"}
        )
        self.assertEqual(duplicate.state, "draft")

    def test_registration_verification_is_the_approvers(self):
        for user in self._users():
            for vals in (
                {"state": "verified"},
                {"verified_by_id": user.id},
                {"verified_date": date(2025, 1, 2)},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRefusal(UserError, GUARD):
                        self.registration.with_user(user).write(vals)
                    self.assertEqual(self.registration.state, "draft")
                    self.assertFalse(self.registration.verified_by_id)
                    self.assertFalse(self.registration.verified_date)
        with self.assertRefusal(UserError, "Only an approver can verify"):
            self.registration.with_user(self.officer_a).action_verify()
        self.assertEqual(self.registration.state, "draft")
        Registration = self.env["social.payment.registration"]
        count = Registration.search_count([])
        with self.assertRefusal(UserError, GUARD):
            Registration.with_user(self.officer_a).create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "method": "cash_point",
                    "state": "verified",
                }
            )
        self.assertEqual(Registration.search_count([]), count)
        self.registration.with_user(self.approver).action_verify()
        self.assertEqual(self.registration.state, "verified")
        self.assertEqual(self.registration.verified_by_id, self.approver)
        duplicate = self.registration.copy({"date_from": date(2025, 6, 1)})
        self.assertEqual(
            (duplicate.state, duplicate.verified_by_id.id), ("draft", False)
        )
        # cancelling is the action's too
        with self.assertRefusal(UserError, GUARD):
            self.registration.with_user(self.admin).write({"state": "cancelled"})
        self.assertEqual(self.registration.state, "verified")

    def test_representative_confirmation_is_the_communes(self):
        for user in self._users():
            for vals in (
                {"commune_confirmed": True},
                {"confirmed_by_id": user.id},
                {"confirmed_date": date(2025, 1, 2)},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRefusal(UserError, GUARD):
                        self.rep.with_user(user).write(vals)
                    self.assertFalse(self.rep.commune_confirmed)
                    self.assertFalse(self.rep.confirmed_by_id)
        Representative = self.env["social.representative"]
        count = Representative.search_count([])
        with self.assertRefusal(UserError, GUARD):
            Representative.with_user(self.officer_a).create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "partner_id": self.guardian.id,
                    "role": "guardian",
                    "date_from": date(2025, 1, 1),
                    "commune_confirmed": True,
                }
            )
        self.assertEqual(Representative.search_count([]), count)
        with self.assertRefusal(UserError, "Only a commune officer can confirm"):
            self.rep.with_user(self.finance).action_confirm()
        self.assertFalse(self.rep.commune_confirmed)
        self.rep.with_user(self.officer_a).action_confirm()
        self.assertTrue(self.rep.commune_confirmed)
        # the confirmation is about this person: swapping them is refused
        other = self.env["res.partner"].create({"name": "Người khác"})
        with self.assertRefusal(UserError, "withdraw the confirmation"):
            self.rep.with_user(self.officer_a).write({"partner_id": other.id})
        self.assertEqual(self.rep.partner_id, self.guardian)
        # ending the authorisation is an ordinary edit
        self.rep.with_user(self.officer_a).date_to = date(2025, 12, 31)
        self.assertEqual(self.rep.date_to, date(2025, 12, 31))
        self.rep.with_user(self.officer_a).action_unconfirm()
        self.assertFalse(self.rep.commune_confirmed)
        with self.assertRefusal(UserError, "is not confirmed"):
            self.rep.with_user(self.officer_a).action_unconfirm()

    def test_id_history_is_evidence(self):
        History = self.env["social.beneficiary.id.history"]
        row = History.with_user(self.officer_a).create(
            {"partner_id": self.ben_a.id, "id_type": "cmnd9", "id_number": "212999888"}
        )
        self.assertEqual(row.source, "manual")
        for user in self._users():
            with self.subTest(user=user.login):
                with self.assertRefusal(UserError, "cannot be changed"):
                    row.with_user(user).write({"id_number": "212999777"})
                with self.assertRefusal(UserError, "cannot be deleted"):
                    row.with_user(user).unlink()
                self.assertTrue(row.exists())
                self.assertEqual(row.id_number, "212999888")
        count = History.search_count([])
        with self.assertRefusal(UserError, GUARD):
            History.with_user(self.admin).create(
                {
                    "partner_id": self.ben_a.id,
                    "id_type": "cmnd9",
                    "id_number": "212999666",
                    "source": "change",
                }
            )
        self.assertEqual(History.search_count([]), count)

    def test_duplicate_review_fields(self):
        Candidate = self.env["social.duplicate.candidate"]
        candidate = Candidate.create(
            {
                "partner_id": self.ben_a.id,
                "other_partner_id": self.ben_b.id,
                "reason": "name_birth",
            }
        )
        with self.assertRefusal(UserError, GUARD):
            candidate.with_user(self.officer_a).write(
                {"state": "distinct", "reviewed_by_id": self.approver.id}
            )
        self.assertEqual(candidate.state, "new")
        candidate.with_user(self.officer_a).action_mark_distinct()
        self.assertEqual(candidate.reviewed_by_id, self.officer_a)


@tagged("post_install", "-at_install")
class TestChatterWithoutEmail(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = new_test_user(
            cls.env,
            login="officer_a_no_mail",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, cls.commune_a.ids)],
        )
        cls.approver_no_mail = new_test_user(
            cls.env,
            login="approver_a_no_mail",
            email=False,
            groups="social_beneficiary.group_social_approver",
            social_area_ids=[(6, 0, cls.district_duc_pho.ids)],
        )

    def _bodies(self):
        return " ".join(self.ben_a.message_ids.mapped("body"))

    def test_actions_log_without_email(self):
        self.assertFalse(self.officer.email or self.approver_no_mail.email)
        rep = (
            self.env["social.representative"]
            .with_user(self.officer)
            .create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "partner_id": self.guardian.id,
                    "role": "proxy",
                    "document_ref": "GUQ-9/2025",
                    "date_from": date(2025, 1, 1),
                }
            )
        )
        rep.action_confirm()
        self.assertIn("GUQ-9/2025) confirmed by the commune", self._bodies())
        account = self._account(self.guardian, "4455667788")
        registration = (
            self.env["social.payment.registration"]
            .with_user(self.officer)
            .create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "method": "bank",
                    "payee_role": "proxy",
                    "representative_id": rep.id,
                    "bank_account_id": account.id,
                }
            )
        )
        registration.with_user(self.approver_no_mail).action_verify()
        self.assertEqual(registration.state, "verified")
        self.assertIn("payee Lê Văn Giám", self._bodies())
        # an account change by the officer is logged on the beneficiary
        account.with_user(self.officer).acc_number = "4455667799"
        self.assertIn("became 4455667799", self._bodies())
        allowance = self._allowance(self.ben_a, "k5c", date(2024, 1, 1), state="draft")
        allowance.with_user(self.officer).action_activate()
        self.assertEqual(allowance.state, "active")


@tagged("post_install", "-at_install")
class TestNames(SocialBeneficiaryCommon):
    NAME = "Hoàng Văn Một"

    @staticmethod
    def _nfd(text):
        return unicodedata.normalize("NFD", text)

    def test_stored_in_nfc_single_spaces(self):
        typed = "  " + self._nfd("Hoàng  Văn \t  Một") + " "
        self.assertNotEqual(unicodedata.normalize("NFC", typed).strip(), self.NAME)
        partner = self._beneficiary(typed)
        self.assertEqual(partner.name, self.NAME)
        self.assertTrue(unicodedata.is_normalized("NFC", partner.name))
        # representatives' partners and later edits too
        guardian = self.env["res.partner"].create({"name": self._nfd(" Lê  Thị Hà ")})
        self.assertEqual(guardian.name, "Lê Thị Hà")
        guardian.with_user(self.officer_a).name = self._nfd("Lê Thị  Hằng")
        self.assertEqual(guardian.name, "Lê Thị Hằng")

    def test_decomposed_double_spaced_name_is_a_duplicate(self):
        Candidate = self.env["social.duplicate.candidate"]
        first = self._beneficiary(self.NAME, birth_date=date(1940, 2, 3))
        second = self._beneficiary(
            self._nfd("Hoàng  Văn   Một"), birth_date=date(1940, 2, 3)
        )
        # an old list without tone marks, in capitals
        third = self._beneficiary("HOANG VAN MOT", birth_date=date(1940, 2, 3))
        # same name, another birth date: not a pair
        other = self._beneficiary(self.NAME, birth_date=date(1941, 2, 3))
        Candidate._refresh()
        pairs = {
            c.partner_id | c.other_partner_id
            for c in Candidate.search([("reason", "=", "name_birth")])
        }
        self.assertIn(first | second, pairs)
        self.assertIn(first | third, pairs)
        self.assertIn(second | third, pairs)
        self.assertFalse(any(other in pair for pair in pairs))

    def test_names_loaded_by_sql_are_compared_too(self):
        first = self._beneficiary(self.NAME, birth_date=date(1940, 2, 3))
        second = self._beneficiary("Tạm", birth_date=date(1940, 2, 3))
        # a bulk load writes the row without the ORM, so without its keys
        second.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET name = %s, social_name_key = NULL, "
                "social_name_key_unaccented = NULL WHERE id = %s",
                self._nfd("hoàng văn một"),
                second.id,
            )
        )
        second.invalidate_recordset()
        Candidate = self.env["social.duplicate.candidate"]
        Candidate._refresh()
        pairs = {
            c.partner_id | c.other_partner_id
            for c in Candidate.search([("reason", "=", "name_birth")])
        }
        self.assertIn(first | second, pairs)
