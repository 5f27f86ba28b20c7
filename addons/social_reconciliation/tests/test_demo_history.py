# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo a paying unit opens first: six months of history, done by the demo
users through the whole workflow, so that every list and report has content."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            login: cls.env["res.users"].search([("login", "=", login)])
            for login in ("commune_officer", "approver", "finance", "manager")
        }
        cls.provider = cls.env.ref(
            "social_payout.provider_vnpost", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not self.provider or not all(self.users.values()):
            self.skipTest("no demo data")

    def test_six_months_through_the_whole_workflow(self):
        Batch = self.env["social.payout.batch"]
        this_month = fields.Date.context_today(Batch).replace(day=1)
        months = [this_month - relativedelta(months=n) for n in range(6, 0, -1)]
        settled = Batch.search(
            [("provider_id", "=", self.provider.id), ("state", "=", "settled")]
        )
        self.assertEqual(sorted(set(settled.mapped("period"))), months)
        for batch in settled:
            with self.subTest(batch=batch.name):
                self.assertEqual(batch.approved_by, self.users["approver"])
                self.assertEqual(batch.transferred_by, self.users["finance"])
                self.assertNotEqual(batch.submitted_by, batch.approved_by)
                self.assertTrue(batch.transfer_move_id)
                self.assertEqual(batch.reconciliation_ids.state, "settled")
                self.assertTrue(batch.reconciliation_ids.move_ids)
                # numbered by the month paid
                self.assertIn(f"/{batch.period.year}/", batch.name)
        # numbered in the order of the months paid, the month in progress last
        batches = Batch.search([("provider_id", "=", self.provider.id)])
        same_year = batches.filtered(lambda b: b.period.year == this_month.year)
        numbers = [
            int(b.name.rsplit("/", 1)[1])
            for b in same_year.sorted(lambda b: (b.period, b.name))
        ]
        self.assertEqual(numbers, sorted(numbers))
        officer = self.users["commune_officer"]
        own = settled.filtered(lambda b: b.area_id in officer.social_area_ids)
        self.assertEqual(len(own), 6)
        self.assertEqual(own.submitted_by, officer)
        # the month in progress is a draft in the officer's commune, visible to them
        drafts = Batch.with_user(officer).search(
            [("period", "=", this_month), ("state", "=", "draft")]
        )
        self.assertEqual(len(drafts), 1)
        self.assertTrue(drafts.line_ids)

    def test_carry_over_and_suspension(self):
        Line = self.env["social.payout.line"]
        self.assertTrue(
            Line.search_count([("carry_over_amount", ">", 0)]),
            "an unpaid month is carried over into the next",
        )
        suspended = self.env["social.allowance"].search([("state", "=", "suspended")])
        self.assertTrue(suspended, "three unpaid months suspend an allowance")
        activities = suspended.activity_ids
        self.assertTrue(activities)
        for activity in activities:
            area = (
                activity.res_model == "social.allowance"
                and self.env["social.allowance"]
                .browse(activity.res_id)
                .partner_id.area_id
            )
            # the commune officer serving the commune, not the manager
            self.assertFalse(
                activity.user_id.has_group("social_beneficiary.group_social_manager")
            )
            self.assertTrue(
                activity.user_id.social_area_ids
                & (area | area.parent_id | area.parent_id.parent_id)
            )

    def test_reports_have_content(self):
        for model in ("social.payout.analysis", "social.payout.reconciliation"):
            with self.subTest(model=model):
                self.assertTrue(self.env[model].search_count([]))
        analysis = self.env["social.payout.analysis"].with_user(self.users["approver"])
        self.assertTrue(analysis.search_count([("amount_paid", ">", 0)]))

    def test_demo_auditor_lands_on_the_half_year_summary_with_content(self):
        auditor = self.env["res.users"].search([("login", "=", "auditor")])
        action = self.env.ref(
            "social_reconciliation.social_payout_half_year_report_action"
        )
        self.assertEqual(auditor.action_id.id, action.id)
        rows = self.env["social.payout.half.year.report"].with_user(auditor).search([])
        self.assertTrue(rows)
        self.assertGreater(sum(rows.mapped("amount_paid")), 0)
