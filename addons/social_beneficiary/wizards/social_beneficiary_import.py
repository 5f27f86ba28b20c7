"""Bring an existing beneficiary list into the registry: the wizard itself.

Three steps kept apart (STYLE.md §4): ``beneficiary_import_file.parse_rows`` reads
the file into plain rows; ``_analyse`` checks every row against the registry and
plans what would change; ``_apply_plan`` changes it in one set-based pass.
Preview runs the first two and writes only the wizard's counts and error lines;
apply runs all three again from the file (never from the preview), refuses the
whole file if any row is refused, and applies inside a savepoint so that a
failure leaves nothing behind. The same file twice changes nothing the second
time: every row is compared with the registry first.

This file owns the wizard's fields, its buttons (preview, apply, template), who
may import, reading the upload into rows and the messages of an unreadable
file. The other concerns are ``_inherit`` files of the same model:

- ``social_beneficiary_import_lookups.py``: the registry read once per file;
- ``social_beneficiary_import_rows.py``: the person on a row (citizen ID, name,
  commune, who in the registry) and the order of the checks;
- ``social_beneficiary_import_changes.py``: the decision on a row: increase,
  decrease (end) or adjustment, the rate, and ending and creating decisions;
- ``social_beneficiary_import_payment.py``: the payment method, account and
  representative on a row, and the registrations they make;
- ``social_beneficiary_import_apply.py``: the set-based pass that writes it all;
- ``social_beneficiary_import_job.py``: province-sized lists in the background.
"""

import base64
import io

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.gc_pause import paused_gc
from ..tools.tabular_file import uploaded_content
from .beneficiary_import_file import (
    TEMPLATE_COLUMNS,
    ImportFileError,
    parse_rows,
)

MAX_MESSAGES = 20


class _Row:
    """One row of the list and what it would change."""

    __slots__ = (
        "data",
        "leader",
        "number",
        "partner_id",
        "partner_vals",
        "problems",
        "status",
        "values",
    )

    def __init__(self, number, values):
        self.number = number
        self.values = values
        # a list once the row is refused (most rows are not: no list for each)
        self.problems = ()
        self.partner_id = None
        # the first row of the same person, when the person is on several rows
        self.leader = None
        self.partner_vals = None
        self.status = None
        self.data = {}

    def refuse(self, field, message):
        if not self.problems:
            self.problems = []
        self.problems.append((field, message))


class SocialBeneficiaryImport(models.TransientModel):
    _name = "social.beneficiary.import"
    _description = "Import Beneficiary List"

    # in the wizard's own table: no attachment outlives the wizard
    file = fields.Binary(string="List File", attachment=False)
    filename = fields.Char(string="File Name")
    preset_id = fields.Many2one(
        "social.beneficiary.import.preset",
        string="List Format",
        help="How the columns of a list kept elsewhere read. Leave empty for the "
        "suite's own template.",
    )
    state = fields.Selection(
        [("draft", "To check"), ("previewed", "Checked"), ("done", "Applied")],
        default="draft",
        readonly=True,
    )
    count_new = fields.Integer(string="New", readonly=True)
    count_updated = fields.Integer(string="Updated", readonly=True)
    count_unchanged = fields.Integer(string="Unchanged", readonly=True)
    count_refused = fields.Integer(string="Refused", readonly=True)
    error_ids = fields.One2many(
        "social.beneficiary.import.error", "wizard_id", string="Problems"
    )
    template_file = fields.Binary(string="Template", attachment=False, readonly=True)

    # ---------------------------------------------------------------- actions
    def action_preview(self):
        self.ensure_one()
        self._check_import_rights()
        rows = self._analyse(self._read_rows())
        counts = self._counts(rows)
        self.error_ids.unlink()
        self.write(
            dict(
                counts,
                state="previewed",
                error_ids=[
                    fields.Command.create(
                        {"row": row.number, "field": field, "message": message}
                    )
                    for row in rows
                    for field, message in row.problems
                ],
            )
        )
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        self._check_import_rights()
        # the file again, checked again: the preview is never trusted
        rows = self._analyse(self._read_rows())
        refused = [row for row in rows if row.problems]
        if refused:
            raise UserError(self._refusal_message(refused))
        return self._apply_checked(rows)

    def _refusal_message(self, refused):
        return self.env._(
            "Nothing was imported: %(count)s rows are refused. Correct them "
            "and import the whole file again.\n%(problems)s",
            count=len(refused),
            problems=self._problem_lines(refused),
        )

    def _problem_lines(self, refused):
        lines = [
            self.env._("Row %(row)s: %(message)s", row=row.number, message=message)
            for row in refused
            for __, message in row.problems
        ]
        more = len(lines) - MAX_MESSAGES
        text = "\n".join(lines[:MAX_MESSAGES])
        if more > 0:
            text += "\n" + self.env._("... and %(count)s more.", count=more)
        return text

    def _apply_checked(self, rows):
        """Apply the rows of the whole file, all checked and none refused."""
        try:
            with self.env.cr.savepoint():
                self._apply_plan(rows)
        except (ValidationError, UserError, AccessError) as error:
            raise UserError(
                self.env._(
                    "Nothing was imported: %(error)s",
                    error=error.args[0] if error.args else str(error),
                )
            ) from None
        counts = self._counts(rows)
        self.error_ids.unlink()
        self.write(dict(counts, state="done"))
        return self._reopen()

    def action_download_template(self):
        self.ensure_one()
        self.template_file = base64.b64encode(self._template_xlsx())
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/template_file/"
            "beneficiary_list_template.xlsx?download=true",
            "target": "download",
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_import_rights(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("social_beneficiary.group_social_commune_officer")
            or user.has_group("social_beneficiary.group_social_manager")
        ):
            raise UserError(
                self.env._(
                    "Only a commune officer or a manager can import beneficiaries."
                )
            )

    @staticmethod
    def _counts(rows):
        counts = dict.fromkeys(("new", "updated", "unchanged", "refused"), 0)
        for row in rows:
            counts["refused" if row.problems else row.status] += 1
        return {f"count_{key}": value for key, value in counts.items()}

    # --------------------------------------------------------------- parsing
    def _read_rows(self, start=0, stop=None):
        """The rows of the file, or those from ``start`` to ``stop`` (positions
        among its rows, as in a slice: the file is read up to ``stop`` only)."""
        content = uploaded_content(self.env, self.file)
        try:
            rows, keys = parse_rows(
                content,
                self.filename or "",
                self.preset_id._header_map(),
                start=start,
                stop=stop,
            )
        except ImportFileError as error:
            raise UserError(self._file_error_message(error)) from None
        missing = [
            key for key in ("name", "birth_date", "commune_code") if key not in keys
        ]
        if "citizen_id" not in keys and "old_id_number" not in keys:
            missing.insert(0, "citizen_id")
        if "program" not in keys and not self.preset_id.program_id:
            missing.append("program")
        if missing:
            raise UserError(
                self.env._(
                    "The file lacks the columns: %(columns)s.",
                    columns=", ".join(missing),
                )
            )
        with paused_gc():  # rows that stay alive to the end: no full collection
            return [_Row(number, values) for number, values in rows]

    def _file_error_message(self, error):
        params = error.params
        messages = {
            "empty": lambda: self.env._("The file is empty."),
            "too_big": lambda: self.env._(
                "The file is larger than %(limit)s MB: split the list.", **params
            ),
            "unpacked": lambda: self.env._(
                "The spreadsheet unpacks to more than %(limit)s MB, or is packed "
                "suspiciously tight: it is refused.",
                **params,
            ),
            "encrypted": lambda: self.env._(
                "The spreadsheet is password-protected: save it without a password."
            ),
            "bad_xlsx": lambda: self.env._(
                "The file is not a readable XLSX spreadsheet: open it in a "
                "spreadsheet program and save it again as XLSX or CSV (UTF-8)."
            ),
            "hostile_xml": lambda: self.env._(
                "The spreadsheet contains XML declarations (DTD or entities) that "
                "are not allowed: it is refused. Save it again from a spreadsheet "
                "program."
            ),
            "old_xls": lambda: self.env._(
                "Old .xls files are not read: save the list as XLSX or CSV (UTF-8)."
            ),
            "encoding": lambda: self.env._(
                "The file is not UTF-8 text (byte %(position)s): save it as CSV "
                "UTF-8 or XLSX.",
                **params,
            ),
            "bad_csv": lambda: self.env._(
                "The CSV file cannot be read at line %(line)s.", **params
            ),
            "too_many_rows": lambda: self.env._(
                "The list has more than %(limit)s rows: split it.", **params
            ),
            "twice": lambda: self.env._(
                "Several columns of the file read as %(columns)s: keep one.",
                **params,
            ),
            "no_header": lambda: self.env._(
                "No header row found in the first rows of the file: it needs at "
                "least the columns of the name and of the citizen ID (or the old "
                "ID number), as in the template."
            ),
        }
        return messages[error.code]()

    # -------------------------------------------------------------- template
    def _template_xlsx(self):
        import xlsxwriter

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet("DanhSach")
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
        text = workbook.add_format({"num_format": "@"})
        for column, (key, label) in enumerate(TEMPLATE_COLUMNS):
            sheet.write_string(0, column, label, bold)
            sheet.write_string(1, column, key, bold)
            sheet.set_column(column, column, max(len(label), len(key)) + 4, text)
        example = {
            "citizen_id": "051050001234",
            "name": "Nguyễn Văn An",
            "birth_date": "02/03/1950",
            "gender": "male",
            "commune_code": "21445",
            "program": "BTXH",
            "category": "k5a_80",
            "date_start": "01/07/2024",
            "decision_ref": "123/QĐ-UBND",
            "decision_date": "15/07/2024",
            "method": "bank",
            "bank_bin": "970405",
            "account_number": "1234567890",
        }
        for column, (key, __) in enumerate(TEMPLATE_COLUMNS):
            sheet.write_string(2, column, example.get(key, ""), text)
        sheet.freeze_panes(2, 0)
        workbook.close()
        return output.getvalue()


class SocialBeneficiaryImportError(models.TransientModel):
    _name = "social.beneficiary.import.error"
    _description = "Beneficiary Import Problem"
    _order = "row, id"

    wizard_id = fields.Many2one(
        "social.beneficiary.import", required=True, ondelete="cascade", index=True
    )
    row = fields.Integer(readonly=True)
    field = fields.Char(string="Column", readonly=True)
    message = fields.Char(readonly=True)
