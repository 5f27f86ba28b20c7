"""Suspension and resumption of an allowance by the commune chairman's decision.

The commune officer records the decisions (the chairman signs them on paper): a
suspension decision opens a period from the month payment stops; a resumption
decision closes it from the month payment resumes, and says whether the stopped
months are paid back. A program whose rules stop payment after some months not
collected (``social.program.suspend_after_unpaid_months``) opens a ``pending``
period by itself; the officer then records the chairman's decision either way.
No four-eyes step: as for the allowance decisions themselves, the officer records
a decision that is already signed, and the chatter keeps who did what.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .social_allowance import first_of_month

DECISION_GROUPS = (
    "social_beneficiary.group_social_commune_officer",
    "social_beneficiary.group_social_manager",
)


class SocialAllowance(models.Model):
    _inherit = "social.allowance"

    suspension_ids = fields.One2many(
        "social.allowance.suspension",
        "allowance_id",
        string="Suspensions",
        readonly=True,
    )
    open_suspension_id = fields.Many2one(
        "social.allowance.suspension",
        string="Current Suspension",
        compute="_compute_open_suspension_id",
    )
    payment_stopped_pending = fields.Boolean(
        string="Decision Awaited",
        compute="_compute_open_suspension_id",
        help="Payment stopped because the allowance was not collected: the "
        "chairman's decision (suspend or resume) is to be recorded.",
    )

    @api.depends("suspension_ids.state")
    def _compute_open_suspension_id(self):
        for allowance in self:
            period = allowance.suspension_ids.filtered(
                lambda s: s.state in ("pending", "suspended")
            )[:1]
            allowance.open_suspension_id = period
            allowance.payment_stopped_pending = period.state == "pending"

    def _is_month_due(self, month):
        """Python twin of the suspension part of ``_monthly_amounts_query``:
        no open period covers ``month`` and no resumption without back pay."""
        self.ensure_one()
        periods = self.sudo().suspension_ids
        if self.state == "suspended" and not periods.filtered(
            lambda s: s.state in ("pending", "suspended")
        ):
            return False
        for period in periods:
            if month < period.month_from:
                continue
            if period.state in ("pending", "suspended"):
                return False
            if not period.back_pay and month <= period.month_to:
                return False
        return True

    # ------------------------------------------------------------ helpers
    def _check_decision_role(self):
        if not any(self.env.user.has_group(group) for group in DECISION_GROUPS):
            raise UserError(
                self.env._(
                    "Only a commune officer or a manager records the suspension "
                    "and resumption decisions of an allowance."
                )
            )
        # the officer's communes: the record rules say which decisions are theirs
        self.check_access("write")

    def _decision_problems(self, ref, date, signer, kind):
        """The missing or implausible data of a ``suspend`` or ``resume``
        decision, each a whole sentence."""
        suspend = kind == "suspend"
        problems = []
        if not (ref or "").strip():
            problems.append(
                self.env._("Enter the number of the suspension decision.")
                if suspend
                else self.env._("Enter the number of the resumption decision.")
            )
        if not date:
            problems.append(
                self.env._("Enter the date of the suspension decision.")
                if suspend
                else self.env._("Enter the date of the resumption decision.")
            )
        elif fields.Date.to_date(date) > fields.Date.context_today(self):
            day = fields.Date.to_date(date).strftime("%d/%m/%Y")
            problems.append(
                self.env._(
                    "The suspension decision is dated %(date)s, in the future.",
                    date=day,
                )
                if suspend
                else self.env._(
                    "The resumption decision is dated %(date)s, in the future.",
                    date=day,
                )
            )
        if not (signer or "").strip():
            problems.append(
                self.env._("Enter who signed the suspension decision.")
                if suspend
                else self.env._("Enter who signed the resumption decision.")
            )
        return problems

    # ------------------------------------------------------------ buttons
    def action_suspend(self):
        """Open the form that records the chairman's suspension decision."""
        return self._open_decision_wizard("suspend")

    def action_resume(self):
        """Open the form that records the chairman's resumption decision."""
        return self._open_decision_wizard("resume")

    def _open_decision_wizard(self, mode):
        self._check_decision_role()
        self._raise_problems(
            self._suspend_state_problems()
            if mode == "suspend"
            else self._resume_state_problems()
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_beneficiary.social_allowance_decision_wizard_action"
        )
        action["context"] = {
            "default_allowance_ids": self.ids,
            "default_mode": mode,
        }
        return action

    def _suspend_state_problems(self):
        return [
            self.env._(
                "The decision %(ref)s is not active: only an active allowance, or "
                "one whose payment stopped awaiting the decision, can be suspended.",
                ref=allowance.decision_ref,
            )
            for allowance in self
            if allowance.state != "active"
            and allowance.open_suspension_id.state != "pending"
        ]

    def _resume_state_problems(self):
        return [
            self.env._(
                "The decision %(ref)s is not suspended: there is nothing to resume.",
                ref=allowance.decision_ref,
            )
            for allowance in self
            if allowance.state != "suspended" or not allowance.open_suspension_id
        ]

    # ------------------------------------------------------------ decisions
    def _suspend_by_decision(self, values):
        """Record a suspension decision: ``values`` holds ``decision_ref``,
        ``decision_date``, ``decision_signer``, ``reason``, ``note`` and
        ``month_from`` (any day of the first month not paid). A period that
        stopped payment pending the decision becomes the decided one."""
        self._check_decision_role()
        self._workflow_lock()
        problems = self._decision_problems(
            values.get("decision_ref"),
            values.get("decision_date"),
            values.get("decision_signer"),
            "suspend",
        )
        month_from = values.get("month_from")
        month_from = month_from and first_of_month(fields.Date.to_date(month_from))
        if not values.get("reason"):
            problems.append(self.env._("Choose the reason of the suspension."))
        problems += self._suspend_state_problems()
        for allowance in self:
            period = allowance.open_suspension_id
            if allowance.state != "active" and period.state != "pending":
                continue
            start = month_from or period.month_from
            if not start:
                problems.append(self.env._("Enter the month from which payment stops."))
            elif start < first_of_month(allowance.date_start) or (
                allowance.date_end and start > first_of_month(allowance.date_end)
            ):
                problems.append(
                    self.env._(
                        "The decision %(ref)s is paid from %(start)s%(end)s: payment "
                        "cannot stop from %(month)s.",
                        ref=allowance.decision_ref,
                        start=allowance.date_start.strftime("%m/%Y"),
                        end=(
                            allowance.date_end
                            and " - " + allowance.date_end.strftime("%m/%Y")
                        )
                        or "",
                        month=start.strftime("%m/%Y"),
                    )
                )
        self._raise_problems(problems)
        Suspension = self.env["social.allowance.suspension"].sudo()
        decision = {
            "state": "suspended",
            "reason": values["reason"],
            "note": values.get("note") or False,
            "decision_ref": values["decision_ref"].strip(),
            "decision_date": values["decision_date"],
            "decision_signer": values["decision_signer"].strip(),
            "recorded_by_id": self.env.uid,
        }
        for allowance in self:
            period = allowance.open_suspension_id
            start = month_from or period.month_from
            if period:
                period.sudo()._workflow_write(dict(decision, month_from=start))
            else:
                Suspension._workflow_create(
                    [dict(decision, allowance_id=allowance.id, month_from=start)]
                )
            if allowance.state != "suspended":
                allowance._workflow_write({"state": "suspended"})
            allowance._message_log(
                body=self.env._(
                    "Suspended from %(month)s by decision %(ref)s of %(date)s signed "
                    "by %(signer)s (recorded by %(user)s).",
                    month=start.strftime("%m/%Y"),
                    ref=decision["decision_ref"],
                    date=fields.Date.to_date(decision["decision_date"]).strftime(
                        "%d/%m/%Y"
                    ),
                    signer=decision["decision_signer"],
                    user=self.env.user.name,
                )
            )
            allowance._close_decision_activities()
        return True

    def _resume_by_decision(self, values):
        """Record a resumption decision: ``values`` holds
        ``resume_decision_ref``, ``resume_decision_date``,
        ``resume_decision_signer``, ``resume_month`` (any day of the first month
        paid again) and ``back_pay`` (the stopped months are paid back)."""
        self._check_decision_role()
        self._workflow_lock()
        problems = self._decision_problems(
            values.get("resume_decision_ref"),
            values.get("resume_decision_date"),
            values.get("resume_decision_signer"),
            "resume",
        )
        resume = values.get("resume_month")
        resume = resume and first_of_month(fields.Date.to_date(resume))
        if not resume:
            problems.append(self.env._("Enter the month from which payment resumes."))
        problems += self._resume_state_problems()
        for allowance in self:
            period = allowance.open_suspension_id
            if allowance.state != "suspended" or not period:
                continue
            if resume and resume < period.month_from:
                problems.append(
                    self.env._(
                        "Payment of the decision %(ref)s stopped from %(start)s: it "
                        "cannot resume from %(month)s, before.",
                        ref=allowance.decision_ref,
                        start=period.month_from.strftime("%m/%Y"),
                        month=resume.strftime("%m/%Y"),
                    )
                )
        self._raise_problems(problems)
        back_pay = bool(values.get("back_pay"))
        month_to = resume - relativedelta(months=1)
        for allowance in self:
            period = allowance.open_suspension_id
            period.sudo()._workflow_write(
                {
                    "state": "resumed",
                    "month_to": month_to,
                    "resume_decision_ref": values["resume_decision_ref"].strip(),
                    "resume_decision_date": values["resume_decision_date"],
                    "resume_decision_signer": values["resume_decision_signer"].strip(),
                    "back_pay": back_pay,
                    "resumed_by_id": self.env.uid,
                }
            )
            allowance._workflow_write({"state": "active"})
            stopped = (
                self.env._(
                    "the stopped months %(start)s - %(end)s are paid back once by "
                    "the next batch",
                    start=period.month_from.strftime("%m/%Y"),
                    end=month_to.strftime("%m/%Y"),
                )
                if back_pay and month_to >= period.month_from
                else self.env._("the stopped months are not paid")
            )
            allowance._message_log(
                body=self.env._(
                    "Payment resumes from %(month)s by decision %(ref)s of %(date)s "
                    "signed by %(signer)s (recorded by %(user)s); %(stopped)s.",
                    month=resume.strftime("%m/%Y"),
                    ref=period.resume_decision_ref,
                    date=period.resume_decision_date.strftime("%d/%m/%Y"),
                    signer=period.resume_decision_signer,
                    user=self.env.user.name,
                    stopped=stopped,
                )
            )
            allowance._close_decision_activities()
        return True

    def _stop_payment_uncollected(self, month_from, months, note):
        """Payment stops from ``month_from``: not collected for ``months``
        consecutive months. Called by the reconciliation (as superuser, the
        suite's own action); returns the allowances stopped now."""
        stopped = self.filtered(lambda a: a.state == "active")
        if not stopped:
            return stopped
        stopped._workflow_lock()
        self.env["social.allowance.suspension"].sudo()._workflow_create(
            [
                {
                    "allowance_id": allowance.id,
                    "state": "pending",
                    "reason": "uncollected",
                    "month_from": first_of_month(month_from),
                    "note": note,
                }
                for allowance in stopped
            ]
        )
        stopped._workflow_write({"state": "suspended"})
        for allowance in stopped:
            allowance._message_log(
                body=self.env._(
                    "Payment stopped from %(month)s: not collected for %(count)s "
                    "consecutive months. The chairman's decision (suspend, or "
                    "resume and whether the stopped months are paid) is to be "
                    "recorded.",
                    month=first_of_month(month_from).strftime("%m/%Y"),
                    count=months,
                )
            )
        return stopped

    def _close_decision_activities(self):
        """The follow-up of a stopped payment is done once a decision is in."""
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
            and a.summary
            and a.res_model == "social.allowance"
            and a.summary == self._decision_activity_summary(a.user_id)
        )
        activities.action_feedback(
            feedback=self.env._(
                "Decision recorded by %(user)s.", user=self.env.user.name
            )
        )

    def _decision_activity_summary(self, user):
        env = self.with_context(lang=user.lang or self.env.lang).env
        return env._("Record the chairman's decision on the stopped payment")
