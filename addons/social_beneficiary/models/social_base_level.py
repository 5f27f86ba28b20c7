from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialBaseLevel(models.Model):
    """Standard level (mức chuẩn) of a program from a date.

    A row without province is the national level; a province row is a local
    top-up, which may only raise the national level (the monthly computation
    takes the higher of the two).
    """

    _name = "social.base.level"
    _description = "Base Level"
    _order = "program_id, date_from desc, area_id"
    _inherit = ["social.vnd.mixin"]

    program_id = fields.Many2one(
        "social.program", string="Program", required=True, ondelete="restrict"
    )
    amount = fields.Monetary(required=True, help="Monthly amount in VND.")
    date_from = fields.Date(string="Valid From", required=True)
    area_id = fields.Many2one(
        "social.area",
        string="Province",
        domain=[("level", "=", "province")],
        ondelete="restrict",
        help="Leave empty for the national level; set a province for a local "
        "level, which can never lower the national one.",
    )
    legal_basis = fields.Char()
    confidence = fields.Char(
        help="How the amount was checked: the decree's text read, or secondary "
        "sources (news, summaries) still to verify against the decree."
    )

    _sql_constraints = [
        (
            "level_uniq",
            "unique NULLS NOT DISTINCT (program_id, area_id, date_from)",
            "There is already a base level for this program, province and date.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.program_id._stamp_amounts_changed()
        return records

    def write(self, vals):
        programs = self.program_id
        res = super().write(vals)
        (programs | self.program_id)._stamp_amounts_changed()
        return res

    def unlink(self):
        programs = self.program_id
        res = super().unlink()
        programs._stamp_amounts_changed()
        return res

    @api.constrains("amount", "area_id")
    def _check_amount(self):
        for level in self:
            if level.amount <= 0:
                raise ValidationError(
                    self.env._("A base level must be a positive amount.")
                )
            if level.area_id and level.area_id.level != "province":
                raise ValidationError(
                    self.env._(
                        "A local base level belongs to a province, not to " "%(area)s.",
                        area=level.area_id.display_name,
                    )
                )
