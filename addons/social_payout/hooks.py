# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL

from .models.social_payout_line import BATCH_COPY_FUNCTIONS


def uninstall_hook(env):
    """Odoo drops the addon's tables, and their triggers with them, but not
    the functions the triggers call (``BATCH_COPY_RULES``)."""
    for function in BATCH_COPY_FUNCTIONS:
        env.cr.execute(
            SQL("DROP FUNCTION IF EXISTS %s() CASCADE", SQL.identifier(function))
        )
