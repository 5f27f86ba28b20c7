"""1.5.0: a payout line no longer keeps the payment registration it followed.

The line keeps what the registration resolved to (payee, role, representative,
method, account), which is what the provider file, the forms and the
reconciliation read. The registration itself was written by every generation
and read by nothing, and its foreign key cost PostgreSQL a check on each line
written (about 0.17 s per 50,000 lines). Odoo drops the column of a removed
field only at the end of the update; it is dropped here, with its key, and
the key's record in ``ir_model_constraint`` goes too.
"""

from odoo.tools import SQL

COLUMN = "registration_id"
FOREIGN_KEY = "social_payout_line_registration_id_fkey"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            "ALTER TABLE social_payout_line DROP COLUMN IF EXISTS %s",
            SQL.identifier(COLUMN),
        )
    )
    cr.execute(
        SQL(
            "DELETE FROM ir_model_constraint WHERE name = %s AND type = 'f'",
            FOREIGN_KEY,
        )
    )
