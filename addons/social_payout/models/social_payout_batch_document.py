# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from num2words import num2words

from odoo import fields, models

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    CASH_METHODS,
)


class SocialPayoutBatch(models.Model):
    """What the printed documents (cash list, transfer request, change list) read."""

    _inherit = "social.payout.batch"

    def _get_report_lang(self):
        vietnamese = self.env["res.lang"]._lang_get("vi_VN")
        return "vi_VN" if vietnamese and vietnamese.active else self.env.lang

    def _amount_in_words(self, amount):
        """The amount in words, in Vietnamese as the treasury reads it:
        "Hai triệu hai trăm năm mươi nghìn đồng"."""
        words = num2words(int(round(amount or 0)), lang="vi")
        return f"{words[:1].upper()}{words[1:]} đồng"

    def _report_company_address(self):
        self.ensure_one()
        partner = self.company_id.partner_id
        parts = [
            partner.street,
            partner.street2,
            partner.city,
            partner.state_id.name,
        ]
        return ", ".join(part for part in parts if part)

    def _report_place_date(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        # no f-string inside the call: Babel evaluates string tokens of _() calls
        day, month = today.strftime("%d"), today.strftime("%m")
        return self.env._(
            "%(place)s, day %(day)s month %(month)s year %(year)s",
            place=self.company_id.city or "",
            day=day,
            month=month,
            year=today.year,
        )

    def _get_cash_lines_by_commune(self):
        self.ensure_one()
        lines = self.env["social.payout.line"].search(
            [("batch_id", "=", self.id), ("method", "in", CASH_METHODS)],
            order="area_id, method, id",
        )
        groups = defaultdict(lambda: self.env["social.payout.line"])
        for line in lines:
            groups[line.area_id] |= line
        return list(groups.items())

    def _get_change_list(self):
        self.ensure_one()
        Line = self.env["social.payout.line"]
        base = [("batch_id", "=", self.id)]
        return {
            "new": Line.search(
                [*base, ("change_type", "=", "new")], order="area_id, id"
            ),
            "changed": Line.search(
                [*base, ("change_type", "in", ("changed", "arrears"))],
                order="area_id, id",
            ),
            # who left the list since last month is part of this batch's own
            # record, though a person who moved away is no longer in the
            # reader's areas: the list names them as last month's list did
            "dropouts": self.dropout_ids.sudo(),
        }
