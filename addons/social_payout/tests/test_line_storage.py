# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..models.social_payout_line import LINE_FILLFACTOR


@tagged("post_install", "-at_install")
class TestLineStorage(TransactionCase):
    def test_pages_keep_room_for_the_result_update(self):
        """The provider's result updates each line once; the table's pages
        keep half their room so that the update stays on the page and
        leaves the indexes alone (a HOT update)."""
        self.env.cr.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'social_payout_line'"
        )
        self.assertIn(f"fillfactor={LINE_FILLFACTOR}", self.env.cr.fetchone()[0])
        # none of the columns the result writes is indexed (else no HOT)
        self.env.cr.execute(
            """
            SELECT DISTINCT a.attname
              FROM pg_index i
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
             WHERE t.relname = 'social_payout_line'
            """
        )
        indexed = {row[0] for row in self.env.cr.fetchall()}
        result_columns = {
            "state",
            "paid_amount",
            "paid_date",
            "provider_ref",
            "failure_reason",
            "fee_amount",
            "write_uid",
            "write_date",
        }
        self.assertFalse(indexed & result_columns, indexed & result_columns)
