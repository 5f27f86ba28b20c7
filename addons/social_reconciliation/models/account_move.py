# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    def _social_is_protected_move(self):
        """social_payout protects the transfer entries; the settlement entries
        of reconciliations are protected the same way (never reset to draft,
        cancelled, changed or deleted: corrections reverse them)."""
        parent = getattr(super(), "_social_is_protected_move", None)
        protected = parent() if parent else self.browse()
        move_ids = [move_id for move_id in self.ids if isinstance(move_id, int)]
        if not move_ids:
            return protected
        self.env["social.payout.reconciliation"].flush_model(["move_ids"])
        self.env.cr.execute(
            SQL(
                "SELECT move_id FROM social_payout_reconciliation_move_rel"
                " WHERE move_id = ANY(%s)",
                move_ids,
            )
        )
        settlement_ids = {row[0] for row in self.env.cr.fetchall()}
        return protected | self.filtered(lambda move: move.id in settlement_ids)
