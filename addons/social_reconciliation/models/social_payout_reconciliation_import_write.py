# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Writing the results of a provider's file: one COPY per chunk of rows.

A 100,000-row file costs about as much to read (Python) as to write
(PostgreSQL, mostly the foreign-key checks of each row). On the two cores of
the machine the suite is sized for, both run at once: while the file is read,
the chunks already read are matched against the batch and copied by a second
thread, whose time is spent waiting for PostgreSQL (psycopg2 releases the GIL
meanwhile). All of it inside a savepoint: a file that turns out wrong, or the
same results as the draft's, leaves nothing behind.
"""

import io

from odoo import models
from odoo.tools import split_every

from odoo.addons.social_beneficiary.tools.copy import copy_escape, copy_text
from odoo.addons.social_beneficiary.tools.cursor_worker import CursorWorker

from .social_payout_reconciliation import CHUNK_SIZE

# Rows per COPY while the file is read: the last chunk is written after the
# file is read, so a smaller one ends the import sooner.
WRITE_CHUNK_SIZE = 5000

RESULT_COLUMNS = (
    "reconciliation_id",
    "line_id",
    "reference",
    "status",
    "amount_paid",
    "paid_date",
    "provider_ref",
    "reason",
    "row",
    "planned_amount",
    "fee_amount",
    "partner_id",
    "area_id",
    "method",
)


class _ResultWriter(CursorWorker):
    """COPY of result rows in a second thread, one chunk at a time
    (CursorWorker: the caller waits before any query of its own)."""

    def __init__(self, cr):
        super().__init__(name="social_result_copy")
        self.cr = cr

    def submit(self, text):
        """Write ``text`` (COPY text of result rows) once the chunk before
        is written."""
        return super().submit(
            copy_text,
            self.cr,
            "social_payout_result",
            RESULT_COLUMNS,
            io.StringIO(text),
        )


class SocialPayoutReconciliation(models.Model):
    _inherit = "social.payout.reconciliation"

    def _import_while_reading(self, batch, reader, previous):
        """_import_result_file for a batch that can take the results (locked,
        transferred, ``previous`` its draft if any): each chunk of rows read is
        matched and, as long as the file has no problem, written at once;
        every check of the sequential import is made, in the same order of
        precedence, and a refusal or the same results again roll back what was
        written."""
        cr = self.env.cr
        batch_lines = self._batch_lines_for_import(batch)
        window = self._paid_date_window(batch)
        fees = self._result_fees(batch, batch_lines.values())
        vnd_format = self._vnd_formatter(batch)
        writer = _ResultWriter(cr)
        matched_count = 0
        match_problems = []

        def vnd(amount):
            # formatting may read the language: no query while a COPY runs
            writer.wait()
            return vnd_format(amount)

        with cr.savepoint() as savepoint:
            reconciliation = self._reconciliation_for_import(
                batch, previous, None, reader.filename
            )
            self.env["social.payout.result"].flush_model()
            try:
                for chunk in reader.chunks(WRITE_CHUNK_SIZE):
                    matched = self._match_chunk(
                        batch_lines, chunk, window, vnd, match_problems
                    )
                    matched_count += len(matched)
                    if not (reader.problems or match_problems):
                        writer.submit(reconciliation._result_copy_text(matched, fees))
            except BaseException:
                # the savepoint is rolled back on the way out: not under a COPY
                writer.stop()
                raise
            parsed = reader.parsed()
            # while the last chunk is written
            checksum = self._results_checksum(parsed.rows) if parsed.rows else None
            writer.wait()
            problems = list(parsed.problems)
            if parsed.rows:
                self._match_finish(batch_lines, parsed.rows, match_problems)
                problems += match_problems
            if checksum and not parsed.problems:
                existing = self.search(
                    [("batch_id", "=", batch.id), ("file_checksum", "=", checksum)],
                    limit=1,
                )
                if existing:
                    savepoint.close(rollback=True)
                    return existing
            if problems:
                savepoint.close(rollback=True)
                self._raise_import_problems(problems, reader.filename)
            reconciliation._workflow_write(
                {"file_checksum": checksum, "filename": reader.filename}
            )
            reconciliation._results_written()
            reconciliation._log_import(reader.content, reader.filename, matched_count)
        return reconciliation

    def _result_fees(self, batch, lines):
        """The provider's fee for each (method, amount) the lines pay, worked
        out before any row is written (a COPY thread makes no query)."""
        provider = batch.provider_id
        fees = {}
        for _id, amount, _state, method, _area, _partner in lines:
            key = (method, amount)
            if key not in fees:
                fees[key] = provider._compute_fee(method, amount) if amount else 0
        return fees

    def _result_copy_text(self, matched, fees):
        """The COPY text (RESULT_COLUMNS) of matched (row, line values): one
        formatted line per row, the file's texts escaped (copy_escape), the
        rest ints, dates and selection keys: about half the time copy_rows
        takes to check each value's type, on the path that decides how long
        a province's file takes."""
        null = "\\N"
        escape = copy_escape
        head = f"{self.id}\t"
        parts = []
        append = parts.append
        for row, (line_id, amount, _state, method, area_id, partner_id) in matched:
            if row.status == "paid":
                paid_date = row.paid_date.isoformat() if row.paid_date else null
                paid = f"{amount}\t{paid_date}"
                fee = fees[method, amount]
            else:
                paid = f"0\t{null}"
                fee = 0
            append(
                f"{head}{line_id}\t{escape(row.reference)}\t{row.status}\t{paid}\t"
                f"{escape(row.provider_ref) if row.provider_ref else null}\t"
                f"{escape(row.reason) if row.reason else null}\t{row.row}\t"
                f"{amount}\t{fee}\t{null if partner_id is None else partner_id}\t"
                f"{null if area_id is None else area_id}\t{method or null}\n"
            )
        return "".join(parts)

    def _insert_results(self, batch, matched):
        """The matched rows written at once, in chunks (no thread)."""
        self.ensure_one()
        fees = self._result_fees(batch, (line for _row, line in matched))
        self.env["social.payout.result"].flush_model()
        # COPY is several times faster than INSERT for 100,000 rows.
        for chunk in split_every(CHUNK_SIZE, matched, list):
            copy_text(
                self.env.cr,
                "social_payout_result",
                RESULT_COLUMNS,
                io.StringIO(self._result_copy_text(chunk, fees)),
            )
        self._results_written()

    def _results_written(self):
        self.env["social.payout.result"].invalidate_model()
        self.invalidate_recordset(["result_ids", "unpaid_result_ids", "summary_ids"])
