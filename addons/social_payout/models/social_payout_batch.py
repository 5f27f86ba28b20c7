# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

CHUNK_SIZE = 10000
GROUP_PREFIX = "social_beneficiary.group_social_"


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
    # Totals of a province's batch exceed a 32-bit integer: numeric columns
    # (Monetary), summed exactly by PostgreSQL.
    amount_total = fields.Monetary(
        compute="_compute_totals", store=True, string="Total Amount"
    )
    fee_total = fields.Monetary(
        compute="_compute_totals", store=True, string="Total Fee"
    )
    # Unpaid money carried from earlier months stays with the provider: it is
    # paid again out of what the provider holds, not transferred a second time.
    carry_over_total = fields.Monetary(
        compute="_compute_totals",
        store=True,
        string="Carried Over (held by the provider)",
    )
    transfer_amount = fields.Monetary(
        compute="_compute_totals",
        store=True,
        string="Amount to Transfer",
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
    job_progress_done = fields.Integer(
        string="Processed by Finished Jobs", readonly=True, copy=False
    )
    job_progress = fields.Integer(
        string="Processed",
        compute="_compute_job_progress",
        help="Also the beneficiaries read by the chunks of a generation done so far.",
    )
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
        if keys & set(vals):
            self._check_lines_made_for(vals, keys & set(vals))
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

    def _check_lines_made_for(self, vals, keys):
        """Lines (and a generation under way) are made for the batch's
        program, month, provider and area: refuse to change these under them,
        which would leave amounts, fees and communes of another batch."""
        changed = self.filtered(
            lambda batch: any(
                batch._fields[key].convert_to_cache(batch[key], batch)
                != batch._fields[key].convert_to_cache(vals[key], batch)
                for key in keys
            )
        )
        if not changed:
            return
        self.env["social.payout.line"].flush_model(["batch_id"])
        self.env.cr.execute(
            SQL(
                "SELECT b.id FROM unnest(%s::int[]) AS b(id) WHERE EXISTS"
                " (SELECT 1 FROM social_payout_line l WHERE l.batch_id = b.id)",
                changed.ids,
            )
        )
        with_lines = {batch_id for (batch_id,) in self.env.cr.fetchall()}
        problems = [
            self.env._(
                "The lines of batch %(name)s were made for its program, month, "
                "provider and area, which can therefore no longer change: delete "
                "the batch and create another one.",
                name=batch.name,
            )
            for batch in changed
            if batch.id in with_lines
        ]
        problems += changed._check_no_job()
        if problems:
            raise UserError("\n".join(problems))

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
