"""1.4.0: a payout line's program has no foreign key of its own.

The line's program and month are copies of its batch's; PostgreSQL now holds
that rule (``BATCH_COPY_RULES`` in ``social_payout_line.py``, created by the
model's ``init``), and the batch's own key keeps the program. Odoo leaves a
foreign key in place when its field no longer asks for one: it is dropped
here, with its record in ``ir_model_constraint``. Lines that an earlier
version left with another program or month than their batch's (a draft
batch whose program or month was changed after its generation) are counted
in the log: the rule applies to lines written from now on.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

FOREIGN_KEY = "social_payout_line_program_id_fkey"


def drop_program_key(cr):
    cr.execute(
        SQL(
            "ALTER TABLE social_payout_line DROP CONSTRAINT IF EXISTS %s",
            SQL.identifier(FOREIGN_KEY),
        )
    )
    cr.execute(
        SQL(
            "DELETE FROM ir_model_constraint WHERE name = %s AND type = 'f'",
            FOREIGN_KEY,
        )
    )


def count_lines_of_another_month(cr):
    cr.execute(
        """
        SELECT count(*) FROM social_payout_line l
          JOIN social_payout_batch b ON b.id = l.batch_id
         WHERE l.program_id IS DISTINCT FROM b.program_id
            OR l.period IS DISTINCT FROM b.period
        """
    )
    return cr.fetchone()[0]


def migrate(cr, version):
    if not version:
        return
    drop_program_key(cr)
    count = count_lines_of_another_month(cr)
    if count:
        _logger.warning(
            "%s payout lines have another program or month than their batch: "
            "generate their batches again",
            count,
        )
