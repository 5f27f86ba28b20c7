from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialBeneficiaryIdHistory(models.Model):
    """Former identity numbers, to match lists kept before the CCCD."""

    _name = "social.beneficiary.id.history"
    _description = "Former ID Number"
    _order = "date_to desc, id desc"
    _rec_name = "id_number"

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, ondelete="cascade", index=True
    )
    area_id = fields.Many2one(related="partner_id.area_id", store=True)
    id_type = fields.Selection(
        [
            ("cmnd9", "ID card (CMND, 9 digits)"),
            ("cmnd12", "ID card (CMND, 12 digits)"),
            ("cccd", "Citizen ID (CCCD)"),
            ("other", "Other document"),
        ],
        string="Document Type",
        required=True,
        default="cmnd9",
    )
    id_number = fields.Char(string="Number", required=True, index=True)
    date_from = fields.Date(string="Issued On")
    date_to = fields.Date(string="Replaced On")
    note = fields.Char()

    @api.constrains("id_type", "id_number")
    def _check_id_number(self):
        for record in self:
            number = record.id_number.strip()
            if record.id_type == "cmnd9" and not (
                len(number) == 9 and number.isdigit()
            ):
                raise ValidationError(
                    self.env._(
                        "The old ID card number %(number)s must have 9 digits.",
                        number=record.id_number,
                    )
                )
            if record.id_type in ("cmnd12", "cccd") and not (
                len(number) == 12 and number.isdigit()
            ):
                raise ValidationError(
                    self.env._(
                        "The ID number %(number)s must have 12 digits.",
                        number=record.id_number,
                    )
                )
