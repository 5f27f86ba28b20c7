# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    def _social_settlement_move_ids(self):
        move_ids = [move_id for move_id in self.ids if isinstance(move_id, int)]
        if not move_ids:
            return set()
        self.env["social.payout.reconciliation"].flush_model(["move_ids"])
        self.env.cr.execute(
            SQL(
                "SELECT move_id FROM social_payout_reconciliation_move_rel"
                " WHERE move_id = ANY(%s)",
                move_ids,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _social_is_protected_move(self):
        """social_payout protects the transfer entries; the settlement entries
        of reconciliations are protected the same way (never reset to draft,
        cancelled, changed or deleted: corrections reverse them)."""
        protected = super()._social_is_protected_move()
        settlement_ids = self._social_settlement_move_ids()
        return protected | self.filtered(lambda move: move.id in settlement_ids)

    def _social_refuse_protected(self, moves):
        settlement_ids = moves._social_settlement_move_ids()
        settlement = moves.filtered(lambda move: move.id in settlement_ids)
        if settlement:
            raise UserError(
                self.env._(
                    "The entry %(move)s is a settlement entry of a social allowance "
                    "payout: a posted entry is never reset to draft, cancelled, "
                    "changed or deleted. Correct it by a reversal entry.",
                    move=settlement[0].name,
                )
            )
        return super()._social_refuse_protected(moves)
