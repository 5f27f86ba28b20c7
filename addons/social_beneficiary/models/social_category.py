from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialCategory(models.Model):
    _name = "social.category"
    _description = "Beneficiary Category"
    _order = "program_id, code"

    program_id = fields.Many2one(
        "social.program", string="Program", required=True, ondelete="restrict"
    )
    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    coefficient = fields.Float(
        digits=(6, 2),
        required=True,
        default=1.0,
        help="Multiplied by the base level in force for the month.",
    )
    cumulative = fields.Boolean(
        help="Paid on top of the highest other amount (poor single parent, per "
        "child) instead of competing with it."
    )
    legal_basis = fields.Char()
    active = fields.Boolean(default=True)
    use_amount_table = fields.Boolean(
        string="Amounts from Table",
        help="The monthly amount is read from the decree's amount table in force "
        "for the month (people with meritorious services), not computed as base "
        "level x coefficient.",
    )
    amount_ids = fields.One2many(
        "social.category.amount", "category_id", string="Amount Table"
    )
    rate_required = fields.Boolean(
        string="Amount by Rate",
        help="The allowance's rate of injury or disability (percent) selects the "
        "amount in the table (war invalids, sick soldiers, toxic chemicals).",
    )
    per_unit = fields.Boolean(
        string="Amount per Unit",
        help="The table amount is per unit (a year of seniority): the allowance's "
        "coefficient is the number of units.",
    )
    exclusive_group = fields.Char(
        help="Of the allowances of one person in categories of the same group, "
        "only the highest is paid (caregiver allowances, survivor nurture "
        "allowances, supplements that replace each other). Allowances without a "
        "group add up.",
    )
    survivor_rule = fields.Selection(
        [
            ("ncc", "Survivor of a person with meritorious services"),
            ("martyr", "Relative of one martyr"),
            ("martyrs", "Relative of two or more martyrs"),
        ],
        help="Monthly survivor allowances (trợ cấp tuất hằng tháng) of one "
        "relative are limited by Pháp lệnh 02/2020 Điều 6.5: at most two; a "
        "relative of one martyr receives one martyr's and one other allowance; "
        "a relative of two or more martyrs only the martyrs' allowance. Empty "
        "for every other category (the nurture allowance, tuất nuôi dưỡng, is "
        "limited to one by its exclusive group).",
    )
    ncc_kind = fields.Selection(
        [
            ("monthly_allowance", "Monthly allowance"),
            ("add_on", "Monthly supplement"),
            ("survivor", "Survivor allowance"),
            ("caregiver", "Caregiver allowance"),
        ],
        string="Kind of Benefit",
    )

    _sql_constraints = [
        (
            "code_uniq",
            "unique(program_id, code)",
            "The category code must be unique within a program.",
        ),
    ]

    @api.constrains("coefficient")
    def _check_coefficient(self):
        for category in self:
            if category.coefficient <= 0:
                raise ValidationError(
                    self.env._(
                        "The coefficient of %(name)s must be positive.",
                        name=category.name,
                    )
                )

    def _table_amount(self, month, rate=None):
        """Amount of the table row in force for ``month`` (and ``rate``), or None."""
        self.ensure_one()
        rows = self.amount_ids.filtered(
            lambda row: row.date_from <= month
            and (
                not self.rate_required
                or (rate and row.rate_from and row.rate_from <= rate <= row.rate_to)
            )
        )
        latest = rows.sorted("date_from", reverse=True)[:1]
        return latest.amount if latest else None

    def _rate_bounds(self):
        """Lowest and highest rate of the category's table, or None."""
        self.ensure_one()
        rated = self.amount_ids.filtered("rate_from")
        if not rated:
            return None
        return min(rated.mapped("rate_from")), max(rated.mapped("rate_to"))

    def _compute_display_name(self):
        for category in self:
            category.display_name = f"[{category.code}] {category.name}"
