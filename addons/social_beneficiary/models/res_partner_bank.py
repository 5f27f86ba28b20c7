from odoo import api, fields, models


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    social_kind = fields.Selection(related="bank_id.social_kind", string="Kind")
    napas_bin = fields.Char(related="bank_id.napas_bin", string="NAPAS BIN")

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._social_post_changes(
            {
                account.id: self.env._(
                    "Account added: %(account)s (%(bank)s).",
                    account=account.acc_number,
                    bank=account.bank_id.name or "-",
                )
                for account in accounts
            }
        )
        return accounts

    def write(self, vals):
        tracked = {"acc_number", "bank_id", "partner_id", "active"}.intersection(vals)
        before = (
            {account.id: account.display_name for account in self} if tracked else {}
        )
        res = super().write(vals)
        self.filtered(lambda a: a.id in before)._social_post_changes(
            {
                account.id: self.env._(
                    "Account changed: %(old)s became %(new)s (%(bank)s).",
                    old=before[account.id],
                    new=account.display_name,
                    bank=account.bank_id.name or "-",
                )
                for account in self.filtered(lambda a: a.id in before)
            }
        )
        return res

    def _social_post_changes(self, bodies):
        """Log account changes on the beneficiaries they pay, for the audit trail.

        :param bodies: ``{account_id: text}``; each text goes to the holder when
            a beneficiary, and to every beneficiary a registration pays into the
            account, in one batch of notes for all the accounts.
        """
        if not self:
            return
        notes = {}
        for account in self:
            if account.partner_id.is_beneficiary:
                notes.setdefault(account.partner_id.id, []).append(bodies[account.id])
        registrations = (
            self.env["social.payment.registration"]
            .sudo()
            .search_fetch(
                [("bank_account_id", "in", self.ids)],
                ["bank_account_id", "beneficiary_id"],
            )
        )
        for registration in registrations:
            texts = notes.setdefault(registration.beneficiary_id.id, [])
            body = bodies[registration.bank_account_id.id]
            if body not in texts:
                texts.append(body)
        # one note per account and beneficiary, one batch per round of notes
        # (a log needs no e-mail address from the officer)
        while notes:
            batch = {partner_id: texts.pop(0) for partner_id, texts in notes.items()}
            self.env["res.partner"].browse(list(batch))._message_log_batch(batch)
            notes = {partner_id: texts for partner_id, texts in notes.items() if texts}
