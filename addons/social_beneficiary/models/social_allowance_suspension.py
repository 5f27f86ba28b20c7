"""Suspension periods of an allowance, each with the decisions that open and
close it (tạm dừng / chi trả lại theo quyết định của Chủ tịch UBND xã).

A period begins when payment stops: either by a suspension decision, or because
the beneficiary did not collect for the months the program's rules set (then the
period is ``pending`` until the chairman decides). It ends with a resumption
decision, which says whether the stopped months are paid back. The payout reads
these periods: a month inside a period is not due, unless the period was resumed
with back pay, in which case the next batch pays it once as arrears.
"""

from odoo import api, fields, models
from odoo.tools import SQL

SUSPENSION_STATES = [
    ("pending", "Payment Stopped, Decision Awaited"),
    ("suspended", "Suspended by Decision"),
    ("resumed", "Resumed"),
]
SUSPENSION_REASONS = [
    ("uncollected", "Not collected for consecutive months"),
    ("absent", "Absent from the place of residence"),
    ("detained", "Serving a prison sentence or in detention"),
    ("review", "Eligibility under review"),
    ("other", "Other"),
]
# the periods that make a month not due (a resumed period only without back pay)
OPEN_STATES = ("pending", "suspended")


class SocialAllowanceSuspension(models.Model):
    _name = "social.allowance.suspension"
    _description = "Allowance Suspension"
    # the decisions are evidence: written by the allowance's actions only
    _inherit = ["social.workflow.mixin"]
    _workflow_records_only = True
    _order = "month_from desc, id desc"
    _rec_name = "allowance_id"

    allowance_id = fields.Many2one(
        "social.allowance",
        string="Allowance Decision",
        required=True,
        ondelete="cascade",
        index=True,
    )
    partner_id = fields.Many2one(
        related="allowance_id.partner_id", string="Beneficiary", store=True
    )
    program_id = fields.Many2one(related="allowance_id.program_id", store=True)
    area_id = fields.Many2one(
        related="allowance_id.area_id", string="Commune", store=True, index=True
    )
    state = fields.Selection(SUSPENSION_STATES, required=True, index=True)
    reason = fields.Selection(SUSPENSION_REASONS, required=True)
    note = fields.Text()
    month_from = fields.Date(
        string="Stopped From",
        required=True,
        help="First month not paid (first day of the month).",
    )
    month_to = fields.Date(
        string="Stopped Until",
        help="Last month not paid, set by the resumption: payment resumes the "
        "month after.",
    )
    decision_ref = fields.Char(string="Suspension Decision")
    decision_date = fields.Date(string="Suspension Decision Date")
    decision_signer = fields.Char(
        string="Suspension Signed By", help="Who signed the decision (the chairman)."
    )
    resume_decision_ref = fields.Char(string="Resumption Decision")
    resume_decision_date = fields.Date(string="Resumption Decision Date")
    resume_decision_signer = fields.Char(string="Resumption Signed By")
    back_pay = fields.Boolean(
        string="Stopped Months Paid Back",
        help="The resumption decision pays the stopped months: the next batch "
        "pays them once, as arrears.",
    )
    recorded_by_id = fields.Many2one("res.users", string="Recorded By")
    resumed_by_id = fields.Many2one("res.users", string="Resumption Recorded By")

    _sql_constraints = [
        (
            "months_in_order",
            "CHECK(month_to IS NULL OR month_to >= month_from - interval '1 month')",
            "A suspension cannot end before it starts.",
        ),
        (
            "suspension_decided",
            "CHECK(state != 'suspended' OR (decision_ref IS NOT NULL AND "
            "decision_date IS NOT NULL AND decision_signer IS NOT NULL))",
            "A suspension by decision needs the decision's number, date and signer.",
        ),
        (
            "resumption_decided",
            "CHECK(state != 'resumed' OR (month_to IS NOT NULL AND "
            "resume_decision_ref IS NOT NULL AND resume_decision_date IS NOT NULL "
            "AND resume_decision_signer IS NOT NULL))",
            "A resumption needs the decision's number, date and signer.",
        ),
    ]

    def init(self):
        # one open period per allowance, whoever records it at the same moment
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS social_allowance_suspension_open "
                "ON social_allowance_suspension (allowance_id) "
                "WHERE state IN ('pending', 'suspended')"
            )
        )

    @api.depends("allowance_id", "month_from", "month_to")
    def _compute_display_name(self):
        for suspension in self:
            end = suspension.month_to.strftime("%m/%Y") if suspension.month_to else "…"
            suspension.display_name = self.env._(
                "%(decision)s: stopped %(start)s - %(end)s",
                decision=suspension.allowance_id.decision_ref or "",
                start=suspension.month_from.strftime("%m/%Y")
                if suspension.month_from
                else "",
                end=end,
            )

    def _workflow_records_refusal(self):
        return self.env._(
            "Suspensions are recorded through the decision buttons of the "
            "allowance only: they cannot be created, changed or deleted by hand."
        )

    @api.model
    def _sql_due_states(self, allowance_alias, month_expr):
        """SQL condition: allowance ``allowance_alias`` is due in
        ``month_expr`` as far as its state and suspensions go. Active and ended
        decisions are due; a suspended one before its open period only (a
        suspended decision without a period, from before the periods existed,
        never); and no period stops the month. Without any period recorded
        the condition is the plain state test, as fast as ever."""
        self.flush_model()
        self.env.cr.execute(SQL("SELECT 1 FROM social_allowance_suspension LIMIT 1"))
        if not self.env.cr.fetchone():
            return SQL(
                "%s IN ('active', 'ended')",
                SQL.identifier(allowance_alias, "state"),
            )
        return SQL(
            """(%(state)s IN ('active', 'ended')
                OR (%(state)s = 'suspended' AND EXISTS (
                    SELECT 1 FROM social_allowance_suspension os
                     WHERE os.allowance_id = %(alias)s.id
                       AND os.state IN ('pending', 'suspended'))))
               AND %(not_stopped)s""",
            state=SQL.identifier(allowance_alias, "state"),
            alias=SQL.identifier(allowance_alias),
            not_stopped=self._sql_month_not_due(allowance_alias, month_expr),
        )

    @api.model
    def _sql_month_not_due(self, allowance_alias, month_expr):
        """SQL condition: no suspension makes ``month_expr`` not due for the
        allowance ``allowance_alias`` (the twin of ``_month_not_due``)."""
        return SQL(
            """NOT EXISTS (
                SELECT 1 FROM social_allowance_suspension s
                 WHERE s.allowance_id = %(alias)s.id
                   AND %(month)s >= s.month_from
                   AND (s.state IN ('pending', 'suspended')
                        OR (s.state = 'resumed' AND s.back_pay IS NOT TRUE
                            AND %(month)s <= s.month_to)))""",
            alias=SQL.identifier(allowance_alias),
            month=month_expr,
        )
