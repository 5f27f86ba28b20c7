# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
import re
from unittest.mock import patch

from openpyxl import load_workbook

from odoo.tests import tagged

from .common import SocialPayoutCommon

HEADERS = [
    "reference",
    "beneficiary_ref",
    "beneficiary",
    "citizen_id",
    "payee",
    "payee_citizen_id",
    "method",
    "bank_bin",
    "account_number",
    "amount",
    "commune",
]


@tagged("post_install", "-at_install")
class TestDocuments(SocialPayoutCommon):
    def test_provider_file_xlsx(self):
        batch = self.batch_july
        content, file_type = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_xlsx("social_payout.provider_file_xlsx", batch.ids, None)
        )
        self.assertEqual(file_type, "xlsx")
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0])[:2], ["Payment reference", "Beneficiary code"])
        self.assertEqual(list(rows[1]), HEADERS)
        data = rows[2:]
        self.assertEqual(len(data), len(batch.line_ids))
        self.assertEqual(sum(row[9] for row in data), batch.amount_total)
        by_ref = {row[0]: row for row in data}
        self.assertEqual(set(by_ref), set(batch.line_ids.mapped("reference")))
        late = self._line(batch, self.late)
        row = by_ref[late.reference]
        self.assertEqual(row[1], self.late.beneficiary_ref)
        self.assertEqual(row[2], "Hoàng Văn Em")
        self.assertEqual(row[3], "001060000005")  # kept as text, leading zeros
        self.assertEqual(row[6], "bank")
        self.assertEqual(row[7], "970436")
        self.assertEqual(row[8], "0011000000005")
        self.assertEqual(row[9], 2370000)
        self.assertEqual(row[10], "Xã Bình")

    def test_provider_file_xlsx_keeps_markup_as_text(self):
        """A name typed like the XLSX rich-text markup reaches the provider as
        typed: xlsxwriter alone would write it into the file unescaped."""
        name = "<r><t>Hoàng</t></r> & <b>Em</b>"
        self.late.sudo().name = name
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_xlsx("social_payout.provider_file_xlsx", self.batch_july.ids, None)
        )
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        line = self._line(self.batch_july, self.late)
        row = next(
            row
            for row in sheet.iter_rows(min_row=3, values_only=True)
            if row[0] == line.reference
        )
        self.assertEqual(row[2], name)
        self.assertEqual(row[9], line.amount)

    def test_provider_file_csv(self):
        batch = self.batch_june
        action = batch.with_user(self.officer).action_export_csv()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        raw = base64.b64decode(attachment.datas)
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        self.assertEqual(rows[0], HEADERS)
        self.assertEqual(len(rows) - 1, len(batch.line_ids))
        self.assertEqual(sum(int(r[9]) for r in rows[1:]), batch.amount_total)
        proxy_row = next(r for r in rows if r[2] == "Phạm Thị Dung")
        self.assertEqual(proxy_row[4], "Phạm Văn Giang")
        self.assertEqual(proxy_row[8], "0011000000009")

    def test_cash_list_report(self):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.officer)
            ._render_qweb_html(
                "social_payout.action_report_cash_list", self.batch_june.ids
            )[0]
            .decode()
        )
        self.assertIn("Trần Văn Bình", html)
        # the monetary widget groups as the document's language does (English
        # here: Vietnamese is not installed in this test) and adds the symbol
        self.assertIn('<span class="oe_currency_value">720,000</span>\u00a0₫', html)
        self.assertIn("Signature of the recipient", html)
        self.assertNotIn("Nguyễn Thị An", html)  # paid by bank, not in the cash list

    def test_transfer_request_report(self):
        """The treasury is asked for what the provider does not hold yet: the
        month's total less June's unpaid money, carried over to July."""
        june = self._transfer(self.batch_june)
        june_line = self._line(june, self.alive)
        june_line.sudo()._workflow_write({"state": "failed"})
        Batch = type(self.env["social.payout.batch"])

        def carry(batch, partner_ids):
            if self.alive.id in partner_ids:
                return {self.alive.id: (june_line.amount, [june_line.id])}
            return {}

        with patch.object(Batch, "_get_carry_over", carry):
            self.batch_july.with_user(self.officer).action_generate_lines()
        july = self.batch_july
        self.assertEqual(july.carry_over_total, 540000)
        self.assertEqual(july.transfer_amount, july.amount_total - 540000)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_qweb_html(
                "social_payout.action_report_transfer_request", july.ids
            )[0]
            .decode()
        )
        self.assertIn("REQUEST FOR TRANSFER", html)

        def vnd(amount):
            # the monetary widget, grouped as the document's language does
            # (English here: Vietnamese is not installed in this test)
            return f'<span class="oe_currency_value">{int(amount):,}</span>\u00a0₫'

        self.assertRegex(
            html,
            r"the amount of <strong[^>]*>"
            + re.escape(vnd(july.transfer_amount))
            + "</strong>",
        )
        self.assertIn(vnd(540000), html)
        self.assertNotIn(vnd(july.amount_total), html)

    def test_change_list_report(self):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.officer)
            ._render_qweb_html(
                "social_payout.action_report_change_list", self.batch_july.ids
            )[0]
            .decode()
        )
        for name in ("Hoàng Văn Em", "Trần Văn Bình", "Lê Văn Cường", "Nguyễn Thị An"):
            self.assertIn(name, html)
