# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

import psycopg2.errors
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every
from odoo.tools.sql import create_unique_index

from odoo.addons.social_beneficiary.tools.copy import copy_rows
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
CHUNK_SIZE = 10000
# A message listing 100,000 problems helps nobody: list the first ones.
MAX_LISTED_PROBLEMS = 200
FINANCE_GROUP = "social_beneficiary.group_social_finance"
SUSPENSION_MONTHS = 3


class SocialPayoutReconciliation(models.Model):
    _name = "social.payout.reconciliation"
    _description = "Payout Reconciliation"
    _inherit = ["mail.thread", "social.workflow.mixin", "social.accounting.mixin"]
    _order = "period desc, id desc"
    # Written only by the import and the buttons (social.workflow.mixin):
    # the state, who and when, the settlement entries and the evidence of the
    # file the results came from.
    _workflow_fields = frozenset(
        {
            "batch_id",
            "company_id",
            "state",
            "validated_date",
            "validated_by_id",
            "settled_date",
            "settled_by_id",
            "move_ids",
            "filename",
            "file_checksum",
            "result_ids",
            "unpaid_result_ids",
        }
    )

    name = fields.Char(compute="_compute_name", store=True)
    batch_id = fields.Many2one(
        "social.payout.batch",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    program_id = fields.Many2one(related="batch_id.program_id", store=True)
    period = fields.Date(related="batch_id.period", store=True)
    provider_id = fields.Many2one(related="batch_id.provider_id", store=True)
    area_id = fields.Many2one(related="batch_id.area_id", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("validated", "Validated"), ("settled", "Settled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    result_ids = fields.One2many(
        "social.payout.result", "reconciliation_id", string="Results", readonly=True
    )
    unpaid_result_ids = fields.One2many(
        "social.payout.result",
        "reconciliation_id",
        string="Differences",
        domain=[("status", "=", "failed")],
        readonly=True,
    )
    summary_ids = fields.One2many(
        "social.payout.reconciliation.summary",
        "reconciliation_id",
        string="Totals by Commune and Method",
        readonly=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "social_payout_reconciliation_move_rel",
        "reconciliation_id",
        "move_id",
        string="Settlement Entries",
        readonly=True,
        copy=False,
        groups="account.group_account_readonly,account.group_account_invoice",
    )
    move_count = fields.Integer(compute="_compute_move_count")
    filename = fields.Char(readonly=True)
    file_checksum = fields.Char(
        readonly=True,
        index=True,
        copy=False,
        help="Fingerprint of the results read from the file: the same results "
        "imported again return this reconciliation unchanged.",
    )
    unpaid_policy = fields.Selection(
        [("carry_over", "Carry Over to Next Month"), ("refund", "Refund")],
        string="Unpaid Money",
        default="carry_over",
        required=True,
        tracking=True,
        help="Carry over: the provider keeps the unpaid money and the next "
        "month's batch pays it as arrears. Refund: the provider returns it.",
    )
    result_count = fields.Integer(compute="_compute_totals", string="Lines")
    paid_count = fields.Integer(compute="_compute_totals", string="Paid Lines")
    unpaid_count = fields.Integer(compute="_compute_totals", string="Unpaid Lines")
    amount_planned = fields.Integer(compute="_compute_totals", string="Planned")
    amount_paid = fields.Integer(compute="_compute_totals", string="Paid")
    amount_unpaid = fields.Integer(compute="_compute_totals", string="Unpaid")
    fee_amount = fields.Integer(compute="_compute_totals", string="Fee")
    validated_date = fields.Datetime(readonly=True, copy=False)
    validated_by_id = fields.Many2one(
        "res.users", string="Validated By", readonly=True, copy=False
    )
    settled_date = fields.Datetime(readonly=True, copy=False)
    settled_by_id = fields.Many2one(
        "res.users", string="Settled By", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "batch_checksum_unique",
            "UNIQUE(batch_id, file_checksum)",
            "This result file was already imported for this batch.",
        ),
    ]

    def init(self):
        res = super().init()
        # One reconciliation per batch, whatever its state: a corrected file
        # replaces the draft's results, and two imports of the same batch at
        # the same moment cannot both create one (the second is refused).
        create_unique_index(
            self.env.cr,
            "social_payout_reconciliation_one_per_batch",
            self._table,
            ["batch_id"],
        )
        return res

    def write(self, vals):
        if "unpaid_policy" in vals:
            # who may not write these records learns nothing about them
            self.check_access("write")
            settled = self.filtered(lambda r: r.state == "settled")
            if settled:
                raise UserError(
                    self.env._(
                        "The treatment of unpaid money of %(names)s cannot change "
                        "after settlement.",
                        names=", ".join(settled.mapped("display_name")),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        settled = self.filtered(lambda r: r.state != "draft")
        if settled:
            raise UserError(
                self.env._(
                    "Only draft reconciliations can be deleted: %(names)s.",
                    names=", ".join(settled.mapped("display_name")),
                )
            )

    @api.depends("batch_id.name")
    def _compute_name(self):
        for reconciliation in self:
            reconciliation.name = reconciliation.batch_id.name

    def _compute_move_count(self):
        # Finance officers without accounting rights still see that entries exist.
        for reconciliation in self:
            reconciliation.move_count = len(reconciliation.sudo().move_ids)

    def _compute_totals(self):
        # Totals of the whole batch: the reconciliation itself is
        # access-checked, its results are summed whatever their commune.
        totals = {
            (reconciliation.id, status): (count, planned, paid, fee)
            for reconciliation, status, count, planned, paid, fee in self.env[
                "social.payout.result"
            ]
            .sudo()
            ._read_group(
                [("reconciliation_id", "in", self.ids)],
                ["reconciliation_id", "status"],
                ["__count", "planned_amount:sum", "amount_paid:sum", "fee_amount:sum"],
            )
        }
        for reconciliation in self:
            paid = totals.get((reconciliation.id, "paid"), (0, 0, 0, 0))
            unpaid = totals.get((reconciliation.id, "failed"), (0, 0, 0, 0))
            reconciliation.result_count = paid[0] + unpaid[0]
            reconciliation.paid_count = paid[0]
            reconciliation.unpaid_count = unpaid[0]
            reconciliation.amount_planned = paid[1] + unpaid[1]
            reconciliation.amount_paid = paid[2]
            reconciliation.amount_unpaid = paid[1] + unpaid[1] - paid[2]
            reconciliation.fee_amount = paid[3]

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def _check_finance(self):
        if not self.env.user.has_group(FINANCE_GROUP) and not self.env.su:
            raise AccessError(
                self.env._(
                    "Only the finance office can import, validate or settle "
                    "payout results."
                )
            )

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
    def _match_rows(self, batch, rows):
        """Check parsed rows against the batch: return (matched, problems).

        matched is a list of (row, line values) in file order. One query for
        the batch's lines and one for references found elsewhere.
        """
        # Imported here to keep the parser free of Odoo imports at module level.
        from ..wizards.result_file import Problem

        problems = []
        self.env["social.payout.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT reference, id, amount, state, method, area_id, partner_id"
                " FROM social_payout_line WHERE batch_id = %s",
                batch.id,
            )
        )
        batch_lines = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        foreign_refs = [
            row.reference for row in rows if row.reference not in batch_lines
        ]
        elsewhere = {}
        if foreign_refs:
            self.env.cr.execute(
                SQL(
                    "SELECT l.reference, b.name FROM social_payout_line l"
                    " JOIN social_payout_batch b ON b.id = l.batch_id"
                    " WHERE l.reference = ANY(%s)",
                    foreign_refs,
                )
            )
            elsewhere = dict(self.env.cr.fetchall())
        date_from, date_to = self._paid_date_window(batch)
        matched = []
        for row in rows:
            line = batch_lines.get(row.reference)
            if line is None:
                if row.reference in elsewhere:
                    problems.append(
                        Problem(
                            row.row,
                            "reference",
                            "other_batch",
                            {
                                "reference": row.reference,
                                "batch": elsewhere[row.reference],
                            },
                        )
                    )
                else:
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
                                "paid": format_vnd(self.env, row.amount_paid),
                                "expected": format_vnd(self.env, amount),
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
                        {"paid": format_vnd(self.env, row.amount_paid)},
                    )
                )
            matched.append((row, line))
        in_file = {row.reference for row in rows}
        for reference in sorted(set(batch_lines) - in_file):
            problems.append(
                Problem(None, "reference", "missing_line", {"reference": reference})
            )
        return matched, problems

    @api.model
    def _import_result_file(self, batch, content, filename):
        """Create (or find again) the reconciliation of a batch from a file.

        All-or-nothing: every problem of the file is collected and raised in
        one UserError before anything is written. The same results imported
        again return the existing reconciliation unchanged.
        """
        from ..wizards.result_file import parse_result_file

        self._check_finance()
        batch.ensure_one()
        parsed = parse_result_file(content, filename)
        checksum = self._results_checksum(parsed.rows) if parsed.rows else None
        if checksum and not parsed.problems:
            existing = self.search(
                [("batch_id", "=", batch.id), ("file_checksum", "=", checksum)],
                limit=1,
            )
            if existing:
                return existing
        # Lock first: the checks below then see the batch as committed by
        # whoever acted before.
        self._lock_batch_for_import(batch)
        if batch.state != "transferred":
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
        previous._workflow_lock()
        if previous.filtered(lambda r: r.state != "draft"):
            raise UserError(
                self.env._(
                    "Batch %(batch)s already has a validated reconciliation; "
                    "its results cannot be replaced.",
                    batch=batch.display_name,
                )
            )
        problems = list(parsed.problems)
        matched = []
        if parsed.rows:
            matched, match_problems = self._match_rows(batch, parsed.rows)
            problems += match_problems
        if problems:
            problems.sort(key=lambda p: (p.row is not None, p.row or 0))
            self._raise_problems(problems, filename)
        if previous:
            # A corrected file replaces the draft results of the batch.
            reconciliation = previous[:1].with_env(self.env)
            self.env.cr.execute(
                SQL(
                    "DELETE FROM social_payout_result WHERE reconciliation_id = %s",
                    reconciliation.id,
                )
            )
            reconciliation._workflow_write(
                {"file_checksum": checksum, "filename": filename}
            )
        else:
            reconciliation = self._create_for_batch(batch, checksum, filename)
        reconciliation._insert_results(batch, matched)
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename or "results",
                "raw": content,
                "res_model": self._name,
                "res_id": reconciliation.id,
            }
        )
        # _message_log: users without an e-mail address import too.
        reconciliation._message_log(
            body=self.env._(
                "Provider results imported from %(filename)s: %(count)s rows.",
                filename=filename or "",
                count=len(matched),
            ),
            attachment_ids=attachment.ids,
        )
        return reconciliation

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

    def _insert_results(self, batch, matched):
        self.ensure_one()
        provider = batch.provider_id
        fee_cache = {}

        def fee(method, amount):
            key = (method, amount)
            if key not in fee_cache:
                fee_cache[key] = provider._compute_fee(method, amount) if amount else 0
            return fee_cache[key]

        uid = self.env.uid
        now = fields.Datetime.to_string(fields.Datetime.now())
        self.env["social.payout.result"].flush_model()
        # COPY is several times faster than INSERT for 100,000 rows.
        columns = (
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
            "create_uid",
            "create_date",
            "write_uid",
            "write_date",
        )
        for chunk in split_every(CHUNK_SIZE, matched, list):
            rows = []
            for row, (line_id, amount, _state, method, area_id, partner_id) in chunk:
                paid = int(amount) if row.status == "paid" else 0
                rows.append(
                    (
                        self.id,
                        line_id,
                        row.reference,
                        row.status,
                        paid,
                        row.paid_date if row.status == "paid" else None,
                        row.provider_ref or None,
                        row.reason or None,
                        row.row,
                        amount,
                        fee(method, paid),
                        partner_id,
                        area_id,
                        method,
                        uid,
                        now,
                        uid,
                        now,
                    )
                )
            copy_rows(self.env.cr, "social_payout_result", columns, rows)
        self.env["social.payout.result"].invalidate_model()
        self.invalidate_recordset(["result_ids", "unpaid_result_ids", "summary_ids"])

    # ------------------------------------------------------------------
    # Validation: apply the results to the payout lines
    # ------------------------------------------------------------------

    def action_validate(self):
        self._check_finance()
        # Lock first: the checks then see the state as committed by whoever
        # pressed the button before.
        self._workflow_lock()
        problems = []
        for reconciliation in self:
            if reconciliation.state != "draft":
                problems.append(
                    self.env._(
                        "%(name)s: only a draft reconciliation can be validated.",
                        name=reconciliation.display_name,
                    )
                )
            elif reconciliation.batch_id.state != "transferred":
                problems.append(
                    self.env._(
                        "%(name)s: the batch is no longer transferred.",
                        name=reconciliation.display_name,
                    )
                )
            elif not self.env["social.payout.result"].search_count(
                [("reconciliation_id", "=", reconciliation.id)], limit=1
            ):
                problems.append(
                    self.env._(
                        "%(name)s: there are no results to apply.",
                        name=reconciliation.display_name,
                    )
                )
        problems += self.batch_id._check_no_job()
        if problems:
            raise UserError("\n".join(problems))
        threshold = self.env["social.payout.batch"]._job_threshold()

        for reconciliation in self:
            # a province's results are applied in chunks in the background
            if reconciliation.batch_id.line_count > threshold:
                reconciliation._enqueue_validation()
            else:
                reconciliation._apply_results()
                reconciliation._finish_validation()
        return True

    def _finish_validation(self):
        """State, note and suspensions once every result is applied."""
        for reconciliation in self:
            reconciliation._workflow_write(
                {
                    "state": "validated",
                    "validated_date": fields.Datetime.now(),
                    "validated_by_id": self.env.uid,
                }
            )
            reconciliation._message_log(
                body=self.env._(
                    "Validated: %(paid)s lines paid, %(unpaid)s unpaid; the "
                    "results are applied to the payout lines.",
                    paid=reconciliation.paid_count,
                    unpaid=reconciliation.unpaid_count,
                )
            )
            reconciliation._suspend_repeatedly_unpaid()
        return True

    def _apply_results(self):
        """Write the results onto the payout lines, set-based, in chunks."""
        self.ensure_one()
        Line = self.env["social.payout.line"]
        Line.flush_model()
        self.env["social.payout.result"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM social_payout_result WHERE reconciliation_id = %s"
                " ORDER BY id",
                self.id,
            )
        )
        result_ids = [row[0] for row in self.env.cr.fetchall()]
        for chunk in split_every(CHUNK_SIZE, result_ids, list):
            self._apply_result_chunk(chunk)
        Line.invalidate_model()
        self.batch_id._reconciliation_lines_changed()

    def _apply_result_chunk(self, chunk):
        """Results ``chunk`` (ids) read back and written onto their lines as
        arrays: the update joins on the line's primary key whatever the planner
        thinks of tables filled in this very transaction (no statistics yet).
        Idempotent: a chunk applied again writes the same values."""
        if chunk:
            self.env.cr.execute(
                SQL(
                    "SELECT line_id, status, amount_paid, paid_date, provider_ref,"
                    " reason, fee_amount FROM social_payout_result"
                    " WHERE id = ANY(%s)",
                    chunk,
                )
            )
            columns = list(zip(*self.env.cr.fetchall(), strict=True))
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE social_payout_line AS l
                       SET state = v.status,
                           paid_amount = v.amount_paid,
                           paid_date = v.paid_date,
                           provider_ref = v.provider_ref,
                           failure_reason = v.reason,
                           fee_amount = v.fee_amount,
                           write_uid = %(uid)s,
                           write_date = NOW() AT TIME ZONE 'UTC'
                      FROM unnest(%(line)s::int[], %(status)s::varchar[],
                                  %(paid)s::int[], %(date)s::date[],
                                  %(ref)s::varchar[], %(reason)s::varchar[],
                                  %(fee)s::int[])
                           AS v(line_id, status, amount_paid, paid_date,
                                provider_ref, reason, fee_amount)
                     WHERE l.id = v.line_id
                    """,
                    uid=self.env.uid,
                    line=list(columns[0]),
                    status=list(columns[1]),
                    paid=list(columns[2]),
                    date=list(columns[3]),
                    ref=list(columns[4]),
                    reason=list(columns[5]),
                    fee=list(columns[6]),
                )
            )

    # ------------------------------------------------------------------
    # Suspension after three consecutive unpaid months
    # ------------------------------------------------------------------

    def _suspend_repeatedly_unpaid(self):
        """Suspend allowances of beneficiaries unpaid three months running.

        A month counts as unpaid when the beneficiary's line of that month's
        batch of the program failed; the three months are this batch's and
        the two before it.
        """
        self.ensure_one()
        batch = self.batch_id
        months = [
            batch.period - relativedelta(months=offset)
            for offset in range(SUSPENSION_MONTHS)
        ]
        self.env["social.payout.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM social_payout_result"
                " WHERE reconciliation_id = %s AND status = 'failed'",
                self.id,
            )
        )
        unpaid_partner_ids = [row[0] for row in self.env.cr.fetchall()]
        if not unpaid_partner_ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id
                  FROM social_payout_line l
                  JOIN social_payout_batch b ON b.id = l.batch_id
                 WHERE l.partner_id = ANY(%(partners)s)
                   AND l.state = 'failed'
                   AND b.program_id = %(program)s
                   AND b.state != 'cancelled'
                   AND b.period = ANY(%(months)s::date[])
                 GROUP BY l.partner_id
                HAVING COUNT(DISTINCT b.period) = %(count)s
                """,
                partners=unpaid_partner_ids,
                program=batch.program_id.id,
                months=months,
                count=SUSPENSION_MONTHS,
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        if not partner_ids:
            return
        allowances = (
            self.env["social.allowance"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partner_ids),
                    ("program_id", "=", batch.program_id.id),
                    ("state", "=", "active"),
                ]
            )
        )
        if not allowances:
            return
        allowances.action_suspend()
        officers = self._commune_officers(allowances.partner_id.area_id)
        for allowance in allowances:
            allowance._message_log(
                body=self.env._(
                    "Suspended: no payment collected for %(count)s consecutive "
                    "months (last batch %(batch)s).",
                    count=SUSPENSION_MONTHS,
                    batch=batch.display_name,
                )
            )
            users = officers.get(allowance.partner_id.area_id.id) or batch.create_uid
            for user in users:
                # in the language of whoever follows it up
                env = self.with_context(lang=user.lang or self.env.lang).env
                allowance.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=env._("Follow up: allowance suspended"),
                    note=env._(
                        "%(beneficiary)s has not collected the allowance for "
                        "%(count)s consecutive months. Check the situation and "
                        "the payment method, then resume the allowance.",
                        beneficiary=allowance.partner_id.display_name,
                        count=SUSPENSION_MONTHS,
                    ),
                )
        self._message_log(
            body=self.env._(
                "%(count)s allowances suspended after %(months)s consecutive "
                "unpaid months.",
                count=len(allowances),
                months=SUSPENSION_MONTHS,
            )
        )

    @api.model
    def _commune_officers(self, communes):
        """Who follows up each commune: {area_id: users}. The commune officers
        serving it (users of the officer group, not managers, whose areas hold
        the commune); where none does, the managers serving it."""
        group = self.env.ref("social_beneficiary.group_social_commune_officer")
        users = (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.ids), ("social_area_ids", "!=", False)])
        )
        managers = users.filtered(
            lambda user: user.has_group("social_beneficiary.group_social_manager")
        )
        officers = {}
        for commune in communes:
            ancestors = set(map(int, (commune.parent_path or "").split("/")[:-1]))
            ancestors.add(commune.id)
            serving = users.filtered(
                lambda user, ancestors=ancestors: set(user.social_area_ids.ids)
                & ancestors
            )
            officers[commune.id] = (serving - managers) or serving
        return officers

    # ------------------------------------------------------------------
    # Settlement
    # ------------------------------------------------------------------

    def _settlement_problems(self):
        """(settings problems, other problems) of this settlement."""
        self.ensure_one()
        name = self.display_name
        if self.state != "validated":
            return [], [
                self.env._(
                    "%(name)s: only a validated reconciliation can be settled.",
                    name=name,
                )
            ]
        roles = ["journal", "clearing", "expense", "fee"]
        if self.fee_amount:
            roles.append("fee_payable")
        if self.unpaid_policy == "refund" and self.amount_unpaid:
            roles.append("refund")
        settings = self._social_settings_problems(
            name, self.company_id, self.batch_id.provider_id, roles
        )
        problems = []
        transfer = self.batch_id.sudo().transfer_move_id
        if not transfer or transfer.state != "posted":
            problems.append(
                self.env._(
                    "%(name)s: the batch has no posted transfer entry.", name=name
                )
            )
        return settings, problems

    def action_settle(self):
        self._check_finance()
        # Settlement happens once: the row lock makes a second click (or a
        # second user) wait for nothing, and the state check after it refuses.
        self._workflow_lock()
        # The settlement reconciles every open clearing line of the provider:
        # two batches of one provider are not settled at the same moment.
        self._lock_providers()
        settings, problems = [], []
        for reconciliation in self:
            own_settings, own_problems = reconciliation._settlement_problems()
            settings += own_settings
            problems += own_problems
        self._social_raise_problems(problems, settings)
        for reconciliation in self:
            reconciliation._settle()
        return True

    def _lock_providers(self):
        providers = self.sudo().batch_id.provider_id
        if not providers:
            return
        if not lock_rows_nowait(providers, "no_key_update"):
            raise UserError(
                self.env._(
                    "Another settlement with %(provider)s is being booked right "
                    "now. Try again in a moment.",
                    provider=", ".join(providers.mapped("name")),
                )
            )

    def _settlement_groups(self):
        """Paid amount and fee per commune and method (one move line each)."""
        # The books take every line of the batch, not only the communes the
        # user serves.
        return (
            self.env["social.payout.result"]
            .sudo()
            ._read_group(
                [("reconciliation_id", "=", self.id), ("status", "=", "paid")],
                ["area_id", "method"],
                ["amount_paid:sum", "fee_amount:sum"],
            )
        )

    def _settle(self):
        self.ensure_one()
        company = self.company_id
        batch = self.batch_id
        provider_partner = batch.provider_id.partner_id
        clearing = batch.provider_id._get_clearing_account()
        groups = self._settlement_groups()
        total_paid = sum(amount for _area, _method, amount, _fee in groups)
        total_fee = sum(fee for _area, _method, _amount, fee in groups)
        unpaid = self.amount_unpaid
        moves_vals = []
        if total_paid:
            moves_vals.append(self._prepare_settlement_move_vals(groups))
        if total_fee:
            moves_vals.append(self._prepare_fee_move_vals(groups))
        accounts = self._social_accounts(company, batch.provider_id)
        if accounts["revenue"] and accounts["revenue_counterpart"]:
            if total_paid + total_fee:
                moves_vals.append(
                    self._prepare_revenue_move_vals(total_paid + total_fee)
                )
        if self.unpaid_policy == "refund" and unpaid:
            moves_vals.append(self._prepare_refund_move_vals(unpaid))
        moves = self._social_post_moves(company, moves_vals)
        # Every open clearing line of the provider: money carried over from an
        # earlier month was transferred with that month's batch, so this
        # settlement's payments also clear what is left open there.
        to_reconcile = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("account_id", "=", clearing.id),
                    ("partner_id", "=", provider_partner.id),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("company_id", "=", company.id),
                ]
            )
        )
        if to_reconcile.filtered("debit") and to_reconcile.filtered("credit"):
            to_reconcile.reconcile()
        self.sudo()._workflow_write(
            {
                "move_ids": [fields.Command.link(move.id) for move in moves],
                "state": "settled",
                "settled_date": fields.Datetime.now(),
                "settled_by_id": self.env.uid,
            }
        )
        batch._set_settled_by_reconciliation()
        self._message_log(
            body=self.env._(
                "Settled: %(paid)s paid, %(fee)s fee, %(unpaid)s unpaid (%(policy)s).",
                paid=format_vnd(self.env, total_paid),
                fee=format_vnd(self.env, total_fee),
                unpaid=format_vnd(self.env, unpaid),
                policy=dict(
                    self._fields["unpaid_policy"]._description_selection(self.env)
                ).get(self.unpaid_policy),
            )
        )

    # ------------------------------------------------------------ entries

    def _settlement_line_name(self, prefix, area, method):
        method_labels = dict(
            self.env["social.payout.result"]
            ._fields["method"]
            ._description_selection(self.env)
        )
        return self.env._(
            "%(prefix)s %(batch)s - %(commune)s - %(method)s",
            prefix=prefix,
            batch=self.batch_id.name,
            commune=area.name or "",
            method=method_labels.get(method, method or ""),
        )

    def _prepare_settlement_move_vals(self, groups):
        """What the provider actually paid: allowance expense per commune and
        method, against the provider's clearing account."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        prefix = self.env._("Allowances paid")
        return self._prepare_grouped_move_vals(
            self.company_id,
            self.env._("Settlement of %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": self._settlement_line_name(prefix, area, method),
                    "account_id": accounts["expense"].id,
                    "debit": amount,
                }
                for area, method, amount, _fee in groups
            ],
            {
                "name": self.env._(
                    "Allowances paid by the provider, %(batch)s", batch=batch.name
                ),
                "account_id": accounts["clearing"].id,
                "partner_id": batch.provider_id.partner_id.id,
            },
        )

    def _prepare_fee_move_vals(self, groups):
        """The provider's fee on what it paid: fee expense per commune and
        method, against the fee payable to the provider."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        prefix = self.env._("Provider fee")
        return self._prepare_grouped_move_vals(
            self.company_id,
            self.env._("Provider fee of %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": self._settlement_line_name(prefix, area, method),
                    "account_id": accounts["fee"].id,
                    "debit": fee,
                }
                for area, method, _amount, fee in groups
            ],
            {
                "name": self.env._("Provider fee payable, %(batch)s", batch=batch.name),
                "account_id": accounts["fee_payable"].id,
                "partner_id": batch.provider_id.partner_id.id,
            },
        )

    def _prepare_revenue_move_vals(self, amount):
        """The budget used, recognised as revenue (the optional pair)."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        return self._prepare_move_vals(
            self.company_id,
            self.env._("Budget revenue of %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": self.env._("Budget used, %(batch)s", batch=batch.name),
                    "account_id": accounts["revenue_counterpart"].id,
                    "debit": amount,
                    "credit": 0.0,
                },
                {
                    "name": self.env._("Budget revenue, %(batch)s", batch=batch.name),
                    "account_id": accounts["revenue"].id,
                    "debit": 0.0,
                    "credit": amount,
                },
            ],
        )

    def _prepare_refund_move_vals(self, amount):
        """Unpaid money the provider returns instead of carrying it over."""
        batch = self.batch_id
        accounts = self._social_accounts(self.company_id, batch.provider_id)
        name = self.env._("Unpaid allowances refunded, %(batch)s", batch=batch.name)
        return self._prepare_move_vals(
            self.company_id,
            self.env._("Refund of unpaid allowances, %(batch)s", batch=batch.name),
            self._social_today(),
            [
                {
                    "name": name,
                    "account_id": accounts["refund"].id,
                    "debit": amount,
                    "credit": 0.0,
                },
                {
                    "name": name,
                    "account_id": accounts["clearing"].id,
                    "partner_id": batch.provider_id.partner_id.id,
                    "debit": 0.0,
                    "credit": amount,
                },
            ],
        )

    def action_print_xlsx(self):
        """The payout reports of the batch's month, as one workbook."""
        self.ensure_one()
        wizard = self.env["social.reconciliation.report.wizard"].create(
            {
                "date_from": self.period,
                "date_to": self.period,
                "program_id": self.program_id.id,
            }
        )
        return wizard.action_print_xlsx()

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"create": False}
        return action

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reconciliation"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
