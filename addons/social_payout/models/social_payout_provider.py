# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .social_payout_fee_rule import PAYMENT_METHODS


class SocialPayoutProvider(models.Model):
    _name = "social.payout.provider"
    _description = "Payout Service Provider"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        tracking=True,
        help="The provider as a partner: the clearing account is kept per "
        "this partner.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    contract_ref = fields.Char(string="Contract Reference", tracking=True)
    contract_date = fields.Date()
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Provider Bank Account",
        domain="[('partner_id', '=', partner_id)]",
        help="Account of the provider to which the treasury transfers the batch total.",
    )
    fee_rule_ids = fields.One2many(
        "social.payout.fee.rule", "provider_id", string="Fee Rules", copy=True
    )
    served_methods = fields.Char(
        compute="_compute_served_methods",
        help="The payment methods this provider serves: those with a fee rule.",
    )
    clearing_account_id = fields.Many2one(
        "account.account",
        string="Clearing Account",
        check_company=True,
        help="Leave empty to use the company's provider clearing account.",
    )
    fee_payable_account_id = fields.Many2one(
        "account.account",
        string="Fee Payable Account",
        check_company=True,
        help="Leave empty to use the company's fee payable account.",
    )
    note = fields.Html()

    @api.depends("fee_rule_ids.method")
    def _compute_served_methods(self):
        labels = dict(
            self.env["social.payout.fee.rule"]
            ._fields["method"]
            ._description_selection(self.env)
        )
        for provider in self:
            provider.served_methods = ", ".join(
                labels[m]
                for m, _label in PAYMENT_METHODS
                if m in provider.fee_rule_ids.mapped("method")
            )

    def _get_served_methods(self):
        self.ensure_one()
        return set(self.fee_rule_ids.mapped("method"))

    def _compute_fee(self, method, amount):
        """Fee owed to the provider for one payment of ``amount`` VND by ``method``
        (0 when the provider has no rule for that method)."""
        self.ensure_one()
        rule = self.fee_rule_ids.filtered(lambda r: r.method == method)[:1]
        return rule._compute_fee_amount(amount) if rule else 0

    def _get_clearing_account(self):
        self.ensure_one()
        return self.clearing_account_id or self.company_id.social_clearing_account_id

    def _get_fee_payable_account(self):
        self.ensure_one()
        return (
            self.fee_payable_account_id or self.company_id.social_fee_payable_account_id
        )
