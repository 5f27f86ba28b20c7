from odoo import fields, models


class SocialProgram(models.Model):
    _name = "social.program"
    _description = "Allowance Program"
    _order = "code"

    code = fields.Char(required=True, help="BTXH, NCC or HTXH.")
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    category_ids = fields.One2many("social.category", "program_id", string="Categories")
    base_level_ids = fields.One2many(
        "social.base.level", "program_id", string="Base Levels"
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The program code must be unique."),
    ]
