from odoo import api, fields, models
from odoo.exceptions import ValidationError

AREA_LEVELS = [
    ("province", "Province"),
    ("district", "District"),
    ("commune", "Commune"),
]


class SocialArea(models.Model):
    """Administrative area: province, district (before 2025) or commune.

    Since 1 July 2025 communes hang directly under their province; the older
    three-level chain keeps working because every lookup goes through
    ``parent_path`` (``child_of``) and the stored ``province_id``.
    """

    _name = "social.area"
    _description = "Administrative Area"
    _parent_store = True
    _order = "complete_name, id"
    _rec_names_search = ["name", "code", "complete_name"]

    name = fields.Char(required=True, translate=False)
    code = fields.Char(
        required=True,
        index=True,
        help="Official code of the General Statistics Office (2 digits for a "
        "province, 3 for a district, 5 for a commune).",
    )
    level = fields.Selection(AREA_LEVELS, required=True, default="commune")
    parent_id = fields.Many2one(
        "social.area", string="Parent Area", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("social.area", "parent_id", string="Sub-areas")
    province_id = fields.Many2one(
        "social.area",
        string="Province",
        compute="_compute_province_id",
        store=True,
        recursive=True,
        index=True,
    )
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The area code must be unique."),
    ]

    @api.depends("level", "parent_id.province_id")
    def _compute_province_id(self):
        for area in self:
            if area.level == "province":
                area.province_id = area
            else:
                area.province_id = area.parent_id.province_id

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for area in self:
            if area.parent_id:
                area.complete_name = f"{area.parent_id.complete_name} / {area.name}"
            else:
                area.complete_name = area.name

    @api.constrains("level", "parent_id")
    def _check_hierarchy(self):
        for area in self:
            if area.level == "province" and area.parent_id:
                raise ValidationError(
                    self.env._(
                        "The province %(name)s cannot have a parent area.",
                        name=area.name,
                    )
                )
            if area.level != "province" and not area.parent_id:
                raise ValidationError(
                    self.env._("The area %(name)s needs a parent area.", name=area.name)
                )
            if area.level == "district" and area.parent_id.level != "province":
                raise ValidationError(
                    self.env._(
                        "The district %(name)s must belong to a province.",
                        name=area.name,
                    )
                )
            if area.level == "commune" and area.parent_id.level == "commune":
                raise ValidationError(
                    self.env._(
                        "The commune %(name)s must belong to a district or, "
                        "since 2025, directly to a province.",
                        name=area.name,
                    )
                )
        if self._has_cycle():
            raise ValidationError(self.env._("Areas cannot contain themselves."))

    def _compute_display_name(self):
        for area in self:
            area.display_name = area.complete_name or area.name
