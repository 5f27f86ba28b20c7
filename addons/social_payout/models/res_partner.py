# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # A person paid a one-off payment (the organiser of a funeral) takes the
    # areas of the beneficiaries it pays for: see the record rules.
    social_one_off_payee_ids = fields.One2many(
        "social.one.off.payment", "payee_id", string="One-off Payments Received"
    )
