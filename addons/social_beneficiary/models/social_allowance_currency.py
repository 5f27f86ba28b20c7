# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SocialAllowanceCurrency(models.Model):
    """The amount of an allowance is in đồng (social.vnd.mixin)."""

    _name = "social.allowance"
    _inherit = ["social.allowance", "social.vnd.mixin"]
