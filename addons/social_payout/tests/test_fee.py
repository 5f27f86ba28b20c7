# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialPayoutCommon


@tagged("post_install", "-at_install")
class TestFee(SocialPayoutCommon):
    def test_percent_rounded_half_up(self):
        rule = self.provider.fee_rule_ids.filtered(lambda r: r.method == "bank")
        rule.write({"min_amount": 0, "max_amount": 0})
        self.assertEqual(self.provider._compute_fee("bank", 100100), 501)  # 500.5
        self.assertEqual(self.provider._compute_fee("bank", 100300), 502)  # 501.5
        self.assertEqual(self.provider._compute_fee("bank", 100099), 500)  # 500.495
        self.assertEqual(self.provider._compute_fee("bank", 540000), 2700)

    def test_clamped_by_min_and_max(self):
        self.assertEqual(self.provider._compute_fee("bank", 100000), 1000)  # 500 -> min
        self.assertEqual(self.provider._compute_fee("bank", 10000000), 20000)  # max
        self.assertEqual(self.provider._compute_fee("cash_point", 720000), 5760)
        self.assertEqual(self.provider._compute_fee("cash_point", 0), 0)

    def test_no_rule_no_fee(self):
        self.provider.fee_rule_ids.filtered(lambda r: r.method == "ewallet").unlink()
        self.assertEqual(self.provider._compute_fee("ewallet", 750000), 0)
        self.assertNotIn("E-wallet", self.provider.served_methods)

    def test_rule_min_above_max_refused(self):
        rule = self.provider.fee_rule_ids.filtered(lambda r: r.method == "bank")
        with (
            self.assertRaisesRegex(
                ValidationError,
                "minimum fee 30,000\u00a0₫ is above the maximum fee 20,000\u00a0₫",
            ),
            self.cr.savepoint(),
        ):
            rule.min_amount = 30000
        rule.invalidate_recordset()
        self.assertEqual(rule.min_amount, 1000)

    def test_provider_form(self):
        # providers and their fees are configuration: the manager's
        manager = new_test_user(
            self.env,
            login="fee_manager",
            groups="base.group_user,social_beneficiary.group_social_manager",
        )
        form = Form(self.env["social.payout.provider"].with_user(manager))
        form.name = "Viettel Money"
        form.partner_id = self.provider_partner
        with form.fee_rule_ids.new() as rule:
            rule.method = "ewallet"
            rule.percent = 0.6
            rule.min_amount = 500
        provider = form.save()
        self.assertEqual(provider._compute_fee("ewallet", 750000), 4500)
        self.assertEqual(provider._get_served_methods(), {"ewallet"})
