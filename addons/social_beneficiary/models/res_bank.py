from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResBank(models.Model):
    _inherit = "res.bank"

    napas_bin = fields.Char(
        string="NAPAS BIN",
        size=6,
        index=True,
        help="Six-digit bank identification number used by NAPAS and VietQR.",
    )
    social_kind = fields.Selection(
        [("bank", "Bank"), ("ewallet", "E-wallet / Mobile Money")],
        string="Kind",
        default="bank",
    )

    _sql_constraints = [
        ("napas_bin_uniq", "unique(napas_bin)", "The NAPAS BIN must be unique."),
    ]

    @api.constrains("napas_bin")
    def _check_napas_bin(self):
        for bank in self:
            if bank.napas_bin and not (
                len(bank.napas_bin) == 6 and bank.napas_bin.isdigit()
            ):
                raise ValidationError(
                    self.env._(
                        "The NAPAS BIN of %(bank)s must have exactly 6 digits.",
                        bank=bank.name,
                    )
                )
