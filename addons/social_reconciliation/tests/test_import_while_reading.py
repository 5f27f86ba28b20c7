# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The results are written while the file is read (one COPY per chunk, in a
second thread): a problem found after chunks were written leaves nothing of
them, and the same results again leave the draft as it was.

The chunks are of one row here, so that a file of four rows is written in
up to four COPYs before its end is read.
"""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tests.common import load_migration

from ..models import social_payout_reconciliation_import_write as write_module
from ..wizards import result_file
from .common import SocialReconciliationCommon


@tagged("post_install", "-at_install")
class TestImportWhileReading(SocialReconciliationCommon):
    def setUp(self):
        super().setUp()
        self.startPatcher(patch.object(write_module, "WRITE_CHUNK_SIZE", 1))
        self.copies = []
        submit = write_module._ResultWriter.submit

        def counted_submit(writer, text):
            self.copies.append(text.count("\n"))
            return submit(writer, text)

        self.startPatcher(
            patch.object(write_module._ResultWriter, "submit", counted_submit)
        )

    def _refused(self, content, filename, pattern):
        before = self._snapshot(self.batch)
        with self.assertRaises(UserError) as caught:
            self._import(self.batch, content, filename)
        message = str(caught.exception)
        self.assertIn("nothing was changed", message)
        self.assertRegex(message, pattern)
        self.assertEqual(self._snapshot(self.batch), before)
        return message

    def test_chunks_are_written_while_the_file_is_read(self):
        reconciliation = self._import(
            self.batch,
            self._csv(self._result_rows(self.batch, failed=self.binh)),
            "ket_qua.csv",
        )
        self.assertEqual(self.copies, [1, 1, 1, 1])
        self.assertEqual(len(reconciliation.result_ids), 4)
        self.assertEqual(reconciliation.unpaid_count, 1)
        self.assertTrue(reconciliation.file_checksum)
        self.assertEqual(reconciliation.filename, "ket_qua.csv")

    def test_problem_on_the_last_row_undoes_the_rows_written(self):
        rows = self._result_rows(self.batch)
        rows[3][2] = 700000
        self._refused(
            self._csv(rows),
            "r.csv",
            "Row 5, Amount Paid: Amount paid 700,000\u00a0₫ differs from the "
            "amount of the line",
        )
        # three rows were written before the fourth was read
        self.assertEqual(self.copies, [1, 1, 1])

    def test_row_limit_reached_after_rows_were_written(self):
        self.startPatcher(patch.object(result_file, "MAX_ROWS", 3))
        self._refused(
            self._csv(self._result_rows(self.batch)),
            "r.csv",
            "The file has more than 3 rows",
        )
        self.assertEqual(self.copies, [1, 1, 1])

    def test_refused_correction_keeps_the_draft_results(self):
        first = self._import(
            self.batch,
            self._csv(self._result_rows(self.batch, failed=self.an)),
            "a.csv",
        )
        versions = self._row_versions(first.result_ids)
        checksum = first.file_checksum
        rows = self._result_rows(self.batch)
        rows[3][3] = "2025-03-01"
        self.copies.clear()
        self._refused(self._csv(rows), "b.csv", "Row 5, Payment Date")
        self.assertEqual(self.copies, [1, 1, 1])
        first.invalidate_recordset()
        self.assertEqual(self._row_versions(first.result_ids), versions)
        self.assertEqual(first.unpaid_count, 1)
        self.assertEqual((first.file_checksum, first.filename), (checksum, "a.csv"))

    def test_same_results_in_another_file_change_nothing(self):
        rows = self._result_rows(self.batch, failed=self.an)
        first = self._import(self.batch, self._csv(rows), "a.csv")
        versions = self._row_versions(first.result_ids)
        messages = len(first.message_ids)
        self.copies.clear()
        # the same results saved again by Excel (semicolons, a byte-order
        # mark): other bytes, so written while read, then undone
        second = self._import(
            self.batch, self._csv(rows, delimiter=";", bom=True), "a (2).csv"
        )
        self.assertEqual(second, first)
        self.assertEqual(self.copies, [1, 1, 1, 1])
        first.invalidate_recordset()
        self.assertEqual(self._row_versions(first.result_ids), versions)
        self.assertEqual(len(first.message_ids), messages)
        self.assertEqual(first.filename, "a.csv")

    def test_error_of_a_copy_reaches_the_import(self):
        def failing_copy(cr, table, columns, buffer):
            raise RuntimeError("copy failed")

        self.startPatcher(patch.object(write_module, "copy_text", failing_copy))
        before = self._snapshot(self.batch)
        with self.assertRaisesRegex(RuntimeError, "copy failed"):
            self._import(self.batch, self._csv(self._result_rows(self.batch)), "r.csv")
        self.assertEqual(self._snapshot(self.batch), before)


@tagged("post_install", "-at_install")
class TestResultColumnsMigration(TransactionCase):
    """1.2.0: a database installed before keeps the create/write columns of
    the results, each user column a foreign key checked on every row."""

    def _columns(self):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'social_payout_result'"
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def test_the_update_drops_them(self):
        migration = load_migration("social_reconciliation", "18.0.1.2.0")
        cr = self.env.cr
        # as 1.1.0 created them
        cr.execute(
            SQL(
                "ALTER TABLE social_payout_result"
                " ADD COLUMN create_uid integer REFERENCES res_users,"
                " ADD COLUMN write_uid integer REFERENCES res_users,"
                " ADD COLUMN create_date timestamp, ADD COLUMN write_date timestamp"
            )
        )
        self.assertLessEqual(set(migration.COLUMNS), self._columns())
        migration.migrate(cr, False)  # a new install: nothing to do
        self.assertLessEqual(set(migration.COLUMNS), self._columns())
        migration.migrate(cr, "18.0.1.1.0")
        self.assertFalse(set(migration.COLUMNS) & self._columns())
        # run again (an update repeated): nothing to drop, no error
        migration.migrate(cr, "18.0.1.1.0")
        self.assertIn("line_id", self._columns())
