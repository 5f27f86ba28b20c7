# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import BaseCase, tagged
from odoo.tools import file_path
from odoo.tools.translate import PoFileReader

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@tagged("post_install", "-at_install")
class TestTranslation(BaseCase):
    def _read(self, name):
        with open(file_path(f"social_payout/i18n/{name}"), "rb") as handle:
            return {
                (row["src"], row.get("value") or "") for row in PoFileReader(handle)
            }

    def test_vietnamese_complete(self):
        template = {src for src, _value in self._read("social_payout.pot")}
        translated = dict(self._read("vi.po"))
        self.assertEqual(template - set(translated), set(), "strings missing in vi.po")
        for src, value in translated.items():
            self.assertTrue(value, f"untranslated: {src!r}")
            self.assertEqual(
                sorted(PLACEHOLDER.findall(src)),
                sorted(PLACEHOLDER.findall(value)),
                f"placeholders differ: {src!r}",
            )
        self.assertEqual(
            translated[
                "Batch %(name)s was submitted by %(user)s: whoever submitted a "
                "batch cannot approve it."
            ],
            "Đợt chi %(name)s do %(user)s trình: người trình đợt chi không được "
            "tự duyệt.",
        )
