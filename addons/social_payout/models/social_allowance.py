# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.social_beneficiary.tools.money import format_vnd


class SocialAllowance(models.Model):
    _inherit = "social.allowance"

    def action_end(self):
        """A death recorded on a decision prepares, as draft one-off payments,
        what the law pays at death: the funeral support (BTXH: Nghị định
        20/2021 Điều 11; NCC: Nghị định 131/2021 Điều 121.1) and, for people
        with meritorious services, the 3-months lump sum (Nghị định 131/2021
        Điều 121.2). The officer names who is paid (whoever organises the
        funeral; the representative of the relatives) and an approver
        confirms. Only one funeral support per person, whatever the schemes:
        the highest (Pháp lệnh 02/2020 Điều 6.4; Nghị định 20/2021 Điều 11.2)."""
        res = super().action_end()
        for allowance in self.filtered(lambda a: a.end_reason == "death"):
            allowance._prepare_funeral_support()
            allowance._prepare_death_lump_sum()
        return res

    def _prepare_funeral_support(self):
        self.ensure_one()
        OneOff = self.env["social.one.off.payment"]
        vals = OneOff._funeral_support_vals(self)
        if not vals:
            return
        existing = OneOff.sudo().search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("kind", "=", "funeral"),
                ("state", "!=", "cancelled"),
            ],
            limit=1,
        )
        if existing:
            if existing.code and existing.code == vals.get("code"):
                return  # the same scheme, from another decision of the person
            if existing.state != "draft" or existing.amount >= vals["amount"]:
                self._message_log(
                    body=self.env._(
                        "A funeral support of %(amount)s is already recorded "
                        "for %(name)s: only one funeral support is paid.",
                        amount=format_vnd(self.env, existing.amount),
                        name=self.partner_id.name,
                    )
                )
                return
            # a higher scheme replaces the draft of a lower one
            existing.with_env(self.env)._workflow_write({"state": "cancelled"})
            existing._message_log(
                body=self.env._(
                    "Cancelled: %(name)s also has the funeral support of another "
                    "scheme, of %(amount)s, and only the highest is paid.",
                    name=self.partner_id.name,
                    amount=format_vnd(self.env, vals["amount"]),
                )
            )
        payment = OneOff.create(vals)
        self._message_log(
            body=self.env._(
                "Funeral support of %(amount)s prepared for confirmation.",
                amount=format_vnd(self.env, payment.amount),
            )
        )

    def _prepare_death_lump_sum(self):
        self.ensure_one()
        OneOff = self.env["social.one.off.payment"]
        if OneOff.sudo().search_count(
            [
                ("partner_id", "=", self.partner_id.id),
                ("code", "=", "ncc_tu_tran_3_thang"),
                ("state", "!=", "cancelled"),
            ],
            limit=1,
        ):
            return
        vals = OneOff._ncc_death_lump_sum_vals(self)
        if not vals:
            return
        payment = OneOff.create(vals)
        self._message_log(
            body=self.env._(
                "Lump sum at death of %(amount)s prepared for confirmation.",
                amount=format_vnd(self.env, payment.amount),
            )
        )
