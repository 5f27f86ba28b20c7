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
