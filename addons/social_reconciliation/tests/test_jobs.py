# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestResultJobs(SocialReconciliationCommon):
    """Above the threshold a result file is imported by a job and validated in
    chunks on root.social, with the outcome of the synchronous path."""

    def _wizard(self, content, filename="ket_qua.csv"):
        return (
            self.env["social.payout.result.import"]
            .with_user(self.finance)
            .create(
                {
                    "batch_id": self.batch.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )

    def _run_all(self, trap, batch):
        progress = []
        while trap.enqueued_jobs:
            job = trap.enqueued_jobs.pop(0)
            self.assertEqual(job.channel, "root.social")
            job.perform()
            progress.append((batch.job_state, batch.job_progress_done))
        return progress

    def _line_states(self):
        lines = self.batch.sudo().line_ids
        lines.invalidate_recordset()
        return sorted(
            lines.mapped(
                lambda line: (
                    line.partner_id.id,
                    line.state,
                    line.paid_amount,
                    line.paid_date,
                    line.provider_ref,
                    line.failure_reason,
                    line.fee_amount,
                )
            )
        )

    def _synchronous_outcome(self, content):
        """The lines as the synchronous path leaves them (rolled back)."""
        with self.env.cr.savepoint(flush=True) as savepoint:
            reconciliation = self._import(self.batch, content, "ket_qua.csv")
            reconciliation.with_user(self.finance).action_validate()
            outcome = (
                self._line_states(),
                reconciliation.paid_count,
                reconciliation.unpaid_count,
            )
            savepoint.rollback()
        self.env.invalidate_all()
        return outcome

    def test_chunked_import_and_validation_same_outcome(self):
        self.finance.email = False
        rows = self._result_rows(self.batch, failed=self.binh)
        content = self._csv(rows)
        expected = self._synchronous_outcome(content)
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param("social_payout.job_threshold", "0")
        Param.set_param("social_payout.job_chunk_size", "1")
        batch = self.batch
        with trap_jobs() as trap:
            action = self._wizard(content).action_import()
            self.assertEqual(action["res_model"], "social.payout.batch")
            self.assertEqual(batch.job_state, "queued")
            self.assertEqual(batch.job_task, "import")
            self.assertFalse(batch.sudo().reconciliation_ids)
            trap.assert_jobs_count(1)
            self.assertEqual(self._run_all(trap, batch), [("done", len(rows))])
            reconciliation = batch.sudo().reconciliation_ids.with_user(self.finance)
            self.assertEqual(reconciliation.state, "draft")
            self.assertEqual(len(reconciliation.result_ids), len(rows))
            self.assertIn("Result import done", batch.message_ids[0].body)

            reconciliation.action_validate()
            self.assertEqual(batch.job_task, "validate")
            self.assertEqual(reconciliation.state, "draft")
            # busy: a second validation is refused while the first one runs
            with self.assertRaisesRegex(UserError, "busy in the background"):
                reconciliation.action_validate()
            progress = self._run_all(trap, batch)
        # one result per chunk: the progress moves one by one, then done
        self.assertEqual(
            progress,
            [("running", n) for n in range(1, len(rows) + 1)] + [("done", len(rows))],
        )
        self.assertEqual(reconciliation.state, "validated")
        self.assertEqual(
            (
                self._line_states(),
                reconciliation.paid_count,
                reconciliation.unpaid_count,
            ),
            expected,
        )

    def test_refused_file_noted_on_batch(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "social_payout.job_threshold", "0"
        )
        rows = self._result_rows(self.batch)
        rows[0] = ["NO-SUCH-REF", *rows[0][1:]]
        before = self._snapshot(self.batch)
        with trap_jobs() as trap:
            self._wizard(self._csv(rows)).action_import()
            self._run_all(trap, self.batch)
        self.assertEqual(self.batch.job_state, "failed")
        self.assertIn("NO-SUCH-REF", self.batch.message_ids[0].body)
        self.assertEqual(self._snapshot(self.batch), before)

    def test_import_refused_to_auditor_before_queueing(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "social_payout.job_threshold", "0"
        )
        rows = self._result_rows(self.batch)
        with trap_jobs() as trap:
            with self.assertRaisesRegex(AccessError, "Only the finance office"):
                self.batch.with_user(self.auditor)._enqueue_result_import(
                    self._csv(rows), "r.csv"
                )
            trap.assert_jobs_count(0)
        self.assertFalse(self.batch.job_state)
