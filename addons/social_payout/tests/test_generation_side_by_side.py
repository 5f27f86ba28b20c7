# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two chunks of one batch's generation run at the same moment, as two job
workers run them: each in its own connection and transaction (see
test_races.py for why the fixture is committed and removed by hand)."""

import threading
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.queue_job.job import Job

GROUP = "social_beneficiary.group_social_"


@tagged("post_install", "-at_install")
class TestGenerationSideBySide(TransactionCase):
    def _cursor(self):
        return db_connect(self.env.cr.dbname).cursor()

    def setUp(self):
        super().setUp()
        self.releasing = threading.Lock()
        self.made = {}
        self.addCleanup(self._remove_fixture)
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cr.execute("SELECT COALESCE(max(id), 0) FROM queue_job")
            self.made["jobs_after"] = cr.fetchone()[0]
            Area = env["social.area"]
            province = Area.create(
                {"name": "Tỉnh Song Song", "code": "PAR9", "level": "province"}
            )
            district = Area.create(
                {
                    "name": "Huyện Song Song",
                    "code": "PAR901",
                    "level": "district",
                    "parent_id": province.id,
                }
            )
            communes = Area.create(
                [
                    {
                        "name": name,
                        "code": code,
                        "level": "commune",
                        "parent_id": district.id,
                    }
                    for name, code in (("Xã Song", "PAR90101"), ("Xã Hành", "PAR90102"))
                ]
            )
            self.communes = communes
            self.made["areas"] = (communes | district | province).ids
            beneficiaries = env["res.partner"].create(
                [
                    {
                        "name": name,
                        "is_beneficiary": True,
                        "area_id": commune.id,
                        "citizen_id": citizen_id,
                        "gender": "female",
                        "birth_date": date(1950, 3, 1),
                    }
                    for name, commune, citizen_id in (
                        ("Đỗ Thị Song", communes[0], "001150099931"),
                        ("Đỗ Thị Hành", communes[1], "001150099932"),
                    )
                ]
            )
            provider_partner = env["res.partner"].create({"name": "Bưu điện Song"})
            self.made["partners"] = [*beneficiaries.ids, provider_partner.id]
            allowances = env["social.allowance"].create(
                [
                    {
                        "partner_id": beneficiary.id,
                        "category_id": env.ref(
                            "social_beneficiary.category_btxh_k5a_60"
                        ).id,
                        "date_start": date(2023, 1, 1),
                        "decision_ref": f"QĐ-SONG-{beneficiary.id}",
                        "decision_date": date(2022, 12, 20),
                    }
                    for beneficiary in beneficiaries
                ]
            )
            allowances.action_activate()
            self.made["allowances"] = allowances.ids
            provider = env["social.payout.provider"].create(
                {
                    "name": "Side by Side Provider",
                    "partner_id": provider_partner.id,
                    "fee_rule_ids": [
                        Command.create({"method": "cash_point", "percent": 0.8})
                    ],
                }
            )
            self.made["providers"] = provider.ids
            officer = new_test_user(
                env,
                login="side_by_side_officer",
                groups=f"base.group_user,{GROUP}commune_officer",
                social_area_ids=[Command.set(district.ids)],
                email=False,
            )
            self.made["users"] = officer.ids
            self.made["partners"].append(officer.partner_id.id)
            self.officer_id = officer.id
            batch = (
                env["social.payout.batch"]
                .with_user(officer)
                .create(
                    {
                        "program_id": env.ref("social_beneficiary.program_btxh").id,
                        "period": date(2024, 7, 1),
                        "area_id": district.id,
                        "provider_id": provider.id,
                    }
                )
            )
            self.made["batches"] = batch.ids
            self.batch_id = batch.id
            cr.commit()  # pylint: disable=invalid-commit

    def _remove_fixture(self):
        made = self.made
        batches = made.get("batches", [])
        with self._cursor() as cr:
            statements = [
                (
                    "DELETE FROM queue_job WHERE id > %s "
                    "AND model_name = 'social.payout.batch'",
                    [made.get("jobs_after", 0)],
                ),
                (
                    "DELETE FROM mail_message WHERE model = 'social.payout.batch' "
                    "AND res_id = ANY(%s)",
                    [batches],
                ),
                (
                    "DELETE FROM mail_followers WHERE res_model = "
                    "'social.payout.batch' AND res_id = ANY(%s)",
                    [batches],
                ),
                ("DELETE FROM social_payout_batch WHERE id = ANY(%s)", [batches]),
                (
                    "DELETE FROM social_payout_provider WHERE id = ANY(%s)",
                    [made.get("providers", [])],
                ),
                (
                    "DELETE FROM social_allowance WHERE id = ANY(%s)",
                    [made.get("allowances", [])],
                ),
                ("DELETE FROM res_users WHERE id = ANY(%s)", [made.get("users", [])]),
                (
                    "DELETE FROM res_partner WHERE id = ANY(%s)",
                    [made.get("partners", [])],
                ),
                ("DELETE FROM social_area WHERE id = ANY(%s)", [made.get("areas", [])]),
            ]
            for query, params in statements:
                cr.execute(query, params)
            cr.commit()  # pylint: disable=invalid-commit

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
        barrier = threading.Barrier(2)
        results = {}

        def run(uuid):
            try:
                results[uuid] = self._perform(
                    uuid, before_commit=lambda: barrier.wait(timeout=20)
                )
            except Exception as error:  # reported by the test
                results[uuid] = repr(error)

        threads = [threading.Thread(target=run, args=(uuid,)) for uuid in parts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
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
