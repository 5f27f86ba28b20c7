# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SocialPayoutCommon


@tagged("post_install", "-at_install")
class TestCompanyCurrency(SocialPayoutCommon):
    """The paying unit keeps its books in đồng: the batches' currency."""

    def test_company_books_in_vnd(self):
        main = self.env.ref("base.main_company")
        self.assertEqual(main.currency_id.name, "VND")
        self.assertEqual(main.country_id.code, "VN")
        # no placeholder company on the documents, no sample invoices
        self.assertNotIn("YourCompany", main.name)
        self.assertFalse(main.logo)
        self.assertFalse(
            self.env["account.move"].search_count(
                [("move_type", "!=", "entry")], limit=1
            ),
            "Odoo's sample invoices must not be in the demo",
        )

    def test_transfer_entry_in_vnd(self):
        batch = self.batch_june
        self._approve(batch)
        batch.with_user(self.finance).action_transfer()
        move = batch.transfer_move_id
        vnd = self.env.ref("base.VND")
        self.assertEqual(move.currency_id, vnd)
        self.assertEqual(move.company_currency_id, vnd)
        self.assertEqual(set(move.line_ids.currency_id), {vnd})
        self.assertEqual(move.amount_total, batch.amount_total)
        self.assertEqual(
            sum(move.line_ids.mapped("amount_currency")), 0, "balanced in đồng"
        )
        self.assertEqual(
            sorted(move.line_ids.mapped("balance")),
            sorted(move.line_ids.mapped("amount_currency")),
        )

    def test_settings_refuse_company_not_in_vnd(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        company = self.env["res.company"].create(
            {"name": "Đơn vị sổ USD", "currency_id": usd.id}
        )
        journal = self.env["account.journal"].create(
            {
                "name": "Chi trả",
                "code": "SPUS",
                "type": "general",
                "company_id": company.id,
            }
        )
        with (
            self.assertRaisesRegex(
                ValidationError, "paid in Vietnamese đồng \\(VND\\)"
            ),
            self.cr.savepoint(),
        ):
            company.write({"social_payout_journal_id": journal.id})
        company.invalidate_recordset()
        self.assertFalse(company.social_payout_journal_id)
        # a company set up in VND cannot move its books to another currency
        # while it pays allowances
        company.write({"currency_id": self.env.ref("base.VND").id})
        company.write({"social_payout_journal_id": journal.id})
        with (
            self.assertRaisesRegex(ValidationError, "kept in USD"),
            self.cr.savepoint(),
        ):
            company.write({"currency_id": usd.id})
        company.invalidate_recordset()
        self.assertEqual(company.currency_id.name, "VND")

    def test_transfer_refused_when_books_not_in_vnd(self):
        """Even when the currency was changed behind the ORM's back, the
        transfer is refused and nothing is booked."""
        batch = self.batch_june
        self._approve(batch)
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env.cr.execute(
            "UPDATE res_company SET currency_id = %s WHERE id = %s",
            (usd.id, self.company.id),
        )
        self.env.invalidate_all()
        moves = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(
            UserError, "kept in USD, but allowances are paid in Vietnamese đồng"
        ):
            batch.with_user(self.finance).action_transfer()
        self.assertEqual(batch.state, "approved")
        self.assertFalse(batch.transfer_move_id)
        self.assertEqual(self.env["account.move"].search_count([]), moves)

    def test_journal_name_follows_the_reader_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        company = self.env["res.company"].create(
            {"name": "Đơn vị chi trả mới", "currency_id": self.env.ref("base.VND").id}
        )
        company.action_social_create_suggested_accounts()
        journal = company.social_payout_journal_id
        self.assertEqual(
            journal.with_context(lang="vi_VN").name, "Chi trả trợ cấp xã hội"
        )
        self.assertEqual(
            journal.with_context(lang="en_US").name, "Social Allowance Payouts"
        )
