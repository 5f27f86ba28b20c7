# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a monthly batch pays besides the month: retroactive level differences
(truy lĩnh chênh lệch) and one-off payments (funeral support, lump sums).
Both are gathered before the lines are made (they add beneficiaries) and
written onto the lines right after, with their reason and legal basis."""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.money import format_vnd

# how far back a retroactive level change is looked for
DIFFERENCE_WINDOW_MONTHS = 12


class SocialPayoutBatch(models.Model):
    _inherit = "social.payout.batch"

    @api.constrains("provider_id", "program_id")
    def _check_fee_cap(self):
        """A program's fee cap (NCC: 0.75 %, Thông tư 44/2022) binds the fee
        rules of the provider of its open batches."""
        for batch in self:
            cap = batch.program_id.max_fee_percent
            if not cap or batch.state not in ("draft", "submitted", "approved"):
                continue
            over = batch.provider_id.fee_rule_ids.filtered(
                lambda rule, cap=cap: rule.percent > cap + 1e-9
            )
            if over:
                raise ValidationError(
                    self.env._(
                        "The provider %(provider)s charges %(percent)s %% for "
                        "%(method)s, more than the %(cap)s %% allowed for "
                        "%(program)s: correct its fee rules or choose another "
                        "provider.",
                        provider=batch.provider_id.name,
                        percent=max(over.mapped("percent")),
                        method=over[:1].method,
                        cap=cap,
                        program=batch.program_id.name,
                    )
                )

    def _sql_generation_payable(self, alias):
        """Also whoever has a confirmed one-off payment of the program that no
        live line pays (emergency support to someone without an allowance)."""
        return SQL(
            """(%s OR EXISTS (
                SELECT 1 FROM social_one_off_payment o
                  LEFT JOIN social_payout_line l ON l.id = o.line_id
                 WHERE o.partner_id = %s AND o.program_id = %s
                   AND o.state = 'confirmed'
                   AND (o.line_id IS NULL OR l.is_cancelled IS TRUE)))""",
            super()._sql_generation_payable(alias),
            SQL.identifier(alias, "id"),
            self.program_id.id,
        )

    def _get_extra_payments(self, partner_filter_sql):
        """``{partner_id: {"differences": [...], "one_offs": [...]}}``."""
        self.ensure_one()
        extras = defaultdict(lambda: {"differences": [], "one_offs": []})
        for pid, rows in self._get_level_differences(partner_filter_sql).items():
            extras[pid]["differences"] = rows
        for pid, rows in self._get_one_off_payments(partner_filter_sql).items():
            extras[pid]["one_offs"] = rows
        return dict(extras)

    def _get_level_differences(self, partner_filter_sql):
        """Months already paid for which more is due now, because a base level
        or an amount table was raised with effect from them:
        ``{partner_id: [(month, paid_before, due_now), ...]}``.

        Only months from the earliest level or table row that starts within the
        last twelve months before this batch are looked at (nothing when no
        level changed lately), and of them only those last paid before the
        program's levels or tables were last entered or changed (so the months
        are computed again once, by the first batch after a change). What
        earlier differences paid counts as paid, so a difference is paid once;
        a level lowered takes nothing back."""
        self.ensure_one()
        cr = self.env.cr
        program = self.program_id
        period = self.period
        window_start = period - relativedelta(months=DIFFERENCE_WINDOW_MONTHS)
        for model in ("social.base.level", "social.category.amount"):
            self.env[model].flush_model()
        cr.execute(
            SQL(
                """
                SELECT MIN(date_from) FROM (
                    SELECT date_from FROM social_base_level
                     WHERE program_id = %(program)s
                    UNION ALL
                    SELECT t.date_from FROM social_category_amount t
                      JOIN social_category c ON c.id = t.category_id
                     WHERE c.program_id = %(program)s
                ) d
                 WHERE date_from > %(start)s AND date_from < %(period)s
                """,
                program=program.id,
                start=window_start,
                period=period,
            )
        )
        changed = cr.fetchone()[0]
        stamp = program.sudo().amounts_changed_at
        if not changed or not stamp:
            return {}
        first = changed.replace(day=1)
        cr.execute(
            SQL(
                """
                SELECT x.partner_id, x.month, SUM(x.amount)::bigint
                  FROM (
                    SELECT l.partner_id, l.period AS month,
                           l.regular_amount AS amount, l.create_date AS paid_at
                      FROM social_payout_line l
                     WHERE l.program_id = %(program)s
                       AND l.is_cancelled IS NOT TRUE AND l.regular_amount > 0
                       AND l.period >= %(first)s AND l.period < %(period)s
                    UNION ALL
                    SELECT m.partner_id, m.month, m.amount, ml.create_date
                      FROM social_payout_line_month m
                      JOIN social_payout_line ml ON ml.id = m.line_id
                     WHERE m.program_id = %(program)s AND m.cancelled IS NOT TRUE
                       AND m.month >= %(first)s AND m.month < %(period)s
                    UNION ALL
                    SELECT d.partner_id, d.month, d.amount, dl.create_date
                      FROM social_payout_line_difference d
                      JOIN social_payout_line dl ON dl.id = d.line_id
                     WHERE d.program_id = %(program)s AND d.cancelled IS NOT TRUE
                       AND d.month >= %(first)s AND d.month < %(period)s
                  ) x
                  JOIN res_partner p ON p.id = x.partner_id
                 WHERE %(partner_filter)s
                 GROUP BY x.partner_id, x.month
                -- paid before the last change of the levels (to the second:
                -- the same second is looked at again, which is harmless)
                HAVING MAX(x.paid_at) <= %(stamp)s
                """,
                program=program.id,
                stamp=stamp,
                first=first,
                period=period,
                partner_filter=partner_filter_sql,
            )
        )
        paid = {(pid, month): amount for pid, month, amount in cr.fetchall()}
        if not paid:
            return {}
        due = self.env["social.allowance"]._get_monthly_amounts(
            program,
            first,
            period - relativedelta(months=1),
            partner_ids=list({pid for pid, _month in paid}),
        )
        differences = defaultdict(list)
        for (pid, month), paid_before in sorted(paid.items()):
            due_now = due.get((pid, month), 0)
            if due_now > paid_before:
                differences[pid].append((month, int(paid_before), due_now))
        return dict(differences)

    def _get_one_off_payments(self, partner_filter_sql):
        """Confirmed one-off payments of this program and area that no live
        line pays: ``{partner_id: [(id, amount, reason, legal_basis, payee_id,
        bank_account_id), ...]}``. Of a person's payments to different named
        payees, those to the first named are paid now, the others by the
        following batches (a line is paid to one person)."""
        self.ensure_one()
        self.env["social.one.off.payment"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT o.partner_id, o.id, o.amount::bigint, o.reason, o.legal_basis,
                       o.payee_id, o.bank_account_id
                  FROM social_one_off_payment o
                  JOIN res_partner p ON p.id = o.partner_id
                  LEFT JOIN social_payout_line l ON l.id = o.line_id
                 WHERE o.program_id = %(program)s AND o.state = 'confirmed'
                   AND (o.line_id IS NULL OR l.is_cancelled IS TRUE)
                   AND %(partner_filter)s
                 ORDER BY o.partner_id, o.id
                """,
                program=self.program_id.id,
                partner_filter=partner_filter_sql,
            )
        )
        payments = defaultdict(list)
        payees = {}
        for pid, *row in self.env.cr.fetchall():
            payee_id = row[4]
            # a line has one payee: a payment to another named person (the
            # funeral to its organiser, the lump sum at death to the
            # relatives' representative) waits for the next batch
            if payee_id and payees.setdefault(pid, payee_id) != payee_id:
                continue
            payments[pid].append(tuple(row))
        return dict(payments)

    def _extra_reasons(self, partner, differences, one_offs):
        """The text of the line's extra payments, with their legal basis."""
        Level = self.env["social.base.level"].sudo()
        texts = []
        for month, paid_before, due_now in differences:
            # the level in force: the higher of the national and the province's
            levels = Level.search(
                [
                    ("program_id", "=", self.program_id.id),
                    ("date_from", "<=", month),
                    "|",
                    ("area_id", "=", False),
                    ("area_id", "=", partner.province_id.id),
                ],
                order="date_from desc",
            )
            national = levels.filtered(lambda lv: not lv.area_id)[:1]
            local = levels.filtered("area_id")[:1]
            level = local if local.amount > national.amount else national
            texts.append(
                self.env._(
                    "Level difference for %(month)s: %(due)s due, %(paid)s paid "
                    "(%(basis)s).",
                    month=month.strftime("%m/%Y"),
                    due=format_vnd(self.env, due_now, self.currency_id),
                    paid=format_vnd(self.env, paid_before, self.currency_id),
                    basis=level.legal_basis or "",
                )
            )
        for _id, amount, reason, legal_basis, _payee, _account in one_offs:
            texts.append(
                self.env._(
                    "%(reason)s: %(amount)s (%(basis)s).",
                    reason=reason,
                    amount=format_vnd(self.env, amount, self.currency_id),
                    basis=legal_basis,
                )
            )
        return "\n".join(texts)

    def _apply_extra_payments(self, extras):
        """Write the differences and one-off payments onto this batch's lines
        just made (SQL, as the generation writes lines), recompute their fee,
        record the differences and link the one-off payments to their line."""
        self.ensure_one()
        if not extras:
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT partner_id, id, amount::bigint, method, payee_id, "
                "bank_account_id, flags FROM social_payout_line WHERE batch_id = %s "
                "AND partner_id = ANY(%s)",
                self.id,
                list(extras),
            )
        )
        lines = {row[0]: row[1:] for row in cr.fetchall()}
        served = self.provider_id._get_served_methods()
        rules = {rule.method: rule for rule in self.provider_id.fee_rule_ids}
        updates, difference_rows, links = [], [], []
        for pid, extra in extras.items():
            if pid not in lines:
                continue  # not paid by this batch (method not served, elsewhere)
            line_id, amount, method, payee_id, account_id, flags = lines[pid]
            differences, one_offs = extra["differences"], extra["one_offs"]
            difference = sum(due - paid for _m, paid, due in differences)
            one_off = sum(row[1] for row in one_offs)
            representative = True
            flag_list = [f for f in (flags or "").split(",") if f]
            # the person who organises the funeral is paid, if named
            named = next((row for row in one_offs if row[4]), None)
            if named and named[4] != payee_id:
                new_method = "bank" if named[5] else "cash_point"
                if new_method in served:
                    payee_id, account_id, method = named[4], named[5], new_method
                    representative = False
                    flag_list.append("one_off_payee")
            total = amount + difference + one_off
            rule = rules.get(method)
            fee = rule._compute_fee_amount(total) if rule else 0
            updates.append(
                (
                    line_id,
                    difference,
                    one_off,
                    self._extra_reasons(
                        self.env["res.partner"].browse(pid), differences, one_offs
                    ),
                    total,
                    fee,
                    payee_id,
                    account_id,
                    method,
                    ",".join(dict.fromkeys(flag_list)) or None,
                    representative,
                )
            )
            difference_rows += [
                (line_id, self.id, pid, self.program_id.id, m, paid, due, due - paid)
                for m, paid, due in differences
            ]
            links += [(row[0], line_id) for row in one_offs]
        if updates:
            cr.execute_values(
                """
                UPDATE social_payout_line l
                   SET difference_amount = v.difference, one_off_amount = v.one_off,
                       extra_reason = v.reason, amount = v.amount, fee_amount = v.fee,
                       payee_id = v.payee, bank_account_id = v.account,
                       method = v.method, flags = v.flags,
                       change_type = CASE WHEN v.difference > 0 THEN 'arrears'
                                          ELSE l.change_type END,
                       representative_id = CASE WHEN v.keep THEN l.representative_id
                                                END
                  FROM (VALUES %s) AS v(id, difference, one_off, reason, amount, fee,
                                        payee, account, method, flags, keep)
                 WHERE l.id = v.id
                """,
                updates,
                template="(%s, %s, %s, %s, %s, %s, %s, %s::int, %s, %s, %s)",
            )
        if difference_rows:
            cr.execute_values(
                "INSERT INTO social_payout_line_difference (line_id, batch_id, "
                "partner_id, program_id, month, paid_before, due_amount, amount, "
                "cancelled) VALUES %s",
                [(*row, False) for row in difference_rows],
            )
        if links:
            cr.execute_values(
                "UPDATE social_one_off_payment o SET line_id = v.line "
                "FROM (VALUES %s) AS v(id, line) WHERE o.id = v.id",
                links,
            )
        self.env.invalidate_all()

    def _release_lines(self):
        """Cancelled batches: their level differences are due again (one-off
        payments follow their line's cancellation)."""
        res = super()._release_lines()
        self.env.cr.execute(
            SQL(
                "UPDATE social_payout_line_difference SET cancelled = TRUE "
                "WHERE batch_id = ANY(%s)",
                self.ids,
            )
        )
        self.env["social.payout.line.difference"].invalidate_model(["cancelled"])
        return res
