from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    social_area_ids = fields.Many2many(
        "social.area",
        "social_area_res_users_rel",
        "user_id",
        "area_id",
        string="Served Areas",
        help="The user works on these areas and everything under them.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "social_area_ids" in vals:
            # record rules read the areas and are cached per user
            self.env.registry.clear_cache()
        return res
