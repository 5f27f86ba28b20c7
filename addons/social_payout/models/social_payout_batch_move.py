# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The batch follows the beneficiaries' moves between communes.

A batch pays the beneficiaries who lived in its area in its month (the registry's
move history, ``social.beneficiary.move``): the old commune pays up to the month
before the move, the new commune from the move month. A month after the move that
no batch paid (the old commune's batch regenerated without the person after the
new commune's batch of that month was made, a move recorded late, a cancelled
batch) is paid once by the new commune's next batch as arrears, with the move on
the line; a month the old commune already paid is not paid again, since a batch
leaves to another batch of the same month whom it pays.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.sql_ids import sql_id_array


class SocialPayoutBatch(models.Model):
    _inherit = "social.payout.batch"

    def _future_moves(self):
        """``{partner_id: from_area_id}`` for the beneficiaries who moved after
        the batch's month: the commune they lived in during that month (a
        province's moves of a few months: a small table)."""
        self.env["social.beneficiary.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (mv.partner_id) mv.partner_id, mv.from_area_id
                  FROM social_beneficiary_move mv
                 WHERE mv.month > %s
                 ORDER BY mv.partner_id, mv.month, mv.id
                """,
                self.period,
            )
        )
        return dict(self.env.cr.fetchall())

    def _sql_partner_in_area(self, alias):
        """The commune the beneficiary lived in during the batch's month."""
        if not self._future_moves():
            return super()._sql_partner_in_area(alias)
        return self.area_id._sql_within(
            SQL(
                """COALESCE(
                    (SELECT mv.from_area_id FROM social_beneficiary_move mv
                      WHERE mv.partner_id = %(alias)s.id AND mv.month > %(period)s
                      ORDER BY mv.month, mv.id LIMIT 1),
                    %(area)s)""",
                alias=SQL.identifier(alias),
                period=self.period,
                area=SQL.identifier(alias, "area_id"),
            )
        )

    def _generation_moved_since(self, since):
        """The beneficiaries whose move from or to a commune of this batch's
        area was recorded since ``since`` (a chunked generation reads them
        again at its end)."""
        self.ensure_one()
        self.env["social.beneficiary.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT mv.partner_id FROM social_beneficiary_move mv
                 WHERE mv.create_date >= %(since)s
                   AND (%(from_within)s OR %(to_within)s)
                 ORDER BY mv.partner_id
                """,
                since=since,
                from_within=self.area_id._sql_within(SQL("mv.from_area_id")),
                to_within=self.area_id._sql_within(SQL("mv.to_area_id")),
            )
        )
        return [pid for (pid,) in self.env.cr.fetchall()]

    def _get_partner_areas(self, partner_ids):
        """The commune they lived in during the batch's month."""
        areas = super()._get_partner_areas(partner_ids)
        for partner_id, area_id in self._future_moves().items():
            if partner_id in areas:
                areas[partner_id] = area_id
        return areas

    def _get_moves_in(self, partner_filter_sql, partner_ids=None):
        """Moves into this batch's area before its month, as rows
        ``(partner_id, month, next_move_month, decision_ref, decision_date,
        from_area_name)``."""
        self.env["social.beneficiary.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT mv.partner_id, mv.month,
                       (SELECT min(nx.month) FROM social_beneficiary_move nx
                         WHERE nx.partner_id = mv.partner_id
                           AND nx.month > mv.month),
                       mv.decision_ref, mv.decision_date, fa.name
                  FROM social_beneficiary_move mv
                  JOIN res_partner p ON p.id = mv.partner_id
                  JOIN social_area fa ON fa.id = mv.from_area_id
                 WHERE mv.month < %(period)s
                   AND %(to_within)s
                   AND NOT %(from_within)s
                   AND %(partner_filter)s
                   %(partners)s
                """,
                period=self.period,
                to_within=self.area_id._sql_within(SQL("mv.to_area_id")),
                from_within=self.area_id._sql_within(SQL("mv.from_area_id")),
                partner_filter=partner_filter_sql,
                partners=SQL("AND mv.partner_id = ANY(%s)", sql_id_array(partner_ids))
                if partner_ids is not None
                else SQL(),
            )
        )
        return self.env.cr.fetchall()

    def _get_arrears_windows(self, partner_filter_sql):
        windows = super()._get_arrears_windows(partner_filter_sql)
        last = self.period - relativedelta(months=1)
        for partner_id, start, following, *_rest in self._get_moves_in(
            partner_filter_sql
        ):
            end = last
            if following:
                end = min(end, following - relativedelta(months=1))
            if start <= end:
                windows[partner_id].append((start, end))
        return windows

    def _arrears_reasons(self, months_by_partner):
        reasons = super()._arrears_reasons(months_by_partner)
        moved = defaultdict(list)
        for row in self._get_moves_in(SQL("TRUE"), list(months_by_partner)):
            partner_id, start, following, ref, date, from_name = row
            paid = sorted(
                m
                for m in months_by_partner[partner_id]
                if m >= start and (not following or m < following)
            )
            if paid:
                moved[partner_id].append(
                    self.env._(
                        "%(count)s months since the move from %(commune)s "
                        "(%(first)s - %(last)s, decision %(ref)s of %(date)s) that "
                        "no batch paid.",
                        count=len(paid),
                        commune=from_name,
                        first=paid[0].strftime("%m/%Y"),
                        last=paid[-1].strftime("%m/%Y"),
                        ref=ref,
                        date=date.strftime("%d/%m/%Y"),
                    )
                )
        for partner_id, texts in moved.items():
            reasons.setdefault(partner_id, []).extend(texts)
        return reasons

    def _generation_commune_counts(self):
        """Those who moved since the batch's month count in the commune they
        lived in during that month, whose chunk reads them
        (``_generation_population``): that commune may have nobody left of
        the program, and without a chunk of its own nobody would read them."""
        counts = dict(super()._generation_commune_counts())
        moves = self._future_moves()
        if not moves:
            return sorted(counts.items())
        areas = set(
            self.env["social.area"]
            .sudo()
            .search([("id", "child_of", self.area_id.ids)])
            .ids
        )
        movers = {pid: area for pid, area in moves.items() if area in areas}
        if not movers:
            return sorted(counts.items())
        # those of them counted above, in the commune they live in now
        self.env.cr.execute(
            SQL(
                """
                SELECT p.area_id FROM res_partner p
                 WHERE p.id = ANY(%s) AND %s
                """,
                list(movers),
                self._sql_generation_reads("p"),
            )
        )
        for (area_id,) in self.env.cr.fetchall():
            counts[area_id] -= 1
        for area_id in movers.values():
            counts[area_id] = counts.get(area_id, 0) + 1
        return sorted(counts.items())

    def _generation_population(self, area_ids=None):
        """Also those who lived in these communes in the batch's month and have
        moved since (their move takes effect after the month). For a chunk
        (``area_ids``), not those who lived that month in another commune of
        the batch's area: that commune's chunk reads them, and the chunks run
        side by side (both writing the same line, one would fail)."""
        population = super()._generation_population(area_ids)
        moves = self._future_moves()
        if not moves:
            return population
        Area = self.env["social.area"].sudo()
        areas = set(Area.search([("id", "child_of", area_ids or self.area_id.ids)]).ids)
        extra = {pid for pid, area in moves.items() if area in areas}
        if area_ids:
            batch_areas = set(Area.search([("id", "child_of", self.area_id.ids)]).ids)
            elsewhere = {
                pid
                for pid, area in moves.items()
                if area in batch_areas and area not in areas
            }
            population = [pid for pid in population if pid not in elsewhere]
        return sorted(set(population) | extra)
