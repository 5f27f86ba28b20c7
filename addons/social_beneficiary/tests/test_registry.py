import base64
from datetime import date

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.base.models.ir_qweb import QWebException

from .common import SocialBeneficiaryCommon


@tagged("post_install", "-at_install")
class TestRepresentatives(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Representative = cls.env["social.representative"].with_user(cls.officer_a)
        cls.rep = cls.Representative.create(
            {
                "beneficiary_id": cls.ben_a.id,
                "partner_id": cls.guardian.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
                "date_to": date(2024, 12, 31),
            }
        )

    def _count(self):
        return self.env["social.representative"].search_count(
            [("beneficiary_id", "=", self.ben_a.id)]
        )

    def test_overlap_refused_per_role(self):
        other = self.env["res.partner"].create({"name": "Hồ Văn Khác"})
        count = self._count()
        for date_from, date_to in (
            (date(2024, 6, 1), False),
            (date(2023, 1, 1), date(2024, 1, 1)),
            (date(2024, 12, 31), date(2025, 3, 1)),
        ):
            with self.subTest(date_from=date_from):
                with self.assertRefusal(
                    ValidationError, "already has a guardian .Lê Văn Giám."
                ):
                    self.Representative.create(
                        {
                            "beneficiary_id": self.ben_a.id,
                            "partner_id": other.id,
                            "role": "guardian",
                            "date_from": date_from,
                            "date_to": date_to,
                        }
                    )
                self.assertEqual(self._count(), count)
        # after the end, or as a proxy, it is fine
        self.Representative.create(
            {
                "beneficiary_id": self.ben_a.id,
                "partner_id": other.id,
                "role": "guardian",
                "date_from": date(2025, 1, 1),
            }
        )
        self.Representative.create(
            {
                "beneficiary_id": self.ben_a.id,
                "partner_id": other.id,
                "role": "proxy",
                "date_from": date(2024, 6, 1),
            }
        )
        self.assertEqual(self._count(), count + 2)

    def test_not_self_and_dates(self):
        count = self._count()
        with self.assertRefusal(ValidationError, "cannot represent themselves"):
            self.Representative.create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "partner_id": self.ben_a.id,
                    "role": "proxy",
                    "date_from": date(2024, 1, 1),
                }
            )
        with self.assertRefusal(ValidationError, "ends before it starts"):
            self.Representative.create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "partner_id": self.guardian.id,
                    "role": "proxy",
                    "date_from": date(2024, 5, 1),
                    "date_to": date(2024, 4, 1),
                }
            )
        self.assertEqual(self._count(), count)

    def test_confirm(self):
        self.rep.action_confirm()
        self.assertTrue(self.rep.commune_confirmed)
        self.assertEqual(self.rep.confirmed_by_id, self.officer_a)
        with self.assertRefusal(UserError, "already confirmed"):
            self.rep.action_confirm()
        self.assertTrue(self.rep.commune_confirmed)


@tagged("post_install", "-at_install")
class TestRegistrations(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Registration = cls.env["social.payment.registration"].with_user(
            cls.officer_a
        )
        cls.account = cls._account(cls.ben_a, "1234567890")
        cls.guardian_account = cls._account(cls.guardian, "9876543210")
        cls.rep = cls.env["social.representative"].create(
            {
                "beneficiary_id": cls.ben_a.id,
                "partner_id": cls.guardian.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
            }
        )

    def _count(self):
        return self.env["social.payment.registration"].search_count(
            [("beneficiary_id", "=", self.ben_a.id)]
        )

    def test_one_in_force_per_month(self):
        first = self.Registration.create(
            {
                "beneficiary_id": self.ben_a.id,
                "method": "bank",
                "bank_account_id": self.account.id,
                "date_from": date(2025, 1, 1),
            }
        )
        first.with_user(self.approver).action_verify()
        second = self.Registration.create(
            {
                "beneficiary_id": self.ben_a.id,
                "method": "cash_point",
                "date_from": date(2025, 1, 20),
            }
        )
        with self.assertRefusal(
            ValidationError, "already has a verified registration from 01/2025"
        ):
            second.with_user(self.approver).action_verify()
        self.assertEqual(second.state, "draft")
        first.action_cancel()
        second.with_user(self.approver).action_verify()
        self.assertEqual(second.state, "verified")

    def test_verified_is_locked(self):
        registration = self.Registration.create(
            {"beneficiary_id": self.ben_a.id, "method": "cash_point"}
        )
        registration.with_user(self.approver).action_verify()
        with self.assertRefusal(UserError, "verified registration cannot be changed"):
            registration.write({"method": "bank", "bank_account_id": self.account.id})
        self.assertEqual(registration.method, "cash_point")
        messages = self.ben_a.message_ids.mapped("body")
        self.assertTrue(any("Cash at a pay point" in body for body in messages))

    def test_account_must_belong_to_payee(self):
        count = self._count()
        with self.assertRefusal(ValidationError, "is not held by the payee"):
            self.Registration.create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "method": "bank",
                    "bank_account_id": self.guardian_account.id,
                }
            )
        with self.assertRefusal(ValidationError, "is not of the kind"):
            self.Registration.create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "method": "ewallet",
                    "bank_account_id": self.account.id,
                }
            )
        with self.assertRefusal(ValidationError, "needs a representative"):
            self.Registration.create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "method": "bank",
                    "payee_role": "proxy",
                }
            )
        with self.assertRefusal(ValidationError, "Give the reason"):
            self.Registration.create(
                {"beneficiary_id": self.ben_a.id, "method": "cash_home"}
            )
        self.assertEqual(self._count(), count)

    def test_verify_needs_account(self):
        registration = self.Registration.create(
            {"beneficiary_id": self.ben_a.id, "method": "bank"}
        )
        with self.assertRefusal(UserError, "has no account"):
            registration.with_user(self.approver).action_verify()
        self.assertEqual(registration.state, "draft")

    def test_form_guardian_payee(self):
        form = Form(self.Registration)
        form.beneficiary_id = self.ben_a
        form.method = "bank"
        form.payee_role = "guardian"
        form.representative_id = self.rep
        self.assertEqual(form.payee_id, self.guardian)
        form.bank_account_id = self.guardian_account
        form.date_from = date(2025, 5, 17)
        registration = form.save()
        self.assertEqual(registration.date_from, date(2025, 5, 1))
        self.assertEqual(registration.payee_id, self.guardian)
        self.assertEqual(self.ben_a.payee_id, self.guardian)
        self.assertEqual(self.ben_a.payment_method, "bank")


@tagged("post_install", "-at_install")
class TestAllowanceStates(SocialBeneficiaryCommon):
    def test_workflow(self):
        allowance = self._allowance(self.ben_a, "k5c", date(2024, 1, 1), state="draft")
        allowance = allowance.with_user(self.officer_a)
        allowance.action_activate()
        self.assertEqual(allowance.state, "active")
        # 1.0 x the level of this month: 540,000 from 1/7/2026 (as reported)
        this_month = fields.Date.context_today(allowance)
        self.assertEqual(
            allowance.current_amount,
            540000 if this_month >= date(2026, 7, 1) else 500000,
        )
        with self.assertRefusal(UserError, "Set the end date"):
            allowance.action_end()
        self.assertEqual(allowance.state, "active")
        allowance.date_end = date(2025, 3, 4)
        allowance.action_end()
        self.assertEqual(allowance.state, "ended")
        with self.assertRefusal(UserError, "is not active"):
            allowance.action_suspend()
        self.assertEqual(allowance.state, "ended")

    def test_dates(self):
        count = self.env["social.allowance"].search_count([])
        with self.assertRefusal(ValidationError, "ends before it starts"):
            self._allowance(self.ben_a, "k5c", date(2024, 5, 1), date(2024, 4, 1))
        self.assertEqual(self.env["social.allowance"].search_count([]), count)

    def test_categories_on_beneficiary(self):
        self._allowance(self.ben_a, "k5c", date(2024, 1, 1))
        self._allowance(self.ben_a, "k6_n", date(2024, 1, 1), state="draft")
        self.assertEqual(self.ben_a.social_category_ids, self._category("k5c"))


@tagged("post_install", "-at_install")
class TestReadiness(SocialBeneficiaryCommon):
    def test_readiness(self):
        partner = self._beneficiary("Người chưa đủ")
        self.assertEqual(partner.readiness, "incomplete")
        self.assertTrue(partner.missing_citizen_id)
        self.assertTrue(partner.missing_phone)
        partner.write(
            {
                "citizen_id": "051050009999",
                "gender": "male",
                "birth_date": date(1950, 1, 1),
                "phone": "0912000999",
            }
        )
        self.assertEqual(partner.readiness, "ready")
        rep = self.env["social.representative"].create(
            {
                "beneficiary_id": partner.id,
                "partner_id": self.guardian.id,
                "role": "proxy",
                "date_from": date(2024, 1, 1),
            }
        )
        registration = self.env["social.payment.registration"].create(
            {
                "beneficiary_id": partner.id,
                "method": "bank",
                "payee_role": "proxy",
                "representative_id": rep.id,
            }
        )
        self.assertEqual(partner.readiness, "incomplete")
        self.assertTrue(partner.missing_authorisation)
        self.assertTrue(partner.missing_account)
        self.assertIn("authorisation", partner.readiness_missing)
        rep.action_confirm()
        self.assertFalse(partner.missing_authorisation)
        self.assertEqual(partner.readiness, "ready")
        registration.bank_account_id = self._account(self.guardian, "111222333")
        self.assertEqual(partner.readiness, "has_account")
        found = self.env["res.partner"].search(
            [("readiness", "=", "has_account"), ("id", "=", partner.id)]
        )
        self.assertEqual(found, partner)


@tagged("post_install", "-at_install")
class TestDuplicates(SocialBeneficiaryCommon):
    def test_detection_never_merges(self):
        Candidate = self.env["social.duplicate.candidate"]
        twin = self._beneficiary(
            "  nguyễn văn an ", birth_date=date(1950, 3, 2)
        )  # same name and birth date in the same commune
        old_id = self._beneficiary("Người CMND cũ", self.commune_b)
        self.env["social.beneficiary.id.history"].create(
            {"partner_id": old_id.id, "id_type": "cccd", "id_number": "051050001234"}
        )
        shared_1 = self._beneficiary("Người chung 1")
        shared_2 = self._beneficiary("Người chung 2")
        self._account(shared_1, "7777 8888")
        self._account(shared_2, "77778888")
        Candidate._refresh()
        pairs = {
            (c.partner_id | c.other_partner_id, c.reason) for c in Candidate.search([])
        }
        self.assertIn((self.ben_a | twin, "name_birth"), pairs)
        self.assertIn((self.ben_a | old_id, "citizen_id"), pairs)
        self.assertIn((shared_1 | shared_2, "bank_account"), pairs)
        self.assertEqual(len(pairs), 3)
        candidate = Candidate.search([("reason", "=", "name_birth")])
        candidate.with_user(self.officer_a).action_mark_distinct()
        Candidate._refresh()
        self.assertEqual(candidate.state, "distinct")
        self.assertEqual(Candidate.search_count([]), 3)
        self.assertTrue(twin.exists() and self.ben_a.exists())
        # the officer of commune A only sees pairs of commune A
        officer_pairs = Candidate.with_user(self.officer_a).search([])
        self.assertEqual(set(officer_pairs.area_id.ids), {self.commune_a.id})


@tagged("post_install", "-at_install")
class TestAreaImport(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # areas are configuration: the suite's manager loads them
        cls.area_manager = new_test_user(
            cls.env,
            login="area_manager",
            groups="base.group_user,social_beneficiary.group_social_manager",
        )

    def _import(self, content):
        manager = self.area_manager
        wizard = (
            self.env["social.area.import"]
            .with_user(manager)
            .create({"file": base64.b64encode(content.encode()), "filename": "a.csv"})
        )
        wizard.action_import()
        return wizard

    def test_import_two_and_three_levels(self):
        content = (
            "code,name,level,parent_code\n"
            "21469,Phường Phổ Hòa (sửa),commune,534\n"
            "X01001,Xã Mới Một,commune,X01\n"
            "X01,Tỉnh Mới,province,\n"
            "X01D,Huyện Mới,district,X01\n"
            "X01D01,Xã Trong Huyện,commune,X01D\n"
        )
        wizard = self._import(content)
        self.assertEqual((wizard.created_count, wizard.updated_count), (4, 1))
        Area = self.env["social.area"]
        commune = Area.search([("code", "=", "X01001")])
        self.assertEqual(commune.parent_id.code, "X01")
        self.assertEqual(commune.province_id.code, "X01")
        self.assertEqual(Area.search([("code", "=", "X01D01")]).province_id.code, "X01")
        self.assertEqual(
            Area.search([("code", "=", "21469")]).name, "Phường Phổ Hòa (sửa)"
        )
        again = self._import(content)
        self.assertEqual((again.created_count, again.updated_count), (0, 0))

    def test_import_refuses_whole_file(self):
        Area = self.env["social.area"]
        count = Area.search_count([])
        content = (
            "code,name,level,parent_code\n"
            "Y01,Tỉnh Y,province,\n"
            "Y01001,Xã Y,ward,Y01\n"
            "Y01002,Xã Z,commune,NOPE\n"
        )
        with self.assertRefusal(UserError, "Row 3: the level ward") as cm:
            self._import(content)
        self.assertIn("Row 4: the parent_code NOPE is unknown", str(cm.exception))
        self.assertEqual(Area.search_count([]), count)
        with self.assertRefusal(UserError, "lacks the columns: level"):
            self._import("code,name,parent_code\nY01,Tỉnh Y,\n")
        self.assertEqual(Area.search_count([]), count)


@tagged("post_install", "-at_install")
class TestChatterAndReadinessRefresh(SocialBeneficiaryCommon):
    def test_changes_are_in_the_chatter(self):
        # records created in the running transaction are not tracked: act as a
        # later transaction would
        self.env.cr.precommit.clear()
        partner = self.ben_a.with_context(tracking_disable=False).with_user(
            self.officer_a
        )
        partner.citizen_id = "051050004321"
        # tracking values are written when the transaction commits
        self.env.cr.precommit.run()
        tracked = self.ben_a.message_ids.sudo().tracking_value_ids.filtered(
            lambda t: t.field_id.name == "citizen_id"
        )
        self.assertEqual(tracked.old_value_char, "051050001234")
        self.assertEqual(tracked.new_value_char, "051050004321")
        account = self._account(self.ben_a, "1122334455")
        account.with_user(self.officer_a).acc_number = "1122334466"
        bodies = " ".join(self.ben_a.message_ids.mapped("body"))
        self.assertIn("Account added: 1122334455", bodies)
        self.assertIn("became 1122334466", bodies)

    def test_expired_authorisation_is_flagged_by_cron(self):
        rep = self.env["social.representative"].create(
            {
                "beneficiary_id": self.ben_a.id,
                "partner_id": self.guardian.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
                "date_to": date(2099, 1, 1),
            }
        )
        self.env["social.payment.registration"].create(
            {
                "beneficiary_id": self.ben_a.id,
                "method": "cash_point",
                "payee_role": "guardian",
                "representative_id": rep.id,
            }
        )
        self.assertFalse(self.ben_a.missing_authorisation)
        # the date passes without anyone touching the record
        self.env.cr.execute(
            "UPDATE social_representative SET date_to = '2024-12-31' WHERE id = %s",
            [rep.id],
        )
        self.env.invalidate_all()
        self.assertFalse(self.ben_a.missing_authorisation)
        refreshed = self.env["res.partner"]._cron_refresh_readiness()
        self.assertIn(self.ben_a, refreshed)
        self.assertTrue(self.ben_a.missing_authorisation)
        self.assertEqual(self.ben_a.readiness, "incomplete")


@tagged("post_install", "-at_install")
class TestVisitList(SocialBeneficiaryCommon):
    def test_visit_list_names_what_is_missing(self):
        missing = self._beneficiary("Người thiếu giấy tờ")
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.officer_a)
            ._render_qweb_html(
                "social_beneficiary.report_social_readiness",
                (self.ben_a | missing).ids,
            )
        )
        html = html.decode()
        self.assertIn("Người thiếu giấy tờ", html)
        self.assertIn("beneficiary&#39;s citizen ID", html)
        self.assertIn("Nguyễn Văn An", html)
        self.assertIn(self.commune_a.name, html)
        # the access error surfaces wrapped by the template engine; start from
        # an empty cache so that the data is read as the officer would
        self.env.invalidate_all()
        with self.assertRefusal(QWebException, "doesn't have 'read' access"):
            self.env["ir.actions.report"].with_user(self.officer_a)._render_qweb_html(
                "social_beneficiary.report_social_readiness", self.ben_b.ids
            )


@tagged("post_install", "-at_install")
class TestAreaFilter(SocialBeneficiaryCommon):
    """``social.area._sql_within``, the one area filter of the suite's SQL,
    selects what the ORM's ``child_of`` selects."""

    def _within(self, areas):
        self.env.cr.execute(
            SQL(
                "SELECT id FROM social_area a WHERE %s",
                areas._sql_within(SQL("a.id")),
            )
        )
        return {area_id for (area_id,) in self.env.cr.fetchall()}

    def test_same_areas_as_child_of(self):
        Area = self.env["social.area"]
        for areas in (
            self.province_qn,
            self.district_duc_pho,
            self.commune_a,
            self.district_duc_pho | self.commune_bmt,
        ):
            expected = set(Area.search([("id", "child_of", areas.ids)]).ids)
            self.assertEqual(self._within(areas), expected, areas.mapped("name"))
        self.assertIn(self.commune_a.id, self._within(self.province_qn))
        self.assertNotIn(self.commune_bmt.id, self._within(self.province_qn))
        self.assertFalse(self._within(Area))

    def test_an_area_created_in_the_transaction_is_within(self):
        """The areas are read when the condition is written: one created just
        before (not yet flushed) is in it."""
        commune = self.env["social.area"].create(
            {
                "name": "Xã Mới",
                "code": "NEW01",
                "level": "commune",
                "parent_id": self.district_duc_pho.id,
            }
        )
        self.assertIn(commune.id, self._within(self.province_qn))
