from odoo import api, fields, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    social_kind = fields.Selection(related="bank_id.social_kind", string="Kind")
    napas_bin = fields.Char(related="bank_id.napas_bin", string="NAPAS BIN")

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts:
            account._social_post_change(
                self.env._(
                    "Account added: %(account)s (%(bank)s).",
                    account=account.acc_number,
                    bank=account.bank_id.name or "-",
                )
            )
        return accounts

    def write(self, vals):
        tracked = {"acc_number", "bank_id", "partner_id", "active"}.intersection(vals)
        before = (
            {account.id: account.display_name for account in self} if tracked else {}
        )
        res = super().write(vals)
        for account in self.filtered(lambda a: a.id in before):
            account._social_post_change(
                self.env._(
                    "Account changed: %(old)s became %(new)s (%(bank)s).",
                    old=before[account.id],
                    new=account.display_name,
                    bank=account.bank_id.name or "-",
                )
            )
        return res

    def _social_post_change(self, body):
        """Log account changes on the beneficiaries it pays, for the audit trail."""
        partners = self.partner_id.filtered("is_beneficiary")
        partners |= (
            self.env["social.payment.registration"]
            .sudo()
            .search([("bank_account_id", "=", self.id)])
            .beneficiary_id
        )
        for partner in partners:
            # a log needs no e-mail address from the officer
            partner._message_log(body=body)
