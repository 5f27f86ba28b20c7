# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ENGLISH_HEADER, VIETNAMESE_HEADER, SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestResultImport(SocialReconciliationCommon):
    def _assert_refused(self, content, filename, *patterns, batch=None):
        batch = batch or self.batch
        before = self._snapshot(batch)
        with self.assertRaises(UserError) as caught:
            self._import(batch, content, filename)
        message = str(caught.exception)
        self.assertIn("nothing was changed", message)
        for pattern in patterns:
            self.assertRegex(message, pattern)
        self.assertEqual(self._snapshot(batch), before)
        return message

    # ------------------------------------------------------------ clean files

    def test_clean_csv_creates_draft_reconciliation(self):
        rows = self._result_rows(self.batch, failed=self.binh)
        reconciliation = self._import(self.batch, self._csv(rows), "ket_qua.csv")
        self.assertEqual(reconciliation.state, "draft")
        self.assertEqual(reconciliation.batch_id, self.batch)
        self.assertEqual(len(reconciliation.result_ids), 4)
        self.assertEqual(reconciliation.amount_planned, 3250000)
        self.assertEqual(reconciliation.amount_paid, 2250000)
        self.assertEqual(reconciliation.amount_unpaid, 1000000)
        self.assertEqual(reconciliation.unpaid_count, 1)
        self.assertEqual(reconciliation.unpaid_result_ids.partner_id, self.binh)
        # Fee on what is paid: bank 0.5 % of 750,000 (3,750) twice, cash 0.8 %
        # of 750,000 (6,000); nothing on the unpaid line.
        self.assertEqual(reconciliation.fee_amount, 3750 * 2 + 6000)
        # Nothing applied to the lines before validation.
        self.assertEqual(set(self.batch.sudo().line_ids.mapped("state")), {"pending"})
        summary = reconciliation.summary_ids.filtered(
            lambda s: s.area_id == self.commune_a and s.method == "cash_point"
        )
        self.assertEqual((summary.line_count, summary.unpaid_count), (1, 1))
        self.assertEqual(summary.amount_unpaid, 1000000)

    def test_action_returns_reconciliation_form(self):
        rows = self._result_rows(self.batch)
        wizard = (
            self.env["social.payout.result.import"]
            .with_user(self.finance)
            .create(
                {
                    "batch_id": self.batch.id,
                    "file": base64.b64encode(self._csv(rows)),
                    "filename": "r.csv",
                }
            )
        )
        action = wizard.action_import()
        self.assertEqual(action["res_model"], "social.payout.reconciliation")
        self.assertEqual(
            self.env["social.payout.reconciliation"].browse(action["res_id"]).batch_id,
            self.batch,
        )

    def test_csv_bom_semicolon_vietnamese_headers_and_dmy_dates(self):
        rows = []
        for line in self.batch.sudo().line_ids:
            if line.partner_id == self.cuong:
                rows.append([line.reference, "Chưa chi", "", "", "", "Đã chuyển đi"])
            else:
                rows.append(
                    [
                        line.reference,
                        "Đã chi",
                        f"{int(line.amount):,}".replace(",", "."),
                        "12/01/2025",
                        "GD1",
                        "",
                    ]
                )
        header = [
            " MÃ CHI TRẢ ",
            "trạng thái",
            "Số tiền  đã chi",
            "Ngày chi",
            "Mã giao dịch",
            "Lý do",
            "Ghi chú",
        ]
        content = self._csv(
            [[*row, "ghi chú thêm"] for row in rows],
            header=header,
            delimiter=";",
            bom=True,
        )
        reconciliation = self._import(self.batch, content, "ketqua.csv")
        result = reconciliation.result_ids.filtered(
            lambda r: r.partner_id == self.cuong
        )
        self.assertEqual(result.status, "failed")
        self.assertEqual(result.reason, "Đã chuyển đi")
        paid = reconciliation.result_ids - result
        self.assertEqual(set(paid.mapped("status")), {"paid"})
        self.assertEqual(set(paid.mapped("paid_date")), {self.JAN + timedelta(days=11)})
        self.assertEqual(reconciliation.amount_paid, 2500000)

    def test_xlsx_with_vietnamese_and_english_header_rows(self):
        rows = self._result_rows(self.batch, failed=self.dung)
        for row in rows:
            if row[3]:
                row[3] = self.JAN + timedelta(days=5)
        content = self._xlsx(rows, headers=[VIETNAMESE_HEADER, ENGLISH_HEADER])
        reconciliation = self._import(self.batch, content, "ket_qua.xlsx")
        self.assertEqual(len(reconciliation.result_ids), 4)
        self.assertEqual(reconciliation.unpaid_result_ids.partner_id, self.dung)
        # Rows are numbered as the spreadsheet shows them: data from row 3.
        self.assertEqual(sorted(reconciliation.result_ids.mapped("row")), [3, 4, 5, 6])

    def test_same_file_twice_changes_nothing(self):
        content = self._csv(self._result_rows(self.batch, failed=self.an))
        first = self._import(self.batch, content, "a.csv")
        first.action_validate()
        messages = len(first.message_ids)
        lines = self.batch.sudo().line_ids
        lines_before = self._row_versions(lines)
        results_before = self._row_versions(first.result_ids)
        self.assertTrue(lines_before and results_before)
        second = self._import(self.batch, content, "a (copy).csv")
        self.assertEqual(second, first)
        self.assertEqual(first.state, "validated")
        self.assertEqual(len(first.message_ids), messages)
        self.assertEqual(
            self.env["social.payout.reconciliation"]
            .sudo()
            .search_count([("batch_id", "=", self.batch.id)]),
            1,
        )
        self.assertEqual(self._row_versions(lines), lines_before)
        self.assertEqual(self._row_versions(first.result_ids), results_before)

    def test_corrected_file_replaces_draft_results(self):
        first = self._import(
            self.batch,
            self._csv(self._result_rows(self.batch, failed=self.an)),
            "a.csv",
        )
        second = self._import(
            self.batch, self._csv(self._result_rows(self.batch)), "b.csv"
        )
        self.assertEqual(second, first)
        self.assertEqual(first.unpaid_count, 0)
        self.assertEqual(len(first.result_ids), 4)

    # ------------------------------------------------------------ refusals

    def test_refuse_unknown_reference(self):
        rows = self._result_rows(self.batch)
        rows.append(["XX-0001", "paid", 750000, "2025-01-10", "", ""])
        self._assert_refused(
            self._csv(rows), "r.csv", r"Row 6, Reference: Unknown reference XX-0001"
        )

    def test_refuse_reference_of_another_batch(self):
        other = self._transferred_batch(self.FEB)
        rows = self._result_rows(self.batch)
        rows[0][0] = other.sudo().line_ids[0].reference
        self._assert_refused(
            self._csv(rows),
            "r.csv",
            rf"Row 2, Reference: Reference \S+ belongs to batch {other.name}",
        )

    def test_refuse_duplicate_row(self):
        rows = self._result_rows(self.batch)
        rows.append(list(rows[1]))
        self._assert_refused(
            self._csv(rows),
            "r.csv",
            rf"Row 6, Reference: Reference {rows[1][0]} already appears on row 3",
        )

    def test_refuse_amount_different_from_line(self):
        rows = self._result_rows(self.batch)
        rows[2][2] = 700000
        self._assert_refused(
            self._csv(rows),
            "r.csv",
            "Row 4, Amount Paid: Amount paid 700,000\u00a0₫ differs from the "
            "amount of the line",
        )

    def test_refuse_paid_date_outside_period(self):
        rows = self._result_rows(self.batch)
        rows[0][3] = "2025-03-01"
        rows[1][3] = "01/12/2024"
        self._assert_refused(
            self._csv(rows),
            "r.csv",
            r"Row 2, Payment Date: Payment date 01/03/2025 is outside the period "
            r"of the batch \(24/12/2024 to 28/02/2025\)",
            r"Row 3, Payment Date: Payment date 01/12/2024 is outside",
        )

    def test_refuse_missing_column(self):
        content = self._csv(
            [row[:2] + row[3:] for row in self._result_rows(self.batch)],
            header=["reference", "status", "paid_date", "provider_ref", "reason"],
        )
        self._assert_refused(
            content,
            "r.csv",
            r"The column amount_paid \(Số tiền đã chi\) is missing from the header",
        )

    def test_refuse_unreadable_file(self):
        self._assert_refused(
            b"PK\x03\x04 this is not a workbook", "r.xlsx", r"cannot be read"
        )

    def test_refuse_other_encoding(self):
        content = self._csv(
            self._result_rows(self.batch, failed=self.an),
            header=VIETNAMESE_HEADER,
            encoding="utf-16",
        )
        self._assert_refused(content, "r.csv", r"not encoded in UTF-8")

    def test_refuse_bad_status_value(self):
        rows = self._result_rows(self.batch)
        rows[3][1] = "maybe"
        self._assert_refused(
            self._csv(rows), "r.csv", r'Row 5, Status: Unknown status "maybe"'
        )

    def test_refuse_missing_line_and_all_problems_at_once(self):
        rows = self._result_rows(self.batch)
        missing = rows.pop(0)
        rows[0][1] = "???"
        rows[1][2] = 1
        message = self._assert_refused(
            self._csv(rows),
            "r.csv",
            rf"The line {missing[0]} of the batch is not in the file",
            r"Row 2, Status",
            r"Row 3, Amount Paid",
        )
        self.assertIn("3 problems", message)

    def test_refuse_batch_not_transferred(self):
        draft = (
            self.env["social.payout.batch"]
            .with_user(self.officer)
            .create(
                {
                    "program_id": self.program.id,
                    "period": self.MAR,
                    "area_id": self.district.id,
                    "provider_id": self.provider.id,
                }
            )
        )
        before = self._snapshot(self.batch)
        with self.assertRaisesRegex(UserError, "only be imported for a transferred"):
            self._import(draft, self._csv(self._result_rows(self.batch)), "r.csv")
        self.assertEqual(self._snapshot(self.batch), before)

    def test_refuse_auditor(self):
        before = self._snapshot(self.batch)
        with self.assertRaisesRegex(AccessError, "not allowed"):
            self._import(
                self.batch,
                self._csv(self._result_rows(self.batch)),
                "r.csv",
                user=self.auditor,
            )
        self.assertEqual(self._snapshot(self.batch), before)
