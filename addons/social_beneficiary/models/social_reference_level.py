from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.money import format_vnd


class SocialReferenceLevel(models.Model):
    """Reference level (mức tham chiếu, for now the mức lương cơ sở) from a
    date: the figure one-off payments of the social-insurance kind are
    computed from, such as the funeral allowance of a person with meritorious
    services (10 x the level of the month of death, Nghị định 131/2021 Điều
    121.1; Luật Bảo hiểm xã hội 2024 Điều 85.2). New decrees change it: it is
    data with ``date_from``, never a constant."""

    _name = "social.reference.level"
    _description = "Reference Level"
    _order = "date_from desc"
    _inherit = ["social.vnd.mixin"]

    amount = fields.Monetary(required=True, help="Monthly amount in VND.")
    date_from = fields.Date(string="Valid From", required=True)
    legal_basis = fields.Char()
    confidence = fields.Char(
        help="How the amount was checked: the decree's text read, or secondary "
        "sources (news, summaries) still to verify against the decree."
    )

    _sql_constraints = [
        (
            "date_uniq",
            "unique(date_from)",
            "There is already a reference level from this date.",
        ),
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "A reference level must be a positive amount.",
        ),
    ]

    @api.constrains("amount")
    def _check_amount(self):
        if any(level.amount <= 0 for level in self):
            raise ValidationError(
                self.env._("A reference level must be a positive amount.")
            )

    @api.model
    def _level_for(self, day):
        """The level in force on ``day`` (a record, empty if none)."""
        return self.sudo().search([("date_from", "<=", day)], limit=1)

    def _compute_display_name(self):
        for level in self:
            amount = format_vnd(self.env, level.amount)
            level.display_name = f"{amount} ({level.date_from})"
