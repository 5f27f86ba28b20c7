# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Posted entries of the suite are never edited, reset or cancelled: corrections
reverse them (DESIGN §5). The payout journal also secures its posted entries with
a hash; these guards hold whatever the journal's setting, for every user
including administrators."""

from odoo import SUPERUSER_ID, models
from odoo.exceptions import UserError

# fields of a posted entry that would change what was booked
PROTECTED_MOVE_FIELDS = frozenset(
    {
        "line_ids",
        "invoice_line_ids",
        "date",
        "journal_id",
        "partner_id",
        "ref",
        "name",
        "company_id",
        "currency_id",
    }
)
PROTECTED_LINE_FIELDS = frozenset(
    {
        "move_id",
        "account_id",
        "partner_id",
        "name",
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "currency_id",
        "date",
    }
)


class AccountMove(models.Model):
    _inherit = "account.move"

    def _social_is_protected_move(self):
        """The moves of ``self`` the suite protects: the transfer entries of
        payout batches and their reversals. A hook: social_reconciliation adds
        its settlement entries (``return super()... | theirs``)."""
        if not self.ids:
            return self.browse()
        batches = (
            self.env["social.payout.batch"]
            .sudo()
            .search(
                [
                    "|",
                    ("transfer_move_id", "in", self.ids),
                    ("reversal_move_id", "in", self.ids),
                ]
            )
        )
        ids = set((batches.transfer_move_id | batches.reversal_move_id).ids)
        return self.filtered(lambda move: move.id in ids)

    def _social_refuse_protected(self, moves):
        raise UserError(
            self.env._(
                "The entry %(move)s belongs to a social allowance payout: a posted "
                "entry is never reset to draft, cancelled, changed or deleted. "
                "Correct it by a reversal (Reverse Transfer on the batch).",
                move=moves[0].name,
            )
        )

    def _hash_moves(self, **kwargs):
        # The suite posts its entries in sudo for users without accounting
        # rights (the finance office of the paying agency). Odoo's hashing
        # leaves sudo (``sudo(False)``) and would then refuse to write the hash:
        # in sudo mode already, hashing as the superuser grants nothing more.
        if self.env.su and self.env.uid != SUPERUSER_ID:
            return super(AccountMove, self.with_user(SUPERUSER_ID))._hash_moves(
                **kwargs
            )
        return super()._hash_moves(**kwargs)

    def _reverse_moves(self, default_values_list=None, cancel=False):
        # Odoo's reversal wizard would square the books behind the batch's back
        # (still "transferred"): the batch's own action reverses its entry.
        protected = self._social_is_protected_move()
        if protected and not self.env["social.payout.batch"]._in_workflow():
            raise UserError(
                self.env._(
                    "The entry %(move)s is reversed from its payout batch only "
                    "(Reverse Transfer), so that the batch and the books agree.",
                    move=protected[0].name,
                )
            )
        return super()._reverse_moves(
            default_values_list=default_values_list, cancel=cancel
        )

    def button_draft(self):
        protected = self._social_is_protected_move()
        if protected:
            self._social_refuse_protected(protected)
        return super().button_draft()

    def button_cancel(self):
        protected = self._social_is_protected_move()
        if protected:
            self._social_refuse_protected(protected)
        return super().button_cancel()

    def write(self, vals):
        leaves_posted = "state" in vals and vals["state"] != "posted"
        if leaves_posted or PROTECTED_MOVE_FIELDS & vals.keys():
            protected = self._social_is_protected_move().filtered(
                lambda m: m.state == "posted"
            )
            if protected:
                # who may not write entries at all is told so first
                self.check_access("write")
                self._social_refuse_protected(protected)
        return super().write(vals)

    def unlink(self):
        # before Odoo's own checks, so the message says what to do instead
        protected = self._social_is_protected_move()
        if protected:
            self._social_refuse_protected(protected)
        return super().unlink()


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def write(self, vals):
        if PROTECTED_LINE_FIELDS & vals.keys():
            moves = self.move_id.filtered(lambda m: m.state == "posted")
            protected = moves._social_is_protected_move()
            if protected:
                self.check_access("write")
                protected._social_refuse_protected(protected)
        return super().write(vals)

    def unlink(self):
        protected = self.move_id._social_is_protected_move()
        if protected:
            protected._social_refuse_protected(protected)
        return super().unlink()
