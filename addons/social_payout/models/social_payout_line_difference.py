# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SocialPayoutLineDifference(models.Model):
    """A retroactive level difference (truy lĩnh chênh lệch) a line pays for a
    month already paid: what was paid, what is due now, the difference. The
    generation writes them; a partial unique index keeps a difference from
    being paid twice by batches that are not cancelled."""

    _name = "social.payout.line.difference"
    _description = "Level Difference Paid by a Payout Line"
    _inherit = ["social.workflow.mixin", "social.payout.month.paid.mixin"]
    _workflow_records_only = True
    _order = "month"
    _log_access = False

    paid_before = fields.Monetary(help="Paid for the month by earlier batches.")
    due_amount = fields.Monetary(help="Due for the month with today's levels.")
    amount = fields.Monetary(help="The difference this line pays.")

    _sql_constraints = [
        (
            "difference_positive",
            "CHECK(amount > 0 AND amount = due_amount - paid_before)",
            "A level difference is the positive difference between the amount due "
            "and the amount paid.",
        ),
    ]

    def init(self):
        self._create_paid_once_index("due_amount")

    def _workflow_records_refusal(self):
        return self.env._(
            "Level differences are recorded by the generation of a batch only: "
            "they cannot be created, changed or deleted by hand."
        )
