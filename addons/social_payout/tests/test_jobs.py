# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.social_beneficiary.tests.common import load_migration

from ..models.social_payout_batch_generation import LINE_COLUMNS
from .common import SocialPayoutCommon

# what the generation writes in a line (its COPY columns), but who wrote it and when
LINE_FIELDS = tuple(
    name
    for name in LINE_COLUMNS
    if name not in ("create_uid", "create_date", "write_uid", "write_date")
)


@tagged("post_install", "-at_install")
class TestGenerationJobs(SocialPayoutCommon):
    """Above the threshold the generation runs as chunked jobs on root.social
    and gives the lines of the synchronous path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer.email = False
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("social_payout.job_threshold", "0")
        Param.set_param("social_payout.job_chunk_size", "1")

    def _snapshot(self, batch):
        batch.invalidate_recordset()
        lines = sorted(
            tuple(
                value.id if hasattr(value, "_name") else value
                for value in (line[name] for name in LINE_FIELDS)
            )
            for line in batch.line_ids
        )
        dropouts = sorted(
            (d.partner_id.id, d.reason, d.previous_amount) for d in batch.dropout_ids
        )
        months = sorted(
            (m.partner_id.id, m.month, m.amount)
            for m in self.env["social.payout.line.month"].search(
                [("batch_id", "=", batch.id)]
            )
        )
        return (
            lines,
            dropouts,
            months,
            batch.amount_total,
            batch.fee_total,
            batch.line_count,
            batch.summary_data,
        )

    def _ready(self, trap):
        """The trapped jobs whose parents have all been performed."""
        waiting = {job.uuid for job in trap.enqueued_jobs}
        return [
            job
            for job in trap.enqueued_jobs
            if not waiting & {parent.uuid for parent in job.depends_on}
        ]

    def _perform(self, job, trap):
        self.assertEqual(job.channel, "root.social")
        trap.enqueued_jobs.remove(job)
        job.perform()

    def _run_all(self, trap):
        performed = 0
        while trap.enqueued_jobs:
            self._perform(self._ready(trap)[0], trap)
            performed += 1
        return performed

    def _generate_synchronously(self, batch):
        """Generate ``batch`` in the request; returns its snapshot."""
        self.env["ir.config_parameter"].sudo().set_param(
            "social_payout.job_threshold", "20000"
        )
        batch.with_user(self.officer).action_generate_lines()
        return self._snapshot(batch)

    def _generate_in_chunks(self, batch):
        """Generate ``batch`` through its jobs, each performed once ready;
        returns how many were performed."""
        self.env["ir.config_parameter"].sudo().set_param(
            "social_payout.job_threshold", "0"
        )
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            performed = self._run_all(trap)
        self.assertEqual(batch.job_state, "done")
        return performed

    def test_chunked_generation_same_lines(self):
        batch = self.batch_july
        expected = self._snapshot(batch)
        self.assertTrue(expected[0], "the fixture has lines")
        Chunk = self.env["social.payout.batch.chunk"]
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            self.assertEqual(batch.job_state, "queued")
            self.assertEqual(batch.job_task, "generate")
            total = batch.job_progress_total
            self.assertGreaterEqual(total, len(expected[0]))
            self.assertEqual(batch.job_progress, 0)
            # one commune per chunk (chunk size 1): a job to start, one for
            # each commune, one to end
            communes = set(batch.line_ids.area_id.ids)
            self.assertEqual(len(communes), 2)
            trap.assert_jobs_count(len(communes) + 2)
            (start,) = self._ready(trap)
            self._perform(start, trap)
            self.assertEqual(batch.job_state, "running")
            self.assertFalse(batch.line_ids, "the lines of before are gone")
            # the chunks may run side by side, the end only after them all
            parts = self._ready(trap)
            self.assertEqual(len(parts), len(communes))
            self._perform(parts[0], trap)
            batch.invalidate_recordset(["job_progress"])
            first_done = batch.job_progress
            self.assertGreater(first_done, 0)
            self.assertLess(first_done, total)
            self.assertEqual(batch.job_progress_done, 0, "the chunk left the batch")
            self.assertEqual(self._ready(trap), parts[1:])
            # a chunk run again (a crash before its commit) makes the same
            # lines and counts once
            parts[0].perform()
            batch.invalidate_recordset(["job_progress"])
            self.assertEqual(batch.job_progress, first_done)
            self._run_all(trap)
        self.assertEqual(batch.job_state, "done")
        self.assertEqual(batch.job_progress_done, total)
        self.assertEqual(batch.job_progress, total)
        self.assertFalse(Chunk.search([("batch_id", "=", batch.id)]))
        self.assertEqual(self._snapshot(batch), expected)
        self.assertIn("Lines generated by", batch.message_ids[0].body)

    def test_chunks_planned_for_the_channel(self):
        """The chunks of a generation: as few as the chunk size allows, in
        whole rounds of the jobs the channel performs at a time (its capacity
        read from the configuration as queue_job's runner reads it), of about
        the same size, a commune never split."""
        Batch = self.env["social.payout.batch"]
        for setting, capacity in (
            ("root:4,root.social:2", 2),
            ("root:1,root.social:3", 1),
            ("root:3", 3),
            ("social:2", 1),  # the root channel's 1, unless configured
            ("root:0", 1),
            ("root:2,root.social:two", 1),  # not understood
        ):
            with patch.dict(os.environ, {"ODOO_QUEUE_JOB_CHANNELS": setting}):
                self.assertEqual(Batch._job_channel_capacity(), capacity, setting)

        district = self._area("Huyện Chia", "T903", "district", self.province)
        sizes = (1, 1, 1, 2, 3)
        communes = [
            self._area(f"Xã Chia {index}", f"T9030{index}", "commune", district)
            for index in range(1, len(sizes) + 1)
        ]
        serial = 0
        for commune, size in zip(communes, sizes, strict=True):
            for _person in range(size):
                serial += 1
                person = self._beneficiary(
                    f"Người Chia {serial}", commune, f"0011507{serial:05d}"
                )
                self._allowance(person, self.cat_15)
        batch = Batch.create(
            {
                "program_id": self.program.id,
                "period": date(2024, 7, 1),
                "area_id": district.id,
                "provider_id": self.provider.id,
            }
        )
        size_of = {
            commune.id: size for commune, size in zip(communes, sizes, strict=True)
        }

        def plan(chunk_size, channels):
            self.env["ir.config_parameter"].sudo().set_param(
                "social_payout.job_chunk_size", str(chunk_size)
            )
            with patch.dict(os.environ, {"ODOO_QUEUE_JOB_CHANNELS": channels}):
                groups, total = batch._generation_groups()
            self.assertEqual(total, 8)
            self.assertEqual(
                sorted(area_id for group in groups for area_id in group),
                [commune.id for commune in communes],
                "each commune in one chunk",
            )
            return [sum(size_of[area_id] for area_id in group) for group in groups]

        # everyone fits in one chunk: one, or one for each job at a time
        self.assertEqual(plan(100, "root:1"), [8])
        self.assertEqual(plan(100, "root:2"), [5, 3])
        # two chunks of 4 at most: two, for one job at a time or for two
        self.assertEqual(plan(4, "root:1"), [5, 3])
        self.assertEqual(plan(4, "root:2"), [5, 3])
        # three at most, two at a time: two rounds of two chunks
        self.assertEqual(plan(3, "root:2"), [2, 1, 2, 3])
        # one at most: each commune alone, the larger ones too
        self.assertEqual(plan(1, "root:2"), [1, 1, 1, 2, 3])

    def test_chunked_generation_after_a_later_move(self):
        """Someone who lived in commune A in July and moved to commune B
        (the same district) in August: each commune is a chunk, the chunk of
        A reads her and makes her July line as the synchronous path makes
        it."""
        self.alive.with_user(self.officer)._move_to_commune(
            {
                "to_area_id": self.commune_b.id,
                "month": date(2024, 8, 1),
                "decision_ref": "15/QĐ-UBND",
                "decision_date": date(2024, 7, 25),
            }
        )
        self.assertEqual(self.alive.area_id, self.commune_b)
        self.assertLess(self.commune_a.id, self.commune_b.id)
        batch = self.batch_july
        expected = self._generate_synchronously(batch)
        line = batch.line_ids.filtered(lambda rec: rec.partner_id == self.alive)
        # paid in the commune she lived in that July (1.5 x 500,000)
        self.assertEqual(line.area_id, self.commune_a)
        self.assertEqual(line.amount, 750000)
        note = batch.generation_note
        # the chunks run side by side: she is read by A's alone (two chunks
        # writing her line at the same moment, one would fail on the unique
        # index), and together they read everyone the batch reads
        read_by_a = set(batch._generation_population([self.commune_a.id]))
        read_by_b = set(batch._generation_population([self.commune_b.id]))
        self.assertIn(self.alive.id, read_by_a)
        self.assertFalse(read_by_a & read_by_b)
        self.assertEqual(read_by_a | read_by_b, set(batch._generation_population()))
        self.assertGreaterEqual(self._generate_in_chunks(batch), 2)
        self.assertEqual(self._snapshot(batch), expected)
        # read by both chunks, counted once
        self.assertEqual(batch.generation_note, note)

    def test_chunked_generation_commune_left_empty(self):
        """Someone who lived in July in a commune of the batch where nobody
        of the program lives any more (he was its only beneficiary and moved
        to another district in August): the chunks read him in that commune,
        as the synchronous path does, and pay his July there."""
        commune = self._area("Xã Vắng", "T90103", "commune", self.district)
        person = self._beneficiary("Trần Văn Vắng", commune, "001050000077")
        self._allowance(person, self.cat_15)
        person._move_to_commune(
            {
                "to_area_id": self.commune_c.id,
                "month": date(2024, 8, 1),
                "decision_ref": "16/QĐ-UBND",
                "decision_date": date(2024, 7, 26),
            }
        )
        self.assertEqual(person.area_id, self.commune_c)
        # recorded in August, long before the batch is generated
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE social_beneficiary_move SET create_date = %s WHERE partner_id = %s",
            (datetime(2024, 8, 2), person.id),
        )
        batch = self.batch_july
        expected = self._generate_synchronously(batch)
        line = batch.line_ids.filtered(lambda rec: rec.partner_id == person)
        self.assertEqual(line.area_id, commune)
        self.assertEqual(line.amount, 750000)
        self._generate_in_chunks(batch)
        self.assertEqual(self._snapshot(batch), expected)
        # his July commune is a chunk's, and he counts once in the total
        groups, total = batch._generation_groups()
        self.assertIn(commune.id, [area_id for group in groups for area_id in group])
        self.assertEqual(total, len(batch._generation_population()))

    def test_chunked_generation_one_off_without_allowance(self):
        """A confirmed one-off payment (emergency support) to someone of the
        area without a monthly allowance: the chunks pay it, as the
        synchronous path does."""
        person = self._beneficiary("Lý Thị Khẩn", self.commune_b, "001155000078")
        self.assertFalse(person.allowance_ids)
        payment = (
            self.env["social.one.off.payment"]
            .with_user(self.officer)
            .create(
                {
                    "partner_id": person.id,
                    "program_id": self.program.id,
                    "kind": "other",
                    "amount": 1000000,
                    "reason": "Hỗ trợ khẩn cấp",
                    "legal_basis": "Nghị định 20/2021 Điều 12",
                }
            )
        )
        payment.with_user(self.approver).action_confirm()
        batch = self.batch_july
        expected = self._generate_synchronously(batch)
        line = batch.line_ids.filtered(lambda rec: rec.partner_id == person)
        self.assertEqual(line.amount, 1000000)
        self._generate_in_chunks(batch)
        self.assertEqual(self._snapshot(batch), expected)
        self.assertEqual(payment.line_id.partner_id, person)
        _groups, total = batch._generation_groups()
        self.assertEqual(total, len(batch._generation_population()))

    def test_chunked_generation_with_a_move_meanwhile(self):
        """Moves recorded while the chain runs, that the new commune pays
        from the batch's month: one from a commune whose chunk is still
        queued (B) to one whose chunk has run (A), whom neither chunk read (A
        before he came, B after he left); one from A to another district,
        whose line A's chunk made. The last chunk makes both again: the lines,
        dropouts and counts of the synchronous path afterwards."""
        self.assertLess(self.commune_a.id, self.commune_b.id)
        self.assertNotEqual(self.commune_c.parent_id, self.district)
        batch = self.batch_july
        lines = batch.line_ids
        self.assertEqual(
            lines.filtered(lambda rec: rec.partner_id == self.late).area_id,
            self.commune_b,
        )
        self.assertIn(self.alive, lines.partner_id)
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            self._perform(self._ready(trap)[0], trap)  # start
            (part_a,) = (
                job for job in self._ready(trap) if job.args[2] == [self.commune_a.id]
            )
            self._perform(part_a, trap)
            self.assertEqual(batch.job_state, "running")
            self.assertTrue(
                batch.line_ids.filtered(lambda rec: rec.area_id == self.commune_a)
            )
            # A pays him from July
            self.late.with_user(self.officer)._move_to_commune(
                {
                    "to_area_id": self.commune_a.id,
                    "month": date(2024, 7, 1),
                    "decision_ref": "16/QĐ-UBND",
                    "decision_date": date(2024, 7, 28),
                }
            )
            self.alive.with_user(self.officer)._move_to_commune(
                {
                    "to_area_id": self.commune_c.id,
                    "month": date(2024, 7, 1),
                    "decision_ref": "17/QĐ-UBND",
                    "decision_date": date(2024, 7, 28),
                }
            )
            self._run_all(trap)
        self.assertEqual(batch.job_state, "done")
        chained = self._snapshot(batch)
        lines = batch.line_ids
        self.assertEqual(
            lines.filtered(lambda rec: rec.partner_id == self.late).area_id,
            self.commune_a,
        )
        self.assertNotIn(self.alive, lines.partner_id)
        self.assertIn(self.alive, batch.dropout_ids.partner_id)
        note = batch.generation_note
        self.assertIn(f"{len(lines)} lines,", note)
        self.assertEqual(chained, self._generate_synchronously(batch))
        self.assertEqual(note, batch.generation_note)

    def test_small_batch_stays_synchronous(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "social_payout.job_threshold", "20000"
        )
        batch = self.batch_july
        expected = self._snapshot(batch)
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            trap.assert_jobs_count(0)
        self.assertFalse(batch.job_state)
        self.assertEqual(self._snapshot(batch), expected)

    def test_busy_batch_refused(self):
        batch = self.batch_july
        lines_before = batch.line_ids
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            # start, a chunk for each of the two communes, end
            trap.assert_jobs_count(4)
            with self.assertRaisesRegex(UserError, "busy in the background"):
                batch.with_user(self.officer).action_generate_lines()
            with self.assertRaisesRegex(UserError, "busy in the background"):
                batch.with_user(self.officer).action_submit()
            trap.assert_jobs_count(4)
        self.assertEqual(batch.state, "draft")
        self.assertEqual(batch.job_state, "queued")
        self.assertEqual(batch.line_ids, lines_before)
        with self.assertRaisesRegex(UserError, "change only through the buttons"):
            batch.with_user(self.officer).write(
                {"job_state": "done", "job_progress_done": 99}
            )
        self.assertEqual(batch.job_state, "queued")

    def test_failed_chunk_noted_and_restartable(self):
        batch = self.batch_july
        expected = self._snapshot(batch)
        Batch = type(self.env["social.payout.batch"])
        original = Batch._generate_lines
        calls = []

        def failing(records, partner_ids=None):
            calls.append(partner_ids)
            if len(calls) == 2:
                raise UserError("registry unavailable")  # pylint: disable=C8107
            return original(records, partner_ids=partner_ids)

        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            with patch.object(Batch, "_generate_lines", failing):
                for _step in ("start", "first chunk", "second chunk"):
                    self._perform(self._ready(trap)[0], trap)
            self.assertEqual(len(calls), 2)
            self.assertEqual(batch.job_state, "failed")
            done = batch.job_progress
            self.assertEqual(done, len(calls[0]))
            self.assertIn("registry unavailable", batch.message_ids[0].body)
            self.assertIn(f"failed after {done} of", batch.message_ids[0].body)
            (end,) = trap.enqueued_jobs
            trap.enqueued_jobs.clear()
            # started again: from the beginning, the same lines as before; the
            # end of the first start, run late, does nothing
            batch.with_user(self.officer).action_generate_lines()
            self.assertIn("generated again since", end.perform())
            self.assertEqual(batch.job_state, "queued")
            self._run_all(trap)
        self.assertEqual(batch.job_state, "done")
        self.assertEqual(self._snapshot(batch), expected)

    def test_end_refused_while_a_chunk_is_missing(self):
        """The end writes nothing while a chunk has not recorded its lines:
        the batch fails with the reason, its totals and note untouched."""
        batch = self.batch_july
        before = (batch.generation_note, batch.generated_date, batch.summary_data)
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            while len(trap.enqueued_jobs) > 1:
                self._perform(self._ready(trap)[0], trap)
            self.env["social.payout.batch.chunk"].search(
                [("batch_id", "=", batch.id)], limit=1
            ).unlink()
            self._perform(self._ready(trap)[0], trap)
        self.assertEqual(batch.job_state, "failed")
        self.assertIn(
            "only 1 of its 2 chunks made their lines", batch.message_ids[0].body
        )
        self.assertNotIn("Lines generated by", batch.message_ids[0].body)
        self.assertEqual(
            (batch.generation_note, batch.generated_date, batch.summary_data), before
        )

    def test_update_stops_a_chained_generation(self):
        """1.3.0: a generation that 1.2.0 queued as a chain waits for a job
        1.3.0 no longer has: its jobs are cancelled and its batch marked
        failed with a note, and the same button starts it again."""
        migration = load_migration("social_payout", "18.0.1.3.0")
        batch = self.batch_july
        expected = self._snapshot(batch)
        batch._job_start("generate", 3)
        # the next job of the chain, as 1.2.0 stored it
        job = Job(batch._job_generate_start, args=("a chain",))
        job.store()
        self.env.cr.execute(
            "UPDATE queue_job SET method_name = '_job_generate_chunk' WHERE uuid = %s",
            [job.uuid],
        )
        migration.migrate(self.env.cr, False)  # a new install: nothing to do
        self.assertEqual(batch.job_state, "queued")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(batch.job_state, "failed")
        self.assertIn("the suite was updated while it ran", batch.message_ids[0].body)
        queued = self.env["queue.job"].search([("uuid", "=", job.uuid)])
        self.assertEqual(queued.state, "cancelled")
        with trap_jobs() as trap:
            batch.with_user(self.officer).action_generate_lines()
            self._run_all(trap)
        self.assertEqual(batch.job_state, "done")
        self.assertEqual(self._snapshot(batch), expected)
