# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.social_beneficiary.tools.locks import lock_rows_nowait
from odoo.addons.social_beneficiary.tools.money import format_vnd


class SocialPayoutReconciliation(models.Model):
    """Settlement: what the provider paid and its fee in the books, once."""

    _inherit = "social.payout.reconciliation"

    def _settlement_problems(self):
        """(settings problems, other problems) of this settlement."""
        self.ensure_one()
        name = self.display_name
        if self.state != "validated":
            return [], [
                self.env._(
                    "%(name)s: only a validated reconciliation can be settled.",
                    name=name,
                )
            ]
        roles = ["journal", "clearing", "expense", "fee"]
        if self.fee_amount:
            roles.append("fee_payable")
        if self.unpaid_policy == "refund" and self.amount_unpaid:
            roles.append("refund")
        settings = self._social_settings_problems(
            name, self.company_id, self.batch_id.provider_id, roles
        )
        problems = []
        transfer = self.batch_id.sudo().transfer_move_id
        if not transfer or transfer.state != "posted":
            problems.append(
                self.env._(
                    "%(name)s: the batch has no posted transfer entry.", name=name
                )
            )
        return settings, problems

    def action_settle(self):
        self._check_finance()
        # Settlement happens once: the row lock makes a second click (or a
        # second user) wait for nothing, and the state check after it refuses.
        self._workflow_lock()
        # The settlement reconciles every open clearing line of the provider:
        # two batches of one provider are not settled at the same moment.
        self._lock_providers()
        settings, problems = [], []
        for reconciliation in self:
            own_settings, own_problems = reconciliation._settlement_problems()
            settings += own_settings
            problems += own_problems
        self._social_raise_problems(problems, settings)
        for reconciliation in self:
            reconciliation._settle()
        return True

    def _lock_providers(self):
        providers = self.sudo().batch_id.provider_id
        if not providers:
            return
        if not lock_rows_nowait(providers, "no_key_update"):
            raise UserError(
                self.env._(
                    "Another settlement with %(provider)s is being booked right "
                    "now. Try again in a moment.",
                    provider=", ".join(providers.mapped("name")),
                )
            )

    def _settlement_groups(self):
        """Paid amount and fee per commune and method (one move line each)."""
        # The books take every line of the batch, not only the communes the
        # user serves.
        return (
            self.env["social.payout.result"]
            .sudo()
            ._read_group(
                [("reconciliation_id", "=", self.id), ("status", "=", "paid")],
                ["area_id", "method"],
                ["amount_paid:sum", "fee_amount:sum"],
            )
        )

    def _settle(self):
        self.ensure_one()
        company = self.company_id
        batch = self.batch_id
        provider_partner = batch.provider_id.partner_id
        clearing = batch.provider_id._get_clearing_account()
        groups = self._settlement_groups()
        total_paid = sum(amount for _area, _method, amount, _fee in groups)
        total_fee = sum(fee for _area, _method, _amount, fee in groups)
        unpaid = self.amount_unpaid
        moves_vals = []
        if total_paid:
            moves_vals.append(self._prepare_settlement_move_vals(groups))
        if total_fee:
            moves_vals.append(self._prepare_fee_move_vals(groups))
        accounts = self._social_accounts(company, batch.provider_id)
        if accounts["revenue"] and accounts["revenue_counterpart"]:
            if total_paid + total_fee:
                moves_vals.append(
                    self._prepare_revenue_move_vals(total_paid + total_fee)
                )
        if self.unpaid_policy == "refund" and unpaid:
            moves_vals.append(self._prepare_refund_move_vals(unpaid))
        moves = self._social_post_moves(company, moves_vals)
        # Every open clearing line of the provider: money carried over from an
        # earlier month was transferred with that month's batch, so this
        # settlement's payments also clear what is left open there.
        to_reconcile = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("account_id", "=", clearing.id),
                    ("partner_id", "=", provider_partner.id),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("company_id", "=", company.id),
                ]
            )
        )
        if to_reconcile.filtered("debit") and to_reconcile.filtered("credit"):
            to_reconcile.reconcile()
        self.sudo()._workflow_write(
            {
                "move_ids": [fields.Command.link(move.id) for move in moves],
                "state": "settled",
                "settled_date": fields.Datetime.now(),
                "settled_by_id": self.env.uid,
            }
        )
        batch._set_settled_by_reconciliation()
        self._message_log(
            body=self.env._(
                "Settled: %(paid)s paid, %(fee)s fee, %(unpaid)s unpaid (%(policy)s).",
                paid=format_vnd(self.env, total_paid, self.currency_id),
                fee=format_vnd(self.env, total_fee, self.currency_id),
                unpaid=format_vnd(self.env, unpaid, self.currency_id),
                policy=dict(
                    self._fields["unpaid_policy"]._description_selection(self.env)
                ).get(self.unpaid_policy),
            )
        )

    def _settlement_line_name(self, prefix, area, method):
        method_labels = dict(
            self.env["social.payout.result"]
            ._fields["method"]
            ._description_selection(self.env)
        )
        return self.env._(
            "%(prefix)s %(batch)s - %(commune)s - %(method)s",
            prefix=prefix,
            batch=self.batch_id.name,
            commune=area.name or "",
            method=method_labels.get(method, method or ""),
        )

    def _prepare_settlement_move_vals(self, groups):
        """What the provider actually paid: allowance expense per commune and
        method, against the provider's clearing account."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        prefix = self.env._("Allowances paid")
        return self._prepare_grouped_move_vals(
            self.company_id,
            self.env._("Settlement of %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": self._settlement_line_name(prefix, area, method),
                    "account_id": accounts["expense"].id,
                    "debit": amount,
                }
                for area, method, amount, _fee in groups
            ],
            {
                "name": self.env._(
                    "Allowances paid by the provider, %(batch)s", batch=batch.name
                ),
                "account_id": accounts["clearing"].id,
                "partner_id": batch.provider_id.partner_id.id,
            },
        )

    def _prepare_fee_move_vals(self, groups):
        """The provider's fee on what it paid: fee expense per commune and
        method, against the fee payable to the provider."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        prefix = self.env._("Provider fee")
        return self._prepare_grouped_move_vals(
            self.company_id,
            self.env._("Provider fee of %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": self._settlement_line_name(prefix, area, method),
                    "account_id": accounts["fee"].id,
                    "debit": fee,
                }
                for area, method, _amount, fee in groups
            ],
            {
                "name": self.env._("Provider fee payable, %(batch)s", batch=batch.name),
                "account_id": accounts["fee_payable"].id,
                "partner_id": batch.provider_id.partner_id.id,
            },
        )

    def _prepare_revenue_move_vals(self, amount):
        """The budget used, recognised as revenue (the optional pair)."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        return self._prepare_move_vals(
            self.company_id,
            self.env._("Budget revenue of %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": self.env._("Budget used, %(batch)s", batch=batch.name),
                    "account_id": accounts["revenue_counterpart"].id,
                    "debit": amount,
                    "credit": 0.0,
                },
                {
                    "name": self.env._("Budget revenue, %(batch)s", batch=batch.name),
                    "account_id": accounts["revenue"].id,
                    "debit": 0.0,
                    "credit": amount,
                },
            ],
        )

    def _prepare_refund_move_vals(self, amount):
        """Unpaid money the provider returns instead of carrying it over."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        name = self.env._("Unpaid allowances refunded, %(batch)s", batch=batch.name)
        return self._prepare_move_vals(
            self.company_id,
            self.env._("Refund of unpaid allowances, %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": name,
                    "account_id": accounts["refund"].id,
                    "debit": amount,
                    "credit": 0.0,
                },
                {
                    "name": name,
                    "account_id": accounts["clearing"].id,
                    "partner_id": batch.provider_id.partner_id.id,
                    "debit": 0.0,
                    "credit": amount,
                },
            ],
        )
