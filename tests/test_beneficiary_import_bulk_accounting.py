"""The bulk path of the beneficiary list import with the accounting installed.

``account`` and the modules it brings add stored computed fields to partners
and bank accounts (and its own note on each new account): the bulk path must
still write what ``create`` writes, column for column. The comparison of
social_beneficiary's test runs here again, in the database of all three addons.
"""

from odoo.tests import tagged

from odoo.addons.social_beneficiary.tests import test_beneficiary_import_bulk as bulk


@tagged("post_install", "-at_install")
class TestBeneficiaryImportBulkWithAccounting(bulk.TestBeneficiaryImportBulk):
    def test_accounting_is_installed(self):
        self.assertIn("account", self.env.registry._init_modules)
        self.assertIn("peppol_eas", self.env["res.partner"]._fields)
