# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The batch follows the registry's suspension decisions.

A month inside a suspension period is not due (``_get_monthly_amounts`` says so):
no line, and the beneficiary paid last month is listed among the dropouts as
suspended. Once a resumption decision pays the stopped months back, the first
batch after it pays the months no batch paid, once, as arrears with the decision
on the line (``social.payout.line.month`` records them: a regeneration pays them
again in the same batch only, a later batch never). A month already paid as
arrears by another batch is not paid again by its own month's batch.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.sql_ids import sql_id_array


class SocialPayoutBatch(models.Model):
    _inherit = "social.payout.batch"

    def _get_arrears_windows(self, partner_filter_sql):
        windows = super()._get_arrears_windows(partner_filter_sql)
        last = self.period - relativedelta(months=1)
        for partner_id, start, end, _ref, _date in self._get_back_pay_periods(
            partner_filter_sql
        ):
            end = min(end, last)
            if start <= end:
                windows[partner_id].append((start, end))
        return windows

    def _get_back_pay_periods(self, partner_filter_sql, partner_ids=None):
        """Suspensions of the program resumed with back pay, as rows
        ``(partner_id, month_from, month_to, decision_ref, decision_date)``."""
        self.env["social.allowance.suspension"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.partner_id, s.month_from, s.month_to,
                       s.resume_decision_ref, s.resume_decision_date
                  FROM social_allowance_suspension s
                  JOIN social_allowance a ON a.id = s.allowance_id
                  JOIN res_partner p ON p.id = a.partner_id
                 WHERE s.state = 'resumed' AND s.back_pay
                   AND s.month_to >= s.month_from
                   AND s.month_from < %(period)s
                   AND a.program_id = %(program)s
                   AND %(partner_filter)s
                   %(partners)s
                 ORDER BY a.partner_id, s.month_from
                """,
                period=self.period,
                program=self.program_id.id,
                partner_filter=partner_filter_sql,
                partners=SQL("AND a.partner_id = ANY(%s)", sql_id_array(partner_ids))
                if partner_ids is not None
                else SQL(),
            )
        )
        return self.env.cr.fetchall()

    def _get_paid_elsewhere(self, partner_ids=None):
        """Also those whose month another batch already paid as arrears."""
        paid = super()._get_paid_elsewhere(partner_ids)
        self.env.cr.execute(
            SQL(
                """
                SELECT m.partner_id FROM social_payout_line_month m
                 WHERE m.program_id = %s AND m.month = %s
                   AND m.cancelled IS NOT TRUE AND m.batch_id != %s %s
                """,
                self.program_id.id,
                self.period,
                self.id,
                SQL("AND m.partner_id = ANY(%s)", sql_id_array(partner_ids))
                if partner_ids is not None
                else SQL(),
            )
        )
        return paid | {pid for (pid,) in self.env.cr.fetchall()}

    def _link_line_months(self, partner_ids, months, carried):
        result = super()._link_line_months(partner_ids, months, carried)
        if months:
            self._write_arrears_reasons(months)
        return result

    def _write_arrears_reasons(self, months):
        """Say on the lines why they pay months that a decision gave back."""
        by_partner = defaultdict(set)
        for partner_id, month, _amount in months:
            by_partner[partner_id].add(month)
        reasons = self._arrears_reasons(by_partner)
        if not reasons:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE social_payout_line l SET arrears_reason = v.reason
                  FROM unnest(%s::int[], %s::text[]) AS v(partner_id, reason)
                 WHERE l.batch_id = %s AND l.partner_id = v.partner_id
                """,
                list(reasons),
                ["\n".join(texts) for texts in reasons.values()],
                self.id,
            )
        )

    def _arrears_reasons(self, months_by_partner):
        """``{partner_id: [text, ...]}`` for the arrears months given back by a
        decision; other concerns add their own."""
        reasons = defaultdict(list)
        rows = self._get_back_pay_periods(SQL("TRUE"), list(months_by_partner))
        for partner_id, start, end, ref, date in rows:
            paid = sorted(m for m in months_by_partner[partner_id] if start <= m <= end)
            if not paid:
                continue
            reasons[partner_id].append(
                self.env._(
                    "%(count)s months stopped by a suspension (%(first)s - %(last)s) "
                    "paid back by the resumption decision %(ref)s of %(date)s.",
                    count=len(paid),
                    first=paid[0].strftime("%m/%Y"),
                    last=paid[-1].strftime("%m/%Y"),
                    ref=ref,
                    date=date.strftime("%d/%m/%Y"),
                )
            )
        return reasons
