"""Bring an existing beneficiary list into the registry.

Three steps kept apart (STYLE.md §4): ``beneficiary_import_file.parse_rows`` reads
the file into plain rows; ``_analyse`` checks every row against the registry and
plans what would change; ``_apply_plan`` changes it in one set-based pass.
Preview runs the first two and writes only the wizard's counts and error lines;
apply runs all three again from the file (never from the preview), refuses the
whole file if any row is refused, and applies inside a savepoint so that a
failure leaves nothing behind. The same file twice changes nothing the second
time: every row is compared with the registry first.
"""

import base64
import binascii
import io
from datetime import date, timedelta

from odoo import fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..models.res_partner_move import PAID_STATES
from ..models.social_allowance import first_of_month
from ..models.social_chatter import chatter_buffer
from ..models.social_tools import (
    check_citizen_id,
    clean_citizen_id,
    name_key,
    normalize_name,
)
from ..tools.tabular_file import normalize_header, parse_date
from .beneficiary_import_file import (
    TEMPLATE_COLUMNS,
    ImportFileError,
    parse_rows,
)

MAX_MESSAGES = 20
GENDERS = {"male": "male", "nam": "male", "female": "female", "nu": "female"}
METHODS = {
    "bank": "bank",
    "tai khoan ngan hang": "bank",
    "ngan hang": "bank",
    "ewallet": "ewallet",
    "vi dien tu": "ewallet",
    "mobile money": "ewallet",
    "cash point": "cash_point",
    "tien mat": "cash_point",
    "diem chi tra": "cash_point",
    "tien mat tai diem chi tra": "cash_point",
    "cash home": "cash_home",
    "tai nha": "cash_home",
    "chi tra tai nha": "cash_home",
    "tien mat tai nha": "cash_home",
}
ROLES = {
    "guardian": "guardian",
    "giam ho": "guardian",
    "nguoi giam ho": "guardian",
    "proxy": "proxy",
    "uy quyen": "proxy",
    "nguoi duoc uy quyen": "proxy",
}
CHANGES = {
    "": None,
    "new": "new",
    "tang": "new",
    "tang moi": "new",
    "end": "end",
    "giam": "end",
    "thoi huong": "end",
    "adjust": "adjust",
    "dieu chinh": "adjust",
}
END_REASONS = {
    "death": "death",
    "chet": "death",
    "tu tran": "death",
    "qua doi": "death",
    "tu tuat": "death",
    "moved": "moved",
    "chuyen di": "moved",
    "chuyen di noi khac": "moved",
    "ineligible": "ineligible",
    "khong con du dieu kien": "ineligible",
}
RUNNING = ("active", "suspended")


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
        self.problems = []
        self.partner_id = None
        # the first row of the same person, when the person is on several rows
        self.leader = None
        self.partner_vals = None
        self.status = None
        self.data = {}

    def refuse(self, field, message):
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
    def _read_rows(self):
        try:
            content = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError):
            raise UserError(
                self.env._("The uploaded file is damaged, upload it again.")
            ) from None
        try:
            rows, keys = parse_rows(
                content, self.filename or "", self.preset_id._header_map()
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

    # ---------------------------------------------------------------- lookups
    def _allowed_commune_ids(self):
        """The communes the importing user serves, or None for all."""
        user = self.env.user
        if self.env.su or user.has_group("social_beneficiary.group_social_manager"):
            return None
        if not user.social_area_ids:
            return set()
        return set(
            self.env["social.area"]
            .sudo()
            .with_context(active_test=False)
            ._search([("id", "child_of", user.social_area_ids.ids)])
        )

    def _fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _lookups(self, rows):
        """Everything the checks compare with, read once for the whole file."""
        for model in (
            "res.partner",
            "res.partner.bank",
            "res.bank",
            "social.area",
            "social.program",
            "social.category",
            "social.allowance",
            "social.payment.registration",
            "social.representative",
            "social.beneficiary.id.history",
        ):
            self.env[model].flush_model()

        def column(key, clean=None):
            values = {(clean or str)(row.values.get(key) or "") for row in rows}
            values.discard("")
            return list(values)

        cids = column("citizen_id", clean_citizen_id)
        olds = column("old_id_number", clean_citizen_id)
        rep_cids = column("representative_citizen_id", clean_citizen_id)
        names = column("name", name_key)
        codes = column("commune_code")
        bins = column("bank_bin")
        ctx = {"allowed": self._allowed_commune_ids()}
        # codes are reused after the 2025 merger: every commune with the code,
        # with its period and the communes it became
        ctx["communes"] = {}
        for rec in self._fetch(
            SQL(
                """
                SELECT a.id, a.code, a.date_from, a.date_to,
                       ARRAY(SELECT s.id FROM social_area_succession_rel r
                               JOIN social_area s ON s.id = r.successor_id
                              WHERE r.predecessor_id = a.id AND s.active
                                AND s.level = 'commune'
                              ORDER BY s.code, s.id) AS successor_ids,
                       ARRAY(SELECT s.code FROM social_area_succession_rel r
                               JOIN social_area s ON s.id = r.successor_id
                              WHERE r.predecessor_id = a.id AND s.active
                                AND s.level = 'commune'
                              ORDER BY s.code, s.id) AS successor_codes
                  FROM social_area a
                 WHERE a.level = 'commune' AND a.active AND a.code = ANY(%s)
                """,
                codes,
            )
        ):
            ctx["communes"].setdefault(rec["code"], []).append(rec)
        ctx["programs"] = {
            rec["code"].upper(): rec["id"]
            for rec in self._fetch(SQL("SELECT id, code FROM social_program"))
        }
        ctx["categories"] = {
            (rec["program_id"], rec["code"].casefold()): rec["id"]
            for rec in self._fetch(
                SQL("SELECT id, program_id, code FROM social_category WHERE active")
            )
        }
        ctx["banks"] = {
            rec["napas_bin"]: (rec["id"], rec["social_kind"] or "bank")
            for rec in self._fetch(
                SQL(
                    "SELECT id, napas_bin, social_kind FROM res_bank "
                    "WHERE active AND napas_bin = ANY(%s)",
                    bins,
                )
            )
        }
        partner_fields = SQL(
            "id, name, citizen_id, birth_date, gender, area_id, beneficiary_ref, "
            "social_name_key"
        )
        by_cid = {
            rec["citizen_id"]: rec
            for rec in self._fetch(
                SQL(
                    "SELECT %s FROM res_partner WHERE is_beneficiary "
                    "AND citizen_id = ANY(%s)",
                    partner_fields,
                    list(set(cids) | set(olds)),
                )
            )
        }
        ctx["by_cid"] = by_cid
        ctx["by_old"] = {}
        history = self._fetch(
            SQL(
                "SELECT h.id_number, h.partner_id FROM social_beneficiary_id_history h "
                "JOIN res_partner p ON p.id = h.partner_id "
                "WHERE p.is_beneficiary AND h.id_number = ANY(%s)",
                olds,
            )
        )
        ctx["history"] = {(rec["partner_id"], rec["id_number"]) for rec in history}
        history_partner_ids = {rec["partner_id"] for rec in history}
        by_id = {rec["id"]: rec for rec in by_cid.values()}
        if history_partner_ids - set(by_id):
            for rec in self._fetch(
                SQL(
                    "SELECT %s FROM res_partner WHERE id = ANY(%s)",
                    partner_fields,
                    list(history_partner_ids - set(by_id)),
                )
            ):
                by_id[rec["id"]] = rec
        for rec in history:
            ctx["by_old"].setdefault(rec["id_number"], set()).add(rec["partner_id"])
        twins = {}
        for rec in self._fetch(
            SQL(
                "SELECT %s FROM res_partner WHERE is_beneficiary "
                "AND social_name_key = ANY(%s)",
                partner_fields,
                names,
            )
        ):
            twins.setdefault((rec["social_name_key"], rec["birth_date"]), []).append(
                rec
            )
        ctx["twins"] = twins
        ctx["partners"] = by_id
        partner_ids = list(by_id)
        ctx["allowances"] = {}
        for rec in self._fetch(
            SQL(
                "SELECT id, partner_id, category_id, program_id, decision_ref, "
                "date_start, date_end, decision_date, state, rate "
                "FROM social_allowance WHERE partner_id = ANY(%s) ORDER BY id",
                partner_ids,
            )
        ):
            ctx["allowances"].setdefault(rec["partner_id"], []).append(rec)
        ctx["registrations"] = {}
        for rec in self._fetch(
            SQL(
                """
                SELECT r.id, r.beneficiary_id, r.method, r.payee_role, r.date_from,
                       r.state, rep.partner_id AS rep_partner_id,
                       pb.sanitized_acc_number, pb.bank_id
                  FROM social_payment_registration r
                  LEFT JOIN social_representative rep ON rep.id = r.representative_id
                  LEFT JOIN res_partner_bank pb ON pb.id = r.bank_account_id
                 WHERE r.beneficiary_id = ANY(%s) AND r.state != 'cancelled'
                 ORDER BY r.beneficiary_id, r.date_from DESC, r.id DESC
                """,
                partner_ids,
            )
        ):
            ctx["registrations"].setdefault(rec["beneficiary_id"], []).append(rec)
        ctx["representatives"] = {}
        for rec in self._fetch(
            SQL(
                "SELECT id, beneficiary_id, partner_id, role, date_from, date_to "
                "FROM social_representative WHERE beneficiary_id = ANY(%s)",
                partner_ids,
            )
        ):
            ctx["representatives"].setdefault(rec["beneficiary_id"], []).append(rec)
        ctx["rep_partners"] = {
            rec["citizen_id"]: rec
            for rec in self._fetch(
                SQL(
                    "SELECT DISTINCT ON (citizen_id) id, name, citizen_id, "
                    "is_beneficiary FROM res_partner WHERE citizen_id = ANY(%s) "
                    "ORDER BY citizen_id, is_beneficiary DESC, id",
                    rep_cids,
                )
            )
        }
        account_partner_ids = partner_ids + [
            rec["id"] for rec in ctx["rep_partners"].values()
        ]
        ctx["accounts"] = {
            (rec["partner_id"], rec["sanitized_acc_number"]): rec
            for rec in self._fetch(
                SQL(
                    "SELECT id, partner_id, sanitized_acc_number, bank_id "
                    "FROM res_partner_bank WHERE partner_id = ANY(%s)",
                    account_partner_ids,
                )
            )
        }
        ctx["arrears_limit"] = self.env["social.allowance"]._arrears_months_limit()
        ctx["today"] = fields.Date.context_today(self)
        ctx["approver"] = self.env.user.has_group(
            "social_beneficiary.group_social_approver"
        )
        return ctx

    # ---------------------------------------------------------------- checks
    def _analyse(self, rows):
        ctx = self._lookups(rows)
        seen = {}
        for row in rows:
            self._check_row(row, ctx, seen)
            if not row.problems:
                self._plan_row(row, ctx)
        ended = {}
        for row in rows:
            ending = row.data.get("allowance_end")
            if not ending or row.problems:
                continue
            if ending[0] in ended:
                row.refuse(
                    "change",
                    self.env._(
                        "Row %(first)s already ends or adjusts the same decision.",
                        first=ended[ending[0]],
                    ),
                )
                row.status = None
            ended.setdefault(ending[0], row.number)
        return rows

    def _date(self, row, key, required=False):
        value = row.values.get(key)
        try:
            day = parse_date(value)
        except ValueError:
            row.refuse(
                key,
                self.env._(
                    "%(column)s: %(value)s is not a date (YYYY-MM-DD or DD/MM/YYYY).",
                    column=key,
                    value=value,
                ),
            )
            return None
        if day is None and required:
            self._missing(row, key)
        return day

    def _missing(self, row, key):
        row.refuse(key, self.env._("%(column)s: the value is missing.", column=key))

    def _choice(self, row, key, choices):
        text = normalize_header(row.values.get(key))
        if text in choices:
            return choices[text]
        row.refuse(
            key,
            self.env._(
                "%(column)s: %(value)s is not one of the accepted values.",
                column=key,
                value=row.values.get(key),
            ),
        )
        return None

    def _check_row(self, row, ctx, seen):
        values = row.values
        data = row.data
        change = self._choice(row, "change", CHANGES)
        data["change"] = change
        cid = clean_citizen_id(values.get("citizen_id") or "")
        old = clean_citizen_id(values.get("old_id_number") or "")
        name = normalize_name(values.get("name") or "")
        data.update(cid=cid, old=old, name=name)
        if not name:
            self._missing(row, "name")
        birth = self._date(row, "birth_date", required=True)
        gender = None
        if values.get("gender"):
            gender = self._choice(row, "gender", GENDERS)
        data.update(birth=birth, gender=gender)
        if cid:
            # what the registry holds counts where the row is silent
            stored = ctx["by_cid"].get(cid) or ctx["by_cid"].get(old) or {}
            errors, __ = check_citizen_id(
                cid, gender or stored.get("gender"), birth or stored.get("birth_date")
            )
            probe = self.env["res.partner"].new({"name": name}) if errors else None
            for code, params in errors:
                row.refuse(
                    "citizen_id",
                    self.env["res.partner"]._citizen_id_error_message(
                        probe, code, params
                    ),
                )
        # the commune
        code = values.get("commune_code") or ""
        area_id, former_id = self._commune_for_code(row, code, ctx)
        data.update(area_id=area_id, former_area_id=former_id)
        if not code:
            self._missing(row, "commune_code")
        elif area_id is False:
            pass  # refused by _commune_for_code
        elif not area_id:
            row.refuse(
                "commune_code",
                self.env._("The commune code %(code)s is unknown.", code=code),
            )
        elif ctx["allowed"] is not None and area_id not in ctx["allowed"]:
            row.refuse(
                "commune_code",
                self.env._(
                    "The commune %(code)s is not among the areas you serve.",
                    code=code,
                ),
            )
        partner = self._match_registry(row, ctx)
        row.partner_id = partner["id"] if partner else None
        if change in ("end", "adjust") and not partner and cid:
            row.refuse(
                "change",
                self.env._(
                    "The beneficiary is not in the registry: a decrease or an "
                    "adjustment needs a registered beneficiary."
                ),
            )
        self._check_allowance(row, ctx)
        self._check_payment(row, ctx)
        if cid:
            self._check_same_person(row, seen.setdefault(cid, []))

    # what must agree between the rows of one person, and what each row owns
    PERSON_KEYS = ("cid", "old", "name", "birth", "gender", "area_id")
    PAYMENT_KEYS = ("method", "bank_id", "account", "role", "rep_cid", "rep_name")

    def _check_same_person(self, row, siblings):
        """A person may be on several rows: one decision of its own category each.

        An increase, decrease or adjustment list can name a person twice (two
        allowances, or the end of one and a new one). The first row carries the
        person and the payment; the others carry a decision each, of another
        category and another decision number, and repeat the person as the
        first row has it and the payment columns empty or the same.
        """
        if siblings:
            leader = siblings[0]
            data = row.data
            category = data.get("category_id")
            ref = data.get("decision_ref", "").casefold()
            agree = all(data.get(k) == leader.data.get(k) for k in self.PERSON_KEYS)
            payment = tuple(data.get(k) for k in self.PAYMENT_KEYS)
            own_decision = bool(category) and all(
                category != sibling.data.get("category_id")
                and (not ref or ref != sibling.data.get("decision_ref", "").casefold())
                for sibling in siblings
            )
            if not (
                agree
                and own_decision
                and (
                    not any(payment)
                    or payment == tuple(leader.data.get(k) for k in self.PAYMENT_KEYS)
                )
            ):
                row.refuse(
                    "citizen_id",
                    self.env._(
                        "The citizen ID %(number)s is also on row %(first)s: the "
                        "rows of one person must give the same person and payment, "
                        "and each a decision of another category and number.",
                        number=data["cid"],
                        first=leader.number,
                    ),
                )
            row.leader = leader
        siblings.append(row)

    def _commune_for_code(self, row, code, ctx):
        """(commune id, former commune id) for a code of the row.

        A code names the commune in force on the row's date (decision date,
        else start, else today): a list dated before 1 July 2025 uses the old
        codes, some of which the 2025 communes reuse. A commune that has ended
        since gives way to the commune it was merged into, and is kept as the
        person's former commune. Returns (None, None) for an unknown code and
        (False, None) when the row is refused here.
        """
        candidates = ctx["communes"].get(code)
        if not candidates:
            return None, None
        today = fields.Date.context_today(self)
        day = None
        for key in ("decision_date", "date_start"):
            try:
                day = parse_date(row.values.get(key))
            except ValueError:
                day = None
            if day:
                break
        day = day or today

        def in_force(rec, on):
            return (not rec["date_from"] or rec["date_from"] <= on) and (
                not rec["date_to"] or on <= rec["date_to"]
            )

        matching = [rec for rec in candidates if in_force(rec, day)] or sorted(
            candidates, key=lambda rec: rec["date_to"] or date.max, reverse=True
        )
        area = matching[0]
        if in_force(area, today) or not area["successor_ids"]:
            return area["id"], None
        if len(area["successor_ids"]) > 1:
            row.refuse(
                "commune_code",
                self.env._(
                    "The commune %(code)s ended on %(date)s and was divided "
                    "between the communes %(codes)s: give the code of the new "
                    "commune.",
                    code=code,
                    date=area["date_to"],
                    codes=", ".join(area["successor_codes"]),
                ),
            )
            return False, None
        return area["successor_ids"][0], area["id"]

    def _match_registry(self, row, ctx):
        """The registered beneficiary of the row (a dict of its values) or None."""
        data = row.data
        cid, old, name, birth = data["cid"], data["old"], data["name"], data["birth"]
        # who is it in the registry: the citizen ID, else the old number
        partner = ctx["by_cid"].get(cid) if cid else None
        former = None
        if old:
            former = ctx["by_cid"].get(old)
            if not former and len(ctx["by_old"].get(old, ())) == 1:
                former = ctx["partners"][next(iter(ctx["by_old"][old]))]
        if partner and former and partner["id"] != former["id"]:
            row.refuse(
                "old_id_number",
                self.env._(
                    "The old ID number %(old)s belongs to the beneficiary %(ref)s, "
                    "not to the holder of the citizen ID %(number)s.",
                    old=old,
                    ref=former["beneficiary_ref"],
                    number=cid,
                ),
            )
        partner = partner or former
        if not cid and not partner:
            row.refuse(
                "citizen_id",
                self.env._(
                    "citizen_id: the value is missing, and the old ID number does "
                    "not match a registered beneficiary."
                ),
            )
        if partner and ctx["allowed"] is not None:
            if partner["area_id"] not in ctx["allowed"]:
                row.refuse(
                    "citizen_id",
                    self.env._(
                        "The beneficiary %(ref)s with this ID is registered in a "
                        "commune you do not serve.",
                        ref=partner["beneficiary_ref"],
                    ),
                )
        if not partner and name and birth:
            for twin in ctx["twins"].get((name_key(name), birth), []):
                row.refuse(
                    "name",
                    self.env._(
                        "%(name)s, born %(birth)s, is already registered as "
                        "%(ref)s with the citizen ID %(number)s: if it is the same "
                        "person put that number in old_id_number; if not, register "
                        "the person in the form.",
                        name=name,
                        birth=birth.strftime("%d/%m/%Y"),
                        ref=twin["beneficiary_ref"],
                        number=twin["citizen_id"] or "-",
                    ),
                )
                break
        return partner

    def _check_allowance(self, row, ctx):
        values = row.values
        data = row.data
        change = data["change"]
        program_code = (values.get("program") or "").strip().upper()
        program_id = None
        if program_code:
            program_id = ctx["programs"].get(program_code)
            if not program_id:
                row.refuse(
                    "program",
                    self.env._(
                        "The program %(code)s is unknown (BTXH, NCC or HTXH).",
                        code=values.get("program"),
                    ),
                )
        elif self.preset_id.program_id:
            program_id = self.preset_id.program_id.id
        category_code = (values.get("category") or "").strip()
        category_id = None
        if category_code and program_id:
            category_id = ctx["categories"].get((program_id, category_code.casefold()))
            if not category_id:
                row.refuse(
                    "category",
                    self.env._(
                        "The category %(code)s is unknown in the program %(program)s.",
                        code=category_code,
                        program=program_code or self.preset_id.program_id.code,
                    ),
                )
        rate = self._rate(row, ctx, category_id)
        date_start = self._date(row, "date_start")
        date_end = self._date(row, "date_end")
        decision_date = self._date(row, "decision_date")
        decision_ref = " ".join((values.get("decision_ref") or "").split())
        data.update(
            program_id=program_id,
            category_id=category_id,
            rate=rate,
            date_start=date_start,
            date_end=date_end,
            decision_date=decision_date,
            decision_ref=decision_ref,
        )
        if change == "end":
            if not date_end and "date_end" not in {f for f, __ in row.problems}:
                row.refuse(
                    "date_end",
                    self.env._("date_end: a decrease (end) needs the end date."),
                )
            return
        has_decision = any((category_code, date_start, decision_ref))
        if not has_decision and change is None:
            return  # a row about the person and the payment only
        for key, value in (
            ("program", program_id or program_code),
            ("category", category_code),
            ("date_start", date_start or values.get("date_start")),
            ("decision_ref", decision_ref),
            ("decision_date", decision_date or values.get("decision_date")),
        ):
            if not value:
                self._missing(row, key)
        if date_start:
            message = self.env["social.allowance"]._plausibility_problem(
                decision_ref, date_start, date_end, None
            )
            if message:
                row.refuse("date_start", message)
            birth = data.get("birth")
            if birth and first_of_month(date_start) < first_of_month(birth):
                row.refuse(
                    "date_start",
                    self.env._(
                        "date_start: the allowance starts before the birth date."
                    ),
                )
        if decision_date and decision_date > ctx["today"]:
            row.refuse(
                "decision_date",
                self.env._("decision_date: the decision date is in the future."),
            )

    def _check_payment(self, row, ctx):
        values = row.values
        data = row.data
        method = None
        if values.get("method"):
            method = self._choice(row, "method", METHODS)
        data["method"] = method
        bank = None
        bank_bin = values.get("bank_bin") or ""
        account = "".join(
            ch for ch in (values.get("account_number") or "") if ch.isalnum()
        )
        data["account"] = account.upper()
        if method in ("bank", "ewallet"):
            if not bank_bin:
                self._missing(row, "bank_bin")
            if not account:
                self._missing(row, "account_number")
        if bank_bin:
            bank = ctx["banks"].get(bank_bin)
            if not bank:
                row.refuse(
                    "bank_bin",
                    self.env._(
                        "No bank or e-wallet has the BIN %(bin)s.", bin=bank_bin
                    ),
                )
            elif method in ("bank", "ewallet") and bank[1] != method:
                row.refuse(
                    "bank_bin",
                    self.env._(
                        "The BIN %(bin)s is not of the kind the payment method needs "
                        "(bank account or e-wallet).",
                        bin=bank_bin,
                    ),
                )
        data["bank_id"] = bank[0] if bank else None
        if method == "cash_home" and not values.get("reason"):
            row.refuse(
                "reason",
                self.env._("reason: give the reason for paying at home."),
            )
        rep_name = normalize_name(values.get("representative_name") or "")
        rep_cid = clean_citizen_id(values.get("representative_citizen_id") or "")
        role = None
        if values.get("representative_role"):
            role = self._choice(row, "representative_role", ROLES)
        data.update(rep_name=rep_name, rep_cid=rep_cid, role=role)
        if not (rep_name or rep_cid or role):
            return
        if not rep_name and not ctx["rep_partners"].get(rep_cid):
            self._missing(row, "representative_name")
        if not values.get("representative_role"):
            self._missing(row, "representative_role")
        if rep_cid:
            errors, __ = check_citizen_id(rep_cid)
            probe = self.env["res.partner"].new({"name": rep_name}) if errors else None
            for code, params in errors:
                row.refuse(
                    "representative_citizen_id",
                    self.env["res.partner"]._citizen_id_error_message(
                        probe, code, params
                    ),
                )
            if rep_cid == data["cid"]:
                row.refuse(
                    "representative_citizen_id",
                    self.env._("A beneficiary cannot represent themselves."),
                )
        else:
            self._missing(row, "representative_citizen_id")

    # -------------------------------------------------------------- planning
    def _plan_row(self, row, ctx):
        """What the row changes; refusals for what cannot be applied."""
        data = row.data
        partner = ctx["partners"].get(row.partner_id) if row.partner_id else None
        changes = False
        if row.leader:
            # the first row of the person carries the person and the payment
            row.partner_vals = {}
            data.update(history=False, rep=None, registration=None)
            changes = self._plan_allowance(row, ctx, partner)
            if not row.problems:
                row.status = (
                    "new" if not partner else ("updated" if changes else "unchanged")
                )
            return
        if partner:
            vals = {}
            if data["cid"] and partner["citizen_id"] != data["cid"]:
                vals["citizen_id"] = data["cid"]
            if data["name"] and partner["name"] != data["name"]:
                vals["name"] = data["name"]
            if data["birth"] and partner["birth_date"] != data["birth"]:
                vals["birth_date"] = data["birth"]
            if data["gender"] and partner["gender"] != data["gender"]:
                vals["gender"] = data["gender"]
            if data["area_id"] and partner["area_id"] != data["area_id"]:
                vals["area_id"] = data["area_id"]
                if data["former_area_id"]:
                    vals["former_area_id"] = data["former_area_id"]
                # the commune of someone already paid changes by a move only
                # (res_partner_move.py; a merged commune's successor is no
                # move): say so on the row, not at apply
                successors = (
                    self.env["social.area"]
                    .sudo()
                    .browse(partner["area_id"])
                    .successor_ids.ids
                )
                if data["area_id"] not in successors and any(
                    allowance["state"] in PAID_STATES
                    for allowance in ctx["allowances"].get(row.partner_id, [])
                ):
                    row.refuse(
                        "commune_code",
                        self.env._(
                            "commune_code: %(name)s is paid in another commune; a "
                            "move is recorded with the button Move to Another "
                            "Commune, not by the list.",
                            name=partner["name"],
                        ),
                    )
            row.partner_vals = vals
            changes = bool(vals)
        else:
            row.partner_vals = {
                "name": data["name"],
                "citizen_id": data["cid"],
                "birth_date": data["birth"],
                "gender": data["gender"] or False,
                "area_id": data["area_id"],
                "former_area_id": data["former_area_id"] or False,
                "is_beneficiary": True,
            }
        old = data["old"]
        data["history"] = bool(
            old
            and old != data["cid"]
            and not (partner and partner["citizen_id"] == old)
            and (row.partner_id, old) not in ctx["history"]
        )
        changes |= data["history"]
        changes |= self._plan_allowance(row, ctx, partner)
        changes |= self._plan_payment(row, ctx, partner)
        if row.problems:
            return
        row.status = "new" if not partner else ("updated" if changes else "unchanged")

    def _rate(self, row, ctx, category_id):
        """The rate column (whole percent) as the category needs it: required
        and within its table's bands for war invalids, sick soldiers and
        people affected by toxic chemicals, empty for the other categories."""
        text = (row.values.get("rate") or "").strip().rstrip("%").strip()
        if not text:
            rate = None
        elif text.isdigit() and int(text) <= 100:
            rate = int(text)
        else:
            row.refuse(
                "rate",
                self.env._(
                    "rate: %(value)s is not a whole percentage from 0 to 100.",
                    value=text[:20],
                ),
            )
            return None
        if not category_id:
            return rate
        # read once per category, not once per row of a province's list
        rules = ctx.setdefault("rate_rules", {})
        if category_id not in rules:
            category = self.env["social.category"].browse(category_id)
            rules[category_id] = (
                category.code,
                category.rate_required,
                category._rate_bounds() if category.rate_required else None,
            )
        code, rate_required, bounds = rules[category_id]
        if rate_required:
            if rate is None:
                row.refuse(
                    "rate",
                    self.env._(
                        "rate: the category %(category)s is paid by the rate of "
                        "injury or disability: give it.",
                        category=code,
                    ),
                )
            elif bounds and not bounds[0] <= rate <= bounds[1]:
                row.refuse(
                    "rate",
                    self.env._(
                        "rate: %(rate)s%% is outside the rates of %(category)s "
                        "(%(low)s%% to %(high)s%%).",
                        rate=rate,
                        category=code,
                        low=bounds[0],
                        high=bounds[1],
                    ),
                )
        elif rate is not None:
            row.refuse(
                "rate",
                self.env._(
                    "rate: the category %(category)s is not paid by a rate: leave "
                    "the column empty.",
                    category=code,
                ),
            )
        return rate

    def _plan_allowance(self, row, ctx, partner):
        data = row.data
        change = data["change"]
        allowances = ctx["allowances"].get(row.partner_id, []) if partner else []
        data["allowance_create"] = None
        data["allowance_end"] = None
        ref_key = data["decision_ref"].casefold()
        if change == "end":
            candidates = [
                a
                for a in allowances
                if (not data["category_id"] or a["category_id"] == data["category_id"])
                and (not data["program_id"] or a["program_id"] == data["program_id"])
            ]
            ended = [
                a
                for a in candidates
                if a["state"] == "ended" and a["date_end"] == data["date_end"]
            ]
            running = [a for a in candidates if a["state"] in RUNNING]
            if ended and not running:
                return False
            if len(running) > 1:
                running = [
                    a for a in running if a["decision_ref"].casefold() == ref_key
                ] or running
            if len(running) != 1:
                row.refuse(
                    "change",
                    self.env._(
                        "No single running allowance decision to end: give the "
                        "category (or the decision number) of the decision to end."
                    )
                    if running
                    else self.env._(
                        "The beneficiary has no running allowance decision to end."
                    ),
                )
                return False
            allowance = running[0]
            if data["date_end"] < allowance["date_start"]:
                row.refuse(
                    "date_end",
                    self.env._(
                        "date_end: the decision %(ref)s starts after this end date.",
                        ref=allowance["decision_ref"],
                    ),
                )
                return False
            data["allowance_end"] = (allowance["id"], data["date_end"])
            return True
        if not data["category_id"]:
            return False
        same = [a for a in allowances if a["decision_ref"].casefold() == ref_key]
        if same:
            allowance = same[0]
            if (
                allowance["category_id"] != data["category_id"]
                or (allowance["rate"] or None) != data["rate"]
                or allowance["date_start"] != data["date_start"]
                or allowance["decision_date"] != data["decision_date"]
                or (data["date_end"] and allowance["date_end"] != data["date_end"])
            ):
                row.refuse(
                    "decision_ref",
                    self.env._(
                        "The decision %(ref)s is already recorded with other values: "
                        "record a change as an adjustment with its own decision.",
                        ref=data["decision_ref"],
                    ),
                )
            return False
        if change == "adjust":
            running = [
                a
                for a in allowances
                if a["state"] in RUNNING and a["program_id"] == data["program_id"]
            ]
            if len(running) > 1:
                running = [
                    a for a in running if a["category_id"] == data["category_id"]
                ] or running
            if len(running) > 1:
                row.refuse(
                    "change",
                    self.env._(
                        "Several running decisions of this program: adjust them in "
                        "the form."
                    ),
                )
                return False
            if running:
                previous = running[0]
                end = first_of_month(data["date_start"]) - timedelta(days=1)
                if end < previous["date_start"]:
                    row.refuse(
                        "date_start",
                        self.env._(
                            "date_start: the adjustment must start in a month after "
                            "the start of the decision %(ref)s.",
                            ref=previous["decision_ref"],
                        ),
                    )
                    return False
                if not previous["date_end"] or previous["date_end"] > end:
                    data["allowance_end"] = (previous["id"], end)
        data["allowance_create"] = {
            "category_id": data["category_id"],
            "rate": data["rate"] or False,
            "date_start": data["date_start"],
            "date_end": data["date_end"] or False,
            "decision_ref": data["decision_ref"],
            "decision_date": data["decision_date"],
        }
        return True

    def _plan_payment(self, row, ctx, partner):
        data = row.data
        data["rep"] = None
        data["registration"] = None
        month = (
            first_of_month(data["date_start"])
            if data["change"] == "adjust" and data.get("date_start")
            else first_of_month(ctx["today"])
        )
        data["month"] = month
        changes = False
        rep_partner = None
        if data["role"]:
            rep_partner = ctx["rep_partners"].get(data["rep_cid"])
            reps = ctx["representatives"].get(row.partner_id, []) if partner else []
            current = [
                rep
                for rep in reps
                if rep["role"] == data["role"]
                and (not rep["date_to"] or rep["date_to"] >= month)
            ]
            same = [
                rep
                for rep in current
                if rep_partner and rep["partner_id"] == rep_partner["id"]
            ]
            if same:
                data["rep"] = {"id": same[0]["id"], "partner_id": rep_partner["id"]}
            elif current:
                row.refuse(
                    "representative_citizen_id",
                    self.env._(
                        "The beneficiary already has a representative in this role: "
                        "end that authorisation in the form first."
                    ),
                )
                return False
            else:
                data["rep"] = {
                    "id": None,
                    "partner_id": rep_partner["id"] if rep_partner else None,
                    "vals": {
                        "role": data["role"],
                        "date_from": month,
                        "document_ref": row.values.get("reason") or False,
                    },
                }
                changes = True
        if not data["method"]:
            return changes
        payee_role = data["role"] or "self"
        payee_partner_id = (
            (rep_partner["id"] if rep_partner else None)
            if data["role"]
            else row.partner_id
        )
        account = None
        if data["method"] in ("bank", "ewallet"):
            account = ctx["accounts"].get((payee_partner_id, data["account"]))
            if account and account["bank_id"] != data["bank_id"]:
                row.refuse(
                    "account_number",
                    self.env._(
                        "The account %(account)s is already recorded with another "
                        "bank for this payee.",
                        account=data["account"],
                    ),
                )
                return False
        data["account_id"] = account["id"] if account else None
        registrations = ctx["registrations"].get(row.partner_id, []) if partner else []
        current = registrations[0] if registrations else None
        if current and (
            current["method"] == data["method"]
            and current["payee_role"] == payee_role
            and (current["rep_partner_id"] or None)
            == (payee_partner_id if data["role"] else None)
            and (
                data["method"] not in ("bank", "ewallet")
                or (
                    current["sanitized_acc_number"] == data["account"]
                    and current["bank_id"] == data["bank_id"]
                )
            )
        ):
            return changes
        same_month = [reg for reg in registrations if reg["date_from"] == month]
        if same_month and same_month[0]["state"] == "verified":
            row.refuse(
                "method",
                self.env._(
                    "A verified payment registration from %(month)s exists: cancel "
                    "it in the form first.",
                    month=month.strftime("%m/%Y"),
                ),
            )
            return False
        data["registration"] = {
            "replace_id": same_month[0]["id"] if same_month else None,
            "vals": {
                "method": data["method"],
                "payee_role": payee_role,
                "date_from": month,
                "cash_home_reason": row.values.get("reason") or False
                if data["method"] == "cash_home"
                else False,
            },
        }
        return True

    # ----------------------------------------------------------------- apply
    def _apply_plan(self, rows):
        # the notes of the whole import go in one statement per model
        with chatter_buffer(self.env) as env:
            self.with_env(env)._apply_rows(rows)

    def _create_quietly(self, model, vals_list):
        """Create records of this import without per-record chatter work.

        Their creation note comes from the import (one batch per model);
        the guards of ``create`` all run.
        """
        Model = self.env[model].with_context(tracking_disable=True)
        if vals_list:
            # the defaults are the same for every record of the list: read them
            # once, as create would for each record (account's default invoice
            # report of a partner alone runs a query per partner)
            defaults = Model._add_missing_default_values({})
            vals_list = [{**defaults, **vals} for vals in vals_list]
        records = Model.create(vals_list)
        # their stored computed fields too: tracked ones would log each record
        Model.flush_model()
        return records.with_env(self.env)

    def _apply_rows(self, rows):
        body_new = self.env._(
            "Created by import of %(file)s.", file=self.filename or "-"
        )
        body_updated = self.env._(
            "Updated by import of %(file)s.", file=self.filename or "-"
        )
        Partner = self.env["res.partner"]
        # the people who represent, once each
        rep_new = {}
        for row in rows:
            rep = row.data.get("rep")
            if rep and not rep["partner_id"]:
                rep_new.setdefault(
                    row.data["rep_cid"],
                    {"name": row.data["rep_name"], "citizen_id": row.data["rep_cid"]},
                )
        created = self._create_quietly("res.partner", list(rep_new.values()))
        rep_ids = dict(zip(rep_new, created.ids, strict=True))
        for row in rows:
            rep = row.data.get("rep")
            if rep and not rep["partner_id"]:
                rep["partner_id"] = rep_ids[row.data["rep_cid"]]
        # beneficiaries
        new_rows = [row for row in rows if row.status == "new" and not row.leader]
        created = self._create_quietly(
            "res.partner", [row.partner_vals for row in new_rows]
        )
        for row, partner_id in zip(new_rows, created.ids, strict=True):
            row.partner_id = partner_id
        for row in rows:
            if row.leader:
                row.partner_id = row.leader.partner_id
        updated_rows = [row for row in rows if row.status == "updated"]
        for row in updated_rows:
            if row.partner_vals:
                Partner.browse(row.partner_id).write(row.partner_vals)
        # former numbers, to match the next lists
        History = self.env["social.beneficiary.id.history"]
        History.create(
            [
                {
                    "partner_id": row.partner_id,
                    "id_number": row.data["old"],
                    "id_type": {9: "cmnd9", 12: "cmnd12"}.get(
                        len(row.data["old"]), "other"
                    ),
                    "note": self.filename or False,
                }
                for row in rows
                if row.data.get("history")
            ]
        )
        self._apply_payment(rows)
        self._apply_allowances(rows)
        bodies = {row.partner_id: body_new for row in new_rows}
        bodies.update({row.partner_id: body_updated for row in updated_rows})
        if bodies:
            Partner.browse(list(bodies))._message_log_batch(bodies)

    def _apply_payment(self, rows):
        rep_rows = [
            row for row in rows if row.data.get("rep") and not row.data["rep"]["id"]
        ]
        reps = self._create_quietly(
            "social.representative",
            [
                dict(
                    row.data["rep"]["vals"],
                    beneficiary_id=row.partner_id,
                    partner_id=row.data["rep"]["partner_id"],
                )
                for row in rep_rows
            ],
        )
        for row, rep_id in zip(rep_rows, reps.ids, strict=True):
            row.data["rep"]["id"] = rep_id
        if reps:
            body = self.env._(
                "Created by import of %(file)s.", file=self.filename or "-"
            )
            reps._message_log_batch(dict.fromkeys(reps.ids, body))
        reg_rows = [row for row in rows if row.data.get("registration")]
        # accounts of the payees
        accounts = {}
        for row in reg_rows:
            data = row.data
            if data["method"] not in ("bank", "ewallet") or data["account_id"]:
                continue
            payee_id = data["rep"]["partner_id"] if data["role"] else row.partner_id
            accounts.setdefault(
                (payee_id, data["account"]),
                {
                    "partner_id": payee_id,
                    "acc_number": data["account"],
                    "bank_id": data["bank_id"],
                },
            )
        created = self._create_quietly("res.partner.bank", list(accounts.values()))
        account_ids = dict(zip(accounts, created.ids, strict=True))
        Registration = self.env["social.payment.registration"]
        to_create = []
        create_rows = []
        for row in reg_rows:
            data = row.data
            vals = dict(data["registration"]["vals"], beneficiary_id=row.partner_id)
            if data["role"]:
                vals["representative_id"] = data["rep"]["id"]
            if data["method"] in ("bank", "ewallet"):
                payee_id = data["rep"]["partner_id"] if data["role"] else row.partner_id
                vals["bank_account_id"] = (
                    data["account_id"] or account_ids[(payee_id, data["account"])]
                )
            replace_id = data["registration"]["replace_id"]
            if replace_id:
                Registration.browse(replace_id).write(vals)
            else:
                to_create.append(vals)
                create_rows.append(row)
        registrations = self._create_quietly("social.payment.registration", to_create)
        # people born in this import: their payee and method are told by the
        # notes of the import and of the verification, not tracked one by one
        new_partners = (
            self.env["res.partner"]
            .browse([row.partner_id for row in rows if row.status == "new"])
            .with_context(tracking_disable=True)
        )
        new_partners.flush_recordset()
        if registrations and self.env.user.has_group(
            "social_beneficiary.group_social_approver"
        ):
            # the action's checks and notes run; the state change of records
            # born in this import is told by their creation note instead
            registrations.with_context(mail_notrack=True).action_verify()
            new_partners.flush_recordset()
        self._log_created(registrations)

    def _apply_allowances(self, rows):
        Allowance = self.env["social.allowance"]
        end_reasons = {}
        for row in rows:
            ending = row.data.get("allowance_end")
            if not ending:
                continue
            allowance_id, date_end = ending
            if row.data["change"] == "end":
                reason = END_REASONS.get(
                    normalize_header(row.values.get("reason")), "other"
                )
            else:
                reason = "other"
            end_reasons.setdefault((date_end, reason), []).append(allowance_id)
        ended = Allowance
        for (date_end, reason), allowance_ids in end_reasons.items():
            allowances = Allowance.browse(allowance_ids)
            allowances.write({"date_end": date_end, "end_reason": reason})
            ended |= allowances
        ended.action_end()
        for row in rows:
            if row.data.get("allowance_end") and row.values.get("reason"):
                Allowance.browse(row.data["allowance_end"][0])._message_log(
                    body=self.env._(
                        "Ended by import of %(file)s: %(reason)s",
                        file=self.filename or "-",
                        reason=row.values["reason"],
                    )
                )
        create_rows = [row for row in rows if row.data.get("allowance_create")]
        allowances = self._create_quietly(
            "social.allowance",
            [
                dict(row.data["allowance_create"], partner_id=row.partner_id)
                for row in create_rows
            ],
        )
        # decisions with arrears beyond the limit wait in draft for an approver
        payable = allowances.filtered(lambda a: a._arrears_payable())
        payable.with_context(mail_notrack=True).action_activate()
        self._log_created(allowances)

    def _log_created(self, records):
        """One creation note per record of this import, with the status reached."""
        if not records:
            return
        states = dict(records._fields["state"]._description_selection(self.env))
        records._message_log_batch(
            {
                record.id: self.env._(
                    "Created by import of %(file)s, status: %(state)s.",
                    file=self.filename or "-",
                    state=states[record.state],
                )
                for record in records
            }
        )

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
