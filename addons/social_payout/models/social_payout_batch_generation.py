# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    ACCOUNT_METHODS,
)
from odoo.addons.social_beneficiary.tools.copy import copy_escape, copy_text
from odoo.addons.social_beneficiary.tools.cursor_worker import CursorWorker
from odoo.addons.social_beneficiary.tools.sql_ids import sql_id_array

from .social_payout_batch import CHUNK_SIZE

# the columns of a line, in the order generation writes them (COPY)
LINE_COLUMNS = (
    "batch_id",
    "program_id",
    "period",
    "reference",
    "partner_id",
    "area_id",
    "payee_id",
    "payee_role",
    "representative_id",
    "method",
    "bank_account_id",
    "regular_amount",
    "arrears_amount",
    "arrears_months",
    "carry_over_amount",
    "amount",
    "fee_amount",
    "previous_amount",
    "change_type",
    "flags",
    "state",
    "create_date",
)


class SocialPayoutBatch(models.Model):
    """Generation: the month's lines in one set-based pass from the registry
    (amount due, arrears, carry-over, payee and account, change against last month,
    dropouts), written by COPY. Suspension, moves and one-off payments extend it
    through its hooks in their own files.
    """

    _inherit = "social.payout.batch"

    def _get_carry_over(self, partner_ids):
        """Hook: unpaid amounts of earlier batches to add to this batch,
        ``{partner_id: (amount, line_ids)}``. social_reconciliation fills it."""
        return {}

    def _line_reference(self, partner_id):
        code = (self.name or "").replace("/", "")
        return f"{code}-{partner_id}"

    def _get_arrears(self, partner_filter_sql):
        """Months decided late: ``{partner_id: [(month, amount), ...]}`` for the
        months from the allowance start to the month before its decision that no
        batch (other than a cancelled one) paid, once the decision month has come.
        Arrears beyond the registry's limit wait for an approver's confirmation."""
        self.ensure_one()
        windows = self._get_arrears_windows(partner_filter_sql)
        if not windows:
            return {}
        first = min(start for spans in windows.values() for start, _end in spans)
        due = self.env["social.allowance"]._get_monthly_amounts(
            self.program_id,
            first,
            self.period - relativedelta(months=1),
            partner_ids=list(windows),
        )
        return self._get_arrears_from_windows(windows, due)

    def _get_arrears_windows(self, partner_filter_sql):
        """``{partner_id: [(first_month, last_month), ...]}``: the months each
        beneficiary may be paid as arrears by this batch (decided late here;
        other concerns add theirs)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT a.partner_id,
                       date_trunc('month', a.date_start)::date,
                       (date_trunc('month', a.decision_date)
                        - interval '1 month')::date
                  FROM social_allowance a
                  JOIN res_partner p ON p.id = a.partner_id
                 WHERE a.program_id = %(program)s
                   AND a.state IN ('active', 'ended')
                   AND a.decision_date IS NOT NULL
                   AND a.date_start IS NOT NULL
                   AND date_trunc('month', a.decision_date)
                       > date_trunc('month', a.date_start)
                   AND date_trunc('month', a.decision_date) <= %(period)s
                   AND %(payable)s
                   AND %(partner_filter)s
                """,
                program=self.program_id.id,
                period=self.period,
                payable=self.env["social.allowance"]._sql_arrears_payable("a"),
                partner_filter=partner_filter_sql,
            )
        )
        windows = defaultdict(list)
        for partner_id, start, end in cr.fetchall():
            end = min(end, self.period - relativedelta(months=1))
            if start <= end:
                windows[partner_id].append((start, end))
        return windows

    def _get_arrears_paid_months(self, windows):
        """``{(partner_id, month)}`` paid by a batch that is not cancelled."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT partner_id, month FROM social_payout_line_month
                 WHERE program_id = %(program)s AND cancelled IS NOT TRUE
                   AND partner_id = ANY(%(partners)s) AND month < %(period)s
                 UNION
                SELECT partner_id, period FROM social_payout_line
                 WHERE program_id = %(program)s AND is_cancelled IS NOT TRUE
                   AND regular_amount > 0
                   AND partner_id = ANY(%(partners)s) AND period < %(period)s
                """,
                program=self.program_id.id,
                partners=list(windows),
                period=self.period,
            )
        )
        return set(cr.fetchall())

    def _get_arrears_from_windows(self, windows, due):
        paid = self._get_arrears_paid_months(windows)
        arrears = defaultdict(list)
        for (partner_id, month), amount in sorted(due.items()):
            month = fields.Date.to_date(month)
            if not amount or (partner_id, month) in paid:
                continue
            if any(start <= month <= end for start, end in windows.get(partner_id, ())):
                arrears[partner_id].append((month, amount))
        return arrears

    def _get_partner_areas(self, partner_ids):
        """``{partner_id: area_id}``: the commune each line is paid in."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, area_id FROM res_partner WHERE id = ANY(%s)",
                sql_id_array(partner_ids),
            )
        )
        return dict(cr.fetchall())

    def _sql_partner_in_area(self, alias):
        """SQL condition: the beneficiary ``alias`` belongs to this batch's area."""
        return self.area_id._sql_within(SQL.identifier(alias, "area_id"))

    def _sql_chunk_partners(self, alias, partner_ids, column="id"):
        """SQL condition: the beneficiary ``alias`` (its ``column``) is one of
        ``partner_ids`` (a chunk of a background generation).

        Said as ``= ANY(ids)``, the planner cannot tell how few of the area's
        beneficiaries the list keeps and walks every beneficiary of the area
        (the whole province) from it, once per chunk. As a set to join, it
        keeps the plan of the whole area (from the few decisions, suspensions,
        moves or payments that the query looks for) and only drops the others.
        """
        return SQL(
            "%s IN (SELECT unnest(%s))",
            SQL.identifier(alias, column),
            sql_id_array(partner_ids),
        )

    def _generate_lines(self, partner_ids=None):
        """Fill the lines in one set-based pass (a few queries for the whole
        area, inserts in chunks). Deleting and regenerating gives the same lines
        for the same registry.

        With ``partner_ids`` (one chunk of a background generation) only these
        beneficiaries' lines are made again and the counts are returned: the
        same rules, restricted (``_sql_chunk_partners``); `_generation_finish`
        ends the last chunk."""
        self.ensure_one()
        cr = self.env.cr
        self.env.flush_all()
        if partner_ids is None:
            cr.execute(
                SQL("DELETE FROM social_payout_dropout WHERE batch_id = %s", self.id)
            )
            cr.execute(
                SQL("DELETE FROM social_payout_line WHERE batch_id = %s", self.id)
            )
        else:
            partner_ids = list(partner_ids)
            cr.execute(
                SQL(
                    "DELETE FROM social_payout_line WHERE batch_id = %s "
                    "AND partner_id = ANY(%s)",
                    self.id,
                    sql_id_array(partner_ids),
                )
            )
        self.env.invalidate_all()

        program = self.program_id
        period = self.period
        partner_in_area = self._sql_partner_in_area("p")
        if partner_ids is not None:
            partner_in_area = SQL(
                "%s AND %s", partner_in_area, self._sql_chunk_partners("p", partner_ids)
            )

        # a chunk: its beneficiaries, who lived in the area that month (the
        # condition of partner_in_area); a list of ids keeps this query to
        # their rows where the chunk's communes would scan the whole area
        due = self.env["social.allowance"]._get_monthly_amounts(
            program, period, partner_ids=partner_ids, area_ids=[self.area_id.id]
        )
        regular = {pid: amount for (pid, _m), amount in due.items() if amount}
        arrears = self._get_arrears(partner_in_area)
        extras = self._get_extra_payments(partner_in_area)
        candidates = set(regular) | set(arrears) | set(extras)

        # A beneficiary another batch already pays this month is left to it.
        paid_elsewhere = self._get_paid_elsewhere(partner_ids) & candidates
        candidates = sorted(candidates - paid_elsewhere)

        # what the lines are made of, read now: no query while they are written
        facts = {
            "regular": regular,
            "arrears": arrears,
            "carry": self._get_carry_over(candidates) or {},
            "areas": self._get_partner_areas(candidates),
            "previous": self._get_previous_lines(partner_ids),
            "payees": self.env["social.payment.registration"]._resolve_payees(
                candidates, period
            ),
            "fee": self._generation_fee_function(),
        }
        previous = facts["previous"]
        # Every query is made: from here on, only the worker uses the cursor
        # (COPY of each chunk while the next one is built), until wait().
        worker = CursorWorker(name="social_payout_generation")
        try:
            lines, months, carried, not_served = self._copy_generated_lines(
                worker, candidates, facts
            )
            worker.wait()
        except BaseException:
            worker.stop()
            raise
        line_partner_ids = [pid for pid, _arrears in lines]
        self._link_line_months(line_partner_ids, months, carried)
        self._apply_extra_payments(extras)
        stats = {
            "lines": len(lines),
            "arrears": sum(1 for _pid, arrears_amount in lines if arrears_amount),
            "elsewhere": len(paid_elsewhere),
            "not_served": len(not_served),
        }
        if partner_ids is not None:
            stats["elsewhere_ids"] = sorted(paid_elsewhere)
            stats["not_served_ids"] = not_served
            return stats
        stats["dropouts"] = self._create_dropouts(
            previous, set(line_partner_ids), paid_elsewhere
        )
        self._generation_finish(stats)
        return len(lines)

    def _generation_fee_function(self):
        """``fee(method, amount)``: the provider's fee, each (method, amount)
        computed once (amounts repeat: same level, same coefficient), from
        rules read now (no query once the lines are being written)."""
        rules = {rule.method: rule for rule in self.provider_id.fee_rule_ids}
        for rule in rules.values():
            rule._compute_fee_amount(1)  # reads the rule into the cache
        fees = {}

        def fee(method, amount):
            value = fees.get((method, amount))
            if value is None:
                rule = rules.get(method)
                value = fees[method, amount] = (
                    rule._compute_fee_amount(amount) if rule else 0
                )
            return value

        return fee

    def _copy_generated_lines(self, worker, candidates, facts):
        """Build the lines of ``candidates`` (COPY text, a chunk at a time)
        from ``facts`` (what ``_generate_lines`` read: amounts due, arrears,
        carry-over, communes, last month's lines, payees, the fee function)
        and hand each chunk to ``worker``. No query here: the worker may be
        writing. Returns ``(lines, months, carried, not_served)``:
        ``(partner_id, arrears_amount)`` per line written, the arrears months
        ``(partner_id, month, amount)``, the earlier lines carried
        ``(partner_id, line_ids)`` and those left out because the provider
        does not serve their method."""
        regular = facts["regular"]
        arrears = facts["arrears"]
        carry = facts["carry"]
        partner_area = facts["areas"]
        previous = facts["previous"]
        payees = facts["payees"]
        fee_of = facts["fee"]
        served = self.provider_id._get_served_methods()
        null = "\\N"
        now = fields.Datetime.to_string(fields.Datetime.now())
        # what every line of the batch shares, up to the reference's partner id
        head = (
            f"{self.id}\t{self.program_id.id}\t{self.period}\t"
            f"{copy_escape(self._line_reference('')[:-1])}-"
        )
        lines = []
        months = []
        carried = []
        not_served = []
        for start in range(0, len(candidates), CHUNK_SIZE):
            buffer = io.StringIO()
            write = buffer.write
            for pid in candidates[start : start + CHUNK_SIZE]:
                # one entry for each (cash at the pay point without a registration)
                payee = payees[pid]
                method = payee["method"]
                if method not in served:
                    not_served.append(pid)
                    continue
                regular_amount = regular.get(pid, 0)
                arrears_list = arrears.get(pid)
                arrears_amount = sum(a for _m, a in arrears_list) if arrears_list else 0
                carry_amount, carry_lines = carry.get(pid) or (0, None)
                carry_amount = carry_amount or 0
                amount = regular_amount + arrears_amount + carry_amount
                prev = previous.get(pid)
                flags = payee.get("flags")
                account_id = payee.get("bank_account_id") or None
                payee_id = payee["payee_id"] or pid
                if (
                    prev
                    and method in ACCOUNT_METHODS
                    and (prev[3] != account_id or prev[4] != payee["payee_id"])
                ):
                    flags = [*(flags or ()), "account_changed"]
                if arrears_amount:
                    change_type = "arrears"
                elif not prev:
                    change_type = "new"
                elif prev[2] != regular_amount:
                    change_type = "changed"
                else:
                    change_type = "continuing"
                write(
                    f"{head}{pid}\t{pid}\t{partner_area.get(pid) or null}\t"
                    f"{payee_id}\t{payee.get('payee_role') or 'self'}\t"
                    f"{payee.get('representative_id') or null}\t{method}\t"
                    f"{account_id or null}\t{regular_amount}\t{arrears_amount}\t"
                    f"{len(arrears_list) if arrears_list else 0}\t{carry_amount}\t"
                    f"{amount}\t{fee_of(method, amount)}\t"
                    f"{prev[2] if prev else 0}\t{change_type}\t"
                    f"{','.join(dict.fromkeys(flags)) if flags else null}\t"
                    f"pending\t{now}\n"
                )
                lines.append((pid, arrears_amount))
                if arrears_list:
                    months.extend((pid, m, a) for m, a in arrears_list)
                if carry_lines:
                    carried.append((pid, list(carry_lines)))
            buffer.seek(0)
            worker.submit(
                copy_text, self.env.cr, "social_payout_line", LINE_COLUMNS, buffer
            )
        return lines, months, carried, not_served

    def _link_line_months(self, partner_ids, months, carried):
        """The months of arrears paid by the new lines (of ``partner_ids``),
        and the earlier lines whose unpaid amount they carry."""
        if not (months or carried):
            return
        cr = self.env.cr
        linked = {pid for pid, _month, _amount in months}
        linked.update(pid for pid, _sources in carried)
        cr.execute(
            SQL(
                "SELECT partner_id, id FROM social_payout_line WHERE batch_id = %s "
                "AND partner_id = ANY(%s)",
                self.id,
                sql_id_array(linked),
            )
        )
        line_ids = dict(cr.fetchall())
        month_rows = [
            (line_ids[pid], self.id, pid, self.program_id.id, month, amount, False)
            for pid, month, amount in months
        ]
        for start in range(0, len(month_rows), CHUNK_SIZE):
            cr.execute_values(
                "INSERT INTO social_payout_line_month (line_id, batch_id, partner_id, "
                "program_id, month, amount, cancelled) VALUES %s",
                month_rows[start : start + CHUNK_SIZE],
                page_size=CHUNK_SIZE,
            )
        if carried:
            cr.execute_values(
                "UPDATE social_payout_line l SET carried_to_line_id = v.target "
                "FROM (VALUES %s) AS v(source, target) WHERE l.id = v.source",
                [(src, line_ids[pid]) for pid, sources in carried for src in sources],
                page_size=CHUNK_SIZE,
            )

    def _get_paid_elsewhere(self, partner_ids=None):
        """Beneficiaries a batch of this program and month (not cancelled)
        pays; this batch's own lines are deleted before it is asked."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM social_payout_line WHERE batch_id IN "
                "(SELECT id FROM social_payout_batch WHERE program_id = %s "
                "AND period = %s AND state != 'cancelled' AND id != %s) %s",
                self.program_id.id,
                self.period,
                self.id,
                SQL("AND partner_id = ANY(%s)", sql_id_array(partner_ids))
                if partner_ids is not None
                else SQL(),
            )
        )
        return {pid for (pid,) in self.env.cr.fetchall()}

    def _get_previous_lines(self, partner_ids=None):
        """Previous month: lines of any batch of the program that is not
        cancelled, in this batch's area, by beneficiary.

        (A cancelled batch's lines are marked cancelled when it is: the
        condition on the line says it again, so that a chunk reads its
        beneficiaries' lines through the paid-once index instead of every
        line of the area's previous month.)"""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id, l.id, l.regular_amount::bigint, l.bank_account_id,
                       l.payee_id, l.area_id, b.provider_id, b.area_id
                  FROM social_payout_line l
                  JOIN social_payout_batch b ON b.id = l.batch_id
                 WHERE l.program_id = %s AND l.period = %s
                   AND b.state != 'cancelled' AND l.is_cancelled IS NOT TRUE
                   AND %s
                   %s
                """,
                self.program_id.id,
                self.period - relativedelta(months=1),
                self.area_id._sql_within(SQL("l.area_id")),
                SQL("AND %s", self._sql_chunk_partners("l", partner_ids, "partner_id"))
                if partner_ids is not None
                else SQL(),
            )
        )
        return {row[0]: row for row in self.env.cr.fetchall()}

    def _generation_finish(self, stats):
        """Totals, summary and the chatter note of a generation (synchronous
        or the last chunk of a background one)."""
        self.ensure_one()
        now = fields.Datetime.now()
        uid = self.env.uid
        self.env.invalidate_all()
        self.env.add_to_compute(self._fields["amount_total"], self)
        self.env.add_to_compute(self._fields["fee_total"], self)
        self.env.add_to_compute(self._fields["line_count"], self)
        note = self.env._(
            "%(lines)s lines, %(arrears)s with arrears, %(dropouts)s dropouts; "
            "%(elsewhere)s already paid by another batch, %(not_served)s with a "
            "method this provider does not serve.",
            lines=stats["lines"],
            arrears=stats["arrears"],
            dropouts=stats["dropouts"],
            elsewhere=stats["elsewhere"],
            not_served=stats["not_served"],
        )
        self._workflow_write(
            {"generated_by": uid, "generated_date": now, "generation_note": note}
        )
        self._update_summary()
        self.flush_recordset()
        self._log_note(
            self.env._(
                "Lines generated by %(user)s: %(note)s",
                user=self.env.user.name,
                note=note,
            )
        )
        return stats["lines"]

    def _create_dropouts(self, previous, kept_partner_ids, paid_elsewhere):
        """Those paid last month by this provider in this area and not now."""
        self.ensure_one()
        gone = [
            pid
            for pid, row in previous.items()
            if pid not in kept_partner_ids and row[6] == self.provider_id.id
        ]
        if not gone:
            return 0
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT p.id, p.area_id,
                       %s,
                       bool_or(a.state = 'suspended'),
                       max(a.date_end)
                  FROM res_partner p
                  LEFT JOIN social_allowance a
                         ON a.partner_id = p.id AND a.program_id = %s
                        AND a.state IN ('active', 'ended', 'suspended')
                 WHERE p.id = ANY(%s)
                 GROUP BY p.id, p.area_id
                """,
                self.area_id._sql_within(SQL("p.area_id")),
                self.program_id.id,
                gone,
            )
        )
        info = {row[0]: row for row in cr.fetchall()}
        vals_list = []
        for pid in gone:
            _pid, current_area, in_area, suspended, date_end = info.get(
                pid, (pid, None, False, False, None)
            )
            if not in_area:
                reason = "moved"
            elif pid in paid_elsewhere:
                reason = "other_batch"
            elif suspended:
                reason = "suspended"
            elif date_end and date_end < self.period:
                reason = "ended"
            else:
                reason = "not_due"
            prev = previous[pid]
            vals_list.append(
                {
                    "batch_id": self.id,
                    "partner_id": pid,
                    "area_id": prev[5],
                    "current_area_id": current_area,
                    "previous_line_id": prev[1],
                    "previous_amount": prev[2],
                    "reason": reason,
                    "date_end": date_end,
                }
            )
        self.env["social.payout.dropout"].sudo()._workflow_create(vals_list)
        return len(vals_list)
