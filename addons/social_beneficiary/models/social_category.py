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

    def _compute_display_name(self):
        for category in self:
            category.display_name = f"[{category.code}] {category.name}"
