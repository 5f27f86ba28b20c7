# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The parser alone, without the database."""

import io
import unittest
from datetime import date
from pathlib import Path

import openpyxl

from ..wizards.result_file import parse_amount, parse_date, parse_result_file


def _codes(parsed):
    return [(p.row, p.field, p.code) for p in parsed.problems]


class TestResultFileParser(unittest.TestCase):
    def test_english_csv(self):
        parsed = parse_result_file(
            b"reference,status,amount_paid,paid_date,provider_ref,reason\n"
            b"R1,paid,750000,2025-01-10,GD1,\n"
            b"R2,failed,,,,absent\n",
            "r.csv",
        )
        self.assertEqual(parsed.problems, [])
        self.assertEqual(
            [
                (r.row, r.reference, r.status, r.amount_paid, r.paid_date)
                for r in parsed.rows
            ],
            [
                (2, "R1", "paid", 750000, date(2025, 1, 10)),
                (3, "R2", "failed", None, None),
            ],
        )
        self.assertEqual(parsed.rows[1].reason, "absent")

    def test_bom_semicolon_vietnamese(self):
        text = (
            "\ufeffMã chi trả;TRẠNG THÁI;Số tiền đã chi;Ngày chi;Cột thừa\n"
            "R1;Đã chi;1.500.000;31/01/2025;x\n"
            "R2;chưa chi;0;;y\n"
            ";;;;\n"
        )
        parsed = parse_result_file(text.encode(), "r.csv")
        self.assertEqual(parsed.problems, [])
        self.assertEqual(
            [(r.reference, r.status, r.amount_paid, r.paid_date) for r in parsed.rows],
            [("R1", "paid", 1500000, date(2025, 1, 31)), ("R2", "failed", 0, None)],
        )

    def test_xlsx_two_header_rows(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Mã chi trả", "Trạng thái", "Số tiền đã chi", "Ngày chi"])
        sheet.append(["reference", "status", "amount_paid", "paid_date"])
        sheet.append(["R1", "paid", 750000.0, date(2025, 1, 5)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        parsed = parse_result_file(buffer.getvalue(), "r.xlsx")
        self.assertEqual(parsed.problems, [])
        self.assertEqual(parsed.rows[0].row, 3)
        self.assertEqual(parsed.rows[0].amount_paid, 750000)
        self.assertEqual(parsed.rows[0].paid_date, date(2025, 1, 5))

    def test_problems_are_all_reported(self):
        parsed = parse_result_file(
            b"reference,status,amount_paid,paid_date\n"
            b"R1,ok,12x,2025-13-01\n"
            b",paid,1,2025-01-01\n"
            b"R3,paid,1,2025-01-01\n"
            b"R3,paid,1,2025-01-01\n",
            "r.csv",
        )
        self.assertEqual(
            _codes(parsed),
            [
                (2, "status", "bad_status"),
                (2, "amount_paid", "bad_amount"),
                (2, "paid_date", "bad_date"),
                (3, "reference", "missing_reference"),
                (5, "reference", "duplicate"),
            ],
        )

    def test_missing_columns(self):
        parsed = parse_result_file(b"reference,amount_paid\nR1,1\n", "r.csv")
        self.assertEqual(
            _codes(parsed),
            [(None, "status", "missing_column"), (None, "paid_date", "missing_column")],
        )

    def test_unreadable_and_encoding(self):
        self.assertEqual(
            _codes(parse_result_file("Mã chi trả".encode("utf-16"), "r.csv")),
            [(None, None, "encoding")],
        )
        self.assertEqual(
            _codes(parse_result_file(b"PK\x03\x04garbage", "r.xlsx")),
            [(None, None, "unreadable")],
        )
        self.assertEqual(
            _codes(parse_result_file(b"\xd0\xcf\x11\xe0old", "r.xls")),
            [(None, None, "old_excel")],
        )
        self.assertEqual(
            _codes(parse_result_file(b"", "r.csv")), [(None, None, "empty")]
        )

    def test_amount_and_date_formats(self):
        self.assertEqual(parse_amount("1,500,000"), 1500000)
        self.assertEqual(parse_amount("750000.00"), 750000)
        self.assertEqual(parse_amount(750000.0), 750000)
        self.assertIsNone(parse_amount(" "))
        for bad in ("7.5", "1,5", "abc", 1.5):
            with self.assertRaises(ValueError):
                parse_amount(bad)
        self.assertEqual(parse_date("05/02/2025"), date(2025, 2, 5))
        with self.assertRaises(ValueError):
            parse_date("2025/02/05")

    def test_repository_samples(self):
        samples = Path(__file__).resolve().parents[3] / "tests" / "samples"
        expected = [
            ("CT20250001-101", "paid", 750000, date(2025, 1, 10)),
            ("CT20250001-102", "failed", None, None),
            ("CT20250001-103", "paid", 1000000, date(2025, 1, 12)),
        ]
        for name in (
            "result_vietnamese_bom_semicolon.csv",
            "result_provider_layout.xlsx",
        ):
            parsed = parse_result_file((samples / name).read_bytes(), name)
            self.assertEqual(parsed.problems, [], name)
            self.assertEqual(
                [
                    (r.reference, r.status, r.amount_paid or None, r.paid_date)
                    for r in parsed.rows
                ],
                expected,
                name,
            )


class TestRealWorkbooks(unittest.TestCase):
    """What real spreadsheet programs write."""

    @staticmethod
    def _save(workbook):
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def test_first_sheet_with_the_header_is_read(self):
        workbook = openpyxl.Workbook()
        notes = workbook.active
        notes.title = "Ghi chú"
        notes.append(["Báo cáo kết quả chi trả tháng 01/2025"])
        data = workbook.create_sheet("Kết quả")
        data.append(["Mã chi trả", "Trạng thái", "Số tiền đã chi", "Ngày chi"])
        data.append(["R1", "Đã chi", 750000, date(2025, 1, 5)])
        workbook.create_sheet("Trống")
        parsed = parse_result_file(self._save(workbook), "r.xlsx")
        self.assertEqual(parsed.problems, [])
        self.assertEqual(
            [(r.row, r.reference, r.paid_date) for r in parsed.rows],
            [(2, "R1", date(2025, 1, 5))],
        )

    def test_no_sheet_with_the_header(self):
        workbook = openpyxl.Workbook()
        workbook.active.append(["reference", "amount_paid"])
        workbook.create_sheet("x").append(["something else"])
        parsed = parse_result_file(self._save(workbook), "r.xlsx")
        self.assertEqual(
            _codes(parsed),
            [(None, "status", "missing_column"), (None, "paid_date", "missing_column")],
        )

    def test_dates_in_both_date_systems(self):
        for epoch in (
            openpyxl.utils.datetime.CALENDAR_WINDOWS_1900,
            openpyxl.utils.datetime.CALENDAR_MAC_1904,
        ):
            with self.subTest(epoch=epoch):
                workbook = openpyxl.Workbook()
                workbook.epoch = epoch
                sheet = workbook.active
                sheet.append(["reference", "status", "amount_paid", "paid_date"])
                sheet.append(["R1", "paid", 750000, date(2025, 1, 31)])
                parsed = parse_result_file(self._save(workbook), "r.xlsx")
                self.assertEqual(parsed.problems, [])
                self.assertEqual(parsed.rows[0].paid_date, date(2025, 1, 31))

    def test_numbers_stored_as_text_and_leading_apostrophes(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["reference", "status", "amount_paid", "paid_date", "reason"])
        sheet.append(["R1", "paid", "750000", "'10/01/2025", ""])
        sheet.append(["'R2", "failed", "'0", "", "'=1+1"])
        parsed = parse_result_file(self._save(workbook), "r.xlsx")
        self.assertEqual(parsed.problems, [])
        self.assertEqual(
            [(r.reference, r.amount_paid, r.paid_date, r.reason) for r in parsed.rows],
            [("R1", 750000, date(2025, 1, 10), ""), ("R2", 0, None, "=1+1")],
        )

    def test_csv_with_bom_and_either_delimiter(self):
        for delimiter in (",", ";"):
            with self.subTest(delimiter=delimiter):
                text = (
                    "\ufeff"
                    + delimiter.join(
                        ["reference", "status", "amount_paid", "paid_date"]
                    )
                    + "\r\n"
                    + delimiter.join(["R1", "paid", "750000", "10/01/2025"])
                    + "\r\n"
                )
                parsed = parse_result_file(text.encode(), "r.csv")
                self.assertEqual(parsed.problems, [])
                self.assertEqual(parsed.rows[0].paid_date, date(2025, 1, 10))
