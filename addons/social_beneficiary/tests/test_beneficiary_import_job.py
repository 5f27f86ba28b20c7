"""A long beneficiary list is applied in the background, in chunks (issue 12).

The jobs run inside the test's transaction (``trap_jobs`` keeps them, the test
performs them one by one), as the officer who applied the list.
"""

import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..wizards import beneficiary_import_file
from .common import SocialBeneficiaryCommon
from .import_common import NEW_ROW, csv_file


def new_people(count, number, name, decision, account):
    """``count`` new people of commune A, each with a decision and a bank
    account: their citizen IDs, names, decisions and accounts numbered from
    the prefixes given."""
    width = 12 - len(number)
    return [
        dict(
            NEW_ROW,
            citizen_id=f"{number}{i:0{width}d}",
            name=f"{name} {chr(65 + i)}",
            decision_ref=f"{decision}{i}/QĐ-UBND",
            account_number=f"{account}{i:04d}",
        )
        for i in range(count)
    ]


ROWS = new_people(5, "05114800081", "Phạm Thị Nền", "8", "33001234")


@tagged("post_install", "-at_install")
class TestBeneficiaryImportJob(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer = new_test_user(
            cls.env,
            login="import_job_officer",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, (cls.commune_a | cls.commune_a.successor_ids).ids)],
        )
        cls.Partner = cls.env["res.partner"].with_context(active_test=False)
        Param = cls.env["ir.config_parameter"].sudo()
        Param.set_param("social_beneficiary.import_job_threshold", "3")
        Param.set_param("social_beneficiary.import_chunk_size", "2")

    def _wizard(self, rows):
        return (
            self.env["social.beneficiary.import"]
            .with_user(self.officer)
            .create({"file": base64.b64encode(csv_file(rows)), "filename": "long.csv"})
        )

    def _registry(self, rows=ROWS):
        """What the list made, by citizen ID (references and ids left out)."""
        partners = self.Partner.search(
            [("citizen_id", "in", [row["citizen_id"] for row in rows])]
        )
        return {
            partner.citizen_id: (
                partner.name,
                partner.birth_date,
                partner.area_id.id,
                partner.is_beneficiary,
                tuple(
                    (a.category_id.id, a.date_start, a.decision_ref, a.state)
                    for a in partner.allowance_ids
                ),
                tuple(
                    (
                        r.method,
                        r.state,
                        r.payee_id.citizen_id,
                        r.bank_account_id.acc_number,
                        r.bank_account_id.bank_id.id,
                    )
                    for r in partner.payment_registration_ids
                ),
                tuple(sorted(partner.message_ids.mapped("body"))),
            )
            for partner in partners
        }

    def _synchronous_result(self, rows=ROWS):
        """The registry after the synchronous path, then rolled back."""
        self.env["ir.config_parameter"].sudo().set_param(
            "social_beneficiary.import_job_threshold", "100"
        )
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT import_sync")
        wizard = self._wizard(rows)
        wizard.action_apply()
        self.assertEqual((wizard.state, wizard.count_new), ("done", len(rows)))
        self.assertFalse(wizard.job_state)
        result = self._registry(rows)
        self.env.flush_all()
        self.env.cr.execute("ROLLBACK TO SAVEPOINT import_sync")
        self.env.invalidate_all()
        self.env["ir.config_parameter"].sudo().set_param(
            "social_beneficiary.import_job_threshold", "3"
        )
        self.assertFalse(self._registry(rows))
        return result

    def test_chunks_move_the_progress_and_give_the_synchronous_result(self):
        expected = self._synchronous_result()
        self.assertEqual(len(expected), 5)
        wizard = self._wizard(ROWS)
        with trap_jobs() as trap:
            wizard.action_apply()
            self.assertEqual(wizard.job_state, "queued")
            self.assertEqual(
                (wizard.job_progress_done, wizard.job_progress_total), (0, 5)
            )
            # nothing applied before the first job runs
            self.assertFalse(self._registry())
            trap.assert_jobs_count(1)
            job = trap.enqueued_jobs.pop(0)
            self.assertEqual(job.channel, "root.social")
            job.perform()
            self.assertEqual(wizard.job_state, "running")
            self.assertEqual(wizard.job_progress_done, 2)
            self.assertEqual(len(self._registry()), 2)
            # the file cannot change while the run goes on
            with self.assertRaisesRegex(UserError, "cannot change until the run"):
                wizard.write({"file": base64.b64encode(csv_file(ROWS[:1]))})
            with self.assertRaisesRegex(UserError, "already being applied"):
                wizard.action_apply()
            while trap.enqueued_jobs:
                trap.enqueued_jobs.pop(0).perform()
        self.assertEqual(wizard.job_state, "done")
        self.assertEqual(wizard.state, "done")
        self.assertEqual((wizard.job_progress_done, wizard.job_progress_total), (5, 5))
        self.assertEqual(
            (wizard.count_new, wizard.count_updated, wizard.count_unchanged), (5, 0, 0)
        )
        self.assertRegex(wizard.job_message, "5 new, 0 updated, 0 unchanged")
        self.assertEqual(self._registry(), expected)

    def test_each_chunk_reads_the_file_up_to_its_end_only(self):
        # more rows than the reader scans for the header (the first ten)
        rows = new_people(14, "0511480008", "Phạm Thị Khúc", "9", "33005678")
        expected = self._synchronous_result(rows)
        self.assertEqual(len(expected), 14)
        self.env["ir.config_parameter"].sudo().set_param(
            "social_beneficiary.import_chunk_size", "5"
        )
        read = []  # per reading of the file: the numbers of the file rows read
        iter_table = beneficiary_import_file.iter_table

        def counting_iter_table(content, filename=""):
            numbers = []
            read.append(numbers)
            for number, cells in iter_table(content, filename):
                numbers.append(number)
                yield number, cells

        wizard = self._wizard(rows)
        with trap_jobs() as trap:
            wizard.action_apply()
            trap.assert_jobs_count(1)
            with patch.object(
                beneficiary_import_file, "iter_table", counting_iter_table
            ):
                while trap.enqueued_jobs:
                    trap.enqueued_jobs.pop(0).perform()
        # the header is file row 1, the list's rows are file rows 2 to 15, the
        # chunks rows 2-6, 7-11 and 12-15: each job read the first ten rows
        # (where the header is looked for), then stopped at the end of its chunk
        self.assertEqual(
            read, [list(range(1, 11)), list(range(1, 12)), list(range(1, 16))]
        )
        self.assertEqual(wizard.job_state, "done")
        self.assertEqual(
            (wizard.count_new, wizard.count_updated, wizard.count_unchanged),
            (14, 0, 0),
        )
        self.assertEqual(self._registry(rows), expected)

    def test_a_row_refused_before_queueing_queues_nothing(self):
        rows = [*ROWS, dict(NEW_ROW, citizen_id="051148000819", commune_code="21448")]
        wizard = self._wizard(rows)
        with trap_jobs() as trap:
            with self.assertRaisesRegex(UserError, "Nothing was imported.*\n.*Row 7"):
                wizard.action_apply()
            trap.assert_jobs_count(0)
        self.assertFalse(wizard.job_state)
        self.assertFalse(self._registry())

    def test_a_chunk_refused_later_stops_the_run_and_says_why(self):
        wizard = self._wizard(ROWS)
        with trap_jobs() as trap:
            wizard.action_apply()
            trap.enqueued_jobs.pop(0).perform()
            # meanwhile someone registers the person of row 5 in another commune
            self.env["res.partner"].create(
                {
                    "name": "Người Khác",
                    "is_beneficiary": True,
                    "citizen_id": ROWS[3]["citizen_id"],
                    "birth_date": "1948-05-01",
                    "gender": "female",
                    "area_id": self.commune_b.id,
                }
            )
            trap.enqueued_jobs.pop(0).perform()
            trap.assert_jobs_count(0)
        self.assertEqual(wizard.job_state, "failed")
        self.assertEqual(wizard.job_progress_done, 2)
        self.assertRegex(wizard.job_message, r"stopped after 2 of 5 rows.*Row 5")
        # the first chunk stays, the refused chunk applied nothing
        registry = self._registry()
        self.assertEqual(
            sorted(registry),
            sorted(
                [ROWS[0]["citizen_id"], ROWS[1]["citizen_id"], ROWS[3]["citizen_id"]]
            ),
        )
        self.assertFalse(
            self.Partner.search([("citizen_id", "=", ROWS[2]["citizen_id"])])
        )
        self.assertEqual(
            self.Partner.search([("citizen_id", "=", ROWS[3]["citizen_id"])]).name,
            "Người Khác",
        )

    def test_progress_written_by_the_jobs_only(self):
        wizard = self._wizard(ROWS)
        with self.assertRaisesRegex(UserError, "change only through the buttons"):
            wizard.write({"job_state": "done", "job_progress_done": 5})
        self.assertFalse(wizard.job_state)
        self.assertEqual(wizard.job_progress_done, 0)
