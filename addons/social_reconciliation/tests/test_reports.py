# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from collections import defaultdict

import openpyxl

from odoo.tests import tagged

from .common import SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestReports(SocialReconciliationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._settle_month(cls.batch, failed=cls.binh)
        cls.february = cls._transferred_batch(cls.FEB)
        cls._settle_month(cls.february, failed=cls.dung)
        cls.lines = cls.env["social.payout.line"].search(
            [("batch_id", "in", (cls.batch | cls.february).ids)]
        )

    def _line_totals(self, key):
        totals = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
        for line in self.lines:
            total = totals[key(line)]
            total[0] += 1
            total[1] += line.state == "failed"
            total[2] += line.amount
            total[3] += line.paid_amount
            total[4] += line.amount - line.paid_amount if line.state == "failed" else 0
            total[5] += line.fee_amount
        return dict(totals)

    def test_monthly_reconciliation_totals_equal_lines(self):
        # the auditor reads the monthly reconciliation
        groups = (
            self.env["social.payout.analysis"]
            .with_user(self.auditor)
            ._read_group(
                [("batch_id", "in", (self.batch | self.february).ids)],
                ["period:month", "area_id", "method"],
                [
                    "line_count:sum",
                    "unpaid_count:sum",
                    "amount_planned:sum",
                    "amount_paid:sum",
                    "amount_unpaid:sum",
                    "fee_amount:sum",
                ],
            )
        )
        report = {
            (period, area.id, method): list(totals)
            for period, area, method, *totals in groups
        }
        expected = self._line_totals(
            lambda line: (line.period, line.area_id.id, line.method)
        )
        self.assertEqual(report, {key: list(value) for key, value in expected.items()})
        self.assertEqual(sum(values[4] for values in report.values()), 1000000 + 750000)

    def test_cashless_share_by_commune_and_month(self):
        # the approver reports the cashless share upward
        groups = (
            self.env["social.payout.analysis"]
            .with_user(self.approver)
            ._read_group(
                [("batch_id", "=", self.batch.id)],
                ["area_id"],
                ["cashless_share:avg", "line_count:sum"],
            )
        )
        self.assertEqual(
            {area: (share, count) for area, share, count in groups},
            {self.commune_a: (50.0, 2), self.commune_b: (50.0, 2)},
        )

    def test_commune_officer_sees_only_own_commune(self):
        rows = (
            self.env["social.payout.analysis"]
            .with_user(self.commune_officer)
            .search([("batch_id", "=", self.batch.id)])
        )
        self.assertEqual(rows.area_id, self.commune_a)
        self.assertEqual(rows.partner_id, self.an | self.binh)

    def test_xlsx_report_totals_equal_lines(self):
        wizard = (
            self.env["social.reconciliation.report.wizard"]
            .with_user(self.finance)
            .create({"date_from": self.JAN, "date_to": self.FEB})
        )
        action = wizard.action_print_xlsx()
        self.assertEqual(action["report_type"], "xlsx")
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_xlsx(action["report_name"], wizard.ids, {})
        )
        self.assertEqual(report_type, "xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertEqual(
            workbook.sheetnames,
            ["Reconciliation", "Cashless share", "Paid in cash", "Fees", "Half-year"],
        )
        rows = list(workbook["Reconciliation"].iter_rows(min_row=4, values_only=True))
        self.assertEqual(sum(row[3] for row in rows), len(self.lines))
        self.assertEqual(sum(row[6] for row in rows), sum(self.lines.mapped("amount")))
        self.assertEqual(
            sum(row[7] for row in rows), sum(self.lines.mapped("paid_amount"))
        )
        self.assertEqual(sum(row[8] for row in rows), 1000000 + 750000)
        self.assertEqual(
            sum(row[9] for row in rows), sum(self.lines.mapped("fee_amount"))
        )
        cash = list(workbook["Paid in cash"].iter_rows(min_row=4, values_only=True))
        cash_lines = self.lines.filtered(
            lambda line: line.method in ("cash_point", "cash_home")
        )
        self.assertEqual(len(cash), len(cash_lines))
        reasons = {(row[2], row[5]) for row in cash}
        self.assertIn(("Trần Văn Bình", "No payment registration"), reasons)
        self.assertIn(("Phạm Thị Dung", "Chose cash at the pay point"), reasons)
        fees = list(workbook["Fees"].iter_rows(min_row=4, values_only=True))
        self.assertEqual(
            sum(row[4] for row in fees), sum(self.lines.mapped("fee_amount"))
        )
        half = list(workbook["Half-year"].iter_rows(min_row=4, values_only=True))
        self.assertEqual({row[0] for row in half}, {"2025-H1"})
        self.assertEqual(sum(row[2] for row in half), 4)
        self.assertEqual(sum(row[3] for row in half), len(self.lines))
        self.assertEqual(
            sum(row[5] for row in half), sum(self.lines.mapped("paid_amount"))
        )

    def test_reconciliation_exports_its_month(self):
        reconciliation = self.env["social.payout.reconciliation"].search(
            [("batch_id", "=", self.february.id)]
        )
        action = reconciliation.with_user(self.auditor).action_print_xlsx()
        wizard = self.env["social.reconciliation.report.wizard"].browse(
            action["context"]["active_ids"]
        )
        self.assertEqual((wizard.date_from, wizard.date_to), (self.FEB, self.FEB))
        monthly = wizard._report_data()["monthly"]
        self.assertEqual(
            sum(row[7] for row in monthly),
            sum(self.february.line_ids.mapped("paid_amount")),
        )

    def test_dashboard_figures_of_the_batch(self):
        batch = self.batch.with_user(self.finance)
        self.assertEqual(batch.unpaid_line_count, 1)
        self.assertEqual(batch.paid_line_count, 3)
        self.assertEqual(batch.cashless_share, 50.0)
        self.assertEqual(batch.reconciliation_count, 1)
        action = batch.action_view_reconciliations()
        self.assertEqual(action["res_id"], batch.reconciliation_ids.id)
        groups = (
            self.env["social.payout.batch"]
            .with_user(self.finance)
            ._read_group(
                [("id", "in", (self.batch | self.february).ids)],
                ["state"],
                ["__count"],
            )
        )
        self.assertEqual(dict(groups), {"settled": 2})
