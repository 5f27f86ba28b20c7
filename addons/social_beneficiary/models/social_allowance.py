from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

ALLOWANCE_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("ended", "Ended"),
]


def first_of_month(day):
    return date(day.year, day.month, 1)


class SocialAllowance(models.Model):
    """A decision granting a monthly allowance of one category."""

    _name = "social.allowance"
    _description = "Allowance Decision"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _rec_name = "decision_ref"

    partner_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("is_beneficiary", "=", True)],
    )
    area_id = fields.Many2one(
        related="partner_id.area_id", string="Commune", store=True, index=True
    )
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
        ALLOWANCE_STATES, default="draft", readonly=True, tracking=True, index=True
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
    current_amount = fields.Integer(
        string="Amount This Month", compute="_compute_current_amount"
    )
    note = fields.Text()

    @api.depends("category_id")
    def _compute_coefficient(self):
        for allowance in self:
            allowance.coefficient = allowance.category_id.coefficient

    def _compute_current_amount(self):
        month = first_of_month(fields.Date.context_today(self))
        for allowance in self:
            level = allowance._get_base_level(month)
            allowance.current_amount = round(level * allowance.coefficient)

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
            if allowance.date_end and allowance.date_end < allowance.date_start:
                raise ValidationError(
                    self.env._(
                        "The decision %(ref)s ends before it starts.",
                        ref=allowance.decision_ref,
                    )
                )
            if allowance.coefficient <= 0:
                raise ValidationError(
                    self.env._(
                        "The coefficient of the decision %(ref)s must be positive.",
                        ref=allowance.decision_ref,
                    )
                )

    # ------------------------------------------------------------ state machine
    def _raise_problems(self, problems):
        if problems:
            raise UserError("\n".join(problems))

    def action_activate(self):
        problems = []
        for allowance in self:
            if allowance.state not in ("draft", "suspended"):
                problems.append(
                    self.env._(
                        "The decision %(ref)s is not draft or suspended.",
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
        self._raise_problems(problems)
        self.write({"state": "active"})

    def action_suspend(self):
        problems = [
            self.env._(
                "The decision %(ref)s is not active.", ref=allowance.decision_ref
            )
            for allowance in self
            if allowance.state != "active"
        ]
        self._raise_problems(problems)
        self.write({"state": "suspended"})

    def action_end(self):
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
        self.write({"state": "ended"})

    def action_reset_to_draft(self):
        problems = [
            self.env._(
                "The decision %(ref)s is already draft.", ref=allowance.decision_ref
            )
            for allowance in self
            if allowance.state == "draft"
        ]
        self._raise_problems(problems)
        self.write({"state": "draft"})

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
        month, the higher of the national and the province level. Per
        beneficiary and month: the highest non-cumulative amount plus every
        cumulative one (poor single parent, per child).
        """
        query = self._monthly_amounts_query(
            program, month_from, month_to, partner_ids, area_ids
        )
        # Freshly loaded tables (a new batch of decisions, before autovacuum
        # analyses them) make the planner pick nested loops that turn this
        # set-based query quadratic; hash joins are right at any size.
        # (if the query fails, rolling back the transaction undoes the SET too)
        self.env.cr.execute(SQL("SET LOCAL enable_nestloop TO off"))
        self.env.cr.execute(query)
        rows = self.env.cr.fetchall()
        self.env.cr.execute(SQL("RESET enable_nestloop"))
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
        ):
            self.env[model].flush_model()
        filters = [SQL("TRUE")]
        if partner_ids is not None:
            filters.append(SQL("a.partner_id = ANY(%s)", list(partner_ids)))
        if area_ids is not None:
            ids = area_ids.ids if isinstance(area_ids, models.BaseModel) else area_ids
            areas = self.env["social.area"].sudo().browse(list(ids)).exists()
            prefixes = [f"{path}%" for path in areas.mapped("parent_path")]
            filters.append(
                SQL(
                    "p.area_id IN (SELECT id FROM social_area "
                    "WHERE parent_path LIKE ANY(%s))",
                    prefixes,
                )
            )
        query = SQL(
            """
            WITH months AS MATERIALIZED (
                SELECT m::date AS month
                  FROM generate_series(%(month_from)s::date, %(month_to)s::date,
                                       interval '1 month') AS m
            ),
            national AS MATERIALIZED (
                SELECT m.month,
                       (SELECT l.amount FROM social_base_level l
                         WHERE l.program_id = %(program_id)s AND l.area_id IS NULL
                           AND l.date_from <= m.month
                         ORDER BY l.date_from DESC LIMIT 1) AS amount
                  FROM months m
            ),
            local AS MATERIALIZED (
                SELECT m.month, province.id AS province_id,
                       (SELECT l.amount FROM social_base_level l
                         WHERE l.program_id = %(program_id)s
                           AND l.area_id = province.id AND l.date_from <= m.month
                         ORDER BY l.date_from DESC LIMIT 1) AS amount
                  FROM months m
                 CROSS JOIN (SELECT DISTINCT area_id AS id FROM social_base_level
                              WHERE program_id = %(program_id)s
                                AND area_id IS NOT NULL) province
            ),
            amounts AS (
                SELECT a.partner_id, m.month,
                       COALESCE(c.cumulative, FALSE) AS cumulative,
                       ROUND(GREATEST(n.amount, lc.amount) * a.coefficient)::bigint
                           AS amount
                  FROM social_allowance a
                  JOIN res_partner p ON p.id = a.partner_id
                  JOIN social_category c ON c.id = a.category_id
                  JOIN months m
                    ON m.month >= date_trunc('month', a.date_start)::date
                   AND (a.date_end IS NULL
                        OR m.month <= date_trunc('month', a.date_end)::date)
                  LEFT JOIN national n ON n.month = m.month
                  LEFT JOIN local lc
                    ON lc.month = m.month AND lc.province_id = p.province_id
                 WHERE a.program_id = %(program_id)s
                   AND a.state IN ('active', 'ended')
                   AND p.is_beneficiary
                   AND GREATEST(n.amount, lc.amount) IS NOT NULL
                   AND %(filters)s
            )
            SELECT partner_id, month,
                   COALESCE(MAX(amount) FILTER (WHERE NOT cumulative), 0)
                   + COALESCE(SUM(amount) FILTER (WHERE cumulative), 0)
              FROM amounts
             GROUP BY partner_id, month
            """,
            month_from=month_from,
            month_to=month_to,
            program_id=program_id,
            filters=SQL(" AND ").join(filters),
        )
        return query

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
