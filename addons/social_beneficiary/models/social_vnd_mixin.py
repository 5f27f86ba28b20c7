# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SocialVndMixin(models.AbstractModel):
    """Amounts of the registry, in đồng.

    The levels, tables and allowances of the registry belong to no paying unit
    (no ``company_id``): the law sets them in VND, whatever company reads them,
    and the payout settings refuse a paying unit whose books are not in VND.
    Their Monetary fields are expressed in VND; records that belong to a
    company (batches, lines, results) use the company's currency instead.
    """

    _name = "social.vnd.mixin"
    _description = "Amounts in Vietnamese đồng"

    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", string="Currency"
    )

    def _compute_currency_id(self):
        self.currency_id = self.env.ref("base.VND")
