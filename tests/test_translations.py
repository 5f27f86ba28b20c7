"""Every user-facing string of each addon has its Vietnamese translation.

The terms are read from the database the way Odoo exports a template, so a new
field label, menu, view text or message without a line in the addon's
i18n/vi.po fails here. The catalogue is read the way Odoo loads it
(``PoFileReader``: vi.po merged with the addon's .pot, whose entries win), so a
translation whose term is missing from the .pot, and which Odoo would therefore
drop as obsolete, fails too.
"""

import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import PoFileReader, TranslationModuleReader

ADDONS = Path(__file__).resolve().parent.parent / "addons"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]")
SUITE = ("social_beneficiary", "social_payout", "social_reconciliation")


@tagged("post_install", "-at_install")
class TestVietnameseTranslations(TransactionCase):
    def test_every_term_is_translated(self):
        for addon in SUITE:
            with self.subTest(addon=addon):
                translated = {
                    row["src"]
                    for row in PoFileReader(str(ADDONS / addon / "i18n" / "vi.po"))
                    if row["value"]
                }
                terms = {
                    source
                    for module, _kind, _name, _res_id, source, _value, _comments in (
                        TranslationModuleReader(self.env.cr, modules=[addon])
                    )
                    if module == addon and source
                }
                self.assertTrue(terms)
                missing = sorted(terms - translated)
                self.assertFalse(
                    missing,
                    f"{addon}/i18n/vi.po has no Vietnamese for: {missing[:20]}",
                )

    def test_translations_keep_their_placeholders(self):
        for addon in SUITE:
            catalog = polib.pofile(str(ADDONS / addon / "i18n" / "vi.po"))
            for entry in catalog:
                if not entry.msgstr:
                    continue
                with self.subTest(addon=addon, msgid=entry.msgid[:40]):
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                    )
