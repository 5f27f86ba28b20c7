from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialCategoryAmount(models.Model):
    """Monthly amount of a category set by a decree's table, from a date.

    People with meritorious services (NCC) are paid the VND amounts of each
    decree's tables (Nghị định 75/2021, 55/2023, 77/2024), not the standard
    level times a coefficient; for war invalids, sick soldiers and people
    affected by toxic chemicals the amount depends on the rate of injury, so a
    row covers a band of rates. A new decree adds rows with its date.
    """

    _name = "social.category.amount"
    _description = "Category Amount Table"
    _order = "category_id, date_from desc, rate_from"
    _inherit = ["social.vnd.mixin"]

    category_id = fields.Many2one(
        "social.category",
        string="Category",
        required=True,
        index=True,
        ondelete="cascade",
    )
    program_id = fields.Many2one(related="category_id.program_id", store=True)
    rate_from = fields.Integer(
        help="Lowest rate of injury or disability (percent) of this row; empty "
        "when the amount does not depend on a rate."
    )
    rate_to = fields.Integer(help="Highest rate (percent) of this row.")
    amount = fields.Monetary(required=True, help="Monthly amount in VND.")
    date_from = fields.Date(string="Valid From", required=True)
    legal_basis = fields.Char()
    confidence = fields.Char(help="How the figure was checked against the decree.")

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "The amount of a category table row must be positive.",
        ),
        (
            "rate_band",
            "CHECK((COALESCE(rate_from, 0) = 0 AND COALESCE(rate_to, 0) = 0) OR "
            "(rate_from BETWEEN 1 AND 100 AND rate_to BETWEEN rate_from AND 100))",
            "A rate band runs from 1 to 100 percent, its start not above its end.",
        ),
        (
            "row_uniq",
            "unique NULLS NOT DISTINCT (category_id, date_from, rate_from)",
            "There is already an amount for this category, date and rate.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.category_id.program_id._stamp_amounts_changed()
        return records

    def write(self, vals):
        programs = self.category_id.program_id
        res = super().write(vals)
        (programs | self.category_id.program_id)._stamp_amounts_changed()
        return res

    def unlink(self):
        programs = self.category_id.program_id
        res = super().unlink()
        programs._stamp_amounts_changed()
        return res

    @api.constrains("category_id", "date_from", "rate_from", "rate_to")
    def _check_bands_do_not_overlap(self):
        for row in self:
            if not row.rate_from:
                continue
            clash = self.search_count(
                [
                    ("id", "!=", row.id),
                    ("category_id", "=", row.category_id.id),
                    ("date_from", "=", row.date_from),
                    ("rate_from", "<=", row.rate_to),
                    ("rate_to", ">=", row.rate_from),
                ],
                limit=1,
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "The rates %(low)s%% to %(high)s%% of %(category)s from "
                        "%(date)s overlap another row of the same table.",
                        low=row.rate_from,
                        high=row.rate_to,
                        category=row.category_id.display_name,
                        date=row.date_from.strftime("%d/%m/%Y"),
                    )
                )
