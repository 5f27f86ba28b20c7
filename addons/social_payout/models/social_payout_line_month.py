# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class SocialPayoutLineMonth(models.Model):
    """One row per arrears month a line pays (the regular month is the line's
    own period). A partial unique index makes sure two batches that are not
    cancelled never pay the same arrears month twice."""

    _name = "social.payout.line.month"
    _description = "Month Paid by a Payout Line"
    # Written by the generation and the batch actions only (SQL or the
    # workflow sentinel): create, write and unlink refuse everyone else.
    _inherit = ["social.workflow.mixin"]
    _workflow_records_only = True
    _order = "month"
    _log_access = False

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
    amount = fields.Monetary()
    cancelled = fields.Boolean(
        default=False,
        help="Set when the batch is cancelled: the month is free to be paid again.",
    )

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS social_payout_line_month_paid_once "
                "ON social_payout_line_month (partner_id, program_id, month) "
                "WHERE cancelled IS NOT TRUE"
            )
        )

    def _workflow_records_refusal(self):
        return self.env._(
            "The months paid by a payout line are recorded by the generation "
            "of its batch only: they cannot be created, changed or deleted by "
            "hand."
        )
