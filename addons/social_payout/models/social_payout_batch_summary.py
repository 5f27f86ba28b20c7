# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL, formatLang

from odoo.addons.social_beneficiary.tools.money import format_vnd

from .social_payout_fee_rule import PAYMENT_METHODS


class SocialPayoutBatch(models.Model):
    """The batch's totals by method and commune, and the warnings shown
    before submitting."""

    _inherit = "social.payout.batch"

    @api.depends("summary_data")
    @api.depends_context("lang")
    def _compute_summary(self):
        labels = dict(
            self.env["social.payout.line"]
            ._fields["method"]
            ._description_selection(self.env)
        )
        for batch in self:
            data = batch.summary_data or {}
            batch.warning_count = data.get("warning_count", 0)
            batch.dropout_count = data.get("dropout_count", 0)
            batch.summary_html = (
                batch._render_summary(
                    data.get("by_method", []),
                    data.get("by_area", []),
                    [method for method, _label in PAYMENT_METHODS],
                    labels,
                )
                if data
                else False
            )

    def _update_summary(self):
        """Totals by method and commune, kept on the batch so that opening the
        form does not aggregate every line."""
        self.env["social.payout.line"].flush_model()
        self.env["social.payout.dropout"].flush_model(["batch_id"])
        cr = self.env.cr
        for batch in self:
            # one pass over the lines (100,000 in a province's batch): the
            # totals by method are those by commune and method added up, and
            # the warnings are counted in the same pass
            cr.execute(
                SQL(
                    """
                    SELECT area_id, method, count(*), sum(amount), sum(fee_amount),
                           count(*) FILTER (WHERE flags IS NOT NULL AND flags != '')
                      FROM social_payout_line
                     WHERE batch_id = %s
                     GROUP BY area_id, method
                    """,
                    batch.id,
                )
            )
            by_area = cr.fetchall()
            by_method = defaultdict(lambda: [0, 0, 0])
            for _area, method, count, amount, fee, _warnings in by_area:
                totals = by_method[method]
                totals[0] += count
                totals[1] += amount or 0
                totals[2] += fee or 0
            cr.execute(
                SQL(
                    "SELECT count(*) FROM social_payout_dropout WHERE batch_id = %s",
                    batch.id,
                )
            )
            dropout_count = cr.fetchone()[0]
            batch.sudo()._workflow_write(
                {
                    "summary_data": {
                        "by_method": [
                            [method, *by_method[method]] for method in sorted(by_method)
                        ],
                        "by_area": [
                            [area_id or False, method, count, amount or 0]
                            for area_id, method, count, amount, _fee, _w in by_area
                        ],
                        "warning_count": sum(row[5] for row in by_area),
                        "dropout_count": dropout_count,
                    }
                }
            )

    def _render_summary(self, by_method, by_area, methods, labels):
        def num(value):
            return formatLang(self.env, value or 0, digits=0)

        def money(value):
            return format_vnd(self.env, value, self.currency_id)

        rows = [
            Markup(
                "<tr><td>{}</td><td class='text-end'>{}</td>"
                "<td class='text-end'>{}</td><td class='text-end'>{}</td></tr>"
            ).format(labels.get(method, method), num(count), money(amount), money(fee))
            for method, count, amount, fee in by_method
        ]
        table_method = Markup(
            "<table class='table table-sm o_social_payout_summary_method'>"
            "<thead><tr><th>{}</th><th class='text-end'>{}</th>"
            "<th class='text-end'>{}</th><th class='text-end'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>"
        ).format(
            self.env._("Method"),
            self.env._("Lines"),
            self.env._("Amount"),
            self.env._("Fee"),
            Markup("").join(rows),
        )
        per_area = defaultdict(dict)
        for area_id, method, count, amount in by_area:
            per_area[area_id][method] = (count, amount)
        areas = self.env["social.area"].sudo().browse([a for a in per_area if a])
        names = {area.id: area.display_name for area in areas}
        head = Markup("").join(
            Markup("<th class='text-end'>{}</th>").format(labels.get(m, m))
            for m in methods
        )
        body = []
        for area_id in sorted(per_area, key=lambda a: names.get(a) or ""):
            cells = per_area[area_id]
            total = sum(v[1] or 0 for v in cells.values())
            body.append(
                Markup(
                    "<tr><td>{}</td>{}<td class='text-end'><b>{}</b></td></tr>"
                ).format(
                    names.get(area_id) or self.env._("(none)"),
                    Markup("").join(
                        Markup("<td class='text-end'>{}</td>").format(
                            money(cells[m][1]) if m in cells else ""
                        )
                        for m in methods
                    ),
                    money(total),
                )
            )
        table_area = Markup(
            "<table class='table table-sm o_social_payout_summary_area'>"
            "<thead><tr><th>{}</th>{}<th class='text-end'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>"
        ).format(
            self.env._("Commune"), head, self.env._("Total"), Markup("").join(body)
        )
        return table_method + table_area

    def _get_submit_warnings(self):
        Line = self.env["social.payout.line"]
        domain = [("batch_id", "in", self.ids)]
        return {
            "missing_account": Line.search(
                [*domain, ("flags", "like", "missing_account")], limit=200
            ),
            "representative": Line.search(
                [
                    *domain,
                    "|",
                    ("flags", "like", "representative_expired"),
                    ("flags", "like", "representative_unconfirmed"),
                ],
                limit=200,
            ),
            "account_changed": Line.search(
                [*domain, ("flags", "like", "account_changed")], limit=200
            ),
            "no_registration": Line.search(
                [*domain, ("flags", "like", "no_registration")], limit=200
            ),
        }
