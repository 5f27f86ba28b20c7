# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SocialPayoutCancelWizard(models.TransientModel):
    _name = "social.payout.cancel.wizard"
    _description = "Cancel Payout Batches"

    batch_ids = fields.Many2many("social.payout.batch", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        # after the transfer, cancelling means reversing the transfer entry
        transferred = self.batch_ids.filtered(lambda b: b.state == "transferred")
        if transferred:
            transferred.action_reverse_transfer(reason=self.reason)
        if self.batch_ids - transferred:
            (self.batch_ids - transferred).action_cancel(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
