"""Allowance decisions: their fields, plausibility checks and states.

The other concerns of ``social.allowance`` live in files of their own:
``social_allowance_amount.py`` (what a decision pays each month, in SQL and its
Python twin, and how a person's decisions add up), ``social_allowance_arrears.py``
(arrears of decisions recorded late and their confirmation),
``social_allowance_age.py``, ``social_allowance_suspension.py`` and
``social_allowance_suspend.py``.
"""

from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.record_groups import distinct_records
from ..tools.sql_ids import rows_by_id

ALLOWANCE_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("ended", "Ended"),
]


# the database refuses anything older, whatever the data says (Python checks
# against the program's first base level, which is later)
OLDEST_START = date(1990, 1, 1)
# above any coefficient the law has set (3.0 today): the database's last word
MAX_COEFFICIENT = 10
ARREARS_LIMIT_PARAM = "social_beneficiary.arrears_months_limit"
# social allowance and social pension together: only the higher is paid (Luật
# BHXH 2024 Điều 22.2); on equal amounts the program created first (BTXH) pays
RIVAL_PROGRAMS = {"BTXH": "HTXH", "HTXH": "BTXH"}
DEFAULT_ARREARS_LIMIT = 12


def first_of_month(day):
    return date(day.year, day.month, 1)


def months_between(start, end):
    """Whole months from the month of ``start`` to the month of ``end``."""
    return (end.year - start.year) * 12 + end.month - start.month


class SocialAllowance(models.Model):
    """A decision granting a monthly allowance of one category."""

    _name = "social.allowance"
    _description = "Allowance Decision"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "social.workflow.mixin",
        "social.beneficiary.decision.mixin",
    ]
    _order = "date_start desc, id desc"
    _rec_name = "decision_ref"
    _workflow_fields = frozenset(
        {
            "state",
            "arrears_confirmed_by_id",
            "arrears_confirmed_date",
            "arrears_confirmed_months",
        }
    )

    # partner_id, area_id: social.beneficiary.decision.mixin
    category_id = fields.Many2one(
        "social.category",
        string="Category",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    program_id = fields.Many2one(
        related="category_id.program_id", string="Program", store=True, index=True
    )
    coefficient = fields.Float(
        digits=(6, 2),
        compute="_compute_coefficient",
        store=True,
        readonly=False,
        tracking=True,
    )
    cumulative = fields.Boolean(related="category_id.cumulative")
    rate = fields.Integer(
        string="Rate (%)",
        tracking=True,
        help="Rate of injury or disability in percent (war invalids, sick "
        "soldiers, toxic chemicals): selects the amount in the decree's table.",
    )
    rate_required = fields.Boolean(related="category_id.rate_required")
    date_start = fields.Date(
        string="Start", required=True, tracking=True, help="Paid from this month."
    )
    date_end = fields.Date(
        string="End",
        tracking=True,
        help="Date of death or loss of eligibility: this month is still paid, "
        "payment stops from the next month.",
    )
    decision_ref = fields.Char(string="Decision Number", required=True, tracking=True)
    decision_date = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        ALLOWANCE_STATES,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    end_reason = fields.Selection(
        [
            ("death", "Death"),
            ("moved", "Moved away"),
            ("ineligible", "No longer eligible"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    current_amount = fields.Monetary(
        string="Amount This Month", compute="_compute_current_amount"
    )
    note = fields.Text()
    arrears_months = fields.Integer(
        compute="_compute_arrears_months",
        store=True,
        help="Months from the start to the month before the decision: paid as "
        "arrears (truy lĩnh) by the first batch after the decision.",
    )
    arrears_confirmed_by_id = fields.Many2one(
        "res.users", string="Arrears Confirmed By", readonly=True, copy=False
    )
    arrears_confirmed_date = fields.Date(
        string="Arrears Confirmed On", readonly=True, copy=False
    )
    arrears_confirmed_months = fields.Integer(
        string="Arrears Months Confirmed",
        readonly=True,
        copy=False,
        help="The approver confirmed arrears up to this many months.",
    )
    arrears_confirmed = fields.Boolean(
        compute="_compute_arrears_confirmed",
        store=True,
        help="An approver confirmed the arrears of this decision as they are now.",
    )
    arrears_needs_confirmation = fields.Boolean(
        compute="_compute_arrears_needs_confirmation",
        help="The arrears exceed the configured limit and are not confirmed.",
    )

    _sql_constraints = [
        (
            "date_start_plausible",
            f"CHECK(date_start >= DATE '{OLDEST_START.isoformat()}')",
            "An allowance cannot start before 1990.",
        ),
        (
            "date_end_after_start",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "An allowance cannot end before it starts.",
        ),
        (
            "coefficient_plausible",
            f"CHECK(coefficient > 0 AND coefficient <= {MAX_COEFFICIENT})",
            "The coefficient of an allowance must be positive and at most 10.",
        ),
        (
            "rate_plausible",
            "CHECK(rate IS NULL OR rate BETWEEN 0 AND 100)",
            "The rate of an allowance is a percentage from 0 to 100.",
        ),
        (
            "arrears_confirmed_months_positive",
            "CHECK(arrears_confirmed_months >= 0)",
            "The confirmed arrears months cannot be negative.",
        ),
    ]

    @api.depends("category_id")
    def _compute_coefficient(self):
        for allowance in self:
            allowance.coefficient = allowance.category_id.coefficient

    @api.constrains("date_start", "date_end", "coefficient")
    def _check_dates(self):
        # the same outcome for the same dates and coefficient: once for each
        for allowance in distinct_records(
            self, ["date_start", "date_end", "coefficient"]
        ):
            message = allowance._plausibility_problem(
                allowance.decision_ref,
                allowance.date_start,
                allowance.date_end,
                allowance.coefficient,
            )
            if message:
                raise ValidationError(message)

    @api.model
    def _plausibility_problem(self, ref, date_start, date_end, coefficient):
        """The message for what the database would refuse, or None."""
        date_start = fields.Date.to_date(date_start)
        date_end = fields.Date.to_date(date_end)
        if date_end and date_start and date_end < date_start:
            return self.env._("The decision %(ref)s ends before it starts.", ref=ref)
        if date_start and date_start < OLDEST_START:
            return self.env._(
                "The decision %(ref)s starts on %(date)s: allowances start in 1990 "
                "or later. Check the year.",
                ref=ref,
                date=date_start.strftime("%d/%m/%Y"),
            )
        if coefficient is not None and coefficient is not False:
            if coefficient <= 0:
                return self.env._(
                    "The coefficient of the decision %(ref)s must be positive.",
                    ref=ref,
                )
            if coefficient > MAX_COEFFICIENT:
                return self.env._(
                    "The coefficient %(coefficient)s of the decision %(ref)s is "
                    "not plausible: check it.",
                    coefficient=coefficient,
                    ref=ref,
                )
        return None

    @api.constrains("date_start", "partner_id", "category_id")
    def _check_start_plausible(self):
        """Not before the person was born, nor before the program has a level."""
        # the decisions and their people read by one query each for the whole
        # set (each on one table, by id: no join for the planner to turn into
        # nested loops on freshly loaded rows)
        self.flush_recordset(["date_start", "partner_id", "program_id"])
        self.env["res.partner"].flush_model(["birth_date"])
        self.env["social.base.level"].flush_model(["program_id", "date_from"])
        cr = self.env.cr
        allowances = rows_by_id(
            cr, self._table, ["date_start", "partner_id", "program_id"], self.ids
        )
        births = rows_by_id(
            cr,
            "res_partner",
            ["birth_date"],
            {partner for __, partner, __ in allowances.values()},
        )
        cr.execute(
            SQL(
                """
                SELECT program_id, min(date_from) FROM social_base_level
                 GROUP BY program_id
                """
            )
        )
        firsts = dict(cr.fetchall())
        problems = {}
        for id_, (date_start, partner_id, program_id) in allowances.items():
            start = first_of_month(date_start)
            birth = births.get(partner_id, (None,))[0]
            first = firsts.get(program_id)
            if birth and start < first_of_month(birth):
                problems[id_] = "birth"
            elif first and start < first_of_month(first):
                problems[id_] = "level"

        if not problems:
            return
        allowance = next(record for record in self if record.id in problems)
        if problems[allowance.id] == "birth":
            birth = allowance.partner_id.birth_date
            raise ValidationError(
                self.env._(
                    "The decision %(ref)s starts on %(start)s, before "
                    "%(name)s was born (%(birth)s).",
                    ref=allowance.decision_ref,
                    start=allowance.date_start.strftime("%d/%m/%Y"),
                    name=allowance.partner_id.name,
                    birth=birth.strftime("%d/%m/%Y"),
                )
            )
        first = (
            self.env["social.base.level"]
            .sudo()
            .search(
                [("program_id", "=", allowance.program_id.id)],
                order="date_from",
                limit=1,
            )
        )
        raise ValidationError(
            self.env._(
                "The decision %(ref)s starts on %(start)s, before the first "
                "base level of the program %(program)s (%(first)s): no "
                "amount can be computed for those months.",
                ref=allowance.decision_ref,
                start=allowance.date_start.strftime("%d/%m/%Y"),
                program=allowance.program_id.name,
                first=first.date_from.strftime("%d/%m/%Y"),
            )
        )

    @api.constrains("rate", "category_id")
    def _check_rate(self):
        """A rate category needs a rate within the bands of its table."""
        # the same outcome for the same category and rate: once for each
        for allowance in distinct_records(self, ["category_id", "rate"]):
            category = allowance.category_id
            bounds = category._rate_bounds() if category.rate_required else None
            if category.rate_required and not allowance.rate:
                raise ValidationError(
                    self.env._(
                        "The decision %(ref)s of %(category)s needs the rate of "
                        "injury or disability (percent): it selects the amount.",
                        ref=allowance.decision_ref,
                        category=category.display_name,
                    )
                )
            if bounds and not bounds[0] <= allowance.rate <= bounds[1]:
                raise ValidationError(
                    self.env._(
                        "The rate %(rate)s%% of the decision %(ref)s is outside the "
                        "rates of %(category)s (%(low)s%% to %(high)s%%).",
                        rate=allowance.rate,
                        ref=allowance.decision_ref,
                        category=category.display_name,
                        low=bounds[0],
                        high=bounds[1],
                    )
                )

    @api.constrains("coefficient", "category_id")
    def _check_coefficient_range(self):
        """Within the coefficients the law sets for the program's categories.

        The coefficient follows the category and may be adjusted by a decision,
        but never outside the lowest and highest coefficient of the program's
        categories (archived ones included): 1.0 to 3.0 for BTXH today.
        """
        Category = self.env["social.category"].sudo().with_context(active_test=False)
        bounds = {}
        # the same outcome for the same category and coefficient: once for each
        for allowance in distinct_records(
            self, ["program_id", "category_id", "coefficient"]
        ):
            program = allowance.program_id
            category = allowance.category_id
            if category.use_amount_table:
                allowance._check_table_coefficient()
                continue
            if program not in bounds:
                coefficients = Category.search(
                    [("program_id", "=", program.id)]
                ).mapped("coefficient")
                bounds[program] = (min(coefficients), max(coefficients))
            low, high = bounds[program]
            coefficient = allowance.coefficient
            if coefficient <= 0 or coefficient > MAX_COEFFICIENT:
                continue  # _check_dates says what is wrong
            if not low - 0.001 <= coefficient <= high + 0.001:
                raise ValidationError(
                    self.env._(
                        "The coefficient %(coefficient)s of the decision %(ref)s is "
                        "outside the coefficients of the program %(program)s "
                        "(%(low)s to %(high)s).",
                        coefficient=allowance.coefficient,
                        ref=allowance.decision_ref,
                        program=program.name,
                        low=low,
                        high=high,
                    )
                )

    def _check_table_coefficient(self):
        """Table amounts are paid as they are: coefficient 1, or the number of
        units (years of seniority) for a per-unit category."""
        category = self.category_id
        if category.per_unit:
            if self.coefficient != int(self.coefficient) or self.coefficient < 1:
                raise ValidationError(
                    self.env._(
                        "The decision %(ref)s of %(category)s counts whole units "
                        "(years of seniority): %(coefficient)s is not one.",
                        ref=self.decision_ref,
                        category=category.display_name,
                        coefficient=self.coefficient,
                    )
                )
        elif abs(self.coefficient - 1) > 0.001:
            raise ValidationError(
                self.env._(
                    "The decision %(ref)s of %(category)s is paid the amount of the "
                    "decree's table: its coefficient stays 1, not %(coefficient)s.",
                    ref=self.decision_ref,
                    category=category.display_name,
                    coefficient=self.coefficient,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # the same words as the checks, before the database's CHECKs speak
        for vals in vals_list:
            message = self._plausibility_problem(
                vals.get("decision_ref"),
                vals.get("date_start"),
                vals.get("date_end"),
                vals.get("coefficient"),
            )
            if message:
                raise ValidationError(message)
        return super().create(vals_list)

    # ------------------------------------------------------------ state machine
    def _raise_problems(self, problems):
        if problems:
            raise UserError("\n".join(problems))

    def action_activate(self):
        self._workflow_lock()
        limit = self._arrears_months_limit()
        problems = []
        for allowance in self:
            if allowance.state == "suspended":
                problems.append(
                    self.env._(
                        "The decision %(ref)s is suspended: record the chairman's "
                        "resumption decision (Resume) to pay it again.",
                        ref=allowance.decision_ref,
                    )
                )
            elif allowance.state != "draft":
                problems.append(
                    self.env._(
                        "The decision %(ref)s is not draft.",
                        ref=allowance.decision_ref,
                    )
                )
            if not allowance.partner_id.is_beneficiary:
                problems.append(
                    self.env._(
                        "%(name)s is not registered as a beneficiary.",
                        name=allowance.partner_id.name,
                    )
                )
            if allowance.arrears_months > limit and not allowance.arrears_confirmed:
                problems.append(allowance._arrears_problem(limit))
        self._raise_problems(problems)
        self._workflow_write({"state": "active"})

    def action_end(self):
        self._workflow_lock()
        problems = []
        for allowance in self:
            if allowance.state not in ("active", "suspended"):
                problems.append(
                    self.env._(
                        "The decision %(ref)s is not active or suspended.",
                        ref=allowance.decision_ref,
                    )
                )
            if not allowance.date_end:
                problems.append(
                    self.env._(
                        "Set the end date of the decision %(ref)s first.",
                        ref=allowance.decision_ref,
                    )
                )
        self._raise_problems(problems)
        self._workflow_write({"state": "ended"})

    def action_reset_to_draft(self):
        self._workflow_lock()
        problems = [
            self.env._(
                "The decision %(ref)s is already draft.", ref=allowance.decision_ref
            )
            for allowance in self
            if allowance.state == "draft"
        ]
        # a suspension period stays open until its resumption decision
        problems += [
            self.env._(
                "The decision %(ref)s is suspended: record the resumption or end "
                "it, a suspended decision is not reset to draft.",
                ref=allowance.decision_ref,
            )
            for allowance in self
            if allowance.state == "suspended"
        ]
        self._raise_problems(problems)
        self._workflow_write({"state": "draft"})
