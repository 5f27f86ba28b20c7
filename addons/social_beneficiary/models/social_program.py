from odoo import fields, models
from odoo.tools import SQL


class SocialProgram(models.Model):
    _name = "social.program"
    _description = "Allowance Program"
    _order = "code"

    code = fields.Char(required=True, help="BTXH, NCC or HTXH.")
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    category_ids = fields.One2many("social.category", "program_id", string="Categories")
    base_level_ids = fields.One2many(
        "social.base.level", "program_id", string="Base Levels"
    )
    amounts_changed_at = fields.Datetime(
        string="Levels Changed On",
        readonly=True,
        copy=False,
        help="When a base level or an amount table of the program was last "
        "entered or changed: months paid before may be owed a difference.",
    )

    suspend_after_unpaid_months = fields.Integer(
        string="Stop After Months Uncollected",
        default=0,
        help="Payment stops after this many consecutive months not collected, "
        "until the commune chairman decides to suspend or resume (bảo trợ xã hội: "
        "3 months, Nghị định 20/2021/NĐ-CP). 0: the program's rules have no such "
        "stop.",
    )

    def _stamp_amounts_changed(self):
        """Written by the levels and tables themselves (SQL: no user writes
        it, and no record rule of the program stands in the way)."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE social_program SET amounts_changed_at = %s "
                    "WHERE id = ANY(%s)",
                    fields.Datetime.now(),
                    self.ids,
                )
            )
            self.invalidate_recordset(["amounts_changed_at"])

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The program code must be unique."),
        (
            "suspend_after_unpaid_months_positive",
            "CHECK(suspend_after_unpaid_months >= 0)",
            "The months uncollected before payment stops cannot be negative.",
        ),
    ]
