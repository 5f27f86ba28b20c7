"""1.2.0: payout lines keep no create/write user nor write date
(``_log_access``).

Odoo leaves the columns of the magic fields in place when a model stops
logging access: each user column is a foreign key that PostgreSQL would
still check on every line a generation writes. They are dropped here, with
the write date; the creation date stays (a field of its own: the level
differences compare it with the last change of the levels). Who generated a
batch and when is on the batch (``generated_by``, chatter).
"""

from odoo.tools import SQL

COLUMNS = ("create_uid", "write_uid", "write_date")


def drop_access_log_columns(cr):
    for column in COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE social_payout_line DROP COLUMN IF EXISTS %s",
                SQL.identifier(column),
            )
        )


def migrate(cr, version):
    if not version:
        return
    drop_access_log_columns(cr)
