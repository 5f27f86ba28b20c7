# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialProgram(models.Model):
    _inherit = "social.program"

    max_fee_percent = fields.Float(
        string="Maximum Provider Fee (%)",
        digits=(16, 4),
        help="The highest fee percent a provider may charge on this program's "
        "payments (0: no cap). People with meritorious services: 0.75 % "
        "(Thông tư 44/2022).",
    )

    @api.constrains("max_fee_percent")
    def _check_max_fee_percent(self):
        for program in self:
            if program.max_fee_percent < 0:
                raise ValidationError(
                    self.env._("A maximum fee percent cannot be negative.")
                )
        self.env["social.payout.batch"].search(
            [
                ("program_id", "in", self.ids),
                ("state", "in", ("draft", "submitted", "approved")),
            ]
        )._check_fee_cap()
