# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Province-scale months in the background (OCA queue_job).

Above ``social_payout.job_threshold`` beneficiaries (default 20,000) the
generation runs as jobs on the channel ``root.social``, all queued at once: a
start (the lines of before go), then one job for each group of communes (at
most ``social_payout.job_chunk_size`` beneficiaries, default 50,000, unless a
commune has more; as many groups as whole rounds of the channel's capacity
need, of about the same size; fixed when the generation is queued), which run
side by side as far as the channel allows, then an end once they are all done.
A chunk makes its lines with the same rules as the synchronous path
(``_generate_lines`` with ``partner_ids``, their beneficiaries) and records its
counts in a ``social.payout.batch.chunk`` of its own: two chunks writing the
batch's row at the same moment would fail under Odoo's repeatable read. A chunk
deletes the lines it makes before making them: run again after a crash, it
gives the same lines. The end makes again the lines of those whose move was
recorded while the chunks ran (a chunk done before the move, or none, read
them), then writes the dropouts, the totals and the chatter note. The result
import and validation (social_reconciliation) are chains: each chunk records
its progress on the batch and queues the next one in the same transaction.
"""

import logging
import math
import uuid
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.delay import chain, group
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.jobrunner.channels import ChannelManager
from odoo.addons.queue_job.jobrunner.runner import _channels as queue_job_channels
from odoo.addons.social_beneficiary.tools.settings import JOB_CHANNEL, int_param
from odoo.addons.social_beneficiary.tools.sql_plan import set_based_plan

_logger = logging.getLogger(__name__)

DEFAULT_JOB_THRESHOLD = 20000
DEFAULT_JOB_CHUNK_SIZE = 50000
# a request that records a move lasts less (limit_time_real: 600 s)
MOVES_READ_AGAIN_BEFORE = timedelta(hours=1)


class SocialPayoutBatch(models.Model):
    _inherit = "social.payout.batch"

    @api.depends("job_progress_done", "job_data")
    def _compute_job_progress(self):
        # the chunks of a generation running side by side each count in a
        # record of their own (social.payout.batch.chunk), not on the batch
        runs = {batch.id: (batch.job_data or {}).get("run") for batch in self}
        counts = {}
        if any(runs.values()):
            for batch, run, count in (
                self.env["social.payout.batch.chunk"]
                .sudo()
                ._read_group(
                    [("batch_id", "in", self.ids)],
                    ["batch_id", "run"],
                    ["beneficiary_count:sum"],
                )
            ):
                if runs.get(batch.id) == run:
                    counts[batch.id] = count
        for batch in self:
            batch.job_progress = batch.job_progress_done + counts.get(batch.id, 0)

    # ------------------------------------------------------------ settings

    @api.model
    def _job_threshold(self):
        """Above this many beneficiaries (or result rows) the work is queued."""
        return int_param(self.env, "social_payout.job_threshold", DEFAULT_JOB_THRESHOLD)

    @api.model
    def _job_chunk_size(self):
        return int_param(
            self.env, "social_payout.job_chunk_size", DEFAULT_JOB_CHUNK_SIZE, 1
        )

    @api.model
    def _job_channel_capacity(self):
        """How many jobs of the suite's channel the job runner performs at a
        time, as the server's configuration says (queue_job's ``channels``,
        read as its runner reads them): the smallest capacity on the way from
        ``root`` to the channel, at least 1."""
        try:
            channels = ChannelManager.parse_simple_config(queue_job_channels())
        except ValueError:
            return 1
        capacities = {"root": 1}  # queue_job's root channel, unless configured
        for channel in channels:
            name = channel["name"]
            if name != "root" and not name.startswith("root."):
                name = f"root.{name}"
            capacities[name] = channel.get("capacity", 1)
        parts = JOB_CHANNEL.split(".")
        path = [".".join(parts[: index + 1]) for index in range(len(parts))]
        return max(min(capacities.get(name, math.inf) for name in path), 1)

    def _check_no_job(self):
        """No action on a batch while its background job is queued or runs."""
        labels = dict(self._fields["job_task"]._description_selection(self.env))
        return [
            self.env._(
                "Batch %(name)s is busy in the background (%(task)s, %(done)s of "
                "%(total)s done): wait until it has finished.",
                name=batch.name,
                task=labels.get(batch.job_task, batch.job_task or ""),
                done=batch.job_progress,
                total=batch.job_progress_total,
            )
            for batch in self
            if batch.job_state in ("queued", "running")
        ]

    def _job_start(self, task, total, data=None):
        """Mark the batch busy with ``task`` (``data``: what its chunks read
        besides their own counts)."""
        self.ensure_one()
        self._workflow_write(
            {
                "job_task": task,
                "job_state": "queued",
                "job_progress_done": 0,
                "job_progress_total": total,
                "job_data": data or {},
            }
        )
        labels = dict(self._fields["job_task"]._description_selection(self.env))
        self._log_note(
            self.env._(
                "%(task)s of %(count)s records queued in the background by "
                "%(user)s; the batch shows its progress.",
                task=labels[task],
                count=total,
                user=self.env.user.name,
            )
        )

    def _job_failed(self, error):
        """Roll back to the chunk's savepoint, then keep the failure on the
        batch and in its chatter: the job itself ends (nothing to retry)."""
        if isinstance(error, UserError):
            reason = error.args[0]
        else:
            _logger.exception("Background job of batch %s failed", self.id)
            reason = self.env._("an unexpected error (see the server log)")
        self.env.invalidate_all()
        self._workflow_write({"job_state": "failed"})
        labels = dict(self._fields["job_task"]._description_selection(self.env))
        self._log_note(
            self.env._(
                "%(task)s failed after %(done)s of %(total)s records: %(reason)s. "
                "Start it again from the batch.",
                task=labels.get(self.job_task, self.job_task or ""),
                done=self.job_progress,
                total=self.job_progress_total,
                reason=reason,
            )
        )
        return reason

    def _job_run_chunk(self, task, index, work):
        """Run one chunk: ``work()`` inside a savepoint, returns ``(vals,
        next_args)``; a failure that retrying cannot fix marks the batch failed."""
        self.ensure_one()
        if self.job_task != task or self.job_state not in ("queued", "running"):
            return f"skipped: the batch has no {task} job running"
        try:
            with self.env.cr.savepoint():
                vals, next_args = work()
                if vals:
                    self._workflow_write(vals)
        except (RetryableJobError, OperationalError):
            # a lock or serialization conflict: queue_job runs the chunk again
            raise
        except Exception as error:
            return f"failed: {self._job_failed(error)}"
        if next_args is not None:
            getattr(
                self.with_delay(
                    channel=JOB_CHANNEL,
                    description=self._job_description(task, index + 1),
                ),
                f"_job_{task}_chunk",
            )(*next_args)
        return f"chunk {index} done"

    def _job_description(self, task, index):
        return f"{task} {self.name}: chunk {index + 1}"

    # ---------------------------------------------------------- generation

    def _sql_generation_payable(self, alias):
        """SQL condition: the beneficiary ``alias`` may have something this
        batch pays (an allowance of its program; one-off payments extend it).
        The chunks read those of their communes who meet it: whoever the
        synchronous path may pay must meet it."""
        return SQL(
            "EXISTS (SELECT 1 FROM social_allowance a"
            " WHERE a.partner_id = %s AND a.program_id = %s)",
            SQL.identifier(alias, "id"),
            self.program_id.id,
        )

    def _sql_generation_reads(self, alias):
        """SQL condition: the generation reads the beneficiary ``alias``: he
        lives in the batch's area and may have something to be paid
        (``_sql_generation_payable``)."""
        return SQL(
            "%s AND %s",
            self.area_id._sql_within(SQL.identifier(alias, "area_id")),
            self._sql_generation_payable(alias),
        )

    def _generation_population(self, area_ids=None):
        """Beneficiaries of the area (or of ``area_ids`` in it) who may have
        something to be paid (``_sql_generation_payable``), by id: every one
        the generation may pay (its candidates are among them)."""
        self.ensure_one()
        self.env.flush_all()
        with set_based_plan(self.env.cr):
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.id FROM res_partner p
                     WHERE %(reads)s %(areas)s
                     ORDER BY p.id
                    """,
                    reads=self._sql_generation_reads("p"),
                    areas=SQL("AND p.area_id = ANY(%s)", area_ids)
                    if area_ids
                    else SQL(),
                )
            )
            return [pid for (pid,) in self.env.cr.fetchall()]

    def _generation_commune_counts(self):
        """``[(commune id, count)]`` by commune id: how many of those the
        generation reads (``_generation_population``) each commune's chunk
        reads. Every commune whose chunk reads someone is there."""
        self.ensure_one()
        self.env.flush_all()
        with set_based_plan(self.env.cr):
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.area_id, count(*) FROM res_partner p
                     WHERE %s
                     GROUP BY p.area_id ORDER BY p.area_id
                    """,
                    self._sql_generation_reads("p"),
                )
            )
            return self.env.cr.fetchall()

    def _generation_groups(self):
        """The chunks: communes (by id) put together, a commune never split.

        As few chunks as ``job_chunk_size`` allows, their number rounded up to
        a multiple of the jobs the channel performs at a time, and of about the
        same size: the chunks run side by side in whole rounds, and no worker
        waits for the last, larger one (100,000 beneficiaries and two workers:
        two chunks of 50,000, not five of 20,000 in three rounds). A commune
        larger than that is a chunk alone. Returns ``(groups, total)``."""
        self.ensure_one()
        counts = self._generation_commune_counts()
        total = sum(count for _area_id, count in counts)
        capacity = self._job_channel_capacity()
        rounds = math.ceil(total / (self._job_chunk_size() * capacity))
        chunks = max(min(rounds * capacity, len(counts)), 1)
        # a chunk ends where the running count passes its share of the total,
        # or where each chunk still to make needs one of the communes left
        groups, current, running = [], [], 0
        for index, (area_id, count) in enumerate(counts):
            current.append(area_id)
            running += count
            share_reached = running * chunks >= total * (len(groups) + 1)
            communes_left = len(counts) - index - 1
            if share_reached or communes_left < chunks - len(groups):
                groups.append(current)
                current = []
        if current or not groups:
            groups.append(current)
        return groups, total

    def _enqueue_generation(self, groups, total):
        """Queue the generation of ``_generation_groups``'s ``(groups,
        total)``, counted once by the caller (a scan of the whole area): one
        job deletes the lines of before, then the chunks run side by side
        (as many at a time as the channel allows), then one job ends it."""
        self.ensure_one()
        # the last job reads again who moved from then on (a little before:
        # a move recorded by a request that began earlier is not seen here)
        since = self.env.cr.now() - MOVES_READ_AGAIN_BEFORE
        run = uuid.uuid4().hex
        self._job_start(
            "generate",
            total,
            {"moves_since": fields.Datetime.to_string(since), "run": run},
        )
        self.env["social.payout.batch.chunk"].sudo().search(
            [("batch_id", "=", self.id)]
        ).unlink()

        def job(step):
            return self.delayable(
                channel=JOB_CHANNEL, description=f"generate {self.name}: {step}"
            )

        chain(
            job("start")._job_generate_start(run),
            group(
                *(
                    job(f"chunk {index + 1} of {len(groups)}")._job_generate_part(
                        run, index, area_ids
                    )
                    for index, area_ids in enumerate(groups)
                )
            ),
            job("end")._job_generate_end(run, len(groups)),
        ).delay()

    def _job_generate_step(self, run, step, work):
        """Run ``work`` as a step of the generation ``run``; a job of an
        earlier start (the batch failed, then started again) does nothing."""
        self.ensure_one()
        if self.state != "draft":
            return f"skipped: batch {self.name} is no longer a draft"
        if (self.job_data or {}).get("run") != run:
            return f"skipped: batch {self.name} was generated again since"
        return self._job_run_chunk("generate", step, work)

    def _job_generate_start(self, run):
        """Job: the lines and dropouts of before go."""

        def work():
            self.env.flush_all()
            cr = self.env.cr
            cr.execute(
                SQL("DELETE FROM social_payout_dropout WHERE batch_id = %s", self.id)
            )
            cr.execute(
                SQL("DELETE FROM social_payout_line WHERE batch_id = %s", self.id)
            )
            self.env.invalidate_all()
            return {"job_state": "running"}, None

        return self._job_generate_step(run, "start", work)

    def _job_generate_part(self, run, index, area_ids):
        """Job: the lines of the beneficiaries of the communes ``area_ids``
        (fixed when the generation was queued). It writes its own chunk
        record, not the batch: the other chunks run at the same time."""

        def work():
            ids = self._generation_population(area_ids) if area_ids else []
            stats = self._generate_lines(partner_ids=ids) if ids else {}
            chunks = self.env["social.payout.batch.chunk"].sudo()
            # run again (a crash before its commit, a retry): recorded once
            chunks.search(
                [
                    ("batch_id", "=", self.id),
                    ("run", "=", run),
                    ("sequence", "=", index),
                ]
            ).unlink()
            chunks.create(
                {
                    "batch_id": self.id,
                    "run": run,
                    "sequence": index,
                    "beneficiary_count": len(ids),
                    "stats": stats,
                }
            )
            return None, None

        return self._job_generate_step(run, index, work)

    def _job_generate_end(self, run, parts):
        """Job, once every chunk is done: dropouts, totals and the note."""

        def work():
            chunks = (
                self.env["social.payout.batch.chunk"]
                .sudo()
                .search([("batch_id", "=", self.id), ("run", "=", run)])
            )
            if len(chunks) != parts:
                raise UserError(
                    self.env._(
                        "only %(done)s of its %(parts)s chunks made their lines",
                        done=len(chunks),
                        parts=parts,
                    )
                )
            self._generation_chunks_finish(
                [chunk.stats or {} for chunk in chunks],
                (self.job_data or {}).get("moves_since"),
            )
            done = sum(chunks.mapped("beneficiary_count"))
            chunks.unlink()
            vals = {
                "job_state": "done",
                "job_progress_done": done,
                "job_progress_total": done,
            }
            return vals, None

        return self._job_generate_step(run, "end", work)

    def _generation_chunks_finish(self, chunks, moves_since):
        """End a chunked generation once every chunk has made its lines.

        A move recorded while the chunks ran may have left a beneficiary to no
        chunk (he left a commune still to come for one already done) or his
        line to a chunk that no longer pays him: those who moved since
        ``moves_since`` are made again now. The counts are then those of the
        batch's lines, and each beneficiary is counted once (one whose move
        comes after the month is read by two chunks)."""
        self.ensure_one()
        cr = self.env.cr
        elsewhere = {pid for chunk in chunks for pid in chunk.get("elsewhere_ids", ())}
        not_served = {
            pid for chunk in chunks for pid in chunk.get("not_served_ids", ())
        }
        moved = self._generation_moved_since(moves_since) if moves_since else []
        if moved:
            again = self._generate_lines(partner_ids=moved)
            elsewhere = elsewhere.difference(moved).union(again["elsewhere_ids"])
            not_served = not_served.difference(moved).union(again["not_served_ids"])
        self.env.flush_all()
        cr.execute(
            SQL("DELETE FROM social_payout_dropout WHERE batch_id = %s", self.id)
        )
        cr.execute(
            SQL(
                "SELECT count(*), count(*) FILTER (WHERE arrears_amount != 0)"
                " FROM social_payout_line WHERE batch_id = %s",
                self.id,
            )
        )
        line_count, arrears_count = cr.fetchone()
        previous = self._get_previous_lines()
        # of those the counts and the dropouts ask about, who has a line
        # (not the batch's every line: the first month has no previous one)
        asked = elsewhere | not_served | previous.keys()
        cr.execute(
            SQL(
                "SELECT partner_id FROM social_payout_line"
                " WHERE batch_id = %s AND %s",
                self.id,
                self._sql_chunk_partners(
                    "social_payout_line", sorted(asked), "partner_id"
                ),
            )
        )
        kept = {pid for (pid,) in cr.fetchall()}
        elsewhere -= kept
        not_served -= kept | elsewhere
        totals = {
            "lines": line_count,
            "arrears": arrears_count,
            "elsewhere": len(elsewhere),
            "not_served": len(not_served),
        }
        totals["dropouts"] = self._create_dropouts(previous, kept, elsewhere)
        self._generation_finish(totals)
