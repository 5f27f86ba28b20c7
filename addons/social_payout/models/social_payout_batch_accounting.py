# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

TRANSFER_ACCOUNTS = ("journal", "funding", "clearing")


class SocialPayoutBatch(models.Model):
    """The transfer to the provider in the books (one grouped entry per batch,
    through ``social.accounting.mixin``)."""

    _name = "social.payout.batch"
    _inherit = ["social.payout.batch", "social.accounting.mixin"]

    def _transfer_document_name(self):
        return self.env._("Batch %(name)s", name=self.name)

    def _check_transfer_configuration(self):
        """(settings problems, other problems) of this batch's transfer."""
        self.ensure_one()
        settings = self._social_settings_problems(
            self._transfer_document_name(),
            self.company_id,
            self.provider_id,
            TRANSFER_ACCOUNTS,
        )
        problems = []
        if self.amount_total <= 0:
            problems.append(
                self.env._("Batch %(name)s has nothing to transfer.", name=self.name)
            )
        return settings, problems

    def _get_transfer_groups(self):
        """(commune, method, amount to transfer) per commune and method: the
        carried-over part of the lines is already with the provider."""
        self.ensure_one()
        return [
            (area, method, (amount or 0) - (carried or 0))
            for area, method, amount, carried in self.env["social.payout.line"]
            .sudo()
            ._read_group(
                [("batch_id", "=", self.id)],
                ["area_id", "method"],
                ["amount:sum", "carry_over_amount:sum"],
                order="area_id, method",
            )
        ]

    def _prepare_transfer_move_vals(self):
        """Debit the provider's clearing account per commune and method, credit
        the treasury funding with the total."""
        self.ensure_one()
        company = self.company_id
        provider = self.provider_id
        accounts = self._social_accounts(company, provider)
        method_labels = dict(
            self.env["social.payout.line"]
            ._fields["method"]
            ._description_selection(self.env)
        )
        debit_lines = [
            {
                "account_id": accounts["clearing"].id,
                "partner_id": provider.partner_id.id,
                "name": self.env._(
                    "%(batch)s - %(commune)s - %(method)s",
                    batch=self.name,
                    commune=area.display_name or "-",
                    method=method_labels.get(method, method),
                ),
                "debit": amount,
            }
            for area, method, amount in self._get_transfer_groups()
        ]
        credit = {
            "account_id": accounts["funding"].id,
            "name": self.env._(
                "%(batch)s - treasury funding %(month)s",
                batch=self.name,
                month=self._period_label(),
            ),
        }
        return self._prepare_grouped_move_vals(
            company,
            self.env._(
                "Transfer of payout batch %(batch)s to %(provider)s",
                batch=self.name,
                provider=provider.name,
            ),
            self.transfer_date or self._social_today(),
            debit_lines,
            credit,
        )

    def _create_transfer_move(self):
        self.ensure_one()
        return self._social_post_moves(
            self.company_id, [self._prepare_transfer_move_vals()]
        )
