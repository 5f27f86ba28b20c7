# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The XLSX writers of tools/spreadsheet.py: what they write reads back as the
data, as text or number, never as a formula or as markup."""

import io
from decimal import Decimal

import xlsxwriter
from openpyxl import load_workbook

from odoo.tests import BaseCase, tagged

from ..tools.spreadsheet import (
    SAFE_WORKBOOK_OPTIONS,
    write_cell,
    write_cells,
    write_rows,
)

TEXTS = [
    "Nguyễn Thị Ánh",
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "<r><t>Trần</t></r>",
    "<r>a & b</r>",
    "a & b < c > d",
    " leading and trailing ",
    "001060000005",
    "",
]


def _workbook(constant_memory):
    buffer = io.BytesIO()
    options = {"constant_memory": constant_memory, **SAFE_WORKBOOK_OPTIONS}
    workbook = xlsxwriter.Workbook(buffer, options)
    return buffer, workbook


def _read(buffer):
    return load_workbook(io.BytesIO(buffer.getvalue())).active


@tagged("post_install", "-at_install")
class TestSpreadsheetWriters(BaseCase):
    def test_rows_read_back_as_written(self):
        """Texts as text cells, amounts as numbers with their format, in both
        of xlsxwriter's modes (row file and shared strings)."""
        for constant_memory in (True, False):
            with self.subTest(constant_memory=constant_memory):
                buffer, workbook = _workbook(constant_memory)
                sheet = workbook.add_worksheet("list")
                money = workbook.add_format({"num_format": "#,##0"})
                write_cells(sheet, 0, 0, ["text", "amount", "note"])
                rows = [(text, 750000, None) for text in TEXTS]
                rows.append(("last", Decimal("2789000"), "x"))
                count = write_rows(sheet, 1, rows, cell_formats={1: money})
                write_cell(sheet, count + 1, 0, "after the rows")
                workbook.close()
                sheet = _read(buffer)
                self.assertEqual(count, len(TEXTS) + 1)
                for index, text in enumerate(TEXTS, start=2):
                    cell = sheet.cell(index, 1)
                    self.assertEqual(cell.value or "", text)
                    if text:
                        self.assertEqual(cell.data_type, "s")
                    amount = sheet.cell(index, 2)
                    self.assertEqual(amount.value, 750000)
                    self.assertEqual(amount.data_type, "n")
                    self.assertEqual(amount.number_format, "#,##0")
                    self.assertIsNone(sheet.cell(index, 3).value)
                last = len(TEXTS) + 2
                self.assertEqual(sheet.cell(last, 2).value, 2789000)
                self.assertEqual(sheet.cell(last + 1, 1).value, "after the rows")
                self.assertEqual(sheet.max_row, last + 1)
                formulas = [
                    cell.coordinate
                    for row in sheet.iter_rows()
                    for cell in row
                    if cell.data_type == "f"
                ]
                self.assertEqual(formulas, [])

    def test_same_cells_as_xlsxwriter(self):
        """For ordinary data the fast row writer gives what xlsxwriter's own
        cell calls give."""
        values = {}
        for writer in ("write_rows", "cells"):
            buffer, workbook = _workbook(True)
            sheet = workbook.add_worksheet("list")
            rows = [(f"REF-{n}", "Lê Văn Bảy", "bank", n * 1000) for n in range(50)]
            if writer == "write_rows":
                write_rows(sheet, 0, rows)
            else:
                for index, row in enumerate(rows):
                    write_cells(sheet, index, 0, row)
            workbook.close()
            values[writer] = [
                [(cell.value, cell.data_type) for cell in row]
                for row in _read(buffer).iter_rows()
            ]
        self.assertEqual(values["write_rows"], values["cells"])
        self.assertEqual(len(values["cells"]), 50)

    def test_rows_already_written_are_refused(self):
        buffer, workbook = _workbook(True)
        sheet = workbook.add_worksheet("list")
        write_rows(sheet, 0, [("a",), ("b",)])
        with self.assertRaises(ValueError):
            write_rows(sheet, 1, [("again",)])
        workbook.close()
        self.assertEqual(
            [row[0].value for row in _read(buffer).iter_rows()], ["a", "b"]
        )
