import base64
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
LEVELS = ("province", "district", "commune")


class SocialAreaImport(models.TransientModel):
    """Load administrative areas from a CSV (code,name,level,parent_code).

    All-or-nothing and idempotent: known codes are updated, unknown ones
    created, and any wrong row refuses the whole file.
    """

    _name = "social.area.import"
    _description = "Import Administrative Areas"

    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)

    def _read_rows(self):
        raw = base64.b64decode(self.file or b"")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(self.env._("The file must be encoded in UTF-8.")) from error
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            col for col in REQUIRED_COLUMNS if col not in (reader.fieldnames or [])
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The file lacks the columns: %(columns)s.",
                    columns=", ".join(missing),
                )
            )
        return list(reader)

    def action_import(self):
        self.ensure_one()
        rows = self._read_rows()
        Area = self.env["social.area"].with_context(active_test=False)
        # a code reused after the 2025 merger names the unit in force, else
        # the one that ended last
        existing = {}
        for area in Area.search([], order="date_to DESC NULLS FIRST, id"):
            existing.setdefault(area.code, area)
        problems = []
        seen = {}
        for index, row in enumerate(rows, start=2):
            code = (row.get("code") or "").strip()
            name = (row.get("name") or "").strip()
            level = (row.get("level") or "").strip()
            parent_code = (row.get("parent_code") or "").strip()
            if not code or not name:
                problems.append(
                    self.env._("Row %(row)s: code and name are required.", row=index)
                )
            if level not in LEVELS:
                problems.append(
                    self.env._(
                        "Row %(row)s: the level %(level)s is not province, district "
                        "or commune.",
                        row=index,
                        level=level,
                    )
                )
            if code in seen:
                problems.append(
                    self.env._(
                        "Row %(row)s: the code %(code)s is repeated (row %(first)s).",
                        row=index,
                        code=code,
                        first=seen[code],
                    )
                )
            seen.setdefault(code, index)
            if level == "province" and parent_code:
                problems.append(
                    self.env._("Row %(row)s: a province has no parent_code.", row=index)
                )
            if level in ("district", "commune") and not parent_code:
                problems.append(
                    self.env._("Row %(row)s: the parent_code is required.", row=index)
                )
        codes_in_file = {(row.get("code") or "").strip() for row in rows}
        for index, row in enumerate(rows, start=2):
            parent_code = (row.get("parent_code") or "").strip()
            if parent_code and parent_code not in codes_in_file | set(existing):
                problems.append(
                    self.env._(
                        "Row %(row)s: the parent_code %(code)s is unknown.",
                        row=index,
                        code=parent_code,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        created = updated = 0
        # parents before children, whatever the order of the file
        for level in LEVELS:
            for row in rows:
                if row["level"].strip() != level:
                    continue
                code = row["code"].strip()
                parent_code = (row.get("parent_code") or "").strip()
                vals = {
                    "name": row["name"].strip(),
                    "level": level,
                    "parent_id": existing[parent_code].id if parent_code else False,
                }
                if code in existing:
                    area = existing[code]
                    if any(
                        (area[k].id if k == "parent_id" else area[k]) != v
                        for k, v in vals.items()
                    ):
                        area.write(vals)
                        updated += 1
                else:
                    existing[code] = Area.create(dict(vals, code=code))
                    created += 1
        self.write({"created_count": created, "updated_count": updated})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"import_done": True},
        }
