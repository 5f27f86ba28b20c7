"""Arrears (truy lĩnh) of allowance decisions recorded after their start.

A decision that starts before the month it is signed pays the months in between
as arrears with the first batch after it; beyond a configurable number of months
(``social_beneficiary.arrears_months_limit``) an approver other than whoever
recorded the decision confirms them first.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.record_groups import distinct_records
from ..tools.settings import int_param
from .social_allowance import (
    ARREARS_LIMIT_PARAM,
    DEFAULT_ARREARS_LIMIT,
    first_of_month,
    months_between,
)


class SocialAllowance(models.Model):
    _inherit = "social.allowance"

    @api.depends("date_start", "decision_date")
    def _compute_arrears_months(self):
        for allowance in self:
            allowance.arrears_months = self._arrears_months_of(
                allowance.date_start, allowance.decision_date
            )

    @api.model
    def _arrears_months_of(self, date_start, decision_date):
        """Months a decision signed on ``decision_date`` pays back to ``date_start``."""
        if date_start and decision_date:
            return max(months_between(date_start, decision_date), 0)
        return 0

    @api.depends(
        "arrears_months", "arrears_confirmed_by_id", "arrears_confirmed_months"
    )
    def _compute_arrears_confirmed(self):
        for allowance in self:
            allowance.arrears_confirmed = bool(
                allowance.arrears_confirmed_by_id
                and allowance.arrears_months <= allowance.arrears_confirmed_months
            )

    @api.depends("arrears_months", "arrears_confirmed")
    def _compute_arrears_needs_confirmation(self):
        limit = self._arrears_months_limit()
        for allowance in self:
            allowance.arrears_needs_confirmation = (
                allowance.arrears_months > limit and not allowance.arrears_confirmed
            )

    @api.model
    def _arrears_months_limit(self):
        """Arrears months a decision may carry without an approver's confirmation.

        Set by the system parameter ``social_beneficiary.arrears_months_limit``
        (default 12); a value that is not a whole number counts as the default.
        """
        return int_param(self.env, ARREARS_LIMIT_PARAM, DEFAULT_ARREARS_LIMIT)

    @api.model
    def _sql_arrears_payable(self, alias="a"):
        """SQL condition: the arrears of allowance ``alias`` may be paid.

        The payout adds it to the query that pays arrears: arrears within the
        limit are paid, longer ones only once an approver confirmed them.
        """
        return SQL(
            "(%(months)s <= %(limit)s OR %(confirmed)s IS TRUE)",
            months=SQL.identifier(alias, "arrears_months"),
            limit=self._arrears_months_limit(),
            confirmed=SQL.identifier(alias, "arrears_confirmed"),
        )

    def _arrears_payable(self):
        """Python twin of ``_sql_arrears_payable`` for one decision."""
        self.ensure_one()
        return (
            self.arrears_months <= self._arrears_months_limit()
            or self.arrears_confirmed
        )

    @api.constrains("state", "date_start", "decision_date", "arrears_confirmed_months")
    def _check_arrears_confirmed(self):
        limit = self._arrears_months_limit()
        # the same outcome for the same state, months and confirmation
        for allowance in distinct_records(
            self, ["state", "arrears_months", "arrears_confirmed"]
        ):
            if (
                allowance.state != "draft"
                and allowance.arrears_months > limit
                and not allowance.arrears_confirmed
            ):
                raise ValidationError(allowance._arrears_problem(limit))

    def _arrears_problem(self, limit):
        return self.env._(
            "The decision %(ref)s pays %(months)s months of arrears (from "
            "%(start)s), more than %(limit)s: an approver must confirm the arrears "
            "first.",
            ref=self.decision_ref,
            months=self.arrears_months,
            start=self.date_start.strftime("%m/%Y"),
            limit=limit,
        )

    def action_confirm_arrears(self):
        """An approver confirms the arrears of decisions beyond the limit."""
        if not self.env.user.has_group("social_beneficiary.group_social_approver"):
            raise UserError(
                self.env._("Only an approver can confirm the arrears of a decision.")
            )
        self._workflow_lock()
        limit = self._arrears_months_limit()
        problems = [
            self.env._(
                "The decision %(ref)s has %(months)s months of arrears, within the "
                "limit of %(limit)s: it needs no confirmation.",
                ref=allowance.decision_ref,
                months=allowance.arrears_months,
                limit=limit,
            )
            for allowance in self
            if allowance.arrears_months <= limit
        ]
        problems += [
            self.env._(
                "The arrears of the decision %(ref)s are already confirmed.",
                ref=allowance.decision_ref,
            )
            for allowance in self
            if allowance.arrears_months > limit and allowance.arrears_confirmed
        ]
        # four eyes: whoever recorded the decision does not confirm its arrears
        problems += [
            self.env._(
                "You recorded the decision %(ref)s: another approver confirms its "
                "arrears.",
                ref=allowance.decision_ref,
            )
            for allowance in self
            if allowance.create_uid == self.env.user
        ]
        self._raise_problems(problems)
        # approvers read decisions but do not edit them: the confirmation is the
        # only thing they write, once the rules let them see the records
        self.check_access("read")
        today = fields.Date.context_today(self)
        for allowance in self:
            allowance.sudo()._workflow_write(
                {
                    "arrears_confirmed_by_id": self.env.user.id,
                    "arrears_confirmed_date": today,
                    "arrears_confirmed_months": allowance.arrears_months,
                }
            )
            allowance._message_log(
                body=self.env._(
                    "%(user)s confirmed %(months)s months of arrears, from %(start)s "
                    "to %(end)s.",
                    user=self.env.user.name,
                    months=allowance.arrears_months,
                    start=allowance.date_start.strftime("%m/%Y"),
                    end=(
                        first_of_month(allowance.decision_date)
                        - relativedelta(months=1)
                    ).strftime("%m/%Y"),
                )
            )
