# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lists of ids (and of texts) in SQL."""

import functools

from odoo.tools import SQL


def sql_id_array(ids):
    """SQL: ``ids`` as one ``int[]`` constant. psycopg2 writes a list as
    ``ARRAY[1,2,...]``, which PostgreSQL parses element by element: some 25 ms
    for a chunk's 20,000 beneficiaries, in each query of the chunk; the text
    form is read at once (and planned the same)."""
    return SQL("%s::int[]", _id_array_text(tuple(ids)))


@functools.lru_cache(maxsize=2)
def _id_array_text(ids):
    # The queries of a generation chunk pass the same 50,000 beneficiaries
    # nine times: their text is written once (7 ms each time otherwise).
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def sql_text_array(values):
    """SQL: ``values`` (strings) as one ``text[]`` constant, for the same
    reason as ``sql_id_array``: a province's 100,000 citizen IDs or names are
    read by PostgreSQL at once instead of as 100,000 constants (about 0.1 s
    less in each lookup of a beneficiary list). Each element is quoted, so
    any text (commas, braces, quotes, backslashes, NULL) stays itself."""
    return SQL(
        "%s::text[]",
        "{"
        + ",".join(
            '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for value in values
        )
        + "}",
    )


def rows_by_id(cr, table, columns, ids):
    """``{id: (values of columns)}`` of the rows ``ids`` of ``table``, by one
    query on that table alone (no join for the planner to turn into nested
    loops on freshly loaded rows)."""
    cr.execute(
        SQL(
            "SELECT id, %s FROM %s WHERE id = ANY(%s)",
            SQL(", ").join(map(SQL.identifier, columns)),
            SQL.identifier(table),
            sql_id_array(ids),
        )
    )
    return {row[0]: row[1:] for row in cr.fetchall()}
