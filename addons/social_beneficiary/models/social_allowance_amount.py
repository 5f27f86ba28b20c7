"""What allowance decisions pay each month, and how a person's decisions add up.

``_get_monthly_amounts`` computes the amounts of a whole program, month range
and area in one SQL query (the payout's generation uses it);
``_get_monthly_amounts_python`` is its twin, one record at a time, and the tests
compare both on every case. Every rule of how amounts add up is written in both.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.sql_ids import sql_id_array
from ..tools.sql_plan import set_based_plan
from .social_allowance import RIVAL_PROGRAMS, first_of_month

# NĐ 131/2021 Điều 45.3: "Đối với trường hợp thương binh đồng thời là bệnh binh
# hoặc người hưởng chế độ mất sức lao động thì hưởng thêm một chế độ trợ cấp hằng
# tháng kể từ tháng Sở Lao động - Thương binh và Xã hội ban hành quyết định trợ
# cấp, phụ cấp ưu đãi." Both monthly allowances add up; the one decided second
# (the extra one) is due from the month of its decision, not before.
WAR_INVALID_CODES = ("tb", "tbb")
SICK_SOLDIER_CODES = ("bb",)
# Pháp lệnh 02/2020 Điều 6.5: no more than two monthly survivor allowances
MAX_SURVIVOR_ALLOWANCES = 2


class SocialAllowance(models.Model):
    _inherit = "social.allowance"

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
        allowances, ...), of which only the highest is paid; of the monthly
        survivor allowances of one relative, no more than Pháp lệnh 02/2020
        Điều 6.5 allows (``_survivor_amounts``); the extra allowance of a
        thương binh who is also a bệnh binh from the month of its decision (NĐ
        131/2021 Điều 45.3). Social allowance (BTXH) and social pension (HTXH)
        together: only the higher program pays.
        ``_get_monthly_amounts_python`` is its twin.
        """
        query = self._monthly_amounts_query(
            program, month_from, month_to, partner_ids, area_ids
        )
        # Freshly loaded tables (a new batch of decisions, before autovacuum
        # analyses them) make the planner pick nested loops that turn this
        # set-based query quadratic; hash joins are right at any size.
        with set_based_plan(self.env.cr):
            self.env.cr.execute(query)
            rows = self.env.cr.fetchall()
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
            filters.append(SQL("a.partner_id = ANY(%s)", sql_id_array(partner_ids)))
        if area_ids is not None:
            ids = area_ids.ids if isinstance(area_ids, models.BaseModel) else area_ids
            areas = self.env["social.area"].sudo().browse(list(ids)).exists()
            # the commune the beneficiary lived in that month (moves)
            filters.append(areas._sql_within(SQL("COALESCE(fa.area_id, p.area_id)")))
            # the same said of the beneficiary alone (lives there now, or
            # moved since), so that PostgreSQL keeps the area's beneficiaries
            # before joining their allowances, not after (the whole province)
            filters.append(
                SQL(
                    "(%s OR p.id IN (SELECT partner_id FROM future_area))",
                    areas._sql_within(SQL("p.area_id")),
                )
            )
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
            amounts AS NOT MATERIALIZED (
                SELECT a.id AS allowance_id, a.partner_id, a.program_id, m.month,
                       c.survivor_rule AS survivor,
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
                   AND %(extra_due)s
            ),
            totals AS MATERIALIZED (
                SELECT partner_id, program_id, month, SUM(amount) AS amount
                  FROM (SELECT partner_id, program_id, month,
                               CASE WHEN grp IS NULL THEN SUM(amount)
                                    ELSE MAX(amount) END AS amount
                          FROM amounts
                         WHERE amount IS NOT NULL AND survivor IS NULL
                         GROUP BY partner_id, program_id, month, grp
                        %(survivors)s) g
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
            extra_due=self._sql_extra_allowance_due(program_ids),
            survivors=self._sql_survivor_totals(program_ids),
        )
        return query

    @api.model
    def _program_has_categories(self, program_ids, domain):
        return bool(
            self.env["social.category"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("program_id", "in", program_ids), *domain], limit=1)
        )

    @api.model
    def _sql_survivor_totals(self, program_ids):
        """The part of ``_monthly_amounts_query`` that pays the monthly survivor
        allowances of a relative (``_survivor_amounts`` is its twin); nothing
        for programs without survivor categories, which then scan their
        allowances once."""
        if not self._program_has_categories(
            program_ids, [("survivor_rule", "!=", False)]
        ):
            return SQL()
        return SQL(
            """
                UNION ALL
                -- monthly survivor allowances (Pháp lệnh 02/2020 Điều
                -- 6.5): the highest martyr's one; besides it the
                -- highest other one (6.5.b), or none for a relative of
                -- two or more martyrs (6.5.c); without a martyr's one
                -- the two highest (6.5.a)
                SELECT partner_id, program_id, month, amount
                  FROM (SELECT s.partner_id, s.program_id, s.month,
                               s.amount, s.survivor,
                               ROW_NUMBER() OVER (
                                   PARTITION BY s.partner_id, s.program_id,
                                                s.month, s.survivor = 'ncc'
                                   ORDER BY s.amount DESC, s.allowance_id
                               ) AS rank,
                               bool_or(s.survivor = 'martyrs')
                                   OVER relative AS of_martyrs,
                               bool_or(s.survivor != 'ncc')
                                   OVER relative AS of_martyr
                          FROM amounts s
                         WHERE s.amount IS NOT NULL
                           AND s.survivor IS NOT NULL
                        WINDOW relative AS (
                            PARTITION BY s.partner_id, s.program_id, s.month)
                       ) r
                 WHERE CASE WHEN survivor != 'ncc' THEN rank = 1
                            WHEN of_martyrs THEN FALSE
                            WHEN of_martyr THEN rank = 1
                            ELSE rank <= %(max_survivors)s END""",
            max_survivors=MAX_SURVIVOR_ALLOWANCES,
        )

    @api.model
    def _sql_extra_allowance_due(self, program_ids):
        """SQL condition on ``a`` (allowance), ``c`` (its category) and ``m``
        (month): not a month before the decision of the extra allowance of a
        thương binh who is also a bệnh binh (NĐ 131/2021 Điều 45.3). The extra
        one is the allowance of the other kind decided second. Twin of
        ``_extra_allowance_due``."""
        kinds = list(WAR_INVALID_CODES + SICK_SOLDIER_CODES)
        if not self._program_has_categories(program_ids, [("code", "in", kinds)]):
            return SQL("TRUE")
        return SQL(
            """NOT (c.code = ANY(%(kinds)s)
                    AND m.month < date_trunc('month', a.decision_date)::date
                    AND EXISTS (
                        SELECT 1 FROM social_allowance o
                          JOIN social_category oc ON oc.id = o.category_id
                         WHERE o.partner_id = a.partner_id
                           AND o.program_id = a.program_id
                           AND o.state IN ('active', 'suspended', 'ended')
                           AND oc.code = ANY(%(kinds)s)
                           AND (oc.code = ANY(%(sick)s)) != (c.code = ANY(%(sick)s))
                           AND (o.decision_date, o.id) < (a.decision_date, a.id)))""",
            kinds=kinds,
            sick=list(SICK_SOLDIER_CODES),
        )

    def _extra_allowance_due(self, month, allowances):
        """Python twin of ``_sql_extra_allowance_due`` for one decision;
        ``allowances`` holds the person's other decisions (any state)."""
        self.ensure_one()
        kinds = WAR_INVALID_CODES + SICK_SOLDIER_CODES
        code = self.category_id.code
        if code not in kinds or month >= first_of_month(self.decision_date):
            return True
        sick = code in SICK_SOLDIER_CODES
        return not any(
            other.partner_id == self.partner_id
            and other.program_id == self.program_id
            and other.state in ("active", "suspended", "ended")
            and other.category_id.code in kinds
            and (other.category_id.code in SICK_SOLDIER_CODES) != sick
            and (other.decision_date, other.id) < (self.decision_date, self.id)
            for other in allowances
        )

    @api.model
    def _survivor_amounts(self, survivors):
        """The monthly survivor allowances paid to one relative in one month.

        ``survivors``: ``(survivor_rule, amount, allowance_id)`` of the
        relative's survivor allowances due that month. Pháp lệnh 02/2020 Điều
        6.5: "a) Thân nhân của hai người có công với cách mạng trở lên được hưởng
        tối đa hai suất trợ cấp tuất hằng tháng, trừ trường hợp quy định tại
        điểm a khoản 3 Điều 16 của Pháp lệnh này; b) Thân nhân của một liệt sỹ
        đồng thời là thân nhân của hai người có công với cách mạng trở lên được
        hưởng trợ cấp tuất hằng tháng của một liệt sỹ và trợ cấp tuất hằng tháng
        của một người có công với cách mạng; c) Thân nhân của hai liệt sỹ trở
        lên và đồng thời là thân nhân của người có công với cách mạng thì hưởng
        trợ cấp tuất hằng tháng đối với thân nhân của liệt sỹ theo quy định tại
        điểm a khoản 3 Điều 16". The law does not say which two: the highest
        are paid. Python twin of the survivor part of ``_monthly_amounts_query``.
        """
        ranked = sorted(survivors, key=lambda row: (-row[1], row[2]))
        martyr = [amount for rule, amount, _id in ranked if rule != "ncc"][:1]
        others = [amount for rule, amount, _id in ranked if rule == "ncc"]
        if any(rule == "martyrs" for rule, _amount, _id in ranked):
            return martyr
        if martyr:
            return martyr + others[:1]
        return others[:MAX_SURVIVOR_ALLOWANCES]

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
            for (partner_id, prog_id), amount in allowances._python_month_totals(
                month, areas
            ).items():
                totals[(partner_id, prog_id, month)] = amount
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

    def _python_month_totals(self, month, areas):
        """Per (beneficiary, program), what these decisions pay in ``month``
        (part of ``_get_monthly_amounts_python``)."""
        groups = {}
        survivors = {}
        by_partner = {}
        for allowance in self:
            by_partner.setdefault(allowance.partner_id.id, []).append(allowance)
        for allowance in self:
            start = first_of_month(allowance.date_start)
            end = allowance.date_end and first_of_month(allowance.date_end)
            if month < start or (end and month > end):
                continue
            if not allowance._is_month_due(month):
                continue
            if not allowance._extra_allowance_due(
                month, by_partner[allowance.partner_id.id]
            ):
                continue
            if areas is not None and allowance.partner_id._area_at(month) not in areas:
                continue
            amount = allowance._get_amount_for_month(month)
            if amount is None:
                continue
            category = allowance.category_id
            person = (allowance.partner_id.id, allowance.program_id.id)
            if category.survivor_rule:
                survivors.setdefault(person, []).append(
                    (category.survivor_rule, amount, allowance.id)
                )
                continue
            if category.use_amount_table:
                group = category.exclusive_group or None
            else:
                group = None if category.cumulative else ""
            key = (*person, group)
            if group is None:
                key += (allowance.id,)
            groups[key] = max(groups.get(key, 0), amount)
        totals = {}
        for (partner_id, prog_id, *_rest), amount in groups.items():
            person = (partner_id, prog_id)
            totals[person] = totals.get(person, 0) + amount
        for person, rows in survivors.items():
            totals[person] = totals.get(person, 0) + sum(self._survivor_amounts(rows))
        return totals

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
