from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.settings import int_param

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

    @api.depends("date_start", "decision_date")
    def _compute_arrears_months(self):
        for allowance in self:
            if allowance.date_start and allowance.decision_date:
                allowance.arrears_months = max(
                    months_between(allowance.date_start, allowance.decision_date), 0
                )
            else:
                allowance.arrears_months = 0

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

    @api.depends("category_id")
    def _compute_coefficient(self):
        for allowance in self:
            allowance.coefficient = allowance.category_id.coefficient

    def _compute_current_amount(self):
        month = first_of_month(fields.Date.context_today(self))
        for allowance in self:
            allowance.current_amount = allowance._get_amount_for_month(month) or 0

    def _get_amount_for_month(self, month):
        """This decision's amount for ``month`` alone, or None without a level.

        Python twin of one row of ``_monthly_amounts_query``: the decree's
        table amount (by rate) for table categories, else the base level x
        coefficient; the coefficient counts units for per-unit categories.
        """
        self.ensure_one()
        category = self.category_id
        if category.use_amount_table:
            amount = category._table_amount(month, self.rate)
            return None if amount is None else round(amount * self.coefficient)
        level = self._get_base_level(month)
        return round(level * self.coefficient) if level else None

    def _get_base_level(self, month):
        """Base level in force for this allowance's program and province."""
        self.ensure_one()
        levels = self.env["social.base.level"].search(
            [
                ("program_id", "=", self.program_id.id),
                ("date_from", "<=", month),
                "|",
                ("area_id", "=", False),
                ("area_id", "=", self.partner_id.province_id.id),
            ],
            order="date_from desc",
        )
        national = levels.filtered(lambda level: not level.area_id)[:1].amount
        local = levels.filtered("area_id")[:1].amount
        return max(national or 0, local or 0)

    @api.constrains("date_start", "date_end", "coefficient")
    def _check_dates(self):
        for allowance in self:
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
        Level = self.env["social.base.level"].sudo()
        firsts = {}
        for allowance in self:
            start = first_of_month(allowance.date_start)
            birth = allowance.partner_id.birth_date
            if birth and start < first_of_month(birth):
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
            if allowance.program_id not in firsts:
                firsts[allowance.program_id] = Level.search(
                    [("program_id", "=", allowance.program_id.id)],
                    order="date_from",
                    limit=1,
                )
            first = firsts[allowance.program_id]
            if first and start < first_of_month(first.date_from):
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
        for allowance in self:
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
        for allowance in self:
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

    @api.constrains("state", "date_start", "decision_date", "arrears_confirmed_months")
    def _check_arrears_confirmed(self):
        limit = self._arrears_months_limit()
        for allowance in self:
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

    # --------------------------------------------------------------- contract
    @api.model
    def _get_monthly_amounts(
        self, program, month_from, month_to=None, partner_ids=None, area_ids=None
    ):
        """Amount due per beneficiary and month, computed in one query.

        :param program: ``social.program`` record or id
        :param month_from: any date in the first month
        :param month_to: any date in the last month (default: ``month_from``)
        :param partner_ids: optional list of beneficiary ids
        :param area_ids: optional areas; beneficiaries anywhere under them
        :return: ``{(partner_id, first_day_of_month): amount_in_vnd}``

        Per allowance: round(level x coefficient) with the level in force that
        month, the higher of the national and the province level; for table
        categories (NCC) the decree's table amount in force that month, chosen
        by the allowance's rate where the category has rate bands. Per
        beneficiary and month: the highest non-cumulative amount plus every
        cumulative one (poor single parent, per child); NCC allowances add up
        (Pháp lệnh 02/2020 Điều 6) except within an exclusive group (caregiver
        allowances, ...), of which only the highest is paid. Social allowance
        (BTXH) and social pension (HTXH) together: only the higher program pays.
        ``_get_monthly_amounts_python`` is its twin.
        """
        query = self._monthly_amounts_query(
            program, month_from, month_to, partner_ids, area_ids
        )
        # Freshly loaded tables (a new batch of decisions, before autovacuum
        # analyses them) make the planner pick nested loops that turn this
        # set-based query quadratic; hash joins are right at any size.
        # (if the query fails, rolling back the transaction undoes the SET too)
        # With nested loops off, the costs the planner adds to the plan switch
        # on JIT compilation, which alone costs seconds on this query: off too.
        self.env.cr.execute(SQL("SET LOCAL enable_nestloop TO off"))
        self.env.cr.execute(SQL("SET LOCAL jit TO off"))
        self.env.cr.execute(query)
        rows = self.env.cr.fetchall()
        self.env.cr.execute(SQL("RESET enable_nestloop"))
        self.env.cr.execute(SQL("RESET jit"))
        return {(partner_id, month): int(amount) for partner_id, month, amount in rows}

    @api.model
    def _monthly_amounts_query(
        self, program, month_from, month_to, partner_ids, area_ids
    ):
        program_id = program.id if isinstance(program, models.BaseModel) else program
        month_from = first_of_month(fields.Date.to_date(month_from))
        month_to = first_of_month(fields.Date.to_date(month_to or month_from))
        for model in (
            "social.allowance",
            "social.category",
            "social.base.level",
            "res.partner",
            "social.area",
            "social.allowance.suspension",
            "social.beneficiary.move",
        ):
            self.env[model].flush_model()
        filters = [SQL("TRUE")]
        if partner_ids is not None:
            filters.append(SQL("a.partner_id = ANY(%s)", list(partner_ids)))
        if area_ids is not None:
            ids = area_ids.ids if isinstance(area_ids, models.BaseModel) else area_ids
            areas = self.env["social.area"].sudo().browse(list(ids)).exists()
            # the commune the beneficiary lived in that month (moves)
            filters.append(areas._sql_within(SQL("COALESCE(fa.area_id, p.area_id)")))
        program_ids = [program_id, *self._rival_program_ids(program_id)]
        query = SQL(
            """
            WITH months AS MATERIALIZED (
                SELECT m::date AS month
                  FROM generate_series(%(month_from)s::date, %(month_to)s::date,
                                       interval '1 month') AS m
            ),
            national AS MATERIALIZED (
                SELECT prog.id AS program_id, m.month,
                       (SELECT l.amount FROM social_base_level l
                         WHERE l.program_id = prog.id AND l.area_id IS NULL
                           AND l.date_from <= m.month
                         ORDER BY l.date_from DESC LIMIT 1) AS amount
                  FROM months m
                 CROSS JOIN unnest(%(program_ids)s::int[]) AS prog(id)
            ),
            local AS MATERIALIZED (
                SELECT province.program_id, m.month, province.id AS province_id,
                       (SELECT l.amount FROM social_base_level l
                         WHERE l.program_id = province.program_id
                           AND l.area_id = province.id AND l.date_from <= m.month
                         ORDER BY l.date_from DESC LIMIT 1) AS amount
                  FROM months m
                 CROSS JOIN (SELECT DISTINCT program_id, area_id AS id
                               FROM social_base_level
                              WHERE program_id = ANY(%(program_ids)s)
                                AND area_id IS NOT NULL) province
            ),
            future_area AS MATERIALIZED (%(future_areas)s),
            amounts AS (
                SELECT a.partner_id, a.program_id, m.month,
                       -- the group of which only the highest is paid; NULL adds up
                       CASE WHEN c.use_amount_table THEN NULLIF(c.exclusive_group, '')
                            WHEN c.cumulative THEN NULL
                            ELSE '' END AS grp,
                       CASE WHEN c.use_amount_table THEN
                           ROUND((SELECT t.amount FROM social_category_amount t
                                   WHERE t.category_id = a.category_id
                                     AND t.date_from <= m.month
                                     AND (c.rate_required IS NOT TRUE
                                          OR a.rate BETWEEN t.rate_from AND t.rate_to)
                                   ORDER BY t.date_from DESC LIMIT 1)
                                 * a.coefficient)::bigint
                       ELSE ROUND(GREATEST(n.amount, lc.amount) * a.coefficient)::bigint
                       END AS amount
                  FROM social_allowance a
                  JOIN res_partner p ON p.id = a.partner_id
                  JOIN social_category c ON c.id = a.category_id
                  JOIN months m
                    ON m.month >= date_trunc('month', a.date_start)::date
                   AND (a.date_end IS NULL
                        OR m.month <= date_trunc('month', a.date_end)::date)
                  LEFT JOIN future_area fa
                    ON fa.partner_id = a.partner_id AND fa.month = m.month
                  LEFT JOIN national n
                    ON n.month = m.month AND n.program_id = a.program_id
                  LEFT JOIN local lc
                    ON lc.month = m.month AND lc.province_id = p.province_id
                   AND lc.program_id = a.program_id
                 WHERE a.program_id = ANY(%(program_ids)s)
                   AND %(suspensions)s
                   AND p.is_beneficiary
                   AND %(filters)s
            ),
            totals AS MATERIALIZED (
                SELECT partner_id, program_id, month, SUM(amount) AS amount
                  FROM (SELECT partner_id, program_id, month,
                               CASE WHEN grp IS NULL THEN SUM(amount)
                                    ELSE MAX(amount) END AS amount
                          FROM amounts
                         WHERE amount IS NOT NULL
                         GROUP BY partner_id, program_id, month, grp) g
                 GROUP BY partner_id, program_id, month
            )
            SELECT t.partner_id, t.month, t.amount
              FROM totals t
             WHERE t.program_id = %(program_id)s
               AND NOT EXISTS (
                   SELECT 1 FROM totals r
                    WHERE r.partner_id = t.partner_id AND r.month = t.month
                      AND r.program_id != t.program_id
                      AND (r.amount > t.amount
                           OR (r.amount = t.amount AND r.program_id < t.program_id)))
            """,
            month_from=month_from,
            month_to=month_to,
            program_id=program_id,
            program_ids=program_ids,
            filters=SQL(" AND ").join(filters),
            suspensions=self.env["social.allowance.suspension"]._sql_due_states(
                "a", SQL("m.month")
            ),
            future_areas=self.env["social.beneficiary.move"]._sql_future_areas(
                "months"
            ),
        )
        return query

    @api.model
    def _rival_program_ids(self, program_id):
        """Programs of which only the higher amount is paid with this one."""
        program = self.env["social.program"].sudo().browse(program_id)
        rival = RIVAL_PROGRAMS.get(program.code)
        if not rival:
            return []
        return self.env["social.program"].sudo().search([("code", "=", rival)]).ids

    @api.model
    def _get_monthly_amounts_python(
        self, program, month_from, month_to=None, partner_ids=None, area_ids=None
    ):
        """Python twin of ``_get_monthly_amounts`` (same rules, one record at a
        time): the tests compare both on every case; the payout uses the SQL."""
        program_id = program.id if isinstance(program, models.BaseModel) else program
        month_from = first_of_month(fields.Date.to_date(month_from))
        month_to = first_of_month(fields.Date.to_date(month_to or month_from))
        program_ids = [program_id, *self._rival_program_ids(program_id)]
        domain = [
            ("program_id", "in", program_ids),
            ("state", "in", ("active", "ended", "suspended")),
            ("partner_id.is_beneficiary", "=", True),
        ]
        if partner_ids is not None:
            domain.append(("partner_id", "in", list(partner_ids)))
        areas = None
        if area_ids is not None:
            ids = area_ids.ids if isinstance(area_ids, models.BaseModel) else area_ids
            areas = self.env["social.area"].sudo().search([("id", "child_of", ids)])
            moved = (
                self.env["social.beneficiary.move"]
                .sudo()
                .search([("from_area_id", "in", areas.ids)])
                .partner_id
            )
            domain += [
                "|",
                ("partner_id.area_id", "in", areas.ids),
                ("partner_id", "in", moved.ids),
            ]
        allowances = self.sudo().with_context(active_test=False).search(domain)
        totals = {}
        month = month_from
        while month <= month_to:
            groups = {}
            for allowance in allowances:
                start = first_of_month(allowance.date_start)
                end = allowance.date_end and first_of_month(allowance.date_end)
                if month < start or (end and month > end):
                    continue
                if not allowance._is_month_due(month):
                    continue
                if areas is not None and (
                    allowance.partner_id._area_at(month) not in areas
                ):
                    continue
                amount = allowance._get_amount_for_month(month)
                if amount is None:
                    continue
                category = allowance.category_id
                if category.use_amount_table:
                    group = category.exclusive_group or None
                else:
                    group = None if category.cumulative else ""
                key = (allowance.partner_id.id, allowance.program_id.id, group)
                if group is None:
                    key += (allowance.id,)
                groups[key] = max(groups.get(key, 0), amount)
            for (partner_id, prog_id, *_rest), amount in groups.items():
                total_key = (partner_id, prog_id, month)
                totals[total_key] = totals.get(total_key, 0) + amount
            month += relativedelta(months=1)
        result = {}
        for (partner_id, prog_id, month), amount in totals.items():
            if prog_id != program_id:
                continue
            beaten = any(
                (rival_amount, -rival_id) > (amount, -prog_id)
                for (rival_partner, rival_id, rival_month), rival_amount in (
                    totals.items()
                )
                if rival_partner == partner_id
                and rival_month == month
                and rival_id != prog_id
            )
            if not beaten:
                result[(partner_id, month)] = amount
        return result

    @api.model
    def _get_monthly_amount(self, partner, month, program=None):
        """Convenience for one beneficiary; sums every program if none given."""
        programs = program or self.env["social.program"].search([])
        month = first_of_month(fields.Date.to_date(month))
        total = 0
        for prog in programs:
            amounts = self._get_monthly_amounts(prog, month, partner_ids=[partner.id])
            total += amounts.get((partner.id, month), 0)
        return total
