# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    ACCOUNT_METHODS,
)
from odoo.addons.social_beneficiary.tools.sql_ids import sql_id_array


class SocialPayoutBatch(models.Model):
    _inherit = "social.payout.batch"

    reconciliation_ids = fields.One2many(
        "social.payout.reconciliation", "batch_id", string="Reconciliations"
    )
    reconciliation_count = fields.Integer(compute="_compute_reconciliation_stats")
    paid_line_count = fields.Integer(
        compute="_compute_reconciliation_stats", string="Paid Lines"
    )
    unpaid_line_count = fields.Integer(
        compute="_compute_reconciliation_stats", string="Unpaid Lines"
    )
    cashless_share = fields.Float(
        compute="_compute_reconciliation_stats",
        string="Cashless Share (%)",
        digits=(16, 1),
        help="Lines paid by bank account or e-wallet over all lines of the batch.",
    )

    @api.depends("reconciliation_ids")
    def _compute_reconciliation_stats(self):
        counts = defaultdict(int)
        for batch, state, method, count in self.env["social.payout.line"]._read_group(
            [("batch_id", "in", self.ids)],
            ["batch_id", "state", "method"],
            ["__count"],
        ):
            counts[batch.id, state] += count
            counts[batch.id, "all"] += count
            if method in ACCOUNT_METHODS:
                counts[batch.id, "cashless"] += count
        for batch in self:
            batch.reconciliation_count = len(batch.reconciliation_ids)
            batch.paid_line_count = counts[batch.id, "paid"]
            batch.unpaid_line_count = counts[batch.id, "failed"]
            total = counts[batch.id, "all"]
            batch.cashless_share = (
                100.0 * counts[batch.id, "cashless"] / total if total else 0.0
            )

    def _get_carry_over(self, partner_ids):
        """Failed lines of earlier settled batches of the program, not carried.

        Only batches settled with the unpaid money carried over: refunded money
        went back to the treasury and is not paid again automatically.

        A line counts as not carried when it points nowhere, or to a line of a
        cancelled batch, or to a line of this very batch (regenerating a draft
        batch replaces its lines: the carry-over is taken again, not twice).
        """
        result = super()._get_carry_over(partner_ids)
        self.ensure_one()
        if not partner_ids:
            return result
        self.env["social.payout.line"].flush_model()
        self.env["social.payout.batch"].flush_model(["state", "period", "program_id"])
        self.env["social.payout.reconciliation"].flush_model(["state", "unpaid_policy"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id, SUM(l.amount - COALESCE(l.paid_amount, 0)),
                       ARRAY_AGG(l.id ORDER BY l.id)
                  FROM social_payout_line l
                  JOIN social_payout_batch b ON b.id = l.batch_id
             LEFT JOIN social_payout_line target ON target.id = l.carried_to_line_id
             LEFT JOIN social_payout_batch tb ON tb.id = target.batch_id
                 WHERE l.state = 'failed'
                   AND b.state = 'settled'
                   AND EXISTS (
                       SELECT 1 FROM social_payout_reconciliation r
                        WHERE r.batch_id = b.id AND r.state = 'settled'
                          AND r.unpaid_policy = 'carry_over')
                   AND b.program_id = %(program)s
                   AND b.period < %(period)s
                   AND b.id != %(batch)s
                   AND l.partner_id = ANY(%(partners)s)
                   AND (l.carried_to_line_id IS NULL
                        OR tb.state = 'cancelled'
                        OR tb.id = %(batch)s)
                 GROUP BY l.partner_id
                """,
                program=self.program_id.id,
                period=self.period,
                batch=self.id,
                partners=sql_id_array(partner_ids),
            )
        )
        for partner_id, amount, line_ids in self.env.cr.fetchall():
            previous_amount, previous_ids = result.get(partner_id, (0, []))
            result[partner_id] = (
                int(previous_amount) + int(amount),
                list(previous_ids) + line_ids,
            )
        return result

    def _reconciliation_lines_changed(self):
        """The reconciliation wrote the lines in SQL: refresh the fee total.

        Only the fee changes (it is owed on what was paid); the amount and the
        line count stay, so the fee total is summed in SQL rather than through
        the ORM recompute of all three totals.
        """
        self.env["social.payout.line"].invalidate_model()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE social_payout_batch b
                   SET fee_total = COALESCE(
                       (SELECT SUM(fee_amount) FROM social_payout_line l
                         WHERE l.batch_id = b.id), 0)
                 WHERE b.id = ANY(%s)
                """,
                self.ids,
            )
        )
        self.invalidate_recordset(["fee_total"])

    def _set_settled_by_reconciliation(self):
        return self._set_settled()

    def action_import_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_reconciliation.social_payout_result_import_action"
        )
        action["context"] = {"default_batch_id": self.id}
        return action

    def action_view_reconciliations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_reconciliation.social_payout_reconciliation_action"
        )
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {"create": False}
        if len(self.reconciliation_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.reconciliation_ids.id
        return action

    # --------------------------------------------------------------- demo

    @api.model
    def _demo_history(self, provider_ids, months=6):
        """Demo: the last ``months`` months of the communes served by the demo
        approver, each through the whole workflow as the demo users do it:
        the commune officer generates and submits, the approver approves,
        finance transfers, imports the provider's result file through the
        import wizard, validates and settles. One beneficiary is unpaid once
        (carried over to the next month, then paid), another three months in
        a row (suspended, with the follow-up for the commune officer). The
        month in progress stays a draft for every commune."""
        provider = self.env["social.payout.provider"].browse(provider_ids).exists()
        program = self.env["social.program"].search([("code", "=", "BTXH")], limit=1)
        users = {
            role: self.env.ref(
                f"social_beneficiary.demo_user_{role}", raise_if_not_found=False
            )
            for role in ("approver", "finance")
        }
        if not provider or not program or not all(users.values()):
            return False
        vietnamese = self.env["res.lang"]._lang_get("vi_VN")
        lang = vietnamese.code if vietnamese and vietnamese.active else self.env.lang
        demo_users = self.env["res.users"].search(
            [
                (
                    "login",
                    "in",
                    ("commune_officer", "approver", "finance", "manager", "auditor"),
                )
            ]
        )
        if lang == "vi_VN":
            demo_users.write({"lang": lang})
        this_month = fields.Date.context_today(self).replace(day=1)
        # the month in progress is prepared after its history
        self.search(
            [
                ("provider_id", "=", provider.id),
                ("period", "=", this_month),
                ("state", "=", "draft"),
            ]
        ).unlink()
        communes = (
            self.env["res.partner"]
            .search(
                [
                    ("is_beneficiary", "=", True),
                    ("area_id", "child_of", users["approver"].social_area_ids.ids),
                ]
            )
            .area_id.sorted("code")
        )
        periods = [this_month - relativedelta(months=n) for n in range(months, 0, -1)]
        unpaid_once = unpaid_always = self.env["res.partner"]
        Reconciliation = self.env["social.payout.reconciliation"]
        for index, period in enumerate(periods):
            for commune in communes:
                officer = self._demo_preparer(commune)
                batch = (
                    self.with_user(officer)
                    .with_context(lang=lang)
                    .create(
                        {
                            "program_id": program.id,
                            "period": period,
                            "area_id": commune.id,
                            "provider_id": provider.id,
                        }
                    )
                )
                batch.action_generate_lines()
                if not batch.line_count:
                    batch.unlink()
                    continue
                lines = batch.sudo().line_ids.sorted("reference")
                if not unpaid_always:
                    # the first commune's cash payee: three months unpaid
                    cash = lines.filtered(lambda line: line.method.startswith("cash"))
                    unpaid_always = (cash or lines)[-1:].partner_id
                elif not unpaid_once and commune not in unpaid_always.area_id:
                    unpaid_once = lines[:1].partner_id
                failed = self.env["res.partner"]
                if index >= months - 3:
                    failed |= unpaid_always
                if index == 1:
                    failed |= unpaid_once
                batch.action_submit()
                batch.with_user(users["approver"]).with_context(
                    lang=lang
                ).action_approve()
                # the treasury transfers before the 25th of the month before
                batch.sudo().transfer_date = period - relativedelta(days=8)
                batch.with_user(users["finance"]).with_context(
                    lang=lang
                ).action_transfer()
                content = self._demo_result_file(batch, failed)
                wizard = (
                    self.env["social.payout.result.import"]
                    .with_user(users["finance"])
                    .with_context(lang=lang)
                    .create(
                        {
                            "batch_id": batch.id,
                            "file": base64.b64encode(content),
                            "filename": f"ket_qua_{batch.name.replace('/', '_')}.csv",
                        }
                    )
                )
                action = wizard.action_import()
                reconciliation = (
                    Reconciliation.with_user(users["finance"])
                    .with_context(lang=lang)
                    .browse(action["res_id"])
                )
                reconciliation.action_validate()
                reconciliation.action_settle()
        self.with_context(lang=lang)._demo_create_batches(provider.ids)
        return True

    @api.model
    def _demo_result_rows(self, batch, failed=(), paid_date=None):
        """The rows of the provider's result file of ``batch``, in the columns
        of ``wizards/result_file.ALL_COLUMNS``: the lines of the beneficiaries
        in ``failed`` unpaid, the others paid in full on ``paid_date`` (ISO
        text; by default the 10th of the month paid). The demo's months and the
        tests' provider both send it."""
        paid_date = paid_date or (batch.period + relativedelta(days=9)).isoformat()
        rows = []
        for line in batch.sudo().line_ids.sorted("reference"):
            if line.partner_id in failed:
                rows.append(
                    [
                        line.reference,
                        "failed",
                        0,
                        "",
                        "",
                        "Vắng nhà, không liên lạc được",
                    ]
                )
            else:
                rows.append(
                    [
                        line.reference,
                        "paid",
                        int(line.amount),
                        paid_date,
                        f"GD{line.id:06d}",
                        "",
                    ]
                )
        return rows

    @api.model
    def _demo_result_file(self, batch, failed):
        """The provider's result file of a demo batch (CSV, English keys)."""
        from ..wizards.result_file import ALL_COLUMNS

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(ALL_COLUMNS)
        writer.writerows(self._demo_result_rows(batch, failed))
        return buffer.getvalue().encode("utf-8")
