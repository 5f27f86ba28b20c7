# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.social_payout.models.social_payout_line import SocialPayoutLine

RESULT_FIELDS = frozenset(
    {"paid_amount", "paid_date", "provider_ref", "failure_reason"}
)


class SocialPayoutLineResult(models.Model):
    """What the provider reported for the line: declared here, where the result
    import writes it, and written only by that import."""

    _inherit = "social.payout.line"

    _workflow_fields = SocialPayoutLine._workflow_fields | RESULT_FIELDS

    paid_amount = fields.Monetary(readonly=True, copy=False)
    paid_date = fields.Date(readonly=True, copy=False)
    provider_ref = fields.Char(string="Provider Transaction", readonly=True, copy=False)
    failure_reason = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "paid_amount_nonnegative",
            "CHECK(paid_amount IS NULL OR paid_amount >= 0)",
            "The amount paid on a payout line cannot be negative.",
        ),
    ]

    @api.constrains("paid_amount")
    def _check_paid_amount_nonnegative(self):
        for line in self:
            if (line.paid_amount or 0) < 0:
                raise ValidationError(
                    self.env._(
                        "Line %(ref)s: the amount paid cannot be negative.",
                        ref=line.reference,
                    )
                )
