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
import math
import numbers
import re

from xlsxwriter.utility import xl_col_to_name

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit on the length of a cell's text.
XLSX_TEXT_MAX = 32767
# The characters XML 1.0 refuses (and &, <, >) in a cell's text.
_XML_TEXT_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_XML_TEXT_ESCAPES.update(
    {code: f"_x{code:04X}_" for code in range(32) if code not in (9, 10, 13)}
)
_XML_TEXT_ESCAPES.update({0xFFFE: "_xFFFE_", 0xFFFF: "_xFFFF_"})
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
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
    text = str(value)
    if text.startswith("<r>") and text.endswith("</r>"):
        # xlsxwriter writes such a text as raw rich-text XML, unescaped: a
        # name typed that way would corrupt the file or change what it
        # shows. Hand it the rich text that shows the text as typed.
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = f'<r><t xml:space="preserve">{escaped}</t></r>'
    return sheet.write_string(row, col, text, cell_format)


def write_cells(sheet, row, first_col, values, cell_format=None):
    """write_cell for a row of values (xlsxwriter's write_row, made safe)."""
    for offset, value in enumerate(values):
        write_cell(sheet, row, first_col + offset, value, cell_format)


def _xml_text(text):
    """A text as the content of an XLSX ``<t>`` element: XML-escaped, with the
    characters XML 1.0 cannot carry written as Excel's ``_xHHHH_`` escapes,
    and a literal ``_xHHHH_`` in the data kept literal (``_x005F`` before it).
    xlsxwriter's own inline-string writer passes a text that looks like
    ``<r>…</r>`` through unescaped (it takes it for rich text): a name typed
    that way would be XML injected into the provider's file. Here every text
    is escaped."""
    if "_x" in text:
        text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    return text.translate(_XML_TEXT_ESCAPES)


def write_rows(sheet, first_row, rows, cell_formats=None):
    """Write ``rows`` (tuples of texts and numbers) from ``first_row`` down.

    Texts are text cells (never formulas), numbers number cells, ``None`` an
    empty cell; ``cell_formats`` maps a column to its xlsxwriter format.

    On a ``constant_memory`` worksheet (the large files: provider files of a
    whole province) each row goes to xlsxwriter's row file as one XML
    string, which is what xlsxwriter itself does one cell at a time through
    a dozen calls per cell: a 100,000-row provider file is written in about
    a third of the time, memory still flat. Rows already written cannot be
    written again (xlsxwriter's own rule in that mode). Other worksheets
    take the cells one by one through ``write_cell``.
    """
    cell_formats = cell_formats or {}
    if not sheet.constant_memory:
        row_index = first_row - 1
        for row_index, row in enumerate(rows, start=first_row):
            for col, value in enumerate(row):
                write_cell(sheet, row_index, col, value, cell_formats.get(col))
        return row_index - first_row + 1
    if first_row < sheet.previous_row or (
        first_row == sheet.previous_row and sheet.table
    ):
        raise ValueError(f"Row {first_row} of the worksheet is already written.")
    # xlsxwriter keeps the last row it was given in memory: write it out first.
    sheet._write_single_row(first_row)
    styles = {
        col: f' s="{cell_format._get_xf_index()}"'
        for col, cell_format in cell_formats.items()
    }
    write = sheet.row_data_fh.write
    columns = []
    row_number = first_row
    max_col = -1
    for row_number, row in enumerate(rows, start=first_row + 1):
        if len(row) > len(columns):
            columns = [xl_col_to_name(col) for col in range(len(row))]
            max_col = max(max_col, len(row) - 1)
        cells = [f'<row r="{row_number}">']
        for col, value in enumerate(row):
            if value is None or value is False:
                continue
            ref = columns[col]
            style = styles.get(col, "")
            if value.__class__ is str:
                if len(value) > XLSX_TEXT_MAX:
                    value = value[:XLSX_TEXT_MAX]
                space = (
                    ' xml:space="preserve"'
                    if value and (value[0].isspace() or value[-1].isspace())
                    else ""
                )
                cells.append(
                    f'<c r="{ref}{row_number}"{style} t="inlineStr"><is>'
                    f"<t{space}>{_xml_text(value)}</t></is></c>"
                )
            elif isinstance(value, numbers.Number) and not isinstance(value, bool):
                if not math.isfinite(value):
                    raise ValueError(f"Row {row_number}: {value} is not a number.")
                cells.append(f'<c r="{ref}{row_number}"{style}><v>{value}</v></c>')
            else:
                text = _xml_text(str(value))
                cells.append(
                    f'<c r="{ref}{row_number}"{style} t="inlineStr"><is>'
                    f"<t>{text}</t></is></c>"
                )
        cells.append("</row>")
        write("".join(cells))
    count = row_number - first_row
    if count:
        last_row = row_number - 1
        if last_row >= sheet.xls_rowmax:
            raise ValueError(f"A worksheet holds at most {sheet.xls_rowmax} rows.")
        sheet._check_dimensions(first_row, 0)
        sheet._check_dimensions(last_row, max_col)
        # The next row xlsxwriter may be given comes after ours.
        sheet.previous_row = last_row + 1
    return count
