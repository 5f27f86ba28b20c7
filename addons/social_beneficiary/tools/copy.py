# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PostgreSQL COPY, several times faster than INSERT for a province's rows."""

import io

from odoo.tools import SQL

# COPY's text format: a backslash, tab, newline or carriage return inside a
# value is escaped; a tab or newline written as is would shift the columns.
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _number(value):
    """A float as COPY's text: whole đồng without a decimal point, the rest
    (a rate, a coefficient) exactly as Python repeats it."""
    return str(int(value)) if value.is_integer() else repr(value)


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (sequences of values in the order of ``columns``) into
    ``table``. None and False (Odoo's empty value) are NULL; texts are escaped;
    ints, dates and datetimes print as PostgreSQL reads them; a float (an
    amount read from a numeric column: Odoo's cursor returns them as floats)
    prints whole as an integer (500000, not 500000.0). The caller flushes and
    invalidates around it, as for any SQL."""
    copy_text(cr, table, columns, copy_buffer(rows))


def copy_buffer(rows):
    """``rows`` in COPY's text format, as :func:`copy_rows` sends them: built
    apart from the COPY itself, e.g. while the cursor is busy elsewhere."""
    buffer = io.StringIO()
    write = buffer.write
    # one comprehension per row, no call per cell: this runs 100,000 times
    for row in rows:
        write(
            "\t".join(
                [
                    "\\N"
                    if value is None or value is False
                    else value.translate(_ESCAPE)
                    if value.__class__ is str
                    else _number(value)
                    if value.__class__ is float
                    else str(value)
                    for value in row
                ]
            )
        )
        write("\n")
    buffer.seek(0)
    return buffer


def copy_escape(text):
    """A text value as COPY's text format reads it (backslash, tab, newline
    and carriage return escaped)."""
    return text.translate(_ESCAPE)


def copy_text(cr, table, columns, buffer):
    """COPY rows already in COPY's text format (a file-like ``buffer``: one
    line per row, values separated by tabs, ``\\N`` for NULL, texts through
    copy_escape) into ``table``: for a hot loop that writes its rows faster
    than copy_rows' checks of each value's type."""
    query = SQL(
        "COPY %s (%s) FROM STDIN",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
    )
    cr.copy_expert(query.code, buffer)
