# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The printed documents as the paying unit prints them: real PDFs made by
wkhtmltopdf, read back with pdftotext (their text must be selectable text, in
Vietnamese, with the unit's header and Vietnamese amounts)."""

import os
import shutil
import subprocess

from num2words import num2words

from odoo.tests import tagged

from .common import SocialPayoutCommon


def _ci():
    return os.environ.get("CI", "").lower() in ("1", "true")


@tagged("post_install", "-at_install")
class TestDocumentsPdf(SocialPayoutCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the documents print in Vietnamese: the language and the suite's terms
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "in", ("social_beneficiary", "social_payout"))]
        )._update_translations("vi_VN", overwrite=True)

    def setUp(self):
        super().setUp()
        missing = [
            tool
            for tool, ok in (
                (
                    "wkhtmltopdf",
                    self.env["ir.actions.report"].get_wkhtmltopdf_state() == "ok",
                ),
                ("pdftotext", bool(shutil.which("pdftotext"))),
            )
            if not ok
        ]
        if missing:
            message = (
                f"{', '.join(missing)} missing: the PDF documents cannot be "
                "checked (tools/ensure-wkhtmltopdf installs them)"
            )
            if _ci():
                self.fail(message)
            self.skipTest(message)

    def _pdf_text(self, report, batch, user):
        """The document as ``user`` prints it (the officer hands out cash and
        sends the change list; finance asks the treasury for the funds)."""
        pdf, file_type = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, batch.ids)
        )
        self.assertEqual(file_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return " ".join(text.split())

    def _assert_header(self, text):
        self.assertIn(" ".join(self.company.name.split()), text)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", text)
        for placeholder in ("YourCompany", "Your logo", "San Francisco"):
            self.assertNotIn(placeholder, text)

    def test_cash_list_pdf(self):
        text = self._pdf_text(
            "social_payout.action_report_cash_list", self.batch_june, self.officer
        )
        self._assert_header(text)
        self.assertIn("DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI BẰNG TIỀN MẶT", text)
        self.assertIn("Xã An", text)
        self.assertIn("Trần Văn Bình", text)
        self.assertIn("720.000", text)
        self.assertNotIn("720,000", text)
        self.assertIn("Ký nhận", text)  # the signature column
        self.assertNotIn("Nguyễn Thị An", text)  # paid by bank

    def test_transfer_request_pdf(self):
        batch = self.batch_july
        text = self._pdf_text(
            "social_payout.action_report_transfer_request", batch, self.finance
        )
        self._assert_header(text)
        self.assertIn("GIẤY ĐỀ NGHỊ CHUYỂN KINH PHÍ CHI TRẢ TRỢ CẤP XÃ HỘI", text)
        total = int(batch.transfer_amount)
        self.assertGreater(total, 999_999)
        self.assertIn(f"{total:,}".replace(",", "."), text)
        words = num2words(total, lang="vi")
        self.assertIn(f"{words[:1].upper()}{words[1:]} đồng", text)
        self.assertIn("Bằng chữ", text)
        for commune in ("Xã An", "Xã Bình"):
            self.assertIn(commune, text)

    def test_change_list_pdf(self):
        text = self._pdf_text(
            "social_payout.action_report_change_list", self.batch_july, self.officer
        )
        self._assert_header(text)
        self.assertIn("DANH SÁCH BIẾN ĐỘNG ĐỐI TƯỢNG HÀNG THÁNG", text)
        for name in ("Hoàng Văn Em", "Trần Văn Bình", "Lê Văn Cường"):
            self.assertIn(name, text)
        line = self._line(self.batch_july, self.late)
        self.assertIn(f"{int(line.amount):,}".replace(",", "."), text)
