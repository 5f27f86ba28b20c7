# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A paying unit's first hour: each role on its own work."""

from datetime import date

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SocialPayoutCommon

GROUP = "social_beneficiary.group_social_"


@tagged("post_install", "-at_install")
class TestRoles(SocialPayoutCommon):
    def test_each_role_lands_on_its_own_work(self):
        Users = self.env["res.users"]
        expected = {
            self.officer: "social_payout.action_home_commune_officer",
            self.approver: "social_payout.action_home_approver",
            self.finance: "social_payout.action_home_finance",
            self.auditor: "social_payout.action_home_auditor",
        }
        for user, xmlid in expected.items():
            self.assertFalse(user.action_id)
            self.assertEqual(Users._social_home_action(user), self.env.ref(xmlid))
        # the demo users have theirs set, none lands on Discuss
        for login, xmlid in (
            ("commune_officer", "social_payout.action_home_commune_officer"),
            ("approver", "social_payout.action_home_approver"),
            ("finance", "social_payout.action_home_finance"),
            ("auditor", "social_payout.action_home_auditor"),
        ):
            demo = Users.search([("login", "=", login)])
            if demo:
                self.assertEqual(demo.action_id.id, self.env.ref(xmlid).id, login)

    def test_demo_users_hold_only_their_role(self):
        roles = {
            "commune_officer": "commune_officer",
            "approver": "approver",
            "finance": "finance",
            "auditor": "auditor",
        }
        users = self.env["res.users"].search([("login", "in", list(roles))])
        if not users:
            self.skipTest("no demo data")
        for user in users:
            with self.subTest(login=user.login):
                self.assertTrue(user.has_group(GROUP + roles[user.login]))
                for group in (
                    "base.group_no_one",
                    "base.group_system",
                    "account.group_account_manager",
                    "account.group_account_invoice",
                    "product.group_product_variant",
                ):
                    self.assertFalse(user.has_group(group), group)
                others = set(roles.values()) - {roles[user.login]}
                for other in others:
                    self.assertFalse(user.has_group(GROUP + other), other)

    def test_demo_commune_officer_sees_own_commune_batch(self):
        officer = self.env["res.users"].search([("login", "=", "commune_officer")])
        if not officer:
            self.skipTest("no demo data")
        batches = self.env["social.payout.batch"].with_user(officer).search([])
        self.assertTrue(batches, "the commune officer sees the demo batches")
        self.assertEqual(batches.area_id, officer.social_area_ids)

    def test_commune_batch_refused_without_naming_unseen_batch(self):
        """A commune officer asking for a batch of their commune while the
        district's batch covers it is told where, not given a number they
        cannot open; nothing is created."""
        officer_a = self._user(
            "po_officer_commune_a", "commune_officer", self.commune_a
        )
        self.assertFalse(
            self.batch_june.with_user(officer_a).has_access("read"),
            "the district's batch is not visible to the commune officer",
        )
        count = self.env["social.payout.batch"].search_count([])
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self._batch(self.JUNE, area=self.commune_a, user=officer_a)
        message = str(caught.exception)
        self.assertRegex(message, r"Xã An.* is already paid")
        self.assertRegex(message, r"by a batch of [^:]*Huyện Một")
        self.assertNotIn(self.batch_june.name, message)
        self.assertEqual(self.env["social.payout.batch"].search_count([]), count)
        # whoever may open it reads its number
        with (
            self.assertRaisesRegex(
                ValidationError, f"Batch {self.batch_june.name} already pays"
            ),
            self.cr.savepoint(),
        ):
            self._batch(self.JUNE, area=self.commune_a, user=self.officer)

    def test_batch_number_follows_the_month_paid(self):
        """Numbered per program and year of the month paid, not of the day the
        batch was prepared."""
        today = fields.Date.context_today(self.env["social.payout.batch"])
        next_year = date(today.year + 1, 1, 1)
        batch = self._batch(next_year)
        self.assertRegex(batch.name, rf"^CT/BTXH/{next_year.year}/\d{{4}}$")
        self.assertTrue(
            self.batch_june.name.startswith(f"CT/BTXH/{self.JUNE.year}/"),
            self.batch_june.name,
        )
        # the next batch of that year and program follows on
        other = self._batch(next_year, area=self.district_2)
        self.assertEqual(
            int(other.name.rsplit("/", 1)[1]), int(batch.name.rsplit("/", 1)[1]) + 1
        )
