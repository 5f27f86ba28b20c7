# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import RedirectWarning, UserError

from .res_company import PAYOUT_CURRENCY


class SocialAccountingMixin(models.AbstractModel):
    """The one door through which the suite's entries reach the books.

    Every entry (the transfer to the provider, the settlement of what it paid,
    its fee, the budget revenue, a refund) is built by a ``_prepare_*_move_vals``
    hook and posted by ``_social_post_moves``, so a paying unit with other
    accounts or another layout overrides one method. The accounts come from
    the company's settings, checked in one place (``_social_settings_problems``).
    """

    _name = "social.accounting.mixin"
    _description = "Social Payout Accounting"

    # ------------------------------------------------------------ settings

    def _social_setting_labels(self):
        return {
            "journal": self.env._("payout journal"),
            "funding": self.env._("treasury funding account"),
            "clearing": self.env._("provider clearing account"),
            "expense": self.env._("allowance expense account"),
            "fee": self.env._("fee expense account"),
            "fee_payable": self.env._("fee payable account"),
            "refund": self.env._("account receiving refunds"),
        }

    def _social_accounts(self, company, provider):
        """Where each entry goes, by role: the company's settings, the
        provider's own clearing and fee payable accounts first."""
        return {
            "journal": company.social_payout_journal_id,
            "funding": company.social_funding_account_id,
            "clearing": provider._get_clearing_account(),
            "expense": company.social_expense_account_id,
            "fee": company.social_fee_account_id,
            "fee_payable": provider._get_fee_payable_account(),
            "refund": company.social_bank_account_id
            or company.social_funding_account_id,
            "revenue": company.social_revenue_account_id,
            "revenue_counterpart": company.social_revenue_counterpart_account_id,
        }

    def _social_settings_problems(self, document, company, provider, roles):
        """What the settings lack for the entries of ``document`` (its name),
        one whole sentence per problem; ``roles`` are keys of
        ``_social_accounts``."""
        accounts = self._social_accounts(company, provider)
        labels = self._social_setting_labels()
        problems = [
            self.env._(
                "%(document)s: set the %(setting)s in the settings.",
                document=document,
                setting=labels[role],
            )
            for role in roles
            if not accounts[role]
        ]
        if company.currency_id.name != PAYOUT_CURRENCY:
            problems.append(
                self.env._(
                    "%(document)s: the books of %(company)s are kept in "
                    "%(currency)s, but allowances are paid in Vietnamese đồng "
                    "(VND).",
                    document=document,
                    company=company.name,
                    currency=company.currency_id.name,
                )
            )
        clearing = accounts["clearing"]
        if "clearing" in roles and clearing and not clearing.reconcile:
            problems.append(
                self.env._(
                    "%(document)s: the provider clearing account %(account)s "
                    "must allow reconciliation.",
                    document=document,
                    account=clearing.display_name,
                )
            )
        return problems

    def _social_raise_problems(self, problems, settings_problems=()):
        """One message for every problem; when only the settings are wrong,
        a button takes whoever may change them to the settings."""
        problems = list(settings_problems) + list(problems)
        if not problems:
            return
        message = "\n".join(problems)
        if settings_problems and len(problems) == len(settings_problems):
            action = self.env.ref(
                "social_payout.social_payout_config_settings_action", False
            )
            if action and self.env.user.has_group("base.group_system"):
                raise RedirectWarning(
                    message, action.id, self.env._("Open the settings")
                )
        raise UserError(message)

    # --------------------------------------------------------------- entries

    def _prepare_move_vals(self, company, ref, date, lines):
        return {
            "move_type": "entry",
            "journal_id": company.social_payout_journal_id.id,
            "company_id": company.id,
            "date": date,
            "ref": ref,
            "line_ids": [Command.create(vals) for vals in lines],
        }

    def _prepare_grouped_move_vals(self, company, ref, date, debit_lines, credit_vals):
        """Debit lines per commune and method, one credit line with the total
        (``credit_vals`` without its amount)."""
        debit_lines = [vals for vals in debit_lines if vals["debit"]]
        total = sum(vals["debit"] for vals in debit_lines)
        lines = [dict(vals, credit=0.0) for vals in debit_lines]
        lines.append(dict(credit_vals, debit=0.0, credit=total))
        return self._prepare_move_vals(company, ref, date, lines)

    def _social_post_moves(self, company, vals_list):
        """Create and post the entries as the suite (whoever clicked may not
        hold accounting rights; the journal hashes what is posted)."""
        Move = self.env["account.move"].sudo().with_company(company)
        moves = Move.create(vals_list) if vals_list else Move
        moves.action_post()
        return moves

    def _social_today(self):
        return fields.Date.context_today(self)
