# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading of a provider's result file (who was paid, who was not).

Pure Python on purpose: no ORM, so that it can be tested on its own and reused
by a background job. It returns the rows it understood and every problem it
found, as codes with parameters; the caller turns them into translated
messages and decides (all-or-nothing) what to do.
"""

import csv
import datetime
import functools
import io
import re
import unicodedata
import zipfile
from collections import namedtuple
from xml.etree import ElementTree

from lxml import etree

ResultRow = namedtuple(
    "ResultRow",
    "row reference status amount_paid paid_date provider_ref reason",
)
Problem = namedtuple("Problem", "row field code params")
ParsedFile = namedtuple("ParsedFile", "rows problems")
EXCEL_EPOCH = datetime.date(1899, 12, 30)

REQUIRED_COLUMNS = ("reference", "status", "amount_paid", "paid_date")
OPTIONAL_COLUMNS = ("provider_ref", "reason")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Header spellings, compared after _normalize (no case, no spaces/underscores).
HEADER_ALIASES = {
    "reference": ("reference", "mã chi trả"),
    "status": ("status", "trạng thái"),
    "amount_paid": ("amount_paid", "số tiền đã chi"),
    "paid_date": ("paid_date", "ngày chi", "ngày chi trả"),
    "provider_ref": ("provider_ref", "mã giao dịch", "transaction_ref"),
    "reason": ("reason", "lý do", "failure_reason"),
}
STATUS_ALIASES = {
    "paid": "paid",
    "đã chi": "paid",
    "đã chi trả": "paid",
    "failed": "failed",
    "unpaid": "failed",
    "chưa chi": "failed",
    "chưa chi trả": "failed",
    "không chi được": "failed",
}


def _normalize(value):
    text = unicodedata.normalize("NFC", str(value or "")).casefold()
    return re.sub(r"[\s_\-]+", "", text)


_HEADER_MAP = {
    _normalize(alias): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in aliases
}
_STATUS_MAP = {_normalize(k): v for k, v in STATUS_ALIASES.items()}
_GROUPED_AMOUNT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_DECIMAL_AMOUNT = re.compile(r"^(\d+)(?:[.,](\d{1,2}))?$")


def _map_header(cells):
    """Map column names to indexes; unknown (extra) columns are ignored."""
    mapping = {}
    for index, cell in enumerate(cells):
        column = _HEADER_MAP.get(_normalize(cell))
        if column and column not in mapping:
            mapping[column] = index
    return mapping


def parse_amount(value):
    """Whole dong from a cell: int/float, '1500000', '1.500.000', '1,500,000'."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ValueError(value)
        return int(value)
    text = str(value).strip().replace("\u00a0", " ")
    if not text:
        return None
    if _GROUPED_AMOUNT.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    match = _DECIMAL_AMOUNT.match(text)
    if match and not (match.group(2) or "0").strip("0"):
        return int(match.group(1))
    raise ValueError(value)


def parse_date(value):
    """A date from a cell: date/datetime, 'YYYY-MM-DD' or 'DD/MM/YYYY'."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel date serial (a date cell read without its style).
        if not 20000 < value < 80000:
            raise ValueError(value)
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    return _parse_date_text(text)


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text):
    # Cached: a result file holds a few distinct payment dates many times.
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()


def _local(tag):
    return tag.rsplit("}", 1)[-1]


_DIGITS = "0123456789"
_COLUMNS = {}


def _column_index(reference):
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _first_sheet_path(archive):
    names = set(archive.namelist())
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return "xl/worksheets/sheet1.xml"
    first = next((el for el in workbook.iter() if _local(el.tag) == "sheet"), None)
    if first is None:
        return "xl/worksheets/sheet1.xml"
    rel_id = next((v for k, v in first.attrib.items() if _local(k) == "id"), None)
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "").lstrip("/")
            path = target if target.startswith("xl/") else "xl/" + target
            if path in names:
                return path
    return "xl/worksheets/sheet1.xml"


def _shared_strings(archive):
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with stream:
        for _event, element in ElementTree.iterparse(stream, events=("end",)):
            if _local(element.tag) == "si":
                strings.append(
                    "".join(
                        t.text or "" for t in element.iter() if _local(t.tag) == "t"
                    )
                )
                element.clear()
    return strings


def _xlsx_value(cell_type, value, inline, shared):
    if cell_type == "s":
        return shared[int(value)]
    if cell_type == "inlineStr":
        return inline
    if cell_type in ("str", "e", "d"):
        return value
    if cell_type == "b":
        return value == "1"
    if value is None:
        return None
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


def _read_xlsx_stream(content):
    """Rows of the first sheet, streamed with lxml: cell values only.

    Several times faster than openpyxl's read-only mode on large files, in
    constant memory. Dates stored as numbers come back as numbers (Excel
    serials); parse_date converts them.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        shared = _shared_strings(archive)
        with archive.open(_first_sheet_path(archive)) as stream:
            expected_row = 1
            for _event, row in etree.iterparse(
                stream, events=("end",), tag="{*}row", huge_tree=True
            ):
                cells = {}
                position = 0
                for cell in row:
                    reference = cell.get("r")
                    if reference:
                        letters = reference.rstrip(_DIGITS)
                        index = _COLUMNS.get(letters)
                        if index is None:
                            index = _COLUMNS[letters] = _column_index(letters)
                    else:
                        index = position
                    position = index + 1
                    cell_type = cell.get("t")
                    if cell_type == "inlineStr":
                        text = (
                            cell[0][0].text if len(cell) and len(cell[0]) == 1 else None
                        )
                        cells[index] = (
                            text if text is not None else "".join(cell.itertext())
                        )
                        continue
                    value = cell[0].text if len(cell) == 1 else None
                    if len(cell) > 1:
                        for child in cell:
                            if child.tag.endswith("v"):
                                value = child.text
                    cells[index] = _xlsx_value(cell_type, value, "", shared)
                number = int(row.get("r") or expected_row)
                while expected_row < number:
                    yield ()
                    expected_row += 1
                width = max(cells) + 1 if cells else 0
                yield tuple(cells.get(i) for i in range(width))
                expected_row = number + 1
                row.clear()
                parent = row.getparent()
                while row.getprevious() is not None:
                    del parent[0]


def _read_xlsx_openpyxl(content):
    # Imported here: only needed for workbooks the streaming reader refuses.
    import openpyxl

    workbook = openpyxl.load_workbook(
        io.BytesIO(content), read_only=True, data_only=True
    )
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _read_xlsx(content):
    try:
        rows = list(_read_xlsx_stream(content))
    except (
        etree.XMLSyntaxError,
        ElementTree.ParseError,
        KeyError,
        IndexError,
        ValueError,
    ):
        rows = None
    if rows is None:
        yield from _read_xlsx_openpyxl(content)
    else:
        yield from rows


def _read_csv(text):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _iter_cells(content, filename):
    """Yield rows of cell values; raise _FileProblem when unreadable."""
    is_zip = content[:4] == b"PK\x03\x04"
    name = (filename or "").lower()
    if is_zip or name.endswith((".xlsx", ".xlsm")):
        if not is_zip:
            raise _FileProblem("unreadable", {"detail": "not an XLSX workbook"})
        try:
            yield from _read_xlsx(content)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise _FileProblem("unreadable", {"detail": str(error)}) from error
        return
    if name.endswith(".xls") or content[:4] == b"\xd0\xcf\x11\xe0":
        raise _FileProblem("unreadable", {"detail": "old Excel 97-2003 format"})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _FileProblem("encoding", {"detail": str(error)}) from error
    if "\x00" in text:
        raise _FileProblem("unreadable", {"detail": "binary content"})
    try:
        yield from _read_csv(text)
    except csv.Error as error:
        raise _FileProblem("unreadable", {"detail": str(error)}) from error


class _FileProblem(Exception):
    def __init__(self, code, params):
        super().__init__(code)
        self.code = code
        self.params = params


def _parse_row(row_number, cells, mapping, problems):
    def get(column):
        index = mapping.get(column)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    reference = _cell_text(get("reference"))
    if not reference:
        problems.append(Problem(row_number, "reference", "missing_reference", {}))
    raw_status = _cell_text(get("status"))
    status = _STATUS_MAP.get(_normalize(raw_status))
    if not status:
        problems.append(
            Problem(row_number, "status", "bad_status", {"value": raw_status})
        )
    amount = None
    try:
        amount = parse_amount(get("amount_paid"))
    except ValueError:
        problems.append(
            Problem(
                row_number,
                "amount_paid",
                "bad_amount",
                {"value": _cell_text(get("amount_paid"))},
            )
        )
    paid_date = None
    try:
        paid_date = parse_date(get("paid_date"))
    except ValueError:
        problems.append(
            Problem(
                row_number,
                "paid_date",
                "bad_date",
                {"value": _cell_text(get("paid_date"))},
            )
        )
    return ResultRow(
        row_number,
        reference,
        status,
        amount,
        paid_date,
        _cell_text(get("provider_ref")),
        _cell_text(get("reason")),
    )


def parse_result_file(content, filename=""):
    """Parse a result file (bytes) into ParsedFile(rows, problems).

    The header is the first row, or the first two rows when both are header
    rows (our provider XLSX puts the Vietnamese header above the English
    one). Row numbers are the file's own (1-based, header rows included), the
    ones the user sees in a spreadsheet. Empty rows are skipped. Duplicate
    references are reported on the later row.
    """
    rows, problems = [], []
    if not content:
        return ParsedFile(rows, [Problem(None, None, "empty", {})])
    try:
        iterator = iter(_iter_cells(content, filename))
        header = next(iterator, None)
        if header is None:
            return ParsedFile(rows, [Problem(None, None, "empty", {})])
        mapping = _map_header(header)
        first_data_row = 2
        pending = None
        second = next(iterator, None)
        if second is not None:
            second_mapping = _map_header(second)
            if len(second_mapping) >= 2:
                # Two header rows: the lower (English) one wins on conflicts.
                mapping = {**mapping, **second_mapping}
                first_data_row = 3
            else:
                pending = second
        missing = [column for column in REQUIRED_COLUMNS if column not in mapping]
        if missing:
            return ParsedFile(
                rows,
                [
                    Problem(None, column, "missing_column", {"column": column})
                    for column in missing
                ],
            )
        seen = {}
        row_number = first_data_row - 1
        data = iterator if pending is None else _chain_one(pending, iterator)
        for cells in data:
            row_number += 1
            if not cells or not any(_cell_text(cell) for cell in cells):
                continue
            result = _parse_row(row_number, cells, mapping, problems)
            if result.reference:
                if result.reference in seen:
                    problems.append(
                        Problem(
                            row_number,
                            "reference",
                            "duplicate",
                            {
                                "reference": result.reference,
                                "first_row": seen[result.reference],
                            },
                        )
                    )
                    continue
                seen[result.reference] = row_number
            rows.append(result)
    except _FileProblem as error:
        return ParsedFile([], [Problem(None, None, error.code, error.params)])
    if not rows and not problems:
        problems.append(Problem(None, None, "empty", {}))
    return ParsedFile(rows, problems)


def _chain_one(first, rest):
    yield first
    yield from rest
