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
import zlib
from collections import namedtuple

from lxml import etree

ResultRow = namedtuple(
    "ResultRow",
    "row reference status amount_paid paid_date provider_ref reason",
)
Problem = namedtuple("Problem", "row field code params")
ParsedFile = namedtuple("ParsedFile", "rows problems")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# workbooks made on old Macs count days from 1 January 1904
EXCEL_EPOCH_1904 = datetime.date(1904, 1, 1)

# Limits, checked before parsing: a month of a province is a few hundred
# thousand rows, a 100,000-row workbook about 2 MB zipped and 30 MB unzipped.
MEGABYTE = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MEGABYTE
MAX_UNPACKED_BYTES = 200 * MEGABYTE
# spreadsheet XML compresses 5 to 20 times; a zip bomb a thousand times
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM = MEGABYTE
MAX_PART_BYTES = 10 * MEGABYTE
MAX_ZIP_MEMBERS = 10000
MAX_ROWS = 500_000
MAX_SHARED_STRINGS = 4 * MAX_ROWS
MAX_SHEET_ROWS = 1_048_576
MAX_COLUMNS = 16_384

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


@functools.lru_cache(maxsize=256)
def _status(text):
    # Cached: a file spells its few statuses the same way on every row.
    return _STATUS_MAP.get(_normalize(text))


def _map_header(cells):
    """Map column names to indexes; unknown (extra) columns are ignored."""
    mapping = {}
    for index, cell in sorted(cells.items()):
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
    text = _cell_text(value).replace("\u00a0", " ")
    if not text:
        return None
    if _GROUPED_AMOUNT.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    match = _DECIMAL_AMOUNT.match(text)
    if match and not (match.group(2) or "0").strip("0"):
        return int(match.group(1))
    raise ValueError(value)


def parse_date(value, epoch=EXCEL_EPOCH):
    """A date from a cell: date/datetime, 'YYYY-MM-DD' or 'DD/MM/YYYY', or a
    date serial counted from ``epoch`` (the workbook's date system)."""
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
        return epoch + datetime.timedelta(days=int(value))
    text = _cell_text(value)
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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'":
        # Excel's text prefix, or the apostrophe our own CSV exports put
        # before a value that looks like a formula
        text = text[1:].strip()
    return text


def _local(tag):
    return tag.rsplit("}", 1)[-1]


class _FileProblem(Exception):
    def __init__(self, code, params=None):
        super().__init__(code)
        self.code = code
        self.params = params or {}


# ---------------------------------------------------------------- XLSX reading
# A workbook is a zip of XML parts: both are hostile until proven otherwise.
# The zip's declared sizes are checked before anything is decompressed (the
# zip module never returns more than a member's declared size), only stored
# or deflated members are read (no bzip2/lzma: their decompressors have no
# output bound), and every XML part is parsed without DTD, entities or network:
# a part that declares a DOCTYPE is refused outright.

_DIGITS = "0123456789"
_COLUMNS = {}
_SAFE_XML = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}
_SAFE_PARSER = etree.XMLParser(**_SAFE_XML)


def _column_index(letters):
    """0-based column of a cell reference's letters; None when not a column."""
    index = _COLUMNS.get(letters)
    if index is None:
        if not letters or len(letters) > 3 or not letters.isalpha():
            return None
        index = 0
        for char in letters.upper():
            if not "A" <= char <= "Z":
                return None
            index = index * 26 + ord(char) - 64
        index -= 1
        if index >= MAX_COLUMNS:
            return None
        _COLUMNS[letters] = index
    return index


def _check_archive(archive):
    """Refuse a zip whose content is too big, too compressed or encrypted,
    before anything is decompressed."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _FileProblem("unreadable")
    unpacked = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _FileProblem("encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _FileProblem("unreadable")
        unpacked += member.file_size
        if (
            member.file_size > RATIO_CHECK_FROM
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise _FileProblem(
                "unpacked_too_large", {"limit": MAX_UNPACKED_BYTES // MEGABYTE}
            )
    if unpacked > MAX_UNPACKED_BYTES:
        raise _FileProblem(
            "unpacked_too_large", {"limit": MAX_UNPACKED_BYTES // MEGABYTE}
        )


def _refuse_doctype(tree):
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _FileProblem("dtd")


def _read_part(archive, name):
    """A small XML part (workbook, relationships), parsed safely; None when
    the workbook has no such part."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise _FileProblem("unreadable")
    root = etree.fromstring(archive.read(info), parser=_SAFE_PARSER)
    _refuse_doctype(root.getroottree())
    return root


def _iterparse(stream, tag):
    """Elements named ``tag`` (any namespace) of a part, streamed safely."""
    first = True
    for _event, element in etree.iterparse(
        stream, events=("end",), tag="{*}" + tag, **_SAFE_XML
    ):
        if first:
            _refuse_doctype(element.getroottree())
            first = False
        yield element


def _clear(element):
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _sheet_paths(archive):
    """Worksheet parts in the workbook's order (hidden ones included)."""
    names = set(archive.namelist())
    workbook = _read_part(archive, "xl/workbook.xml")
    rels = _read_part(archive, "xl/_rels/workbook.xml.rels")
    epoch = EXCEL_EPOCH
    paths = []
    if workbook is not None:
        for element in workbook.iter("{*}workbookPr"):
            if element.get("date1904") in ("1", "true"):
                epoch = EXCEL_EPOCH_1904
        targets = {}
        if rels is not None:
            for rel in rels.iter("{*}Relationship"):
                target = (rel.get("Target") or "").lstrip("/")
                targets[rel.get("Id")] = (
                    target if target.startswith("xl/") else "xl/" + target
                )
        for sheet in workbook.iter("{*}sheet"):
            rel_id = next(
                (v for k, v in sheet.attrib.items() if _local(k) == "id"), None
            )
            path = targets.get(rel_id)
            if path in names and path not in paths:
                paths.append(path)
    if not paths and "xl/worksheets/sheet1.xml" in names:
        paths.append("xl/worksheets/sheet1.xml")
    if not paths:
        raise _FileProblem("unreadable")
    return epoch, paths


def _shared_strings(archive):
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for element in _iterparse(stream, "si"):
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _FileProblem("too_many_rows", {"limit": MAX_ROWS})
            # rich text: the runs' texts, without the phonetic guides (rPh)
            strings.append(
                "".join(
                    t.text or ""
                    for t in element.iter("{*}t")
                    if _local(t.getparent().tag) != "rPh"
                )
            )
            _clear(element)
    return strings


def _typed_date(value):
    """A cell of type d holds an ISO 8601 date or date-time."""
    try:
        return datetime.datetime.fromisoformat(value.strip()).date()
    except (AttributeError, ValueError):
        return value


def _number(value):
    """A numeric cell's value; its text when it is not a number (a wrong cell
    type is reported on its row, like any bad value)."""
    if value is None:
        return None
    try:
        if "." in value or "E" in value or "e" in value:
            return float(value)
        return int(value)
    except ValueError:
        return value


def _cell_value(cell, cell_type, shared, where):
    """The value of a cell that is not an inline string."""
    value = None
    for child in cell:
        if _local(child.tag) == "v":
            value = child.text
    if value is None:
        return None
    if cell_type is None or cell_type == "n":
        return _number(value)
    if cell_type == "s":
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            raise _FileProblem("bad_shared_string", {"cell": where}) from None
    if cell_type == "b":
        return value == "1"
    if cell_type == "d":
        return _typed_date(value)
    # str (a formula's text result), e (an error such as #N/A): as text
    return value


def _inline_text(cell):
    children = cell[0] if len(cell) else ()
    if len(children) == 1 and len(children[0]) == 0:
        return children[0].text or None
    # rich text runs
    return "".join(t.text or "" for t in cell.iter("{*}t")) or None


def _row_number(row, expected):
    number = row.get("r")
    if number is None:
        return expected
    if not number.isdigit() or not 0 < int(number) <= MAX_SHEET_ROWS:
        raise _FileProblem("bad_cell", {"cell": number[:20]})
    return int(number)


def _sheet_rows(archive, path, shared):
    """(row number, {column index: value}) of one worksheet, streamed in
    constant memory; empty rows are skipped."""
    column_index = _column_index
    with archive.open(path) as stream:
        number = 0
        for row in _iterparse(stream, "row"):
            number = _row_number(row, number + 1)
            cells = {}
            index = -1
            for cell in row:
                reference = cell.get("r")
                if reference:
                    index = column_index(reference.rstrip(_DIGITS))
                    if index is None:
                        raise _FileProblem("bad_cell", {"cell": reference[:20]})
                else:
                    index += 1
                    if index >= MAX_COLUMNS:
                        raise _FileProblem("bad_cell", {"cell": str(number)})
                cell_type = cell.get("t")
                if cell_type == "inlineStr":
                    value = _inline_text(cell)
                elif cell_type is None and len(cell) == 1 and cell[0].tag[-1] == "v":
                    # the common number cell: <c r="C3"><v>750000</v></c>
                    value = _number(cell[0].text)
                else:
                    value = _cell_value(
                        cell, cell_type, shared, reference or f"{number}:{index + 1}"
                    )
                if value is not None:
                    cells[index] = value
            _clear(row)
            if cells:
                yield number, cells


def _xlsx_tables(content):
    """(date epoch, [row iterator per worksheet]) of a workbook."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    _check_archive(archive)
    epoch, paths = _sheet_paths(archive)
    shared = _shared_strings(archive)
    return epoch, [
        functools.partial(_sheet_rows, archive, path, shared) for path in paths
    ]


# ---------------------------------------------------------------- CSV reading


def _csv_rows(text):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, row in enumerate(reader, 1):
        cells = {index: value for index, value in enumerate(row) if value}
        if cells:
            yield number, cells


def _tables(content, filename):
    """(date epoch, [callable returning (row number, cells) per table])."""
    is_zip = content[:4] == b"PK\x03\x04"
    name = (filename or "").lower()
    if content[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
        # Excel 97-2003, or an XLSX protected by a password (also OLE).
        raise _FileProblem("old_excel")
    if is_zip or name.endswith((".xlsx", ".xlsm")):
        if not is_zip:
            raise _FileProblem("unreadable")
        return _xlsx_tables(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileProblem("encoding") from None
    if "\x00" in text:
        raise _FileProblem("unreadable")
    return EXCEL_EPOCH, [functools.partial(_csv_rows, text)]


# everything a damaged file can make the readers raise: turned into one
# clear message, never a traceback
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    etree.LxmlError,
    csv.Error,
    UnicodeError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    RecursionError,
)


def _parse_row(row_number, cells, mapping, problems, epoch):
    def get(column):
        index = mapping.get(column)
        return None if index is None else cells.get(index)

    reference = _cell_text(get("reference"))
    if not reference:
        problems.append(Problem(row_number, "reference", "missing_reference", {}))
    raw_status = _cell_text(get("status"))
    status = _status(raw_status)
    if not status:
        problems.append(
            Problem(row_number, "status", "bad_status", {"value": raw_status[:100]})
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
                {"value": _cell_text(get("amount_paid"))[:100]},
            )
        )
    paid_date = None
    try:
        paid_date = parse_date(get("paid_date"), epoch)
    except (ValueError, OverflowError):
        problems.append(
            Problem(
                row_number,
                "paid_date",
                "bad_date",
                {"value": _cell_text(get("paid_date"))[:100]},
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


def _find_header(tables):
    """The first table whose first row (or first two rows) holds the header.

    Returns (mapping, data rows iterator) or raises _FileProblem for the
    columns missing from the first non-empty table.
    """
    first_missing = None
    for table in tables:
        iterator = iter(table())
        header = next(iterator, None)
        if header is None:
            continue
        mapping = _map_header(header[1])
        second = next(iterator, None)
        data = iterator
        if second is not None:
            second_mapping = _map_header(second[1])
            if len(second_mapping) >= 2:
                # Two header rows: the lower (English) one wins on conflicts.
                mapping = {**mapping, **second_mapping}
            else:
                data = _chain_one(second, iterator)
        missing = [column for column in REQUIRED_COLUMNS if column not in mapping]
        if not missing:
            return mapping, data
        if first_missing is None:
            first_missing = missing
    if first_missing is None:
        raise _FileProblem("empty")
    raise _MissingColumns(first_missing)


class _MissingColumns(Exception):
    def __init__(self, columns):
        super().__init__(columns)
        self.columns = columns


def parse_result_file(content, filename=""):
    """Parse a result file (bytes) into ParsedFile(rows, problems).

    The header is the first row, or the first two rows when both are header
    rows (our provider XLSX puts the Vietnamese header above the English
    one); in a workbook, the first sheet that has the header is read. Row
    numbers are the file's own (1-based, header rows included), the ones the
    user sees in a spreadsheet. Empty rows are skipped. Duplicate references
    are reported on the later row.

    Never raises on a bad file: a file too big, too compressed, declaring a
    DTD or entities, damaged or unreadable gives one problem naming why.
    """
    rows, problems = [], []
    if not content:
        return ParsedFile(rows, [Problem(None, None, "empty", {})])
    if len(content) > MAX_UPLOAD_BYTES:
        return ParsedFile(
            rows,
            [
                Problem(
                    None,
                    None,
                    "too_large",
                    {
                        "size": f"{len(content) / MEGABYTE:.1f}",
                        "limit": MAX_UPLOAD_BYTES // MEGABYTE,
                    },
                )
            ],
        )
    try:
        epoch, tables = _tables(content, filename)
        mapping, data = _find_header(tables)
        seen = {}
        count = 0
        for row_number, cells in data:
            if not any(_cell_text(cell) for cell in cells.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _FileProblem("too_many_rows", {"limit": MAX_ROWS})
            result = _parse_row(row_number, cells, mapping, problems, epoch)
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
    except _MissingColumns as error:
        return ParsedFile(
            [],
            [
                Problem(None, column, "missing_column", {"column": column})
                for column in error.columns
            ],
        )
    except _FileProblem as error:
        return ParsedFile([], [Problem(None, None, error.code, error.params)])
    except _READ_ERRORS:
        return ParsedFile([], [Problem(None, None, "unreadable", {})])
    if not rows and not problems:
        problems.append(Problem(None, None, "empty", {}))
    return ParsedFile(rows, problems)


def _chain_one(first, rest):
    yield first
    yield from rest
