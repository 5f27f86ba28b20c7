# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile result files: refused (or read safely) fast, in bounded memory,
with a clear message, and nothing changed.

The files come from hostile/make_hostile.py (the small ones are committed in
hostile/, the large ones are built here at run time).
"""

import importlib.util
import time
import tracemalloc
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..wizards import result_file
from ..wizards.result_file import parse_result_file
from .common import SocialReconciliationCommon

HOSTILE = Path(__file__).parent / "hostile"
_spec = importlib.util.spec_from_file_location(
    "social_reconciliation_make_hostile", HOSTILE / "make_hostile.py"
)
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)

SECONDS = 2.0
PEAK_MB = 64

DTD = "declares a document type or entities"
UNREADABLE = "cannot be read as XLSX or CSV"
UNPACKED = "unpacks to more than 200 MB"
EXPECTED = {
    "xxe.xlsx": DTD,
    "xxe_shared_strings.xlsx": DTD,
    "xxe_workbook.xlsx": DTD,
    "billion_laughs.xlsx": DTD,
    "zip_bomb.xlsx": UNPACKED,
    "zip_bomb_ratio.xlsx": UNPACKED,
    "zip_bomb_lying_size.xlsx": UNREADABLE,
    "shared_string_out_of_range.xlsx": "cell A2 points to a text the workbook",
    "shared_string_not_a_number.xlsx": "cell A2 points to a text the workbook",
    "wrong_cell_types.xlsx": 'Row 2, Amount Paid: "abc" is not an amount',
    "row_number_far_away.xlsx": '"99999999999" is not a valid cell or row',
    "column_far_away.xlsx": '"ZZZZZ2" is not a valid cell or row',
    "deep_nesting.xlsx": UNREADABLE,
    "not_a_zip.xlsx": UNREADABLE,
    "bzip2_member.xlsx": UNREADABLE,
    "csv_with_nul.csv": UNREADABLE,
    "csv_utf16.csv": "not encoded in UTF-8",
    "csv_huge_field.csv": UNREADABLE,
    "upload_50mb.csv": "The file is 50.0 MB; result files of up to 20 MB",
}


def _build(name):
    path = HOSTILE / name
    if path.exists():
        return path.read_bytes()
    if name == "upload_50mb.csv":
        return make_hostile.upload_50mb()
    return make_hostile.LARGE[name]()


@tagged("post_install", "-at_install")
class TestHostileFiles(SocialReconciliationCommon):
    def _parse_measured(self, name, content):
        tracemalloc.start()
        try:
            start = time.perf_counter()
            parsed = parse_result_file(content, name)
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        finally:
            tracemalloc.stop()
        # the figures are part of the test's output
        print(  # pylint: disable=print-used
            f"hostile {name}: {len(content) / 1024:.0f} KB, {seconds:.3f} s, "
            f"tracemalloc peak {peak:.1f} MB, "
            f"{[p.code for p in parsed.problems][:3]}"
        )
        self.assertLess(seconds, SECONDS, name)
        self.assertLess(peak, PEAK_MB, name)
        return parsed

    def test_committed_files_are_the_script_output(self):
        for name, build in make_hostile.SMALL.items():
            with self.subTest(name=name):
                self.assertEqual((HOSTILE / name).read_bytes(), build())

    def test_every_hostile_file_refused_fast_with_a_clear_message(self):
        Reconciliation = self.env["social.payout.reconciliation"].with_user(
            self.finance
        )
        before = self._snapshot(self.batch)
        for name, expected in EXPECTED.items():
            with self.subTest(name=name):
                content = _build(name)
                parsed = self._parse_measured(name, content)
                self.assertTrue(parsed.problems)
                start = time.perf_counter()
                with self.assertRaises(UserError) as caught:
                    Reconciliation._import_result_file(self.batch, content, name)
                self.assertLess(time.perf_counter() - start, SECONDS, name)
                message = str(caught.exception)
                self.assertIn("was not imported, nothing was changed", message)
                self.assertIn(expected, message)
                # never the server's files, a parser's text or a traceback
                for leak in ("root:", "Traceback", "lxml", "Error", "line 1"):
                    self.assertNotIn(leak, message)
        self.assertEqual(self._snapshot(self.batch), before)

    def test_xxe_through_the_wizard(self):
        before = self._snapshot(self.batch)
        with self.assertRaisesRegex(UserError, DTD):
            self._import(self.batch, _build("xxe.xlsx"), "xxe.xlsx")
        self.assertEqual(self._snapshot(self.batch), before)

    def test_entities_are_never_expanded(self):
        for name in ("xxe.xlsx", "xxe_shared_strings.xlsx", "billion_laughs.xlsx"):
            with self.subTest(name=name):
                parsed = self._parse_measured(name, _build(name))
                self.assertEqual(parsed.rows, [])
                self.assertEqual([p.code for p in parsed.problems], ["dtd"])

    def test_dates_of_the_1904_system(self):
        parsed = self._parse_measured("dates_1904.xlsx", _build("dates_1904.xlsx"))
        self.assertEqual(parsed.problems, [])
        self.assertEqual(
            [(r.reference, str(r.paid_date)) for r in parsed.rows],
            [("CT-1", "2025-01-10"), ("CT-2", "2025-01-11")],
        )

    def test_formula_like_texts_are_read_as_text(self):
        for name in ("formula_like_names.xlsx", "formula_like_names.csv"):
            with self.subTest(name=name):
                parsed = self._parse_measured(name, _build(name))
                self.assertEqual(parsed.problems, [])
                self.assertEqual(
                    [r.reason for r in parsed.rows][:4], list(make_hostile.FORMULA_LIKE)
                )
        # a formula's cached text is read, the formula never evaluated
        parsed = parse_result_file(_build("formula_like_names.xlsx"), "f.xlsx")
        self.assertEqual(parsed.rows[-1].reference, "CT-9")

    def test_formula_like_reasons_stored_as_text(self):
        rows = self._result_rows(self.batch, failed=self.binh)
        text = make_hostile.FORMULA_LIKE[0]
        for row in rows:
            if row[1] == "failed":
                row[5] = text
        reconciliation = self._import(self.batch, self._csv(rows), "r.csv")
        self.assertEqual(
            reconciliation.sudo().unpaid_result_ids.mapped("reason"), [text]
        )

    def test_row_limit(self):
        content = self._csv(self._result_rows(self.batch))
        with patch.object(result_file, "MAX_ROWS", 3):
            parsed = parse_result_file(content, "r.csv")
            self.assertEqual([p.code for p in parsed.problems], ["too_many_rows"])
            with self.assertRaisesRegex(UserError, "more than 3 rows"):
                self.env["social.payout.reconciliation"].with_user(
                    self.finance
                )._import_result_file(self.batch, content, "r.csv")
