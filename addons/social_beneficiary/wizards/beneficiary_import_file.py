"""Read a beneficiary list (XLSX or CSV) into plain rows, before any check.

The file is hostile until parsed: its size, the zip's members and unpacked size
and the number of rows are checked before openpyxl reads anything, openpyxl uses
defusedxml (no DTD, no entities), CSV must be UTF-8. Every problem raises
``ImportFileError`` with a code and parameters that the wizard turns into a
translated sentence; no traceback reaches the user.
"""

import csv
import datetime
import io
import itertools
import zipfile

from ..tools import tabular_file
from ..tools.gc_pause import paused_gc
from ..tools.tabular_file import (
    FileProblem,
    csv_reader,
    normalize_header,
)
from ..tools.tabular_file import (
    cell_text as _cell_text,
)

# the shared reader's codes, as this wizard's messages name them
_CODES = {
    "too_large": "too_big",
    "unreadable": "bad_xlsx",
    "unpacked_too_large": "unpacked",
    "old_excel": "old_xls",
    "dtd": "hostile_xml",
}

MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 10

# the template's columns, in order, with their Vietnamese headers
TEMPLATE_COLUMNS = (
    ("citizen_id", "Số CCCD"),
    ("old_id_number", "Số CMND cũ"),
    ("name", "Họ và tên"),
    ("birth_date", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("commune_code", "Mã xã"),
    ("program", "Chương trình"),
    ("category", "Mã đối tượng"),
    ("date_start", "Ngày bắt đầu hưởng"),
    ("date_end", "Ngày thôi hưởng"),
    ("decision_ref", "Số quyết định"),
    ("decision_date", "Ngày quyết định"),
    ("method", "Hình thức chi trả"),
    ("bank_bin", "Mã BIN ngân hàng"),
    ("account_number", "Số tài khoản"),
    ("representative_name", "Họ tên người đại diện"),
    ("representative_citizen_id", "Số CCCD người đại diện"),
    ("representative_role", "Vai trò người đại diện"),
    ("change", "Tăng/Giảm/Điều chỉnh"),
    ("reason", "Lý do"),
    # beyond the contract's columns: the rate of injury or disability that
    # selects a war invalid's or sick soldier's amount (NCC)
    ("rate", "Tỷ lệ tổn thương (%)"),
)
KEYS = tuple(key for key, __ in TEMPLATE_COLUMNS)
# a few spellings seen in lists kept before the suite
EXTRA_ALIASES = {
    "cccd": "citizen_id",
    "so cccd": "citizen_id",
    "so can cuoc cong dan": "citizen_id",
    "cmnd": "old_id_number",
    "so cmnd": "old_id_number",
    "ho ten": "name",
    "ho va ten": "name",
    "ma xa": "commune_code",
    "ma dinh danh xa": "commune_code",
}
# cells that were numbers in the spreadsheet lost their leading zeros
ZERO_PADDED = {
    "citizen_id": 12,
    "representative_citizen_id": 12,
    "commune_code": 5,
    "bank_bin": 6,
}


class ImportFileError(Exception):
    """A file that cannot be read: ``code`` and ``params`` for the message."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @classmethod
    def from_problem(cls, problem):
        return cls(_CODES.get(problem.code, problem.code), **problem.params)


def default_header_map():
    """Normalised header -> key, for the English keys and the Vietnamese headers."""
    mapping = {normalize_header(key): key for key in KEYS}
    mapping.update({normalize_header(label): key for key, label in TEMPLATE_COLUMNS})
    mapping.update(EXTRA_ALIASES)
    return mapping


def cell_text(key, value):
    """The text of a cell as the list meant it: a date as ISO, and the leading
    zeros a number cell lost put back for the codes that have them."""
    if value.__class__ is str:
        return _cell_text(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        width = ZERO_PADDED.get(key)
        return text.zfill(width) if width and len(text) < width else text
    return _cell_text(value)


# ------------------------------------------------------------------ reading
def _check_upload(content):
    try:
        tabular_file.check_upload(content)
    except FileProblem as problem:
        raise ImportFileError.from_problem(problem) from None


def _check_archive(content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError("bad_xlsx") from error
    with archive:
        try:
            tabular_file.check_zip(archive)
        except FileProblem as problem:
            raise ImportFileError.from_problem(problem) from None
        if "xl/workbook.xml" not in archive.namelist():
            raise ImportFileError("bad_xlsx")


def _xlsx_rows(content):
    """The rows of the first sheet, one at a time, the workbook open meanwhile."""
    # imported here: openpyxl reads defusedxml's presence when first imported
    import openpyxl
    from defusedxml import DefusedXmlException

    _check_archive(content)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
        try:
            sheet = workbook.worksheets[0]
            declared = sheet.max_row or 0
            if declared > MAX_ROWS + HEADER_SCAN_ROWS:
                raise ImportFileError("too_many_rows", limit=MAX_ROWS)
            for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
                if number > MAX_ROWS + HEADER_SCAN_ROWS:
                    raise ImportFileError("too_many_rows", limit=MAX_ROWS)
                yield number, values
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except DefusedXmlException as error:
        raise ImportFileError("hostile_xml") from error
    except Exception as error:  # any failure of the reader is a bad file
        raise ImportFileError("bad_xlsx") from error


def _csv_rows(content):
    """The rows of the CSV file, one at a time."""
    try:
        text = tabular_file.decode_csv(content)
    except FileProblem as problem:
        if problem.code == "unreadable":
            raise ImportFileError("bad_csv", **problem.params) from None
        raise ImportFileError.from_problem(problem) from None
    reader = csv_reader(text)
    del text  # the reader holds its own copy
    try:
        for number, values in enumerate(reader, 1):
            if number > MAX_ROWS + HEADER_SCAN_ROWS:
                raise ImportFileError("too_many_rows", limit=MAX_ROWS)
            yield number, values
    except csv.Error as error:
        raise ImportFileError("bad_csv", line=reader.line_num) from error


def iter_table(content, filename=""):
    """The rows of the file as they are read: ``(row_number, cell values)``.

    The upload and the kind of file are checked at once; a problem of the
    content is raised when its row is reached (the row limit included)."""
    _check_upload(content)
    try:
        kind = tabular_file.file_kind(content, filename)
    except FileProblem as problem:
        raise ImportFileError.from_problem(problem) from None
    return _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)


def _map_header(cells, header_map):
    """{column index: key} for a row's cells, and keys given twice."""
    columns = {}
    seen = {}
    twice = []
    for index, cell in enumerate(cells):
        key = header_map.get(normalize_header(cell)) if cell not in (None, "") else None
        if not key:
            continue
        if key in seen:
            twice.append(key)
            continue
        seen[key] = index
        columns[index] = key
    return columns, twice


def _is_header(columns):
    keys = set(columns.values())
    return "name" in keys and bool(keys & {"citizen_id", "old_id_number"})


def _is_empty(cells):
    """Whether a row has no value at all (such rows are skipped)."""
    if any(cells):
        return False
    # only falsy cells: a 0, a 0.0 or a FALSE is a value, None and "" are not
    return all(cell is None or cell == "" for cell in cells)


def _column_readers(columns):
    """``(index, key, memo, is_date)`` for each column read.

    ``memo`` keeps the text of the values a column repeats (a program, a
    category, a commune code, a date), read once per file instead of once per
    row; it stops growing at ``MEMO_SIZE`` values, so a column of names or ID
    numbers costs no memory."""
    return [
        (index, key, {}, key.endswith("date") or key.startswith("date_"))
        for index, key in columns.items()
    ]


MEMO_SIZE = 2048


def _row_values(cells, readers):
    """{key: text, or the date of a date cell} of a row's cells."""
    width = len(cells)
    values = {}
    for index, key, memo, is_date in readers:
        value = cells[index] if index < width else None
        if value.__class__ is str:
            text = memo.get(value)
            if text is None:
                text = cell_text(key, value)
                if len(memo) < MEMO_SIZE:
                    memo[value] = text
        elif is_date and isinstance(value, datetime.date):
            text = value
        else:
            text = cell_text(key, value)
        values[key] = text
    return values


def parse_rows(content, filename="", header_map=None, start=0, stop=None):
    """Rows as ``[(row_number, {key: text or date})]`` and the keys found.

    The header is the first row (among the first ten) that names at least the
    name and an ID column; a second header row right under it (the template's
    English keys under its Vietnamese headers) is skipped. Empty rows are skipped.
    The file is read row by row (never whole in memory besides the rows read);
    a file that cannot be read is refused for that first, as when it was read
    whole before its header was looked for.

    ``start`` and ``stop`` give the rows wanted (positions among the rows
    that are not empty, as in a slice): the rows before ``start`` are only
    counted, not read into values, and the file is not read beyond the row at
    ``stop`` (a background chunk reads up to the end of its chunk, not the
    whole file again). The limit of rows is checked on the rows read.
    """
    header_map = header_map or default_header_map()
    table = iter_table(content, filename)
    head = list(itertools.islice(table, HEADER_SCAN_ROWS))
    header_at = None
    problem = None
    for position, (__, cells) in enumerate(head):
        columns, twice = _map_header(cells, header_map)
        if _is_header(columns):
            if twice:
                problem = ImportFileError(
                    "twice", columns=", ".join(sorted(set(twice)))
                )
            header_at = position
            break
    if header_at is None:
        problem = ImportFileError("no_header")
    if problem:
        for __ in table:
            pass  # a file that cannot be read says so first
        raise problem
    rest = itertools.chain(head[header_at + 1 :], table)
    del head
    first = next(rest, None)
    if first is not None:
        below, __ = _map_header(first[1], header_map)
        if len(below) >= 2 and set(below.values()) <= set(columns.values()):
            first = None
    readers = _column_readers(columns)
    rows = []
    position = 0
    # the rows stay alive to the end: no full collection for them
    with paused_gc():
        for number, cells in itertools.chain((first,) if first else (), rest):
            if stop is not None and position >= stop:
                break
            if _is_empty(cells):
                continue
            if position >= start:
                rows.append((number, _row_values(cells, readers)))
            position += 1
            if position == stop:
                break  # not a row further
    # a reader stopped early closes the workbook now, not when collected
    table.close()
    if position > MAX_ROWS:
        raise ImportFileError("too_many_rows", limit=MAX_ROWS)
    return rows, set(columns.values())
