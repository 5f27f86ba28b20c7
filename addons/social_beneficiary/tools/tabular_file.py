# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every reader of an uploaded list (XLSX or CSV) does before and while
parsing it: the file is hostile until parsed.

The provider's result file (social_reconciliation) and the beneficiary list
(social_beneficiary) each parse their own columns; the limits, the checks of the
upload and of the zip inside an XLSX, the CSV decoding, and the way a header, a
date or a text cell is read are the same, and live here once. Problems raise
``FileProblem`` with a code and parameters that the wizard turns into a whole
translated sentence: no traceback reaches the user.
"""

import base64
import binascii
import csv
import datetime
import functools
import io
import re
import unicodedata
import zipfile

from odoo.exceptions import UserError

MEGABYTE = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MEGABYTE
# what a workbook may unpack to, and how compressed a member may be (a zip bomb
# unpacks hundreds of times its size; real sheets about ten)
MAX_UNPACKED_BYTES = 200 * MEGABYTE
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM = MEGABYTE
MAX_ZIP_MEMBERS = 10_000
# Excel's 1900 date system (serial 1 = 1 January 1900, with its leap-year bug)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_EPOCH_1904 = datetime.date(1904, 1, 1)

_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_VN = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MIDNIGHT = re.compile(r"[ T]00:00(:00)?$")
_NOT_WORD = re.compile(r"[\W_]+")


class FileProblem(Exception):
    """A file that cannot be read: ``code`` and ``params`` for the message.

    Codes: empty, too_large (size, limit), old_excel, unreadable (line, for a
    CSV), encrypted,
    unpacked_too_large (limit), dtd, encoding (position), too_many_rows (limit).
    """

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def uploaded_content(env, data):
    """The bytes of a file uploaded into a Binary field (base64 text); an upload
    that is not valid base64 is refused with a message, not a traceback."""
    try:
        return base64.b64decode(data or b"", validate=True)
    except (binascii.Error, ValueError):
        raise UserError(
            env._("The uploaded file is damaged, upload it again.")
        ) from None


def check_upload(content):
    """Refuse an empty or oversized upload before reading a byte of it."""
    if not content:
        raise FileProblem("empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise FileProblem(
            "too_large",
            size=f"{len(content) / MEGABYTE:.1f}",
            limit=MAX_UPLOAD_BYTES // MEGABYTE,
        )


def file_kind(content, filename=""):
    """``"xlsx"`` or ``"csv"``, from the content first, the name second."""
    name = (filename or "").lower()
    if content[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
        # Excel 97-2003, or an XLSX protected by a password (also OLE)
        raise FileProblem("old_excel")
    is_zip = content[:4] == b"PK\x03\x04"
    if is_zip:
        return "xlsx"
    if name.endswith((".xlsx", ".xlsm")):
        raise FileProblem("unreadable")
    return "csv"


def check_zip(archive):
    """Refuse a workbook whose zip is too big, too compressed, encrypted or
    compressed with a method that has no bound on its output (bzip2, lzma),
    from the declared sizes, before anything is decompressed."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileProblem("unreadable")
    unpacked = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise FileProblem("encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileProblem("unreadable")
        unpacked += member.file_size
        if (
            member.file_size > RATIO_CHECK_FROM
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise FileProblem(
                "unpacked_too_large", limit=MAX_UNPACKED_BYTES // MEGABYTE
            )
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem("unpacked_too_large", limit=MAX_UNPACKED_BYTES // MEGABYTE)


def decode_csv(content):
    """The text of a CSV file: UTF-8 (with or without BOM), nothing else."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem("encoding", position=error.start + 1) from None
    nul = text.find("\x00")
    if nul >= 0:
        if text.count("\x00") * 4 > len(text):
            # every other byte empty: UTF-16 without its byte-order mark
            raise FileProblem("encoding", position=nul + 1)
        # a NUL inside text: a damaged or binary file
        raise FileProblem("unreadable", line=text.count("\n", 0, nul) + 1)
    return text


def csv_reader(text):
    """A reader with the delimiter the first line uses (comma, semicolon as
    Excel writes in Vietnamese, or tab)."""
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def normalize_header(value):
    """A header as a key, tolerant of accents, case, spacing, underscores and
    punctuation: "Ngày chi trả", "ngay_chi_tra" and "NGAY CHI TRA" meet."""
    if value.__class__ is str:
        # cached: a list repeats a few spellings of a method, a role, a change
        return _normalize_header_text(value)
    return _normalize_header_text(str(value or ""))


@functools.lru_cache(maxsize=4096)
def _normalize_header_text(text):
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split())


def cell_text(value):
    """The text a cell shows: NFC, single spaces, a whole float without its
    ``.0``, and without the apostrophe that Excel (or the suite's own exports,
    before a value that looks like a formula) puts in front."""
    if value.__class__ is not str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not value.isascii():
        # ASCII text is its own NFC form: only the rest is normalised
        value = unicodedata.normalize("NFC", value)
    text = " ".join(value.split())
    if text[:1] == "'":
        text = text[1:].strip()
    return text


def parse_date(value, epoch=EXCEL_EPOCH):
    """A date from a cell: a date or datetime, ``YYYY-MM-DD`` or ``DD/MM/YYYY``
    (also with dots or dashes, and with a midnight time), or a date serial
    counted from ``epoch`` (the workbook's date system). None when empty;
    ValueError for anything else."""
    if value.__class__ is str:
        return _parse_date_text(value)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a date cell read without its style: its serial number
        if not 20000 < value < 80000:
            raise ValueError(value)
        return epoch + datetime.timedelta(days=int(value))
    return _parse_date_text(str(value))


@functools.lru_cache(maxsize=4096)
def _parse_date_text(value):
    # cached on the cell's own text: a list holds a few distinct dates many
    # times (a text that is no date raises, and is not cached)
    text = cell_text(value)
    if not text:
        return None
    text = _MIDNIGHT.sub("", text)
    match = _DATE_ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    match = _DATE_VN.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return datetime.date(year, month, day)
    raise ValueError(text)
