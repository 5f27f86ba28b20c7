"""Suspension and resumption by the chairman's decision, and moves between
communes: what the registry records, what it makes due, who may do it."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialBeneficiaryCommon

AUG, SEP, OCT, NOV, DEC = (date(2024, month, 1) for month in (8, 9, 10, 11, 12))
# BTXH from 1/7/2024: 500,000 x 1.0 (aged 80 and over, k5c)
MONTHLY = 500000
BENEFICIARY_FORM = "social_beneficiary.res_partner_view_form_beneficiary"


@tagged("post_install", "-at_install")
class TestSuspensionAndMove(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Allowance = cls.env["social.allowance"]
        cls.allowance = cls._allowance(cls.ben_a, "k5c", date(2024, 1, 1))

    def _amounts(self, month_from, month_to, **kw):
        """The SQL computation, checked against its Python twin."""
        sql = self.Allowance._get_monthly_amounts(self.btxh, month_from, month_to, **kw)
        python = self.Allowance._get_monthly_amounts_python(
            self.btxh, month_from, month_to, **kw
        )
        self.assertEqual(sql, python, "SQL and Python amounts differ")
        return sql

    def _months_due(self, partner=None, **kw):
        partner = partner or self.ben_a
        if "area_ids" not in kw:
            kw["partner_ids"] = partner.ids
        return {
            month: amount
            for (pid, month), amount in self._amounts(AUG, DEC, **kw).items()
            if pid == partner.id
        }

    def _decide(self, mode, allowance=None, user=None, **values):
        form = Form(
            self.env["social.allowance.decision.wizard"]
            .with_user(user or self.officer_a)
            .with_context(
                default_allowance_ids=(allowance or self.allowance).ids,
                default_mode=mode,
            )
        )
        form.decision_signer = "Nguyễn Văn Chủ tịch"
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().action_apply()

    def _suspend(self, allowance=None):
        self._decide(
            "suspend",
            allowance=allowance,
            decision_ref="21/QĐ-UBND",
            decision_date=date(2024, 8, 20),
            reason="absent",
            month_from=SEP,
        )

    # ------------------------------------------------------------ suspension
    def test_suspension_and_resumption_with_back_pay(self):
        self._suspend()
        self.assertEqual(self.allowance.state, "suspended")
        period = self.allowance.suspension_ids
        self.assertEqual(
            (period.state, period.month_from, period.decision_ref),
            ("suspended", SEP, "21/QĐ-UBND"),
        )
        self.assertEqual(period.decision_signer, "Nguyễn Văn Chủ tịch")
        self.assertEqual(period.recorded_by_id, self.officer_a)
        # August is due, the months from September are not
        self.assertEqual(self._months_due(), {AUG: MONTHLY})
        self.assertIn(
            "Suspended from 09/2024 by decision 21/QĐ-UBND",
            " ".join(self.allowance.message_ids.mapped("body")),
        )
        self._decide(
            "resume",
            decision_ref="30/QĐ-UBND",
            decision_date=date(2024, 11, 5),
            resume_month=NOV,
            back_pay=True,
        )
        self.assertEqual(self.allowance.state, "active")
        self.assertEqual(
            (period.state, period.month_to, period.back_pay),
            ("resumed", OCT, True),
        )
        # with back pay, the stopped months are due again
        self.assertEqual(
            self._months_due(), dict.fromkeys((AUG, SEP, OCT, NOV, DEC), MONTHLY)
        )
        self.assertIn(
            "the stopped months 09/2024 - 10/2024 are paid back",
            " ".join(self.allowance.message_ids.mapped("body")),
        )

    def test_resumption_without_back_pay(self):
        self._suspend()
        self._decide(
            "resume",
            decision_ref="31/QĐ-UBND",
            decision_date=date(2024, 10, 28),
            resume_month=NOV,
        )
        self.assertEqual(self._months_due(), {AUG: MONTHLY, NOV: MONTHLY, DEC: MONTHLY})
        # a second suspension is a second period of the history
        self._decide(
            "suspend",
            decision_ref="40/QĐ-UBND",
            decision_date=date(2024, 11, 20),
            reason="review",
            month_from=DEC,
        )
        self.assertEqual(len(self.allowance.suspension_ids), 2)
        self.assertEqual(self._months_due(), {AUG: MONTHLY, NOV: MONTHLY})

    def test_refusals(self):
        # not an officer or manager: the approver reads, does not decide
        with self.assertRefusal(UserError, "Only a commune officer or a manager"):
            self.allowance.with_user(self.approver).action_suspend()
        # another commune's officer does not reach the decision
        with self.assertRaises(AccessError):
            self.allowance.with_user(self.officer_b).action_suspend()
        # the decision's number, date and signer are required
        wizard = (
            self.env["social.allowance.decision.wizard"]
            .with_user(self.officer_a)
            .create(
                {
                    "mode": "suspend",
                    "allowance_ids": self.allowance.ids,
                    "reason": "absent",
                    "month_from": SEP,
                }
            )
        )
        with self.assertRefusal(UserError, "Enter the number of the suspension") as cm:
            wizard.action_apply()
        self.assertIn("Enter the date of the suspension decision", str(cm.exception))
        self.assertIn("Enter who signed the suspension decision", str(cm.exception))
        # nothing to resume on an active decision
        with self.assertRefusal(UserError, "is not suspended: there is nothing"):
            self.allowance.with_user(self.officer_a).action_resume()
        wizard = (
            self.env["social.allowance.decision.wizard"]
            .with_user(self.officer_a)
            .create(
                {
                    "mode": "resume",
                    "allowance_ids": self.allowance.ids,
                    "decision_ref": "30/QĐ-UBND",
                    "decision_date": date(2024, 11, 5),
                    "decision_signer": "Chủ tịch",
                    "resume_month": NOV,
                }
            )
        )
        with self.assertRefusal(UserError, "is not suspended: there is nothing"):
            wizard.action_apply()
        self.assertEqual(self.allowance.state, "active")
        self.assertFalse(self.allowance.suspension_ids)

        self._suspend()
        period = self.allowance.suspension_ids
        # a suspended decision is resumed by a decision, not by Activate
        with self.assertRefusal(UserError, "record the chairman's resumption"):
            self.allowance.with_user(self.officer_a).action_activate()
        # resuming before the stop makes no sense
        with self.assertRefusal(UserError, "cannot resume from 08/2024, before"):
            self._decide(
                "resume",
                decision_ref="30/QĐ-UBND",
                decision_date=date(2024, 11, 5),
                resume_month=AUG,
            )
        # the history is written by the decisions only, also for the admin
        with self.assertRefusal(UserError, "recorded through the decision buttons"):
            period.write({"back_pay": True})
        with self.assertRefusal(UserError, "recorded through the decision buttons"):
            self.env["social.allowance.suspension"].create(
                {
                    "allowance_id": self.allowance.id,
                    "state": "resumed",
                    "reason": "other",
                    "month_from": SEP,
                }
            )
        with self.assertRaises(AccessError):
            period.with_user(self.officer_a).unlink()
        with self.assertRefusal(UserError, "change only through the buttons"):
            self.allowance.write({"state": "active"})
        self.assertEqual(self.allowance.state, "suspended")
        self.assertEqual(
            (period.state, period.back_pay, period.month_to),
            ("suspended", False, False),
        )
        self.assertEqual(len(self.allowance.suspension_ids), 1)

    def test_stop_for_uncollected_awaits_the_decision(self):
        self.allowance.sudo()._stop_payment_uncollected(SEP, 3, "test")
        period = self.allowance.suspension_ids
        self.assertEqual((period.state, period.reason), ("pending", "uncollected"))
        self.assertTrue(self.allowance.payment_stopped_pending)
        self.assertEqual(self._months_due(), {AUG: MONTHLY})
        # the chairman suspends: the pending period becomes the decided one
        wizard = Form(
            self.env["social.allowance.decision.wizard"]
            .with_user(self.officer_a)
            .with_context(
                default_allowance_ids=self.allowance.ids, default_mode="suspend"
            )
        )
        self.assertEqual(wizard.month_from, SEP)
        self.assertEqual(wizard.reason, "uncollected")
        wizard.decision_ref = "22/QĐ-UBND"
        wizard.decision_date = date(2024, 9, 15)
        wizard.decision_signer = "Chủ tịch"
        wizard.save().action_apply()
        self.assertEqual(period.state, "suspended")
        self.assertEqual(len(self.allowance.suspension_ids), 1)
        self.assertFalse(self.allowance.payment_stopped_pending)

    # ------------------------------------------------------------ moves
    def _move(self, user=None, **values):
        form = Form(
            self.env["social.beneficiary.move.wizard"]
            .with_user(user or self.officer_a)
            .with_context(default_partner_id=self.ben_a.id)
        )
        form.to_area_id = self.commune_b
        form.month = OCT
        form.decision_ref = "50/QĐ-UBND"
        form.decision_date = date(2024, 9, 10)
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().action_apply()

    def test_move_between_communes(self):
        self._move()
        self.assertEqual(self.ben_a.area_id, self.commune_b)
        move = self.ben_a.move_ids
        self.assertEqual(
            (move.from_area_id, move.to_area_id, move.month),
            (self.commune_a, self.commune_b, OCT),
        )
        # each commune is due the months the person lived there
        self.assertEqual(
            self._months_due(area_ids=self.commune_a.ids), {AUG: MONTHLY, SEP: MONTHLY}
        )
        self.assertEqual(
            self._months_due(area_ids=self.commune_b.ids),
            dict.fromkeys((OCT, NOV, DEC), MONTHLY),
        )
        # the new commune's officer sees the person; the old one sees the move
        self.assertTrue(self.ben_a.with_user(self.officer_b).has_access("read"))
        self.assertFalse(self.ben_a.with_user(self.officer_a).has_access("read"))
        self.assertEqual(
            self.env["social.beneficiary.move"]
            .with_user(self.officer_a)
            .search([("partner_id", "=", self.ben_a.id)]),
            move,
        )
        self.assertIn(
            "Moved from",
            " ".join(self.ben_a.message_ids.mapped("body")),
        )

    def test_move_refusals(self):
        with self.assertRefusal(UserError, "Only a commune officer or a manager"):
            self.ben_a.with_user(self.approver).action_move_commune()
        wizard = (
            self.env["social.beneficiary.move.wizard"]
            .with_user(self.officer_a)
            .create(
                {
                    "partner_id": self.ben_a.id,
                    "to_area_id": self.commune_a.id,
                    "month": OCT,
                    "decision_ref": " ",
                    "decision_date": date(2024, 9, 10),
                }
            )
        )
        with self.assertRefusal(UserError, "already lives in") as cm:
            wizard.action_apply()
        self.assertIn("Enter the number of the move's decision", str(cm.exception))
        self.assertEqual(self.ben_a.area_id, self.commune_a)
        self.assertFalse(self.ben_a.move_ids)
        # history is written by the move only
        with self.assertRefusal(UserError, "recorded through the Move button"):
            self.env["social.beneficiary.move"].create(
                {
                    "partner_id": self.ben_a.id,
                    "from_area_id": self.commune_a.id,
                    "to_area_id": self.commune_b.id,
                    "month": OCT,
                    "decision_ref": "X",
                    "decision_date": date(2024, 9, 10),
                }
            )
        self._move()
        # a later move starts after the last one
        with self.assertRefusal(UserError, "a new move starts after that month"):
            self._move(user=self.officer_b, to_area_id=self.commune_a, month=SEP)
        self.assertEqual(self.ben_a.area_id, self.commune_b)
        self.assertEqual(len(self.ben_a.move_ids), 1)

    def test_commune_changes_only_through_the_move(self):
        """A beneficiary already paid changes commune only through the move
        (its history says which commune pays which month): the form, the API
        with any context and even an administrator are refused; the move
        itself passes, and a newcomer without a decision in force can still be
        corrected."""
        officer = new_test_user(
            self.env,
            login="officer_two_communes",
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, (self.commune_a | self.commune_b).ids)],
        )
        with self.assertRefusal(UserError, "Move to Another Commune"):
            with Form(self.ben_a.with_user(officer), view=BENEFICIARY_FORM) as form:
                form.area_id = self.commune_b
        self.ben_a.invalidate_recordset()
        self.assertEqual(self.ben_a.area_id, self.commune_a)
        with self.assertRefusal(UserError, "Nguyễn Văn An is not changed by editing"):
            self.ben_a.with_user(officer).with_context(social_move=True).write(
                {"area_id": self.commune_b.id}
            )
        with self.assertRefusal(UserError, "Move to Another Commune"):
            self.ben_a.sudo().write({"area_id": self.commune_b.id})
        self.ben_a.invalidate_recordset()
        self.assertEqual(self.ben_a.area_id, self.commune_a)
        self.assertFalse(self.ben_a.move_ids)
        self.assertEqual(self._months_due(area_ids=self.commune_b.ids), {})
        # the move records its history and changes the commune
        self._move(user=officer)
        self.assertEqual(self.ben_a.area_id, self.commune_b)
        self.assertEqual(self.ben_a.move_ids.to_area_id, self.commune_b)
        # a newcomer whose decision is still a draft: a plain correction
        newcomer = self._beneficiary("Người mới đăng ký")
        draft = self._allowance(newcomer, "k5c", date(2024, 1, 1), state="draft")
        with Form(newcomer.with_user(officer), view=BENEFICIARY_FORM) as form:
            form.area_id = self.commune_b
        self.assertEqual(newcomer.area_id, self.commune_b)
        self.assertEqual(draft.area_id, self.commune_b)
        self.assertFalse(newcomer.move_ids)
