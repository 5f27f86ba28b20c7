# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A province's provider results in the background (OCA queue_job).

Above ``social_payout.job_threshold`` lines, the import of a result file runs
as a job (all or nothing, as in the foreground: the file is checked whole,
then its rows are written with COPY) and the validation applies the results
to the lines in chunks of ``social_payout.job_chunk_size`` results (by id;
a chunk applied again writes the same values), the last chunk validating the
reconciliation. Progress and the outcome are on the batch and in its chatter.
"""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.settings import JOB_CHANNEL


# the background part of the batch kept apart from its reports and demo
class SocialPayoutBatch(models.Model):  # pylint: disable=R8180
    _inherit = "social.payout.batch"

    job_task = fields.Selection(
        selection_add=[("import", "Result import"), ("validate", "Result validation")],
        ondelete={"import": "set null", "validate": "set null"},
    )

    def _enqueue_result_import(self, content, filename):
        """Queue the import of a result file; the checks that need no parsing
        are made now, the file's own ones by the job."""
        self.ensure_one()
        self.env["social.payout.reconciliation"]._check_finance()
        self.check_access("read")
        problems = self._check_no_job()
        if self.state != "transferred":
            problems.append(
                self.env._(
                    "Results can only be imported for a transferred batch; "
                    "batch %(batch)s is %(state)s.",
                    batch=self.display_name,
                    state=self._state_label(),
                )
            )
        self._raise_problems(problems)
        self._workflow_lock()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename or "results",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self._job_start("import", self.line_count)
        self.with_delay(
            channel=JOB_CHANNEL, description=self._job_description("import", 0)
        )._job_import_chunk(0, attachment.id, filename or "")

    def _job_import_chunk(self, index, attachment_id, filename):
        """Job: check and write the results of the uploaded file."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].sudo().browse(attachment_id).exists()

        def work():
            if not attachment:
                raise UserError(self.env._("The uploaded result file is gone."))
            reconciliation = self.env[
                "social.payout.reconciliation"
            ]._import_result_file(self, attachment.raw, filename)
            attachment.unlink()
            count = self.env["social.payout.result"].search_count(
                [("reconciliation_id", "=", reconciliation.id)]
            )
            self._log_note(
                self.env._(
                    "Result import done: %(count)s rows in %(name)s.",
                    count=count,
                    name=reconciliation.display_name,
                )
            )
            return {
                "job_state": "done",
                "job_progress_done": count,
                "job_progress_total": count,
            }, None

        return self._job_run_chunk("import", index, work)

    def _job_validate_chunk(self, index, reconciliation_id, after_id):
        """Job: apply the next chunk of results (by id) to their lines."""
        self.ensure_one()
        reconciliation = self.env["social.payout.reconciliation"].browse(
            reconciliation_id
        )
        size = self._job_chunk_size()

        def work():
            if reconciliation.state != "draft" or self.state != "transferred":
                raise UserError(
                    self.env._(
                        "%(name)s is no longer a draft of a transferred batch.",
                        name=reconciliation.display_name,
                    )
                )
            self.env["social.payout.line"].flush_model()
            self.env["social.payout.result"].flush_model()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM social_payout_result WHERE reconciliation_id = %s"
                    " AND id > %s ORDER BY id LIMIT %s",
                    reconciliation.id,
                    after_id,
                    size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            reconciliation._apply_result_chunk(ids)
            self.env["social.payout.line"].invalidate_model()
            vals = {
                "job_state": "running",
                "job_progress_done": index * size + len(ids),
            }
            if len(ids) == size:
                return vals, (index + 1, reconciliation.id, ids[-1])
            self._reconciliation_lines_changed()
            reconciliation._finish_validation()
            vals.update(job_state="done", job_progress_total=vals["job_progress_done"])
            return vals, None

        return self._job_run_chunk("validate", index, work)


class SocialPayoutReconciliation(models.Model):
    _inherit = "social.payout.reconciliation"

    def _enqueue_validation(self):
        self.ensure_one()
        batch = self.batch_id
        batch._raise_problems(batch._check_no_job())
        total = self.env["social.payout.result"].search_count(
            [("reconciliation_id", "=", self.id)]
        )
        batch._job_start("validate", total)
        batch.with_delay(
            channel=JOB_CHANNEL, description=batch._job_description("validate", 0)
        )._job_validate_chunk(0, self.id, 0)
