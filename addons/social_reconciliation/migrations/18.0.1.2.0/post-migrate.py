"""1.2.0: payout results keep no create/write user and date (``_log_access``).

Odoo leaves the columns of the magic fields in place when a model stops
logging access: each user column is a foreign key that PostgreSQL would
still check on every row an import writes. They are dropped here; who
imported a file and when is on its reconciliation (chatter note, attachment).
"""

from odoo.tools import SQL

COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def drop_access_log_columns(cr):
    for column in COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE social_payout_result DROP COLUMN IF EXISTS %s",
                SQL.identifier(column),
            )
        )


def migrate(cr, version):
    if not version:
        return
    drop_access_log_columns(cr)
