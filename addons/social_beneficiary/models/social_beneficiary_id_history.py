from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .social_tools import clean_citizen_id


class SocialBeneficiaryIdHistory(models.Model):
    """Former identity numbers, to match lists kept before the CCCD.

    The rows are evidence: an officer records a former number (an old ID card),
    and the suite records every replaced citizen ID by itself (``source`` =
    ``change``). Nobody edits or deletes a row afterwards, administrators
    included; the rows go only with the person they belong to.
    """

    _name = "social.beneficiary.id.history"
    _description = "Former ID Number"
    _inherit = ["social.workflow.mixin"]
    _order = "date_to desc, id desc"
    _rec_name = "id_number"
    _workflow_fields = frozenset({"source"})

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
    source = fields.Selection(
        [("manual", "Entered by an officer"), ("change", "Citizen ID changed")],
        required=True,
        default="manual",
        readonly=True,
        help="A replaced citizen ID is kept here by the registry itself.",
    )

    @api.constrains("id_type", "id_number")
    def _check_id_number(self):
        for record in self:
            number = record.id_number.strip()
            digits = number.isascii() and number.isdigit()
            if record.id_type == "cmnd9" and not (len(number) == 9 and digits):
                raise ValidationError(
                    self.env._(
                        "The old ID card number %(number)s must have 9 digits.",
                        number=record.id_number,
                    )
                )
            if record.id_type in ("cmnd12", "cccd") and not (
                len(number) == 12 and digits
            ):
                raise ValidationError(
                    self.env._(
                        "The ID number %(number)s must have 12 digits.",
                        number=record.id_number,
                    )
                )

    @api.model
    def _normalize_vals(self, vals):
        """The number as kept: cleaned as a citizen ID is (also for the rows a
        list import writes in bulk)."""
        if isinstance(vals.get("id_number"), str):
            return dict(vals, id_number=clean_citizen_id(vals["id_number"]))
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._normalize_vals(vals) for vals in vals_list]
        records = super().create(vals_list)
        for record in records.filtered(lambda r: r.source == "manual"):
            record.partner_id._message_log(
                body=self.env._(
                    "Former ID number recorded: %(number)s.", number=record.id_number
                )
            )
        return records

    def write(self, vals):
        if not self._in_workflow():
            raise UserError(
                self.env._(
                    "A former ID number is kept as recorded: it cannot be changed. "
                    "Record the right number as a new line."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        # the rows go with their person (ondelete cascade in the database)
        if not self._in_workflow():
            raise UserError(
                self.env._(
                    "A former ID number is kept as recorded: it cannot be deleted."
                )
            )
