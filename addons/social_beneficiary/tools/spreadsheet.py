# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Spreadsheet outputs that never carry a formula from data (DESIGN §7).

A name, a reason or a reference typed by anyone ends up in files opened in
Excel or LibreOffice; a value such as ``=HYPERLINK("http://x","y")`` or
``@SUM(1+1)*cmd|' /C calc'!A0`` must arrive as text, never run. Every exporter
of the suite writes through these helpers:

- CSV: ``csv_safe(value)`` / ``csv_safe_row(row)`` put an apostrophe before a
  text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  (OWASP's CSV injection advice); spreadsheet programs show the rest as text,
  and the suite's own readers strip that apostrophe again.
- XLSX (xlsxwriter): ``write_cell`` / ``write_cells`` write text with
  ``write_string`` (a text cell, whatever it starts with), numbers with
  ``write_number``, dates as text; never ``write``, which turns a string
  beginning with ``=`` into a formula. ``SAFE_WORKBOOK_OPTIONS`` also switch
  off xlsxwriter's string conversions for any ``write`` left elsewhere.
"""

import datetime
import numbers

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SAFE_WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def csv_safe(value):
    """A CSV cell value that no spreadsheet program runs as a formula.

    Numbers (not text) are left as they are: a negative amount stays a
    number.
    """
    if value is None or value is False:
        return ""
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value
    return value


def csv_safe_row(row):
    return [csv_safe(value) for value in row]


def write_cell(sheet, row, col, value, cell_format=None):
    """Write one cell of an xlsxwriter worksheet as data, never a formula."""
    if value is None or value is False:
        return sheet.write_blank(row, col, None, cell_format)
    if isinstance(value, bool):
        return sheet.write_boolean(row, col, value, cell_format)
    if isinstance(value, numbers.Number):
        return sheet.write_number(row, col, value, cell_format)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return sheet.write_string(row, col, str(value), cell_format)


def write_cells(sheet, row, first_col, values, cell_format=None):
    """write_cell for a row of values (xlsxwriter's write_row, made safe)."""
    for offset, value in enumerate(values):
        write_cell(sheet, row, first_col + offset, value, cell_format)


def write_text_cells(sheet, row, first_col, texts, cell_format=None):
    """A row of values that are all texts, each as a text cell (never a
    formula), for large files: no type dispatch per cell, and xlsxwriter's
    undecorated ``_write_string`` (no A1-notation check per cell)."""
    write = getattr(sheet, "_write_string", None) or sheet.write_string
    for offset, text in enumerate(texts):
        write(
            row,
            first_col + offset,
            text if text.__class__ is str else str(text),
            cell_format,
        )
