# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import Form, tagged

from .common import SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestCarryOverAndSuspension(SocialReconciliationCommon):
    def _draft_batch(self, period):
        batch = (
            self.env["social.payout.batch"]
            .with_user(self.officer)
            .create(
                {
                    "program_id": self.program.id,
                    "period": period,
                    "area_id": self.district.id,
                    "provider_id": self.provider.id,
                }
            )
        )
        batch.action_generate_lines()
        return batch

    def test_carry_over_into_next_month_exactly_once(self):
        self._settle_month(self.batch, failed=self.binh)
        january = self._line(self.batch, self.binh)
        february = self._transferred_batch(self.FEB)
        line = self._line(february, self.binh)
        self.assertEqual(line.carry_over_amount, 1000000)
        self.assertEqual(line.regular_amount, 1000000)
        self.assertEqual(line.amount, 2000000)
        self.assertEqual(january.carried_to_line_id, line)
        # The paid beneficiaries carry nothing.
        self.assertEqual(self._line(february, self.an).carry_over_amount, 0)
        # March does not carry January again (February holds it).
        march = self._draft_batch(self.MAR)
        self.assertEqual(self._line(march, self.binh).carry_over_amount, 0)

    def test_regenerating_a_draft_batch_does_not_double_carry(self):
        self._settle_month(self.batch, failed=self.binh)
        february = self._draft_batch(self.FEB)
        february.action_generate_lines()
        line = self._line(february, self.binh)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.carry_over_amount, 1000000)
        self.assertEqual(self._line(self.batch, self.binh).carried_to_line_id, line)

    def test_cancelling_the_batch_frees_the_carry_over(self):
        self._settle_month(self.batch, failed=self.binh)
        february = self._draft_batch(self.FEB)
        february.with_user(self.officer).action_cancel(reason="Sai danh sách")
        january = self._line(self.batch, self.binh)
        self.assertFalse(january.carried_to_line_id)
        again = self._draft_batch(self.FEB)
        self.assertEqual(self._line(again, self.binh).carry_over_amount, 1000000)
        self.assertEqual(january.carried_to_line_id, self._line(again, self.binh))

    def test_refunded_money_is_not_carried(self):
        self._settle_month(self.batch, failed=self.binh, policy="refund")
        february = self._draft_batch(self.FEB)
        self.assertEqual(self._line(february, self.binh).carry_over_amount, 0)

    def test_unsettled_batch_is_not_carried(self):
        reconciliation = self._import(
            self.batch,
            self._csv(self._result_rows(self.batch, failed=self.binh)),
            "r.csv",
        )
        reconciliation.action_validate()
        february = self._draft_batch(self.FEB)
        self.assertEqual(self._line(february, self.binh).carry_over_amount, 0)

    def test_suspension_after_third_unpaid_month_and_resume(self):
        self._settle_month(self.batch, failed=self.binh)
        february = self._transferred_batch(self.FEB)
        self._settle_month(february, failed=self.binh)
        # Two months unpaid: not suspended yet.
        self.assertEqual(self.allowance_binh.state, "active")
        march = self._transferred_batch(self.MAR)
        self.assertEqual(self._line(march, self.binh).amount, 3000000)
        reconciliation = self._import(
            march, self._csv(self._result_rows(march, failed=self.binh)), "r.csv"
        )
        reconciliation.action_validate()
        self.assertEqual(self.allowance_binh.state, "suspended")
        # payment stops from April, awaiting the chairman's decision
        self.assertIn(
            "Payment stopped from 04/2025: not collected for 3 consecutive months",
            " ".join(self.allowance_binh.message_ids.mapped("body")),
        )
        period = self.allowance_binh.suspension_ids
        self.assertEqual(period.state, "pending")
        self.assertEqual(period.month_from, self.APR)
        activities = self.allowance_binh.activity_ids
        self.assertEqual(activities.user_id, self.officer | self.commune_officer)
        self.assertEqual(
            set(activities.mapped("summary")),
            {"Record the chairman's decision on the stopped payment"},
        )
        # Others paid: not suspended.
        self.assertEqual(self.allowance_an.state, "active")
        self.assertFalse(self.allowance_an.activity_ids)
        reconciliation.action_settle()

        # Suspended: April does not pay and keeps the unpaid money waiting.
        april = self._draft_batch(self.APR)
        self.assertFalse(self._line(april, self.binh))
        self.assertFalse(self._line(march, self.binh).carried_to_line_id)
        # The chairman decides to resume from April: April plus the three
        # unpaid months (no month was stopped before April)
        wizard = Form(
            self.env["social.allowance.decision.wizard"]
            .with_user(self.officer)
            .with_context(
                default_allowance_ids=self.allowance_binh.ids, default_mode="resume"
            )
        )
        wizard.decision_ref = "15/QĐ-UBND"
        wizard.decision_date = date(2025, 4, 3)
        wizard.decision_signer = "Nguyễn Văn Chủ tịch"
        wizard.resume_month = self.APR
        wizard.save().action_apply()
        self.assertEqual(self.allowance_binh.state, "active")
        self.assertEqual(period.state, "resumed")
        # the follow-up is done once the decision is in
        self.assertFalse(self.allowance_binh.activity_ids)
        april.action_generate_lines()
        line = self._line(april, self.binh)
        self.assertEqual(line.regular_amount, 1000000)
        self.assertEqual(line.carry_over_amount, 3000000)

    def test_no_stop_on_a_program_without_the_rule(self):
        """Only the programs whose rules stop payment after months uncollected
        stop it: the social pension and people with meritorious services have no
        such rule here; a manager may take it off a program too."""
        ref = self.env.ref
        self.assertEqual(
            ref("social_beneficiary.program_btxh").suspend_after_unpaid_months, 3
        )
        self.assertEqual(
            ref("social_beneficiary.program_ncc").suspend_after_unpaid_months, 0
        )
        self.assertEqual(
            ref("social_beneficiary.program_htxh").suspend_after_unpaid_months, 0
        )
        manager = self._user(f"rc{self.WORLD}_rule_manager", "manager", self.province)
        self.program.with_user(manager).suspend_after_unpaid_months = 0
        self._settle_month(self.batch, failed=self.binh)
        february = self._transferred_batch(self.FEB)
        self._settle_month(february, failed=self.binh)
        march = self._transferred_batch(self.MAR)
        self._settle_month(march, failed=self.binh)
        self.assertEqual(self.allowance_binh.state, "active")
        self.assertFalse(self.allowance_binh.suspension_ids)
        self.assertFalse(self.allowance_binh.activity_ids)
        # April pays the month and carries the three unpaid ones
        line = self._line(self._draft_batch(self.APR), self.binh)
        self.assertEqual(
            (line.regular_amount, line.carry_over_amount), (1000000, 3000000)
        )

    def test_two_unpaid_months_in_a_row_then_paid_no_suspension(self):
        self._settle_month(self.batch, failed=self.dung)
        february = self._transferred_batch(self.FEB)
        self._settle_month(february, failed=self.dung)
        march = self._transferred_batch(self.MAR)
        self._settle_month(march)
        self.assertEqual(self.allowance_dung.state, "active")
        self.assertEqual(self._line(march, self.dung).state, "paid")
        self.assertEqual(self._line(march, self.dung).paid_amount, 2250000)

    def test_follow_up_goes_to_the_commune_officer_then_the_manager(self):
        """The suspension follow-up is the commune officer's work: a manager
        serving the province gets it only where no officer serves the commune."""
        w = self.WORLD
        manager = self._user(f"rc{w}_fu_manager", "manager", self.province)
        Reconciliation = self.env["social.payout.reconciliation"]
        officers = Reconciliation._commune_officers(self.commune_a | self.commune_b)
        self.assertEqual(
            officers[self.commune_a.id], self.officer | self.commune_officer
        )
        self.assertNotIn(manager, officers[self.commune_b.id])
        # nobody but the manager serves commune B any more
        self.officer.social_area_ids = [(6, 0, self.commune_a.ids)]
        officers = Reconciliation._commune_officers(self.commune_a | self.commune_b)
        self.assertEqual(officers[self.commune_b.id], manager)
        self.assertNotIn(manager, officers[self.commune_a.id])
