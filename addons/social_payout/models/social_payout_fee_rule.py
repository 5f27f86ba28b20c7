# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# one list of payment methods for the whole suite: the registration's
from odoo.addons.social_beneficiary.models.social_payment_registration import (
    METHODS as PAYMENT_METHODS,
)
from odoo.addons.social_beneficiary.tools.money import format_vnd


class SocialPayoutFeeRule(models.Model):
    _name = "social.payout.fee.rule"
    _description = "Provider Fee Rule"
    _order = "provider_id, method"

    provider_id = fields.Many2one(
        "social.payout.provider", required=True, ondelete="cascade", index=True
    )
    method = fields.Selection(PAYMENT_METHODS, required=True)
    percent = fields.Float(
        digits=(16, 4), help="Percent of the amount paid, e.g. 0.8 for 0.8 %."
    )
    currency_id = fields.Many2one(related="provider_id.company_id.currency_id")
    min_amount = fields.Monetary(
        string="Minimum Fee", help="Minimum fee per payment in VND (0: none)."
    )
    max_amount = fields.Monetary(
        string="Maximum Fee", help="Maximum fee per payment in VND (0: none)."
    )

    _sql_constraints = [
        (
            "provider_method_uniq",
            "unique(provider_id, method)",
            "A provider has one fee rule per payment method.",
        ),
    ]

    @api.constrains("percent", "min_amount", "max_amount")
    def _check_amounts(self):
        for rule in self:
            if rule.percent < 0 or rule.min_amount < 0 or rule.max_amount < 0:
                raise ValidationError(
                    self.env._("Fee percent, minimum and maximum cannot be negative.")
                )
            if rule.max_amount and rule.min_amount > rule.max_amount:
                raise ValidationError(
                    self.env._(
                        "The minimum fee %(min)s is above the maximum fee %(max)s.",
                        min=format_vnd(self.env, rule.min_amount),
                        max=format_vnd(self.env, rule.max_amount),
                    )
                )

    @api.constrains("percent", "provider_id")
    def _check_program_fee_cap(self):
        """A provider paying a capped program (NCC: at most 0.75 %) cannot
        charge more while one of its batches is open."""
        batches = (
            self.env["social.payout.batch"]
            .sudo()
            .search(
                [
                    ("provider_id", "in", self.provider_id.ids),
                    ("state", "in", ("draft", "submitted", "approved")),
                    ("program_id.max_fee_percent", ">", 0),
                ]
            )
        )
        batches._check_fee_cap()

    def _compute_fee_amount(self, amount):
        """Fee on one payment: percent of the amount, clamped by the minimum and
        maximum, rounded half-up to whole dong. Nothing paid, no fee."""
        self.ensure_one()
        if not amount or amount <= 0:
            return 0
        fee = Decimal(str(amount)) * Decimal(str(self.percent)) / Decimal(100)
        if self.min_amount and fee < self.min_amount:
            fee = Decimal(self.min_amount)
        if self.max_amount and fee > self.max_amount:
            fee = Decimal(self.max_amount)
        return int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))
