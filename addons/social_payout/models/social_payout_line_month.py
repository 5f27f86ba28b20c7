# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SocialPayoutLineMonth(models.Model):
    """One row per arrears month a line pays (the regular month is the line's
    own period). A partial unique index makes sure two batches that are not
    cancelled never pay the same arrears month twice."""

    _name = "social.payout.line.month"
    _description = "Month Paid by a Payout Line"
    # Written by the generation and the batch actions only (SQL or the
    # workflow sentinel): create, write and unlink refuse everyone else.
    _inherit = ["social.workflow.mixin", "social.payout.month.paid.mixin"]
    _workflow_records_only = True
    _order = "month"
    _log_access = False

    amount = fields.Monetary()

    def init(self):
        self._create_paid_once_index()

    def _workflow_records_refusal(self):
        return self.env._(
            "The months paid by a payout line are recorded by the generation "
            "of its batch only: they cannot be created, changed or deleted by "
            "hand."
        )
