# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SocialAllowance(models.Model):
    _inherit = "social.allowance"

    def action_end(self):
        """A death recorded on a BTXH decision prepares the funeral support
        (Nghị định 20/2021 Điều 11) as a draft one-off payment: the officer
        names who organises the funeral and an approver confirms it. Only one
        funeral support per person, whatever the scheme."""
        res = super().action_end()
        OneOff = self.env["social.one.off.payment"]
        for allowance in self.filtered(lambda a: a.end_reason == "death"):
            if OneOff.sudo().search_count(
                [
                    ("partner_id", "=", allowance.partner_id.id),
                    ("kind", "=", "funeral"),
                    ("state", "!=", "cancelled"),
                ],
                limit=1,
            ):
                continue
            vals = OneOff._funeral_support_vals(allowance)
            if vals:
                payment = OneOff.create(vals)
                allowance._message_log(
                    body=self.env._(
                        "Funeral support of %(amount)s VND prepared for confirmation.",
                        amount=payment.amount,
                    )
                )
        return res
