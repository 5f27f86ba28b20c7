# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class SocialPayoutMonthPaidMixin(models.AbstractModel):
    """What a payout line pays for one month besides its own period (an
    arrears month, a level difference): which line, batch, beneficiary,
    program and month, and whether the batch was cancelled (then the month is
    due again). A partial unique index per table keeps batches that are not
    cancelled from paying it twice."""

    _name = "social.payout.month.paid.mixin"
    _description = "Month Paid Besides a Line's Own Period"

    line_id = fields.Many2one(
        "social.payout.line", required=True, ondelete="cascade", index=True
    )
    batch_id = fields.Many2one(
        "social.payout.batch", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", required=True, index=True)
    program_id = fields.Many2one("social.program", required=True)
    month = fields.Date(required=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    cancelled = fields.Boolean(
        default=False,
        help="Set when the batch is cancelled: the month is due again.",
    )

    def _create_paid_once_index(self, *columns):
        """The unique index on the beneficiary, program, month and
        ``columns`` among the rows of batches that are not cancelled."""
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s "
                "(partner_id, program_id, month%s) WHERE cancelled IS NOT TRUE",
                SQL.identifier(f"{self._table}_paid_once"),
                SQL.identifier(self._table),
                SQL("".join(f", {column}" for column in columns)),
            )
        )
