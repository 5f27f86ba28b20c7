# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class SocialPayoutLineDifference(models.Model):
    """A retroactive level difference (truy lĩnh chênh lệch) a line pays for a
    month already paid: what was paid, what is due now, the difference. The
    generation writes them; a partial unique index keeps a difference from
    being paid twice by batches that are not cancelled."""

    _name = "social.payout.line.difference"
    _description = "Level Difference Paid by a Payout Line"
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
    paid_before = fields.Monetary(help="Paid for the month by earlier batches.")
    due_amount = fields.Monetary(help="Due for the month with today's levels.")
    amount = fields.Monetary(help="The difference this line pays.")
    cancelled = fields.Boolean(
        default=False,
        help="Set when the batch is cancelled: the difference is due again.",
    )

    _sql_constraints = [
        (
            "difference_positive",
            "CHECK(amount > 0 AND amount = due_amount - paid_before)",
            "A level difference is the positive difference between the amount due "
            "and the amount paid.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS "
                "social_payout_line_difference_paid_once ON "
                "social_payout_line_difference (partner_id, program_id, month, "
                "due_amount) WHERE cancelled IS NOT TRUE"
            )
        )

    def _workflow_records_refusal(self):
        return self.env._(
            "Level differences are recorded by the generation of a batch only: "
            "they cannot be created, changed or deleted by hand."
        )
