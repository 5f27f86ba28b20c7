# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two chunks of one batch's generation run at the same moment, as two job
workers run them: each in its own connection and transaction
(``CommittedFixtureCase``)."""

import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from odoo.addons.queue_job.job import Job

from .common import CommittedFixtureCase


@tagged("post_install", "-at_install")
class TestGenerationSideBySide(CommittedFixtureCase):
    def setUp(self):
        super().setUp()
        self.releasing = threading.Lock()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cr.execute("SELECT COALESCE(max(id), 0) FROM queue_job")
            self.made["jobs_after"] = cr.fetchone()[0]
            district, self.communes, provider = self._commit_world(
                env,
                "PAR9",
                [
                    ("Xã Song", "Đỗ Thị Song", "001150099931"),
                    ("Xã Hành", "Đỗ Thị Hành", "001150099932"),
                ],
            )
            officer = self._commit_users(
                env, district, [("side_by_side_officer", "commune_officer")]
            )["side_by_side_officer"]
            self.officer_id = officer.id
            batch = self._commit_batch(env, officer, district, provider)
            self.batch_id = batch.id
            cr.commit()  # pylint: disable=invalid-commit

    def _removal_statements(self):
        return [
            (
                "DELETE FROM queue_job WHERE id > %s "
                "AND model_name = 'social.payout.batch'",
                [self.made.get("jobs_after", 0)],
            ),
            *super()._removal_statements(),
        ]

    def _jobs(self, cr, states=("pending",)):
        cr.execute(
            "SELECT uuid FROM queue_job WHERE id > %s AND state = ANY(%s) "
            "AND model_name = 'social.payout.batch' ORDER BY id",
            [self.made["jobs_after"], list(states)],
        )
        return [uuid for (uuid,) in cr.fetchall()]

    def _perform(self, uuid, before_commit=None):
        """Perform a job as the job runner's controller does (started and
        committed, performed, done and committed, its children released)."""
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            job = Job.load(env, uuid)
            job.set_started()
            job.store()
            cr.commit()  # pylint: disable=invalid-commit
            result = job.perform()
            env.flush_all()
            if before_commit:
                before_commit()
            job.set_done(result=result)
            job.store()
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
            # two chunks done at the same moment both release the end: the
            # runner's controller retries the one refused, here they take turns
            with self.releasing:
                job.enqueue_waiting()
                cr.commit()  # pylint: disable=invalid-commit
            return result

    def test_two_chunks_at_the_same_moment(self):
        with self._cursor() as cr:
            env = api.Environment(cr, self.officer_id, {})
            batch = env["social.payout.batch"].browse(self.batch_id)
            batch._enqueue_generation([[commune] for commune in self.communes.ids], 2)
            cr.commit()  # pylint: disable=invalid-commit
            (start,) = self._jobs(cr)
            self.assertEqual(len(self._jobs(cr, ("wait_dependencies",))), 3)
        self._perform(start)
        with self._cursor() as cr:
            parts = self._jobs(cr)
        self.assertEqual(len(parts), 2)

        # both chunks have made their lines and counted them before either
        # commits: a chunk that wrote the batch would wait for the other's
        # lock here, and fail on its commit under repeatable read
        results = self._at_the_same_moment(
            lambda uuid, barrier: self._perform(
                uuid, before_commit=lambda: barrier.wait(timeout=20)
            ),
            parts,
        )
        self.assertEqual(sorted(results.values()), ["chunk 0 done", "chunk 1 done"])

        with self._cursor() as cr:
            env = api.Environment(cr, self.officer_id, {})
            batch = env["social.payout.batch"].browse(self.batch_id)
            self.assertEqual(batch.job_state, "running")
            self.assertEqual((batch.job_progress, batch.job_progress_total), (2, 2))
            (end,) = self._jobs(cr)
        self.assertEqual(self._perform(end), "chunk end done")
        with self._cursor() as cr:
            env = api.Environment(cr, self.officer_id, {})
            batch = env["social.payout.batch"].browse(self.batch_id)
            self.assertEqual(batch.job_state, "done")
            self.assertEqual(
                sorted(batch.line_ids.mapped("area_id").ids), sorted(self.communes.ids)
            )
            self.assertEqual(batch.line_count, 2)
            self.assertIn("2 lines,", batch.generation_note)
            self.assertFalse(
                env["social.payout.batch.chunk"]
                .sudo()
                .search([("batch_id", "=", batch.id)])
            )
