# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SocialPayoutCommon


@tagged("post_install", "-at_install")
class TestPayoutTour(HttpCase):
    def test_approve_and_transfer_tour(self):
        env = self.env
        env.company.action_social_create_suggested_accounts()
        area = env["social.area"].create(
            {"name": "Tỉnh Tour", "code": "TT99", "level": "province"}
        )
        district = env["social.area"].create(
            {
                "name": "Huyện Tour",
                "code": "TT991",
                "level": "district",
                "parent_id": area.id,
            }
        )
        commune = env["social.area"].create(
            {
                "name": "Xã Tour",
                "code": "TT99101",
                "level": "commune",
                "parent_id": district.id,
            }
        )
        group = "social_beneficiary.group_social_"

        def user(login, role):
            return new_test_user(
                env,
                login=login,
                groups=f"base.group_user,{group}{role}",
                social_area_ids=[Command.set(district.ids)],
            )

        officer = user("tour_officer", "commune_officer")
        user("tour_approver", "approver")
        user("tour_finance", "finance")
        partner = env["res.partner"].create(
            {"name": "Người Hưởng Tour", "is_beneficiary": True, "area_id": commune.id}
        )
        allowance = env["social.allowance"].create(
            {
                "partner_id": partner.id,
                "category_id": env.ref("social_beneficiary.category_btxh_k5a_60").id,
                "date_start": date(2024, 1, 1),
                "decision_ref": "QĐ-TOUR",
                "decision_date": date(2024, 1, 1),
            }
        )
        allowance.action_activate()
        provider = env["social.payout.provider"].create(
            {
                "name": "Tour Provider",
                "partner_id": env["res.partner"].create({"name": "Tour Provider"}).id,
                "fee_rule_ids": [
                    Command.create({"method": "cash_point", "percent": 0.8})
                ],
            }
        )
        batch = (
            env["social.payout.batch"]
            .with_user(officer)
            .create(
                {
                    "program_id": env.ref("social_beneficiary.program_btxh").id,
                    "period": date(2024, 8, 1),
                    "area_id": district.id,
                    "provider_id": provider.id,
                }
            )
        )
        batch.with_user(officer).action_generate_lines()
        batch.with_user(officer).action_submit()
        self.assertEqual(batch.amount_total, 750000)

        self.start_tour(
            f"/odoo/action-social_payout.social_payout_batch_action/{batch.id}",
            "social_payout_approve_tour",
            login="tour_approver",
        )
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "approved")
        self.start_tour(
            f"/odoo/action-social_payout.social_payout_batch_action/{batch.id}",
            "social_payout_transfer_tour",
            login="tour_finance",
        )
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "transferred")
        self.assertTrue(batch.transfer_move_id)


@tagged("post_install", "-at_install")
class TestRoleHomeTours(HttpCase, SocialPayoutCommon):
    """Each role logs in, lands on its own work (not on Discuss) and does its
    main step there."""

    def test_officer_lands_on_batches_to_prepare_generates_and_submits(self):
        batch = self._batch(date(2024, 8, 1), area=self.district_2)
        self.assertFalse(batch.line_count)
        self.start_tour(
            "/odoo", "social_payout_officer_home_tour", login=self.officer_other.login
        )
        self.assertTrue(batch.line_count)
        self.assertEqual(batch.generated_by, self.officer_other)
        self.assertEqual(batch.state, "submitted")
        self.assertEqual(batch.submitted_by, self.officer_other)

    def test_approver_lands_on_batches_to_approve_and_approves(self):
        self.batch_june.with_user(self.officer).action_submit()
        self.start_tour(
            "/odoo", "social_payout_approver_home_tour", login=self.approver.login
        )
        self.assertEqual(self.batch_june.state, "approved")
        self.assertEqual(self.batch_june.approved_by, self.approver)

    def test_finance_lands_on_batches_to_transfer_and_transfers(self):
        self.batch_june.with_user(self.officer).action_submit()
        self.batch_june.with_user(self.approver).action_approve()
        self.start_tour(
            "/odoo", "social_payout_finance_home_tour", login=self.finance.login
        )
        self.assertEqual(self.batch_june.state, "transferred")
        self.assertTrue(self.batch_june.transfer_move_id)
