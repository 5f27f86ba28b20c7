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
import zipfile
import zlib
from collections import namedtuple

from lxml import etree

from odoo.addons.social_beneficiary.tools.tabular_file import (
    EXCEL_EPOCH,
    EXCEL_EPOCH_1904,
    MEGABYTE,
    FileProblem,
    cell_text,
    check_upload,
    check_zip,
    csv_reader,
    decode_csv,
    file_kind,
    normalize_header,
    parse_date,
)

ResultRow = namedtuple(
    "ResultRow",
    "row reference status amount_paid paid_date provider_ref reason",
)
Problem = namedtuple("Problem", "row field code params")
ParsedFile = namedtuple("ParsedFile", "rows problems")
# Limits of this file's own (the upload and zip limits are the suite's, in
# social_beneficiary/tools/tabular_file.py): a month of a province is a few
# hundred thousand rows, a 100,000-row workbook about 2 MB zipped.
MAX_PART_BYTES = 10 * MEGABYTE
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


_HEADER_MAP = {
    normalize_header(alias): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in aliases
}
_STATUS_MAP = {normalize_header(k): v for k, v in STATUS_ALIASES.items()}
_GROUPED_AMOUNT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_DECIMAL_AMOUNT = re.compile(r"^(\d+)(?:[.,](\d{1,2}))?$")


@functools.lru_cache(maxsize=256)
def _status(text):
    # Cached: a file spells its few statuses the same way on every row.
    return _STATUS_MAP.get(normalize_header(text))


def _map_header(cells):
    """Map column names to indexes; unknown (extra) columns are ignored."""
    mapping = {}
    for index, cell in sorted(cells.items()):
        column = _HEADER_MAP.get(normalize_header(cell))
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
    text = cell_text(value).replace("\u00a0", " ")
    if not text:
        return None
    if _GROUPED_AMOUNT.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    match = _DECIMAL_AMOUNT.match(text)
    if match and not (match.group(2) or "0").strip("0"):
        return int(match.group(1))
    raise ValueError(value)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


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


def _refuse_doctype(tree):
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise FileProblem("dtd")


def _read_part(archive, name):
    """A small XML part (workbook, relationships), parsed safely; None when
    the workbook has no such part."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise FileProblem("unreadable")
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
        raise FileProblem("unreadable")
    return epoch, paths


def _shared_strings(archive):
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for element in _iterparse(stream, "si"):
            if len(strings) >= MAX_SHARED_STRINGS:
                raise FileProblem("too_many_rows", limit=MAX_ROWS)
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
            raise FileProblem("bad_shared_string", cell=where) from None
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
        raise FileProblem("bad_cell", cell=number[:20])
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
                        raise FileProblem("bad_cell", cell=reference[:20])
                else:
                    index += 1
                    if index >= MAX_COLUMNS:
                        raise FileProblem("bad_cell", cell=str(number))
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
    check_zip(archive)
    epoch, paths = _sheet_paths(archive)
    shared = _shared_strings(archive)
    return epoch, [
        functools.partial(_sheet_rows, archive, path, shared) for path in paths
    ]


# ---------------------------------------------------------------- CSV reading


def _csv_rows(text):
    for number, row in enumerate(csv_reader(text), 1):
        cells = {index: value for index, value in enumerate(row) if value}
        if cells:
            yield number, cells


def _tables(content, filename):
    """(date epoch, [callable returning (row number, cells) per table])."""
    if file_kind(content, filename) == "xlsx":
        return _xlsx_tables(content)
    return EXCEL_EPOCH, [functools.partial(_csv_rows, decode_csv(content))]


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


def _text(value):
    """cell_text, without its work for the plain ASCII texts that make most
    of a file (references, statuses, dates, transaction codes): they are
    already NFC, and have no whitespace to collapse nor a leading apostrophe
    (every ASCII whitespace but the space is unprintable)."""
    if (
        value.__class__ is str
        and value.isascii()
        and value.isprintable()
        and " " not in value
        and value[:1] != "'"
    ):
        return value
    return cell_text(value)


def _parse_row(row_number, cells, mapping, problems, epoch):
    # -1: a column the file does not have (an optional one), never a cell
    get = cells.get
    reference = _text(get(mapping.get("reference", -1)))
    if not reference:
        problems.append(Problem(row_number, "reference", "missing_reference", {}))
    raw_status = _text(get(mapping.get("status", -1)))
    status = _status(raw_status)
    if not status:
        problems.append(
            Problem(row_number, "status", "bad_status", {"value": raw_status[:100]})
        )
    amount = None
    raw_amount = get(mapping.get("amount_paid", -1))
    try:
        amount = parse_amount(raw_amount)
    except ValueError:
        problems.append(
            Problem(
                row_number,
                "amount_paid",
                "bad_amount",
                {"value": cell_text(raw_amount)[:100]},
            )
        )
    paid_date = None
    raw_date = get(mapping.get("paid_date", -1))
    try:
        paid_date = parse_date(raw_date, epoch)
    except (ValueError, OverflowError):
        problems.append(
            Problem(
                row_number,
                "paid_date",
                "bad_date",
                {"value": cell_text(raw_date)[:100]},
            )
        )
    return ResultRow(
        row_number,
        reference,
        status,
        amount,
        paid_date,
        _text(get(mapping.get("provider_ref", -1))),
        _text(get(mapping.get("reason", -1))),
    )


def _find_header(tables):
    """The first table whose first row (or first two rows) holds the header.

    Returns (mapping, data rows iterator) or raises FileProblem for the
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
        raise FileProblem("empty")
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
    reader = ResultFileReader(content, filename)
    for _chunk in reader.chunks():
        pass
    return reader.parsed()


class ResultFileReader:
    """parse_result_file, with the rows handed out while the file is read.

    ``chunks()`` yields the rows read, ``size`` at a time (the last chunk
    shorter), so that the caller can work on them (the import writes them)
    while the rest of the file is read. The rows and the problems found so
    far are in ``rows`` and ``problems`` at any time; once ``chunks()`` is
    exhausted, ``parsed()`` is what parse_result_file returns. A problem of
    the whole file (unreadable, too many rows, a damaged cell) can come after
    chunks were handed out: ``parsed()`` then holds no rows and that one
    problem, and whatever was done with the chunks must be undone.
    """

    def __init__(self, content, filename=""):
        self.content = content
        self.filename = filename
        self.rows = []
        self.problems = []

    def parsed(self):
        return ParsedFile(self.rows, self.problems)

    def _fail(self, problems):
        self.rows = []
        self.problems = problems

    def chunks(self, size=10_000):
        """Read the file; yield lists of at most ``size`` new ResultRow."""
        try:
            check_upload(self.content)
        except FileProblem as error:
            self._fail([Problem(None, None, error.code, error.params)])
            return
        rows = self.rows
        reading = self._read()
        while True:
            chunk = []
            try:
                for result in reading:
                    chunk.append(result)
                    if len(chunk) >= size:
                        break
            except _MissingColumns as error:
                self._fail(
                    [
                        Problem(None, column, "missing_column", {"column": column})
                        for column in error.columns
                    ]
                )
                return
            except FileProblem as error:
                self._fail([Problem(None, None, error.code, error.params)])
                return
            except _READ_ERRORS:
                self._fail([Problem(None, None, "unreadable", {})])
                return
            if not chunk:
                break
            rows.extend(chunk)
            # handed out from outside the try above: whatever the caller
            # raises is its own error, never turned into "unreadable"
            yield chunk
        if not rows and not self.problems:
            self.problems.append(Problem(None, None, "empty", {}))

    def _read(self):
        """The rows of the file, one ResultRow at a time (duplicates left
        out); problems of a row are added to ``problems``, those of the whole
        file raised."""
        problems = self.problems
        epoch, tables = _tables(self.content, self.filename)
        mapping, data = _find_header(tables)
        seen = {}
        count = 0
        for row_number, cells in data:
            if not any(_text(cell) for cell in cells.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise FileProblem("too_many_rows", limit=MAX_ROWS)
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
            yield result


def _chain_one(first, rest):
    yield first
    yield from rest
