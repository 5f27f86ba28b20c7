# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

import psycopg2.errors
from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.locks import lock_rows_nowait
from odoo.addons.social_beneficiary.tools.money import format_vnd

VIETNAMESE_HEADERS = {
    "reference": "Mã chi trả",
    "status": "Trạng thái",
    "amount_paid": "Số tiền đã chi",
    "paid_date": "Ngày chi",
    "provider_ref": "Mã giao dịch",
    "reason": "Lý do",
}
# A message listing 100,000 problems helps nobody: list the first ones.
MAX_LISTED_PROBLEMS = 200


class SocialPayoutReconciliation(models.Model):
    """The provider's result file into the reconciliation: parse
    (wizards/result_file.py), check every row against the batch, then one COPY of
    the results, all or nothing.

    On the reconciliation rather than the wizard: a province's file is imported by a
    background job, which needs a record that outlives the wizard.
    """

    _inherit = "social.payout.reconciliation"

    @api.model
    def _paid_date_window(self, batch):
        """Dates a payment of the batch may carry.

        From the earlier of the transfer date and the first day of the month
        paid (the provider pays once it holds the money, never before the
        month is due unless the money came early) to the last day of the month
        after (providers report before the 20th; late pay points close by the
        end of the following month).
        """
        period_start = batch.period
        transfer = batch.sudo().transfer_move_id
        transfer_date = transfer.date if transfer else batch.transfer_date
        date_from = min(transfer_date, period_start) if transfer_date else period_start
        date_to = period_start + relativedelta(months=2, day=1, days=-1)
        return date_from, date_to

    @api.model
    def _results_checksum(self, rows):
        digest = hashlib.sha256()
        for row in sorted(rows, key=lambda r: r.reference):
            digest.update(
                "\x1f".join(
                    (
                        row.reference,
                        row.status or "",
                        str(row.amount_paid or 0),
                        row.paid_date.isoformat() if row.paid_date else "",
                        row.provider_ref,
                        row.reason,
                    )
                ).encode()
            )
            digest.update(b"\x1e")
        return digest.hexdigest()

    @api.model
    def _problem_message(self, problem):
        """Translated text of a parser or matching problem."""
        params = problem.params
        texts = {
            "empty": lambda: self.env._("The file holds no result rows."),
            "unreadable": lambda: self.env._(
                "The file cannot be read as XLSX or CSV: it is damaged or in "
                "another format. Save it again from Excel as .xlsx or as "
                '"CSV UTF-8" and import it again.'
            ),
            "old_excel": lambda: self.env._(
                "The file is an Excel 97-2003 workbook or a workbook protected "
                "by a password: save it as .xlsx without a password, or as "
                '"CSV UTF-8", and import it again.'
            ),
            "encrypted": lambda: self.env._(
                "The workbook is encrypted: save it without a password and "
                "import it again."
            ),
            "too_large": lambda: self.env._(
                "The file is %(size)s MB; result files of up to %(limit)s MB "
                "are accepted. Split it by commune and import each part.",
                size=params["size"],
                limit=params["limit"],
            ),
            "unpacked_too_large": lambda: self.env._(
                "The workbook unpacks to more than %(limit)s MB or is "
                "compressed far more than a spreadsheet can be: it is refused "
                "unread.",
                limit=params["limit"],
            ),
            "too_many_rows": lambda: self.env._(
                "The file has more than %(limit)s rows: split it by commune "
                "and import each part.",
                limit=params["limit"],
            ),
            "dtd": lambda: self.env._(
                "The workbook declares a document type or entities, which "
                "spreadsheets never need: it is refused unread."
            ),
            "bad_shared_string": lambda: self.env._(
                "The cell %(cell)s points to a text the workbook does not "
                "contain: the file is damaged. Save it again from Excel and "
                "import it again.",
                cell=params["cell"],
            ),
            "bad_cell": lambda: self.env._(
                'The workbook is damaged: "%(cell)s" is not a valid cell or '
                "row position. Save it again from Excel and import it again.",
                cell=params["cell"],
            ),
            "encoding": lambda: self.env._(
                "The file is not encoded in UTF-8: save the CSV as "
                '"CSV UTF-8" and import it again.'
            ),
            "missing_column": lambda: self.env._(
                "The column %(column)s (%(vietnamese)s) is missing from the header.",
                column=params["column"],
                vietnamese=VIETNAMESE_HEADERS.get(params["column"], ""),
            ),
            "missing_reference": lambda: self.env._("The reference is empty."),
            "bad_status": lambda: self.env._(
                'Unknown status "%(value)s": use paid / failed or Đã chi / '
                "Chưa chi.",
                value=params["value"],
            ),
            "bad_amount": lambda: self.env._(
                '"%(value)s" is not an amount in whole dong.',
                value=params["value"],
            ),
            "bad_date": lambda: self.env._(
                '"%(value)s" is not a date (YYYY-MM-DD or DD/MM/YYYY).',
                value=params["value"],
            ),
            "duplicate": lambda: self.env._(
                "Reference %(reference)s already appears on row %(first_row)s.",
                reference=params["reference"],
                first_row=params["first_row"],
            ),
            "unknown_reference": lambda: self.env._(
                "Unknown reference %(reference)s.", reference=params["reference"]
            ),
            "other_batch": lambda: self.env._(
                "Reference %(reference)s belongs to batch %(batch)s, not to "
                "this batch.",
                reference=params["reference"],
                batch=params["batch"],
            ),
            "amount_mismatch": lambda: self.env._(
                "Amount paid %(paid)s differs from the amount of the line "
                "%(expected)s.",
                paid=params["paid"],
                expected=params["expected"],
            ),
            "failed_with_amount": lambda: self.env._(
                "An unpaid line cannot have an amount paid (%(paid)s).",
                paid=params["paid"],
            ),
            "missing_date": lambda: self.env._("A paid line needs its payment date."),
            "date_outside": lambda: self.env._(
                "Payment date %(date)s is outside the period of the batch "
                "(%(date_from)s to %(date_to)s).",
                date=params["date"],
                date_from=params["date_from"],
                date_to=params["date_to"],
            ),
            "line_not_pending": lambda: self.env._(
                "The line %(reference)s already has a result.",
                reference=params["reference"],
            ),
            "missing_line": lambda: self.env._(
                "The line %(reference)s of the batch is not in the file.",
                reference=params["reference"],
            ),
        }
        return texts[problem.code]()

    @api.model
    def _column_label(self, column):
        return {
            "reference": self.env._("Reference"),
            "status": self.env._("Status"),
            "amount_paid": self.env._("Amount Paid"),
            "paid_date": self.env._("Payment Date"),
            "provider_ref": self.env._("Provider Reference"),
            "reason": self.env._("Reason"),
        }.get(column, column or "")

    @api.model
    def _raise_problems(self, problems, filename):
        lines = []
        for problem in problems[:MAX_LISTED_PROBLEMS]:
            text = self._problem_message(problem)
            if problem.row:
                lines.append(
                    self.env._(
                        "Row %(row)s, %(field)s: %(text)s",
                        row=problem.row,
                        field=self._column_label(problem.field),
                        text=text,
                    )
                )
            elif problem.field and problem.code != "missing_column":
                lines.append(
                    self.env._(
                        "%(field)s: %(text)s",
                        field=self._column_label(problem.field),
                        text=text,
                    )
                )
            else:
                lines.append(text)
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(
                self.env._(
                    "… and %(count)s more problems.",
                    count=len(problems) - MAX_LISTED_PROBLEMS,
                )
            )
        raise UserError(
            self.env._(
                "The result file %(filename)s was not imported, nothing was "
                "changed. Correct these %(count)s problems and import it again:"
                "\n%(problems)s",
                filename=filename or "",
                count=len(problems),
                problems="\n".join(lines),
            )
        )

    @api.model
    def _batch_lines_for_import(self, batch):
        """The batch's lines by reference: (id, amount, state, method, area,
        partner), in one query."""
        self.env["social.payout.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT reference, id, amount::bigint, state, method, area_id,"
                " partner_id"
                " FROM social_payout_line WHERE batch_id = %s",
                batch.id,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.model
    def _match_rows(self, batch, rows):
        """Check parsed rows against the batch: return (matched, problems).

        matched is a list of (row, line values) in file order. One query for
        the batch's lines and one for references found elsewhere.
        """
        batch_lines = self._batch_lines_for_import(batch)
        problems = []
        matched = self._match_chunk(
            batch_lines,
            rows,
            self._paid_date_window(batch),
            self._vnd_formatter(batch),
            problems,
        )
        self._match_finish(batch_lines, rows, problems)
        return matched, problems

    @api.model
    def _vnd_formatter(self, batch):
        def vnd(amount):
            return format_vnd(self.env, amount, batch.currency_id)

        return vnd

    @api.model
    def _match_chunk(self, batch_lines, rows, window, vnd, problems):
        """Rows checked against the batch's lines (``batch_lines``, see
        _batch_lines_for_import), without a query: return the matched (row,
        line values) in file order; problems are appended to ``problems``.

        A reference that is not the batch's is reported unknown here; once
        every row is checked, _match_finish tells those of another batch.
        """
        # Imported here to keep the parser free of Odoo imports at module level.
        from ..wizards.result_file import Problem

        date_from, date_to = window
        matched = []
        for row in rows:
            line = batch_lines.get(row.reference)
            if line is None:
                problems.append(
                    Problem(
                        row.row,
                        "reference",
                        "unknown_reference",
                        {"reference": row.reference},
                    )
                )
                continue
            line_id, amount, state, _method, _area_id, _partner_id = line
            if state != "pending":
                problems.append(
                    Problem(
                        row.row,
                        "reference",
                        "line_not_pending",
                        {"reference": row.reference},
                    )
                )
            if row.status == "paid":
                if row.amount_paid is not None and row.amount_paid != int(amount):
                    problems.append(
                        Problem(
                            row.row,
                            "amount_paid",
                            "amount_mismatch",
                            {
                                "paid": vnd(row.amount_paid),
                                "expected": vnd(amount),
                            },
                        )
                    )
                if not row.paid_date:
                    problems.append(Problem(row.row, "paid_date", "missing_date", {}))
                elif not date_from <= row.paid_date <= date_to:
                    problems.append(
                        Problem(
                            row.row,
                            "paid_date",
                            "date_outside",
                            {
                                "date": row.paid_date.strftime("%d/%m/%Y"),
                                "date_from": date_from.strftime("%d/%m/%Y"),
                                "date_to": date_to.strftime("%d/%m/%Y"),
                            },
                        )
                    )
            elif row.status == "failed" and row.amount_paid:
                problems.append(
                    Problem(
                        row.row,
                        "amount_paid",
                        "failed_with_amount",
                        {"paid": vnd(row.amount_paid)},
                    )
                )
            matched.append((row, line))
        return matched

    @api.model
    def _match_finish(self, batch_lines, rows, problems):
        """Once every row is matched: the unknown references that belong to
        another batch say which (one query), and the batch's lines that no
        row names are reported."""
        from ..wizards.result_file import Problem

        unknown = [
            index
            for index, problem in enumerate(problems)
            if problem.code == "unknown_reference"
        ]
        if unknown:
            self.env.cr.execute(
                SQL(
                    "SELECT l.reference, b.name FROM social_payout_line l"
                    " JOIN social_payout_batch b ON b.id = l.batch_id"
                    " WHERE l.reference = ANY(%s)",
                    [problems[index].params["reference"] for index in unknown],
                )
            )
            elsewhere = dict(self.env.cr.fetchall())
            for index in unknown:
                problem = problems[index]
                reference = problem.params["reference"]
                if reference in elsewhere:
                    problems[index] = Problem(
                        problem.row,
                        "reference",
                        "other_batch",
                        {"reference": reference, "batch": elsewhere[reference]},
                    )
        in_file = {row.reference for row in rows}
        for reference in sorted(set(batch_lines) - in_file):
            problems.append(
                Problem(None, "reference", "missing_line", {"reference": reference})
            )

    @api.model
    def _import_result_file(self, batch, content, filename):
        """Create (or find again) the reconciliation of a batch from a file.

        All-or-nothing: every problem of the file is collected and raised in
        one UserError before anything is kept. The same results imported
        again return the existing reconciliation unchanged.

        When the batch can take results (transferred, locked for this import,
        no validated reconciliation), they are written while the file is
        read (_import_while_reading), and undone when the file turns out
        wrong; otherwise the file is read first and the refusal (or the
        existing reconciliation of the same results) follows.
        """
        from ..wizards.result_file import ResultFileReader

        self._check_finance()
        batch.ensure_one()
        reader = ResultFileReader(content, filename)
        previous = self._import_target(batch, refuse=False)
        if previous is not None and not self._is_draft_file(previous, content):
            return self._import_while_reading(batch, reader, previous)
        for _chunk in reader.chunks():
            pass
        parsed = reader.parsed()
        checksum = self._results_checksum(parsed.rows) if parsed.rows else None
        if checksum and not parsed.problems:
            existing = self.search(
                [("batch_id", "=", batch.id), ("file_checksum", "=", checksum)],
                limit=1,
            )
            if existing:
                return existing
        previous = self._import_target(batch, refuse=True)
        problems = list(parsed.problems)
        matched = []
        if parsed.rows:
            matched, match_problems = self._match_rows(batch, parsed.rows)
            problems += match_problems
        if problems:
            self._raise_import_problems(problems, filename)
        reconciliation = self._reconciliation_for_import(
            batch, previous, checksum, filename
        )
        reconciliation._insert_results(batch, matched)
        reconciliation._log_import(content, filename, len(matched))
        return reconciliation

    @api.model
    def _is_draft_file(self, previous, content):
        """Whether this very file was imported into the draft before: most
        likely the same results again, which the file read first tells
        without writing anything."""
        if not previous:
            return False
        return bool(
            self.env["ir.attachment"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", previous.ids),
                    (
                        "checksum",
                        "=",
                        self.env["ir.attachment"]._compute_checksum(content),
                    ),
                ],
                limit=1,
            )
        )

    @api.model
    def _raise_import_problems(self, problems, filename):
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        self._raise_problems(problems, filename)

    @api.model
    def _import_target(self, batch, refuse):
        """Lock the batch for this import and return its reconciliations
        (locked too, all drafts, possibly none), or refuse: with a UserError
        when ``refuse``, else by returning None.

        Lock first: the checks then see the batch as committed by whoever
        acted before.
        """
        if not refuse and not lock_rows_nowait(batch, "no_key_update"):
            return None
        self._lock_batch_for_import(batch)
        if batch.state != "transferred":
            if not refuse:
                return None
            raise UserError(
                self.env._(
                    "Results can only be imported for a transferred batch; "
                    "batch %(batch)s is %(state)s.",
                    batch=batch.display_name,
                    state=dict(
                        batch._fields["state"]._description_selection(self.env)
                    ).get(batch.state),
                )
            )
        previous = self.sudo().search([("batch_id", "=", batch.id)])
        # A corrected file replaces the draft's results: nobody else may be
        # importing, validating or settling it meanwhile.
        if not refuse and not lock_rows_nowait(previous):
            return None
        previous._workflow_lock()
        if previous.filtered(lambda r: r.state != "draft"):
            if not refuse:
                return None
            raise UserError(
                self.env._(
                    "Batch %(batch)s already has a validated reconciliation; "
                    "its results cannot be replaced.",
                    batch=batch.display_name,
                )
            )
        return previous.with_env(self.env)

    @api.model
    def _reconciliation_for_import(self, batch, previous, checksum, filename):
        """The draft that takes the file's results: the previous one emptied
        (a corrected file replaces the draft results of the batch), or a new
        one. Without ``checksum`` (results written while the file is read),
        the previous draft keeps its file's until the file is known."""
        if previous:
            reconciliation = previous[:1]
            self.env["social.payout.result"].flush_model()
            self.env.cr.execute(
                SQL(
                    "DELETE FROM social_payout_result WHERE reconciliation_id = %s",
                    reconciliation.id,
                )
            )
            if checksum:
                reconciliation._workflow_write(
                    {"file_checksum": checksum, "filename": filename}
                )
            return reconciliation
        return self._create_for_batch(batch, checksum, filename)

    def _log_import(self, content, filename, count):
        """The file, attached, and a note in the chatter."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename or "results",
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        # _message_log: users without an e-mail address import too.
        self._message_log(
            body=self.env._(
                "Provider results imported from %(filename)s: %(count)s rows.",
                filename=filename or "",
                count=count,
            ),
            attachment_ids=attachment.ids,
        )

    @api.model
    def _lock_batch_for_import(self, batch):
        """One import per batch at a time: the second is told at once.

        NO KEY UPDATE: rows inserted meanwhile that point to the batch (their
        foreign-key checks take KEY SHARE) are not held up; any other import,
        transfer or state change of the batch is.
        """
        if not lock_rows_nowait(batch, "no_key_update"):
            raise UserError(
                self.env._(
                    "Someone else is importing results of batch %(batch)s or "
                    "changing it right now: nothing was imported from this file. "
                    "Wait a moment, then open the batch's reconciliation.",
                    batch=batch.display_name,
                )
            )
        batch.invalidate_recordset(["state"])

    @api.model
    def _create_for_batch(self, batch, checksum, filename):
        """The batch's reconciliation, or a clear refusal when another import
        of the same batch created one meanwhile (the unique index on batch_id
        decides, not a search that cannot see uncommitted rows)."""
        try:
            with self.env.cr.savepoint():
                return self._workflow_create(
                    [
                        {
                            "batch_id": batch.id,
                            "company_id": batch.company_id.id,
                            "file_checksum": checksum,
                            "filename": filename,
                        }
                    ]
                )
        except psycopg2.errors.UniqueViolation:
            raise UserError(
                self.env._(
                    "Results of batch %(batch)s were imported by someone else at "
                    "the same moment: nothing was imported from this file. Open "
                    "the batch's reconciliation and check its results.",
                    batch=batch.display_name,
                )
            ) from None
