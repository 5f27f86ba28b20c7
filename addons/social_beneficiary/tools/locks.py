# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Row locks that refuse at once instead of waiting (STYLE §2)."""

import psycopg2

from odoo.tools import SQL

STRENGTHS = {"update": SQL("FOR UPDATE"), "no_key_update": SQL("FOR NO KEY UPDATE")}


def lock_rows_nowait(records, strength="update"):
    """Lock the rows of ``records`` for the current transaction; False when
    another transaction holds one of them (the caller says who, in its words).

    A lock conflict is the ordinary outcome of two users pressing the same
    button: it is not logged as a failed query.
    """
    if not records:
        return True
    records.flush_recordset()
    try:
        with records.env.cr.savepoint(flush=False):
            records.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s %s NOWAIT",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                    STRENGTHS[strength],
                ),
                log_exceptions=False,
            )
    except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
        return False
    return True
