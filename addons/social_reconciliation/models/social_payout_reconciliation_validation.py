# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from odoo.addons.social_beneficiary.tools.sql_ids import sql_id_array

from .social_payout_reconciliation import CHUNK_SIZE


class SocialPayoutReconciliation(models.Model):
    """Validation: the results are applied to the payout lines (paid, failed)."""

    _inherit = "social.payout.reconciliation"

    def action_validate(self):
        self._check_finance()
        # Lock first: the checks then see the state as committed by whoever
        # pressed the button before.
        self._workflow_lock()
        problems = []
        for reconciliation in self:
            if reconciliation.state != "draft":
                problems.append(
                    self.env._(
                        "%(name)s: only a draft reconciliation can be validated.",
                        name=reconciliation.display_name,
                    )
                )
            elif reconciliation.batch_id.state != "transferred":
                problems.append(
                    self.env._(
                        "%(name)s: the batch is no longer transferred.",
                        name=reconciliation.display_name,
                    )
                )
            elif not self.env["social.payout.result"].search_count(
                [("reconciliation_id", "=", reconciliation.id)], limit=1
            ):
                problems.append(
                    self.env._(
                        "%(name)s: there are no results to apply.",
                        name=reconciliation.display_name,
                    )
                )
        problems += self.batch_id._check_no_job()
        if problems:
            raise UserError("\n".join(problems))
        threshold = self.env["social.payout.batch"]._job_threshold()

        for reconciliation in self:
            # a province's results are applied in chunks in the background
            if reconciliation.batch_id.line_count > threshold:
                reconciliation._enqueue_validation()
            else:
                reconciliation._apply_results()
                reconciliation._finish_validation()
        return True

    def _finish_validation(self):
        """State, note and suspensions once every result is applied."""
        for reconciliation in self:
            reconciliation._workflow_write(
                {
                    "state": "validated",
                    "validated_date": fields.Datetime.now(),
                    "validated_by_id": self.env.uid,
                }
            )
            reconciliation._message_log(
                body=self.env._(
                    "Validated: %(paid)s lines paid, %(unpaid)s unpaid; the "
                    "results are applied to the payout lines.",
                    paid=reconciliation.paid_count,
                    unpaid=reconciliation.unpaid_count,
                )
            )
            reconciliation._suspend_repeatedly_unpaid()
        return True

    def _apply_results(self):
        """Write the results onto the payout lines, set-based, in chunks."""
        self.ensure_one()
        Line = self.env["social.payout.line"]
        Line.flush_model()
        self.env["social.payout.result"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM social_payout_result WHERE reconciliation_id = %s"
                " ORDER BY id",
                self.id,
            )
        )
        result_ids = [row[0] for row in self.env.cr.fetchall()]
        for chunk in split_every(CHUNK_SIZE, result_ids, list):
            self._apply_result_chunk(chunk)
        Line.invalidate_model()
        self.batch_id._reconciliation_lines_changed()

    def _apply_result_chunk(self, chunk):
        """Results ``chunk`` (ids) written onto their lines in one statement,
        inside PostgreSQL: the rows never travel to Python and back.
        Idempotent: a chunk applied again writes the same values."""
        if chunk:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE social_payout_line AS l
                       SET state = r.status,
                           paid_amount = r.amount_paid,
                           paid_date = r.paid_date,
                           provider_ref = r.provider_ref,
                           failure_reason = r.reason,
                           fee_amount = r.fee_amount
                      FROM social_payout_result AS r
                     WHERE r.id = ANY(%(chunk)s)
                       AND r.reconciliation_id = %(reconciliation)s
                       AND l.id = r.line_id
                    """,
                    chunk=sql_id_array(chunk),
                    reconciliation=self.id,
                )
            )
