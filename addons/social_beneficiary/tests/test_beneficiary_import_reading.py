"""A beneficiary list read as before, only faster (issue 12, the check of a
province's list): the cells, dates, headers and ID numbers read the same in
every spelling once the readers cache what a list repeats; a column of many
distinct values is read in full past the cache; the file is read row by row
but a file that cannot be read is still refused for that before anything
else; the namesake a refusal names does not depend on the query plan; the
collector paused over the rows resumes as it was.
"""

import gc
from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged

from ..models.social_tools import clean_citizen_id
from ..tools.gc_pause import paused_gc
from ..tools.tabular_file import cell_text, normalize_header, parse_date
from ..wizards import beneficiary_import_file
from ..wizards.beneficiary_import_file import MEMO_SIZE, parse_rows
from .import_common import HEADER, NEW_ROW, BeneficiaryImportCommon, csv_file


def _digits(number, zero):
    """The number in the digits of another script (``zero``: its 0)."""
    return "".join(chr(zero + int(digit)) for digit in number)


@tagged("post_install", "-at_install")
class TestCellReaders(BaseCase):
    def test_dates_read_the_same_in_every_spelling(self):
        july = date(2024, 7, 1)
        for spelling in (
            "2024-07-01",
            "2024-7-1",
            "01/07/2024",
            "1/7/2024",
            "01.07.2024",
            "01-07-2024",
            " 01/07/2024 ",
            "'01/07/2024",
            "2024-07-01 00:00:00",
            "2024-07-01T00:00",
            "01/07/2024 00:00",
            datetime(2024, 7, 1, 0, 0),
            july,
            45474,  # the serial of a date cell read without its style
            45474.0,
        ):
            # twice: the second reading comes from the cache
            for __ in range(2):
                self.assertEqual(parse_date(spelling), july, repr(spelling))
        for empty in ("", " ", None, "'"):
            self.assertIsNone(parse_date(empty), repr(empty))
        for wrong in ("31/02/2024", "2024/07/01", "07/2024", "abc", "1/13/2024", 12):
            for __ in range(2):  # a text that is no date is never cached as one
                with self.assertRaises(ValueError, msg=repr(wrong)):
                    parse_date(wrong)
        with self.assertRaises(ValueError):
            parse_date(True)

    def test_headers_read_the_same_whatever_their_type(self):
        for spelling in (
            "Ngày chi trả",
            "ngay_chi_tra",
            "NGAY  CHI TRA",
            " Ngày-chi-trả ",
        ):
            for __ in range(2):
                self.assertEqual(normalize_header(spelling), "ngay chi tra")
        self.assertEqual(normalize_header("Đối tượng"), "doi tuong")
        self.assertEqual(normalize_header(2024), "2024")
        for empty in (None, False, 0, ""):
            self.assertEqual(normalize_header(empty), "", repr(empty))

    def test_cells_read_the_same(self):
        decomposed = "Nguye\u0302\u0303n  Thi\u0323 Hoa "  # NFD, as some keyboards type
        self.assertEqual(cell_text(decomposed), "Nguyễn Thị Hoa")
        self.assertEqual(cell_text("  a \t b\n c  "), "a b c")
        self.assertEqual(cell_text("'=1+1"), "=1+1")
        self.assertEqual(cell_text("' 001060000005 "), "001060000005")
        self.assertEqual(cell_text(3.0), "3")
        self.assertEqual(cell_text(3.5), "3.5")
        self.assertEqual(cell_text(True), "True")
        self.assertEqual(cell_text(None), "")

    def test_citizen_ids_cleaned_the_same(self):
        for typed, clean in (
            ("051148000777", "051148000777"),
            ("051 148.000-777", "051148000777"),
            (_digits("051148000777", 0xFF10), "051148000777"),  # full-width
            (_digits("051148000777", 0x0660), "051148000777"),  # Arabic-Indic
            ("051148\u3000000777", "051148000777"),  # ideographic space
            ("051148000777\uff0e", "051148000777"),  # full-width full stop
            ("05114800077A", "05114800077A"),  # kept: the check refuses it
            ("0511480007²7", "0511480007²7"),  # a superscript is no digit
            ("", ""),
            (None, ""),
            (False, ""),
        ):
            self.assertEqual(clean_citizen_id(typed), clean, repr(typed))

    def test_the_collector_resumes_as_it_was(self):
        self.assertTrue(gc.isenabled())
        with paused_gc():
            self.assertFalse(gc.isenabled())
        self.assertTrue(gc.isenabled())
        with self.assertRaises(ZeroDivisionError), paused_gc():
            raise ZeroDivisionError
        self.assertTrue(gc.isenabled())
        gc.disable()
        try:
            with paused_gc():
                self.assertFalse(gc.isenabled())
            self.assertFalse(gc.isenabled(), "left disabled, as it was")
        finally:
            gc.enable()


@tagged("post_install", "-at_install")
class TestListReading(BaseCase):
    def test_a_column_of_many_distinct_values_is_read_in_full(self):
        count = MEMO_SIZE + 500
        rows = [
            dict(
                NEW_ROW,
                citizen_id=f"0511480{i:05d}",
                decision_ref=f" {i}/QĐ-UBND ",
                program=("BTXH", " BTXH", "BTXH ")[i % 3],
                name=f"Người  Thử {i} ",
            )
            for i in range(count)
        ]
        parsed, __ = parse_rows(csv_file(rows), "list.csv")
        self.assertEqual(len(parsed), count)
        for i, (number, values) in enumerate(parsed):
            self.assertEqual(number, i + 2)
            self.assertEqual(values["decision_ref"], f"{i}/QĐ-UBND")
            self.assertEqual(values["citizen_id"], f"0511480{i:05d}")
            self.assertEqual(values["program"], "BTXH")
            self.assertEqual(values["name"], f"Người Thử {i}")

    def test_rows_keep_their_numbers_around_empty_rows_and_headers(self):
        content = (
            "Danh sách đối tượng\n"
            ",,\n"
            "Số CCCD,Họ và tên,Ngày sinh\n"
            "citizen_id,name,birth_date\n"
            "051148000777,Phạm Thị Hoa,01/05/1948\n"
            ",,\n"
            "\n"
            "051148000778,Lê Thị Bảo,1948-05-01\n"
        ).encode()
        parsed, keys = parse_rows(content, "list.csv")
        self.assertEqual(keys, {"citizen_id", "name", "birth_date"})
        self.assertEqual(
            parsed,
            [
                (5, {"citizen_id": "051148000777", "name": "Phạm Thị Hoa",
                     "birth_date": "01/05/1948"}),
                (8, {"citizen_id": "051148000778", "name": "Lê Thị Bảo",
                     "birth_date": "1948-05-01"}),
            ],
        )  # fmt: skip

    def test_a_part_of_the_rows_is_the_slice_of_all_rows(self):
        content = (
            "citizen_id,name\n"
            "051148000771,Một\n"
            ",\n"
            "051148000772,Hai\n"
            "051148000773,Ba\n"
            "\n"
            "051148000774,Bốn\n"
            "051148000775,Năm\n"
        ).encode()
        everything, __ = parse_rows(content, "list.csv")
        self.assertEqual([number for number, __ in everything], [2, 4, 5, 7, 8])
        for start, stop in ((0, 2), (1, 3), (2, 4), (3, 10), (5, 6), (0, 0)):
            part, keys = parse_rows(content, "list.csv", start=start, stop=stop)
            self.assertEqual(part, everything[start:stop], (start, stop))
            self.assertEqual(keys, {"citizen_id", "name"})


@tagged("post_install", "-at_install")
class TestListRefusedFirst(BeneficiaryImportCommon):
    def test_an_unreadable_file_is_refused_for_that_before_its_header(self):
        """The file is read row by row now: a broken line far below the
        place where the header is looked for still refuses the file for
        what it is, as when the file was read whole first."""
        lines = [f"note {i},x" for i in range(11)]
        lines.append('a,"' + "x" * 140_000 + '"')  # beyond the CSV field limit
        before = self._snapshot()
        wizard = self._wizard("\n".join(lines).encode())
        with self.assertRaisesRegex(UserError, "cannot be read at line 12"):
            wizard.action_preview()
        self.assertFalse(wizard.error_ids)
        self.assertEqual(self._snapshot(), before)

    def test_too_many_rows_refused_before_a_missing_header(self):
        content = "\n".join(f"note {i},x" for i in range(40)).encode()
        before = self._snapshot()
        with patch.object(beneficiary_import_file, "MAX_ROWS", 5):
            wizard = self._wizard(content)
            with self.assertRaisesRegex(UserError, "more than 5 rows: split it"):
                wizard.action_preview()
            good = self._wizard(csv_file([NEW_ROW] * 3))
            good.action_preview()  # within the limit: read as usual
        self.assertEqual((good.count_new, good.count_refused), (1, 2))
        self.assertEqual(self._snapshot(), before)

    def test_the_namesake_a_refusal_names_is_the_first_registered(self):
        """Two registered people share the name and birth date of a new row:
        the refusal names the one registered first, whatever order the
        database returns them in."""
        twin = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": self.ben_a.name,
                    "is_beneficiary": True,
                    "area_id": self.commune_a.id,
                    "citizen_id": "051050005555",
                    "birth_date": self.ben_a.birth_date,
                    "gender": "male",
                }
            )
        )
        self.assertGreater(twin.id, self.ben_a.id)
        row = dict(
            NEW_ROW,
            citizen_id="051050009876",
            name="nguyễn  văn an",
            birth_date="02/03/1950",
            gender="male",
        )
        before = self._snapshot()
        wizard = self._wizard(csv_file([row], header=HEADER))
        wizard.action_preview()
        self.assertEqual((wizard.count_new, wizard.count_refused), (0, 1))
        self.assertEqual(
            wizard.error_ids.mapped("message"),
            [
                f"nguyễn văn an, born 02/03/1950, is already registered as "
                f"{self.ben_a.beneficiary_ref} with the citizen ID 051050001234: "
                "if it is the same person put that number in old_id_number; if "
                "not, register the person in the form."
            ],
        )
        self.assertEqual(self._snapshot(), before)
