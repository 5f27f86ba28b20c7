# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestReconciliationTour(HttpCase, SocialReconciliationCommon):
    def test_finance_imports_validates_and_settles(self):
        self.start_tour(
            f"/odoo/action-social_payout.social_payout_batch_action/{self.batch.id}",
            "social_reconciliation_import_tour",
            login=self.finance.login,
        )
        reconciliation = self.env["social.payout.reconciliation"].search(
            [("batch_id", "=", self.batch.id)]
        )
        self.assertEqual(reconciliation.state, "settled")
        self.assertEqual(reconciliation.batch_id.state, "settled")
        self.assertEqual(reconciliation.amount_unpaid, 1000000)
        self.assertEqual(len(reconciliation.move_ids), 3)


@tagged("post_install", "-at_install")
class TestReconciliationRoleTours(HttpCase, SocialReconciliationCommon):
    """Finance and the auditor log in, land on their own work and do their
    main step of the month there."""

    def test_finance_lands_transfers_and_reconciles(self):
        batch = (
            self.env["social.payout.batch"]
            .with_user(self.officer)
            .create(
                {
                    "program_id": self.program.id,
                    "period": self.FEB,
                    "area_id": self.district.id,
                    "provider_id": self.provider.id,
                }
            )
        )
        batch.with_user(self.officer).action_generate_lines()
        batch.with_user(self.officer).action_submit()
        batch.with_user(self.approver).action_approve()
        self.assertEqual(
            self.env["res.users"]._social_home_action(self.finance),
            self.env.ref("social_payout.action_home_finance"),
        )
        self.start_tour(
            "/odoo", "social_reconciliation_finance_home_tour", login=self.finance.login
        )
        batch = batch.with_user(self.finance)
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "settled")
        self.assertEqual(batch.transferred_by, self.finance)
        self.assertEqual(batch.transfer_move_id.state, "posted")
        reconciliation = self.env["social.payout.reconciliation"].search(
            [("batch_id", "=", batch.id)]
        )
        self.assertEqual(reconciliation.state, "settled")
        # Trần Văn Bình was reported unpaid by the file the tour uploaded
        unpaid = reconciliation.result_ids.filtered(lambda r: r.status == "failed")
        self.assertEqual(unpaid.partner_id, self.binh)
        self.assertEqual(reconciliation.create_uid, self.finance)

    def test_auditor_lands_on_half_year_summary(self):
        self._settle_month(self.batch)
        action = self.env.ref(
            "social_reconciliation.social_payout_half_year_report_action"
        )
        self.assertEqual(
            self.env["res.users"]._social_home_action(self.auditor), action
        )
        # the figures the auditor is about to read
        rows = (
            self.env["social.payout.half.year.report"]
            .with_user(self.auditor)
            .search([("area_id", "=", self.commune_a.id)])
        )
        self.assertEqual(rows.mapped("half_year"), ["2025-H1"])
        self.start_tour(
            "/odoo", "social_reconciliation_auditor_home_tour", login=self.auditor.login
        )
