# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment stops after months not collected, where the program's rules say so.

``social.program.suspend_after_unpaid_months`` (3 for bảo trợ xã hội, Nghị định
20/2021/NĐ-CP; 0 where the rules have no such stop): when a validated
reconciliation shows a beneficiary unpaid in that many consecutive months of the
program, payment stops from the next month. The registry owns the suspension: it
opens a period awaiting the chairman's decision, and the commune officer gets an
activity to record it (suspend, or resume and whether the stopped months are
paid).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL


class SocialPayoutReconciliation(models.Model):
    _inherit = "social.payout.reconciliation"

    def _suspend_repeatedly_unpaid(self):
        """Stop the payment of beneficiaries unpaid for the program's number
        of consecutive months: this batch's month and the ones before it."""
        self.ensure_one()
        batch = self.batch_id
        count = batch.program_id.sudo().suspend_after_unpaid_months
        if count <= 0:
            return
        months = [
            batch.period - relativedelta(months=offset) for offset in range(count)
        ]
        self.env["social.payout.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM social_payout_result"
                " WHERE reconciliation_id = %s AND status = 'failed'",
                self.id,
            )
        )
        unpaid_partner_ids = [row[0] for row in self.env.cr.fetchall()]
        if not unpaid_partner_ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id
                  FROM social_payout_line l
                  JOIN social_payout_batch b ON b.id = l.batch_id
                 WHERE l.partner_id = ANY(%(partners)s)
                   AND l.state = 'failed'
                   AND b.program_id = %(program)s
                   AND b.state != 'cancelled'
                   AND b.period = ANY(%(months)s::date[])
                 GROUP BY l.partner_id
                HAVING COUNT(DISTINCT b.period) = %(count)s
                """,
                partners=unpaid_partner_ids,
                program=batch.program_id.id,
                months=months,
                count=count,
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        if not partner_ids:
            return
        allowances = (
            self.env["social.allowance"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partner_ids),
                    ("program_id", "=", batch.program_id.id),
                    ("state", "=", "active"),
                ]
            )
        )
        stopped = allowances._stop_payment_uncollected(
            batch.period + relativedelta(months=1),
            count,
            self.env._(
                "Not collected in %(count)s consecutive months up to the batch "
                "%(batch)s.",
                count=count,
                batch=batch.display_name,
            ),
        )
        if not stopped:
            return
        officers = self._commune_officers(stopped.partner_id.area_id)
        for allowance in stopped:
            users = officers.get(allowance.partner_id.area_id.id) or batch.create_uid
            for user in users:
                # in the language of whoever follows it up
                env = self.with_context(lang=user.lang or self.env.lang).env
                allowance.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=allowance._decision_activity_summary(user),
                    note=env._(
                        "%(beneficiary)s has not collected the allowance for "
                        "%(count)s consecutive months: payment stopped from "
                        "%(month)s. Record the chairman's decision on the "
                        "allowance: Suspend (with the decision), or Resume and say "
                        "whether the stopped months are paid.",
                        beneficiary=allowance.partner_id.display_name,
                        count=count,
                        month=(batch.period + relativedelta(months=1)).strftime(
                            "%m/%Y"
                        ),
                    ),
                )
        self._message_log(
            body=self.env._(
                "Payment stopped for %(count)s allowances after %(months)s "
                "consecutive unpaid months; the commune officers record the "
                "chairman's decisions.",
                count=len(stopped),
                months=count,
            )
        )

    @api.model
    def _commune_officers(self, communes):
        """Who follows up each commune: {area_id: users}. The commune officers
        serving it (users of the officer group, not managers, whose areas hold
        the commune); where none does, the managers serving it."""
        group = self.env.ref("social_beneficiary.group_social_commune_officer")
        users = (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.ids), ("social_area_ids", "!=", False)])
        )
        managers = users.filtered(
            lambda user: user.has_group("social_beneficiary.group_social_manager")
        )
        officers = {}
        for commune in communes:
            ancestors = set(map(int, (commune.parent_path or "").split("/")[:-1]))
            ancestors.add(commune.id)
            serving = users.filtered(
                lambda user, ancestors=ancestors: set(user.social_area_ids.ids)
                & ancestors
            )
            officers[commune.id] = (serving - managers) or serving
        return officers
