"""Province-sized lists applied in the background (OCA queue_job).

Above ``social_beneficiary.import_job_threshold`` rows (default 5,000) the
apply checks the whole file as the synchronous path does (any refused row
refuses the file, nothing is queued), then queues a chain of jobs on the
channel ``root.social``. Each job applies ``social_beneficiary.import_chunk_size``
rows (default 5,000): it reads the file again up to the end of its chunk
(the rows before it counted, not read into values), checks its rows against the
registry as it is then, and applies them in one savepoint with the same code
as the synchronous path (``_analyse`` and ``_apply_plan``); it adds its counts
and its progress to the wizard and queues the next chunk in the same
transaction. The file cannot change while the chain runs.

A chunk is all-or-nothing; the file as a whole is checked before the first
chunk, and a chunk run again (after a crash before its commit) finds its rows
already applied and counts them unchanged, as the same file imported twice.
When the last chunk is done, or a chunk fails (the registry changed since the
check, and a row is now refused), the user who applied the list is told by a
notification, and the wizard keeps the outcome.
"""

import logging

from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.queue_job.exception import RetryableJobError

from ..tools.settings import JOB_CHANNEL, int_param

_logger = logging.getLogger(__name__)

THRESHOLD_PARAM = "social_beneficiary.import_job_threshold"
CHUNK_PARAM = "social_beneficiary.import_chunk_size"
DEFAULT_THRESHOLD = 5000
DEFAULT_CHUNK_SIZE = 5000
COUNT_FIELDS = ("count_new", "count_updated", "count_unchanged", "count_refused")


class SocialBeneficiaryImport(models.TransientModel):
    _name = "social.beneficiary.import"
    _inherit = ["social.beneficiary.import", "social.workflow.mixin"]
    # the background run lasts long: keep the wizard a day
    _transient_max_hours = 24.0
    # the progress of the background run is written by the jobs only
    _workflow_fields = frozenset(
        {"job_state", "job_progress_done", "job_progress_total", "job_message"}
    )

    job_state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        string="Background Run",
        readonly=True,
        copy=False,
    )
    job_progress_done = fields.Integer(string="Rows Applied", readonly=True)
    job_progress_total = fields.Integer(string="Rows To Apply", readonly=True)
    job_message = fields.Char(string="Outcome", readonly=True)

    # ------------------------------------------------------------ settings
    @api.model
    def _job_threshold(self):
        """Lists of more rows than this are applied in the background."""
        return int_param(self.env, THRESHOLD_PARAM, DEFAULT_THRESHOLD, 0)

    @api.model
    def _job_chunk_size(self):
        return int_param(self.env, CHUNK_PARAM, DEFAULT_CHUNK_SIZE, 1)

    # --------------------------------------------------------------- guards
    def write(self, vals):
        if {"file", "filename", "preset_id"}.intersection(vals) and any(
            wizard.job_state in ("queued", "running") for wizard in self
        ):
            raise UserError(
                self.env._(
                    "The list is being applied in the background: its file cannot "
                    "change until the run has finished."
                )
            )
        return super().write(vals)

    def _check_no_job(self):
        if self.job_state in ("queued", "running"):
            raise UserError(
                self.env._(
                    "The list is already being applied in the background "
                    "(%(done)s of %(total)s rows done).",
                    done=self.job_progress_done,
                    total=self.job_progress_total,
                )
            )

    # -------------------------------------------------------------- actions
    def action_preview(self):
        self.ensure_one()
        self._check_no_job()
        return super().action_preview()

    def action_apply(self):
        self.ensure_one()
        self._check_no_job()
        return super().action_apply()

    def _apply_checked(self, rows):
        """Large lists go to the background once the whole file is checked."""
        if len(rows) <= self._job_threshold():
            return super()._apply_checked(rows)
        self.error_ids.unlink()
        self.write(dict.fromkeys(COUNT_FIELDS, 0))
        self._workflow_write(
            {
                "job_state": "queued",
                "job_progress_done": 0,
                "job_progress_total": len(rows),
                "job_message": False,
            }
        )
        self._job_enqueue(0)
        return self._reopen()

    def _job_enqueue(self, start):
        size = self._job_chunk_size()
        self.with_delay(
            channel=JOB_CHANNEL,
            description=f"import {self.filename or self.id}: rows {start + 1}-"
            f"{min(start + size, self.job_progress_total)}",
        )._job_apply_chunk(start, size)

    # ------------------------------------------------------------------ jobs
    def _job_apply_chunk(self, start, size):
        """Job: apply the rows ``start`` to ``start + size`` of the file."""
        self.ensure_one()
        if self.job_state not in ("queued", "running"):
            return "skipped: no background run of this list is going on"
        try:
            with self.env.cr.savepoint():
                # the file up to the end of this chunk only
                rows = self._read_rows(start=start, stop=start + size)
                # the same checks as the whole file, against the registry now
                self._analyse(rows)
                refused = [row for row in rows if row.problems]
                if refused:
                    raise UserError(self._problem_lines(refused))
                self._apply_plan(rows)
                counts = self._counts(rows)
                self.write({name: self[name] + counts[name] for name in COUNT_FIELDS})
                done = min(start + size, self.job_progress_total)
                last = done >= self.job_progress_total
                self._workflow_write(
                    {
                        "job_state": "done" if last else "running",
                        "job_progress_done": done,
                    }
                )
                if last:
                    self.write({"state": "done"})
        except (RetryableJobError, OperationalError):
            # a lock or a serialization conflict: queue_job runs the chunk again
            raise
        except (UserError, ValidationError, AccessError) as error:
            return f"failed: {self._job_failed(error.args[0] if error.args else '')}"
        except Exception:
            _logger.exception("Background import %s failed", self.id)
            return f"failed: {self._job_failed(None)}"
        if last:
            self._job_notify_done()
            return "done"
        self._job_enqueue(start + size)
        return f"rows {start + 1}-{done} applied"

    def _job_failed(self, reason):
        self.env.invalidate_all()
        if not reason:
            reason = self.env._("an unexpected error (see the server log)")
        message = self.env._(
            "The list %(file)s stopped after %(done)s of %(total)s rows: "
            "%(reason)s. The rows before were applied; correct the file and apply "
            "it again (rows already applied count as unchanged).",
            file=self.filename or "-",
            done=self.job_progress_done,
            total=self.job_progress_total,
            reason=reason,
        )
        self._workflow_write({"job_state": "failed", "job_message": message})
        self.create_uid._bus_send(
            "simple_notification",
            {"type": "danger", "sticky": True, "message": message},
        )
        return message

    def _job_notify_done(self):
        message = self.env._(
            "The list %(file)s is applied: %(new)s new, %(updated)s updated, "
            "%(unchanged)s unchanged beneficiaries.",
            file=self.filename or "-",
            new=self.count_new,
            updated=self.count_updated,
            unchanged=self.count_unchanged,
        )
        self._workflow_write({"job_message": message})
        self.create_uid._bus_send(
            "simple_notification",
            {"type": "success", "sticky": True, "message": message},
        )
