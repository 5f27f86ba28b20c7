from odoo import api, models


class SocialRepresentative(models.Model):
    _inherit = "social.representative"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_partner_readable(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_partner_readable([vals])
        return super().write(vals)

    @api.model
    def _check_partner_readable(self, vals_list):
        """A representative takes the areas of the beneficiary represented, so
        naming a contact of another area by its id would make that contact
        (name, phone, citizen ID, accounts) visible: the user must already be
        able to read the contact."""
        if self.env.su:
            return
        partner_ids = {
            vals["partner_id"] for vals in vals_list if vals.get("partner_id")
        }
        self.env["res.partner"].browse(partner_ids).check_access("read")
