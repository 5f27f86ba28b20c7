# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Files the suite writes carry no formula from data (DESIGN §7).

A beneficiary named like a formula arrives in the provider's XLSX as a text
cell and in its CSV behind an apostrophe; a commune named like one arrives in
the reconciliation workbook as text.
"""

import csv
import io

import openpyxl

from odoo.tests import tagged

from odoo.addons.social_beneficiary.tools.spreadsheet import csv_safe

from ..wizards.result_file import parse_result_file
from .common import SocialReconciliationCommon

FORMULA = '=HYPERLINK("http://x","y")'


@tagged("post_install", "-at_install")
class TestSafeOutputs(SocialReconciliationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.an.sudo().name = FORMULA
        cls.commune_b.sudo().name = "@SUM(1+1)*cmd|' /C calc'!A0"

    def test_csv_safe(self):
        for value, expected in (
            ("=1+2", "'=1+2"),
            ("+84912345678", "'+84912345678"),
            ("-5", "'-5"),
            ("@A1", "'@A1"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Nguyễn Thị An", "Nguyễn Thị An"),
            ("", ""),
            (None, ""),
            (750000, 750000),
            (-5, -5),
        ):
            with self.subTest(value=value):
                self.assertEqual(csv_safe(value), expected)

    def test_provider_xlsx_writes_names_as_text(self):
        self.assertEqual(self.an.name, FORMULA)
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_xlsx("social_payout.provider_file_xlsx", self.batch.ids, None)
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [
            cell
            for row in sheet.iter_rows(min_row=3)
            for cell in row
            if cell.value == FORMULA
        ]
        # beneficiary and payee
        self.assertEqual(len(cells), 2)
        for cell in cells:
            self.assertEqual(cell.data_type, "s")
        formulas = [
            cell.coordinate
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        self.assertEqual(formulas, [])

    def test_provider_csv_neutralises_formulas(self):
        content = self.batch.with_user(self.finance)._make_provider_csv()
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        line = self._line(self.batch, self.an)
        row = next(row for row in rows if row[0] == line.reference)
        self.assertEqual(row[2], "'" + FORMULA)
        self.assertEqual(row[4], "'" + FORMULA)
        commune_b_rows = [
            row for row in rows[1:] if row[0] != line.reference and "cmd" in row[-1]
        ]
        self.assertTrue(commune_b_rows)
        for row in commune_b_rows:
            self.assertTrue(row[-1].startswith("'@SUM"))
        for row in rows:
            for value in row:
                self.assertFalse(value.startswith(("=", "+", "-", "@")), value)

    def test_neutralised_csv_reads_back_as_the_text(self):
        """A provider returning our neutralised text gets it read as typed."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["reference", "status", "amount_paid", "paid_date", "reason"])
        writer.writerow(["R1", "failed", "", "", csv_safe(FORMULA)])
        content = buffer.getvalue().encode()
        parsed = parse_result_file(content, "r.csv")
        self.assertEqual(parsed.problems, [])
        self.assertEqual(parsed.rows[0].reason, FORMULA)

    def test_reconciliation_workbook_writes_communes_as_text(self):
        self._settle_month(self.batch, failed=self.dung)
        wizard = (
            self.env["social.reconciliation.report.wizard"]
            .with_user(self.finance)
            .create({"date_from": self.JAN, "date_to": self.JAN})
        )
        action = wizard.action_print_xlsx()
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_xlsx(action["report_name"], wizard.ids, {})
        )
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        texts = [
            cell
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "cmd|" in cell.value
        ]
        self.assertTrue(texts)
        for cell in texts:
            self.assertEqual(cell.data_type, "s")
            self.assertEqual(cell.value, self.commune_b.name)
        formulas = [
            cell.coordinate
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        self.assertEqual(formulas, [])
