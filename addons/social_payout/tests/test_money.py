# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts are numeric in PostgreSQL and whole đồng in Python: a province's
month adds up exactly, and whole amounts read back as floats (Odoo's cursor
turns numeric into float) are written and printed as integers."""

from datetime import date

from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.copy import copy_rows

from .common import SocialPayoutCommon

# DESIGN section 8: a province's month; DESIGN section 4: the NCC level from
# 1/7/2024 (2,789,000 VND). The fee is the bank rule of the common fixture:
# 0.5 % of 2,789,000 = 13,945 VND, between its minimum and maximum.
LINES = 300_000
LEVEL = 2_789_000
FEE = 13_945
TOTAL = 836_700_000_000  # 300,000 x 2,789,000
FEE_TOTAL = 4_183_500_000  # 300,000 x 13,945


class TestMoney(SocialPayoutCommon):
    def test_fee_of_the_level(self):
        """The expected fee above is the fee rule's, not a guess."""
        rule = self.provider.fee_rule_ids.filtered(lambda r: r.method == "bank")
        self.assertEqual(rule._compute_fee_amount(float(LEVEL)), FEE)

    def test_province_month_total_is_exact(self):
        batch = self._batch(date(2024, 9, 1))
        cr = self.env.cr
        cr.execute(
            SQL(
                "INSERT INTO res_partner (name, active, type, autopost_bills) "
                "SELECT 'Người nhận ' || g, TRUE, 'contact', 'ask' "
                "FROM generate_series(1, %s) g RETURNING id",
                LINES,
            )
        )
        partner_ids = [pid for (pid,) in cr.fetchall()]
        # PostgreSQL plans the foreign-key checks of the COPY below with the
        # table's size as it was last analysed: on a test database reused
        # run after run (bloated by the rows each run rolled back), this COPY
        # once ran for 25 minutes; analysed with the new rows, it takes seconds
        cr.execute("ANALYZE res_partner")
        # the amounts as Python holds them after reading a Monetary field or a
        # numeric column: floats
        rows = [
            (
                batch.id,
                batch.program_id.id,
                batch.period,
                f"T-{pid}",
                pid,
                pid,
                "bank",
                float(LEVEL),
                0.0,
                0.0,
                float(LEVEL),
                float(FEE),
                "continuing",
                "pending",
            )
            for pid in partner_ids
        ]
        copy_rows(
            cr,
            "social_payout_line",
            (
                "batch_id",
                "program_id",
                "period",
                "reference",
                "partner_id",
                "payee_id",
                "method",
                "regular_amount",
                "arrears_amount",
                "carry_over_amount",
                "amount",
                "fee_amount",
                "change_type",
                "state",
            ),
            rows,
        )
        self.env.invalidate_all()
        self.env.add_to_compute(batch._fields["amount_total"], batch)
        batch.flush_recordset()

        self.assertEqual(batch.line_count, LINES)
        self.assertEqual(batch.amount_total, TOTAL)
        self.assertEqual(batch.fee_total, FEE_TOTAL)
        self.assertEqual(batch.transfer_amount, TOTAL)
        self.assertEqual(batch.currency_id, self.env.ref("base.VND"))
        # stored exactly, whole đồng: no fraction, no float rounding
        cr.execute(
            SQL(
                "SELECT amount_total::text, fee_total::text, transfer_amount::text "
                "FROM social_payout_batch WHERE id = %s",
                batch.id,
            )
        )
        self.assertEqual(cr.fetchone(), (str(TOTAL), str(FEE_TOTAL), str(TOTAL)))
        cr.execute(
            SQL(
                "SELECT DISTINCT amount::text, fee_amount::text FROM "
                "social_payout_line WHERE batch_id = %s",
                batch.id,
            )
        )
        self.assertEqual(cr.fetchall(), [(str(LEVEL), str(FEE))])
        # the provider file prints the amount as an integer
        first = next(batch._iter_provider_file_rows(chunk_size=10))
        self.assertEqual(first[9], LEVEL)
        self.assertIs(type(first[9]), int)
