# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    ACCOUNT_METHODS,
)
from odoo.addons.social_beneficiary.tools.copy import copy_rows

CHUNK_SIZE = 10000
GROUP_PREFIX = "social_beneficiary.group_social_"
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
    "registration_id",
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
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
)


def month_start(value):
    return value and date(value.year, value.month, 1)


class SocialPayoutBatch(models.Model):
    _name = "social.payout.batch"
    _description = "Monthly Payout Batch"
    _inherit = ["mail.thread", "mail.activity.mixin", "social.workflow.mixin"]
    _order = "period desc, id desc"

    # written only by the actions (``_do_*``), for administrators too
    _workflow_fields = frozenset(
        {
            "name",
            "state",
            "generated_by",
            "generated_date",
            "generation_note",
            "summary_data",
            "submitted_by",
            "submitted_date",
            "approved_by",
            "approved_date",
            "transferred_by",
            "transferred_date",
            "transfer_move_id",
            "cancelled_by",
            "cancelled_date",
            "cancel_reason",
            "reversal_move_id",
            "reversed_by",
            "reversed_date",
            "amount_total",
            "fee_total",
            "carry_over_total",
            "transfer_amount",
            "line_count",
            "job_task",
            "job_state",
            "job_progress_done",
            "job_progress_total",
            "job_data",
        }
    )

    name = fields.Char(
        required=True, copy=False, readonly=True, default="/", tracking=True, index=True
    )
    program_id = fields.Many2one(
        "social.program", required=True, tracking=True, index=True
    )
    period = fields.Date(
        string="Month Paid",
        required=True,
        tracking=True,
        index=True,
        help="First day of the month paid.",
    )
    provider_id = fields.Many2one(
        "social.payout.provider", required=True, tracking=True, index=True
    )
    area_id = fields.Many2one(
        "social.area",
        string="Area",
        required=True,
        tracking=True,
        index=True,
        help="District or commune whose beneficiaries this batch pays.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("transferred", "Transferred"),
            ("settled", "Settled"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    line_ids = fields.One2many("social.payout.line", "batch_id", string="Lines")
    page_line_ids = fields.One2many(
        "social.payout.line",
        compute="_compute_page_line_ids",
        string="First Lines",
        help="The first lines of the batch; open the line list for all of them.",
    )
    dropout_ids = fields.One2many(
        "social.payout.dropout", "batch_id", string="Dropouts", readonly=True
    )
    # Totals of a province's batch exceed a 32-bit integer: numeric columns.
    amount_total = fields.Float(
        compute="_compute_totals", store=True, string="Total Amount", digits=(16, 0)
    )
    fee_total = fields.Float(
        compute="_compute_totals", store=True, string="Total Fee", digits=(16, 0)
    )
    # Unpaid money carried from earlier months stays with the provider: it is
    # paid again out of what the provider holds, not transferred a second time.
    carry_over_total = fields.Float(
        compute="_compute_totals",
        store=True,
        string="Carried Over (held by the provider)",
        digits=(16, 0),
    )
    transfer_amount = fields.Float(
        compute="_compute_totals",
        store=True,
        string="Amount to Transfer",
        digits=(16, 0),
        help="Total amount less the unpaid money carried over from earlier "
        "months, which the provider already holds.",
    )
    line_count = fields.Integer(
        compute="_compute_totals", store=True, string="Number of Lines"
    )
    summary_data = fields.Json(readonly=True, copy=False)
    warning_count = fields.Integer(compute="_compute_summary", string="Warnings")
    dropout_count = fields.Integer(
        compute="_compute_summary", string="Number of Dropouts"
    )
    summary_html = fields.Html(
        compute="_compute_summary",
        sanitize=False,
        string="Totals by Method and Commune",
    )
    generated_by = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        help="Who last generated the lines: not allowed to approve the batch.",
    )
    generated_date = fields.Datetime(readonly=True, copy=False)
    generation_note = fields.Text(readonly=True, copy=False)
    submitted_by = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    approved_by = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    transferred_by = fields.Many2one("res.users", readonly=True, copy=False)
    transferred_date = fields.Datetime(readonly=True, copy=False)
    cancelled_by = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(readonly=True, copy=False)
    cancel_reason = fields.Text(readonly=True, copy=False, tracking=True)
    transfer_move_id = fields.Many2one(
        "account.move",
        string="Transfer Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Transfer Reversal Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Entry reversing the transfer of a batch cancelled after its transfer.",
    )
    reversed_by = fields.Many2one("res.users", readonly=True, copy=False)
    reversed_date = fields.Datetime(readonly=True, copy=False)
    # Province-scale work (generation, result import) runs in the background
    # through queue_job, in chunks; the batch shows where it stands.
    job_task = fields.Selection(
        [("generate", "Line generation")],
        string="Background Task",
        readonly=True,
        copy=False,
    )
    job_state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        string="Background Job",
        readonly=True,
        copy=False,
    )
    job_progress_done = fields.Integer(string="Processed", readonly=True, copy=False)
    job_progress_total = fields.Integer(string="To Process", readonly=True, copy=False)
    job_data = fields.Json(string="Background Job Counts", readonly=True, copy=False)
    transfer_date = fields.Date(
        help="Accounting date of the transfer entry; today when empty."
    )

    # ------------------------------------------------------------------ ORM

    _sql_constraints = [
        (
            "period_plausible",
            "CHECK(period >= DATE '2000-01-01')",
            "The month paid cannot be before January 2000.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("period"):
                vals["period"] = month_start(fields.Date.to_date(vals["period"]))
                # before the insert: a clear message rather than the CHECK's
                self._check_period_value(vals["period"], vals.get("name") or "/")
        # the mixin refuses a name sent by the client (only "/" passes); the
        # number comes from the sequence, written by the action itself
        batches = super().create(vals_list)
        for batch in batches.filtered(lambda b: b.name == "/"):
            batch._workflow_write({"name": batch._next_batch_number()})
        return batches

    def _next_batch_number(self):
        """CT/<program>/<year of the month paid>/<number>: the number follows
        the month paid (a January 2027 batch is numbered in 2027, whenever it
        is prepared), one series per program and year."""
        self.ensure_one()
        Sequence = self.env["ir.sequence"].sudo()
        base = self.env.ref(
            "social_payout.seq_social_payout_batch", raise_if_not_found=False
        ).sudo()
        program_code = (self.program_id.code or "").upper()
        code = "social.payout.batch"
        if program_code and base:
            code = f"social.payout.batch.{program_code.lower()}"
            if not Sequence.search_count([("code", "=", code)], limit=1):
                base.copy(
                    {
                        "name": f"{base.name} {program_code}",
                        "code": code,
                        "prefix": f"CT/{program_code}/%(range_year)s/",
                        "number_next": 1,
                    }
                )
        return Sequence.next_by_code(code, sequence_date=self.period) or "/"

    def write(self, vals):
        if vals.get("period"):
            vals["period"] = month_start(fields.Date.to_date(vals["period"]))
            for batch in self:
                self._check_period_value(vals["period"], batch.name)
        keys = {"program_id", "period", "provider_id", "area_id", "company_id"}
        if keys & set(vals) and any(b.state != "draft" for b in self):
            raise UserError(
                self.env._(
                    "Program, month, provider and area can only change on a draft "
                    "batch."
                )
            )
        if "transfer_date" in vals and not self._in_workflow():
            done = self.filtered(
                lambda b: b.state not in ("draft", "submitted", "approved")
            )
            if done:
                raise UserError(
                    self.env._(
                        "Batch %(name)s is %(state)s: its transfer date can no longer "
                        "change.",
                        name=done[0].name,
                        state=done[0]._state_label(),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for batch in self:
            if batch.transfer_move_id or batch.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Batch %(name)s is %(state)s: only draft or cancelled batches "
                        "can be deleted.",
                        name=batch.name,
                        state=batch._state_label(),
                    )
                )

    @api.constrains("program_id", "period", "provider_id", "area_id", "state")
    def _check_one_batch_per_month(self):
        for batch in self.filtered(lambda b: b.state != "cancelled"):
            overlapping = self.sudo().search(
                [
                    ("id", "!=", batch.id),
                    ("state", "!=", "cancelled"),
                    ("program_id", "=", batch.program_id.id),
                    ("period", "=", batch.period),
                    ("provider_id", "=", batch.provider_id.id),
                    "|",
                    ("area_id", "child_of", batch.area_id.id),
                    ("area_id", "parent_of", batch.area_id.id),
                ],
                limit=1,
            )
            if not overlapping:
                continue
            if overlapping.with_user(self.env.user).has_access("read"):
                raise ValidationError(
                    self.env._(
                        "Batch %(other)s already pays %(program)s for %(month)s "
                        "through "
                        "%(provider)s in %(area)s: a second batch for the same month "
                        "is not allowed.",
                        other=overlapping.name,
                        program=batch.program_id.display_name,
                        month=batch._period_label(),
                        provider=batch.provider_id.name,
                        area=overlapping.area_id.display_name,
                    )
                )
            # a batch the user may not open is not named: its area says where
            raise ValidationError(
                self.env._(
                    "%(area)s is already paid %(program)s for %(month)s through "
                    "%(provider)s by a batch of %(other_area)s, prepared by the "
                    "paying unit: a second batch for the same month is not allowed.",
                    area=batch.area_id.display_name,
                    program=batch.program_id.display_name,
                    month=batch._period_label(),
                    provider=batch.provider_id.name,
                    other_area=overlapping.area_id.sudo().display_name,
                )
            )

    @api.constrains("period")
    def _check_period_plausible(self):
        for batch in self:
            batch._check_period_value(batch.period, batch.name)

    @api.model
    def _check_period_value(self, period, name):
        """From 01/2000 (also a CHECK in PostgreSQL) to twelve months ahead."""
        latest = month_start(fields.Date.context_today(self) + relativedelta(months=12))
        if period and not (date(2000, 1, 1) <= period <= latest):
            raise ValidationError(
                self.env._(
                    "Batch %(name)s: the month paid %(month)s must lie between "
                    "01/2000 and %(latest)s (twelve months ahead).",
                    name=name,
                    month=period.strftime("%m/%Y"),
                    latest=latest.strftime("%m/%Y"),
                )
            )

    # ------------------------------------------------------------ computes

    @api.depends("line_ids.amount", "line_ids.fee_amount")
    def _compute_totals(self):
        totals = {
            batch.id: (count, amount, fee, carried)
            for batch, count, amount, fee, carried in self.env["social.payout.line"]
            .sudo()
            ._read_group(
                [("batch_id", "in", self.ids)],
                ["batch_id"],
                [
                    "__count",
                    "amount:sum",
                    "fee_amount:sum",
                    "carry_over_amount:sum",
                ],
            )
        }
        for batch in self:
            count, amount, fee, carried = totals.get(batch.id, (0, 0, 0, 0))
            batch.line_count = count
            batch.amount_total = amount or 0
            batch.fee_total = fee or 0
            batch.carry_over_total = carried or 0
            batch.transfer_amount = (amount or 0) - (carried or 0)

    def _compute_page_line_ids(self):
        # The unique (batch_id, partner_id) index gives the first page without
        # sorting the whole batch: a 100,000-line batch opens like a small one.
        Line = self.env["social.payout.line"]
        Line.flush_model(["batch_id", "partner_id"])
        for batch in self:
            if not batch.id:
                batch.page_line_ids = Line
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM social_payout_line WHERE batch_id = %s "
                    "ORDER BY batch_id, partner_id LIMIT 80",
                    batch.id,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            batch.page_line_ids = Line.browse(ids)._filtered_access("read")

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _period_label(self):
        self.ensure_one()
        return (self.period and self.period.strftime("%m/%Y")) or ""

    # ------------------------------------------------------------ security

    def _check_user_groups(self, group_names, message):
        """Button visibility is not security: the actions check the group too.
        ``message`` is the whole translated refusal of that action."""
        user = self.env.user
        if self.env.su or any(
            user.has_group(GROUP_PREFIX + name) for name in (*group_names, "manager")
        ):
            return
        raise AccessError(message)

    def _raise_problems(self, problems):
        if problems:
            raise UserError("\n".join(problems))

    def _check_state(self, allowed, message):
        """One problem per batch not in an ``allowed`` state. ``message`` is a
        whole translated sentence with the placeholders %(name)s, %(state)s
        and %(allowed)s (never a verb slotted into a shared sentence: word
        order differs between languages)."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        return self._check_no_job() + [
            message
            % {
                "name": batch.name,
                "state": labels[batch.state],
                "allowed": ", ".join(labels[s] for s in allowed),
            }
            for batch in self
            if batch.state not in allowed
        ]

    def _log_transition(self, message):
        """A note in the chatter: ``_message_log`` needs no e-mail address, so
        users without one can do everything."""
        now = format_date(self.env, fields.Date.context_today(self))
        body = Markup("<p>{}</p>").format(
            self.env._(
                "%(action)s by %(user)s on %(date)s.",
                action=message,
                user=self.env.user.name,
                date=now,
            )
        )
        self._message_log_batch(bodies={batch.id: body for batch in self})

    def _log_note(self, text):
        self._message_log_batch(
            bodies={batch.id: Markup("<p>{}</p>").format(text) for batch in self}
        )

    # --------------------------------------------------------- generation

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
        if not windows:
            return {}
        first = min(start for spans in windows.values() for start, _end in spans)
        due = self.env["social.allowance"]._get_monthly_amounts(
            self.program_id,
            first,
            self.period - relativedelta(months=1),
            partner_ids=list(windows),
        )
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
        paid = set(cr.fetchall())
        arrears = defaultdict(list)
        for (partner_id, month), amount in sorted(due.items()):
            month = fields.Date.to_date(month)
            if not amount or (partner_id, month) in paid:
                continue
            if any(start <= month <= end for start, end in windows.get(partner_id, ())):
                arrears[partner_id].append((month, amount))
        return arrears

    def _generate_lines(self, partner_ids=None, area_ids=None):
        """Fill the lines in one set-based pass (a few queries for the whole
        area, inserts in chunks). Deleting and regenerating gives the same lines
        for the same registry.

        With ``partner_ids`` (one chunk of a background generation) only these
        beneficiaries' lines are made again and the counts are returned: the
        same rules, restricted; `_generation_finish` ends the last chunk.
        ``area_ids`` (the chunk's communes, whose beneficiaries ``partner_ids``
        are) lets the amounts due be read by area, much faster than by a long
        list of beneficiaries."""
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
                    partner_ids,
                )
            )
        self.env.invalidate_all()

        program = self.program_id
        period = self.period
        area_path = self.area_id.parent_path
        partner_in_area = SQL(
            "p.area_id IN (SELECT id FROM social_area WHERE parent_path LIKE %s)",
            area_path + "%",
        )
        if partner_ids is not None:
            partner_in_area = SQL("%s AND p.id = ANY(%s)", partner_in_area, partner_ids)

        due = self.env["social.allowance"]._get_monthly_amounts(
            program,
            period,
            partner_ids=None if area_ids else partner_ids,
            area_ids=area_ids or [self.area_id.id],
        )
        regular = {pid: amount for (pid, _m), amount in due.items() if amount}
        arrears = self._get_arrears(partner_in_area)
        extras = self._get_extra_payments(partner_in_area)
        candidates = set(regular) | set(arrears) | set(extras)

        # A beneficiary another batch already pays this month is left to it.
        paid_elsewhere = self._get_paid_elsewhere(partner_ids) & candidates
        candidates = sorted(candidates - paid_elsewhere)

        carry = self._get_carry_over(candidates) or {}
        partner_area = {}
        for ids in cr.split_for_in_conditions(candidates, CHUNK_SIZE):
            cr.execute(SQL("SELECT id, area_id FROM res_partner WHERE id IN %s", ids))
            partner_area.update(cr.fetchall())
        previous = self._get_previous_lines(partner_ids)

        served = self.provider_id._get_served_methods()
        rules = {rule.method: rule for rule in self.provider_id.fee_rule_ids}
        Registration = self.env["social.payment.registration"]
        now = fields.Datetime.now()
        uid = self.env.uid
        # Amounts repeat (same level, same coefficient): compute each fee once.
        fees = {}
        ref_code = self._line_reference("")[:-1]
        rows = []
        months = []
        carried = []
        not_served = 0
        for chunk in cr.split_for_in_conditions(candidates, CHUNK_SIZE):
            payees = Registration._resolve_payees(list(chunk), period)
            for pid in chunk:
                payee = payees.get(pid) or {
                    "method": "cash_point",
                    "payee_id": pid,
                    "payee_role": "self",
                    "flags": ["no_registration"],
                }
                method = payee["method"]
                if method not in served:
                    not_served += 1
                    continue
                regular_amount = regular.get(pid, 0)
                arrears_list = arrears.get(pid, [])
                arrears_amount = sum(a for _m, a in arrears_list)
                carry_amount, carry_lines = carry.get(pid, (0, []))
                amount = regular_amount + arrears_amount + (carry_amount or 0)
                prev = previous.get(pid)
                flags = list(payee.get("flags") or [])
                account_id = payee.get("bank_account_id") or None
                if (
                    prev
                    and method in ACCOUNT_METHODS
                    and (prev[3] != account_id or prev[4] != payee["payee_id"])
                ):
                    flags.append("account_changed")
                if arrears_amount:
                    change_type = "arrears"
                elif not prev:
                    change_type = "new"
                elif prev[2] != regular_amount:
                    change_type = "changed"
                else:
                    change_type = "continuing"
                fee = fees.get((method, amount))
                if fee is None:
                    rule = rules.get(method)
                    fee = fees[method, amount] = (
                        rule._compute_fee_amount(amount) if rule else 0
                    )
                rows.append(
                    (
                        self.id,
                        program.id,
                        period,
                        f"{ref_code}-{pid}",
                        pid,
                        partner_area.get(pid),
                        payee["payee_id"] or pid,
                        payee.get("payee_role") or "self",
                        payee.get("representative_id") or None,
                        payee.get("registration_id") or None,
                        method,
                        account_id,
                        regular_amount,
                        arrears_amount,
                        len(arrears_list),
                        carry_amount or 0,
                        amount,
                        fee,
                        prev[2] if prev else 0,
                        change_type,
                        ",".join(dict.fromkeys(flags)) or None,
                        "pending",
                        uid,
                        now,
                        uid,
                        now,
                    )
                )
                if arrears_list:
                    months.extend((pid, m, a) for m, a in arrears_list)
                if carry_lines:
                    carried.append((pid, list(carry_lines)))

        for start in range(0, len(rows), CHUNK_SIZE):
            self._copy_lines(rows[start : start + CHUNK_SIZE])
        self._link_line_months(rows, months, carried)
        self._apply_extra_payments(extras)
        stats = {
            "lines": len(rows),
            "arrears": sum(1 for r in rows if r[13]),
            "elsewhere": len(paid_elsewhere),
            "not_served": not_served,
        }
        if partner_ids is not None:
            stats["elsewhere_ids"] = sorted(paid_elsewhere)
            return stats
        stats["dropouts"] = self._create_dropouts(
            previous, {row[4] for row in rows}, paid_elsewhere
        )
        self._generation_finish(stats)
        return len(rows)

    def _link_line_months(self, rows, months, carried):
        """The months of arrears paid by the new lines, and the earlier lines
        whose unpaid amount they carry."""
        if not (months or carried):
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT partner_id, id FROM social_payout_line WHERE batch_id = %s "
                "AND partner_id = ANY(%s)",
                self.id,
                [row[4] for row in rows],
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
                SQL("AND partner_id = ANY(%s)", partner_ids)
                if partner_ids is not None
                else SQL(),
            )
        )
        return {pid for (pid,) in self.env.cr.fetchall()}

    def _get_previous_lines(self, partner_ids=None):
        """Previous month: lines of any batch of the program that is not
        cancelled, in this batch's area, by beneficiary."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id, l.id, l.regular_amount, l.bank_account_id,
                       l.payee_id, l.area_id, b.provider_id, b.area_id
                  FROM social_payout_line l
                  JOIN social_payout_batch b ON b.id = l.batch_id
                 WHERE l.program_id = %s AND l.period = %s
                   AND b.state != 'cancelled'
                   AND l.area_id IN (SELECT id FROM social_area
                                      WHERE parent_path LIKE %s)
                   %s
                """,
                self.program_id.id,
                self.period - relativedelta(months=1),
                self.area_id.parent_path + "%",
                SQL("AND l.partner_id = ANY(%s)", partner_ids)
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

    def _copy_lines(self, rows):
        copy_rows(self.env.cr, "social_payout_line", LINE_COLUMNS, rows)

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
                       p.area_id IN (SELECT id FROM social_area
                                      WHERE parent_path LIKE %s),
                       bool_or(a.state = 'suspended'),
                       max(a.date_end)
                  FROM res_partner p
                  LEFT JOIN social_allowance a
                         ON a.partner_id = p.id AND a.program_id = %s
                        AND a.state IN ('active', 'ended', 'suspended')
                 WHERE p.id = ANY(%s)
                 GROUP BY p.id, p.area_id
                """,
                self.area_id.parent_path + "%",
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

    # --------------------------------------------------------- navigation

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_payout.social_payout_line_action"
        )
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {"default_batch_id": self.id}
        return action

    def action_view_warning_lines(self):
        action = self.action_view_lines()
        action["domain"] = [("batch_id", "=", self.id), ("flags", "!=", False)]
        return action

    def action_view_dropouts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_payout.social_payout_dropout_action"
        )
        action["domain"] = [("batch_id", "=", self.id)]
        return action

    def action_view_transfer_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.transfer_move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------ follow-up

    @api.model
    def _social_commune_officer(self, area):
        """The commune officer serving ``area`` (an officer, not a manager,
        whose areas hold it), else a manager serving it, else False."""
        Users = self.env["res.users"].sudo()
        candidates = Users.search(
            [
                ("share", "=", False),
                ("social_area_ids", "parent_of", area.id),
                (
                    "groups_id",
                    "in",
                    self.env.ref(GROUP_PREFIX + "commune_officer").ids,
                ),
            ],
            order="id",
        )
        officers = candidates.filtered(
            lambda u: not u.has_group(GROUP_PREFIX + "manager")
        )
        return officers[:1] or candidates[:1]
