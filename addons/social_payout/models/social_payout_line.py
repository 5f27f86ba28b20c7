# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .social_payout_fee_rule import PAYMENT_METHODS


class SocialPayoutLine(models.Model):
    _name = "social.payout.line"
    _description = "Payout Line"
    _order = "batch_id, area_id, id"
    _rec_name = "reference"

    # Indexed by the unique (batch_id, partner_id) constraint.
    batch_id = fields.Many2one("social.payout.batch", required=True, ondelete="cascade")
    batch_state = fields.Selection(related="batch_id.state", string="Batch Status")
    program_id = fields.Many2one(
        related="batch_id.program_id", store=True, string="Program"
    )
    period = fields.Date(related="batch_id.period", store=True)
    is_cancelled = fields.Boolean(
        string="Batch Cancelled",
        default=False,
        readonly=True,
        copy=False,
        help="Set when the batch is cancelled: the beneficiary can be paid for "
        "this month by another batch.",
    )
    provider_id = fields.Many2one(related="batch_id.provider_id", string="Provider")
    reference = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="Payment reference printed in the provider file and returned in "
        "its report.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Beneficiary", required=True, readonly=True
    )
    beneficiary_ref = fields.Char(related="partner_id.beneficiary_ref")
    citizen_id = fields.Char(related="partner_id.citizen_id", string="Citizen ID")
    area_id = fields.Many2one(
        "social.area",
        string="Commune",
        index=True,
        readonly=True,
        help="The beneficiary's commune when the line was generated.",
    )
    payee_id = fields.Many2one("res.partner", string="Payee", required=True)
    payee_role = fields.Selection(
        [("self", "Beneficiary"), ("guardian", "Guardian"), ("proxy", "Proxy")],
        default="self",
        readonly=True,
    )
    representative_id = fields.Many2one("social.representative", readonly=True)
    registration_id = fields.Many2one("social.payment.registration", readonly=True)
    method = fields.Selection(PAYMENT_METHODS, required=True)
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Account",
        domain="[('partner_id', '=', payee_id)]",
    )
    regular_amount = fields.Integer(readonly=True, help="Allowance for the month paid.")
    arrears_amount = fields.Integer(
        readonly=True, help="Months decided late and not paid by an earlier batch."
    )
    arrears_months = fields.Integer(readonly=True)
    carry_over_amount = fields.Integer(
        readonly=True, help="Unpaid amounts of earlier batches carried to this line."
    )
    amount = fields.Integer(
        readonly=True, help="Regular + arrears + carry-over, in VND."
    )
    fee_amount = fields.Integer(string="Fee", readonly=True)
    previous_amount = fields.Integer(
        readonly=True, help="Regular amount paid for the previous month."
    )
    change_type = fields.Selection(
        [
            ("new", "New"),
            ("continuing", "Continuing"),
            ("changed", "Changed"),
            ("arrears", "Arrears"),
        ],
        readonly=True,
    )
    flags = fields.Char(
        readonly=True,
        help="Comma-separated warning codes: no_registration, representative_expired, "
        "representative_unconfirmed, missing_account, account_changed.",
    )
    flag_text = fields.Char(string="Warnings", compute="_compute_flag_text")
    has_warning = fields.Boolean(
        compute="_compute_flag_text", search="_search_has_warning"
    )
    carried_from_line_ids = fields.One2many(
        "social.payout.line", "carried_to_line_id", string="Carried From", readonly=True
    )
    carried_to_line_id = fields.Many2one(
        "social.payout.line",
        string="Carried To",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
    )
    paid_amount = fields.Integer(readonly=True, copy=False)
    paid_date = fields.Date(readonly=True, copy=False)
    provider_ref = fields.Char(string="Provider Transaction", readonly=True, copy=False)
    failure_reason = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "reference_uniq",
            "unique(reference)",
            "The payment reference must be unique.",
        ),
        (
            "batch_partner_uniq",
            "unique(batch_id, partner_id)",
            "A beneficiary appears once in a batch.",
        ),
        (
            "amount_check",
            "CHECK(amount = regular_amount + arrears_amount + carry_over_amount)",
            "The amount is the regular amount plus arrears plus carry-over.",
        ),
    ]

    def init(self):
        # Every index slows the generation of a province's lines: keep the
        # ones the unique constraints give and drop those of earlier versions.
        for column in (
            "batch_id",
            "program_id",
            "period",
            "reference",
            "partner_id",
            "change_type",
            "state",
        ):
            self.env.cr.execute(
                SQL(
                    "DROP INDEX IF EXISTS %s",
                    SQL.identifier(f"social_payout_line__{column}_index"),
                )
            )
        # Two batches that are not cancelled never pay a beneficiary twice for
        # the same program and month; also serves the searches by beneficiary.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS social_payout_line_paid_once "
                "ON social_payout_line (partner_id, program_id, period) "
                "WHERE is_cancelled IS NOT TRUE"
            )
        )

    @api.depends("flags")
    def _compute_flag_text(self):
        labels = self._flag_labels()
        for line in self:
            codes = line._get_flags()
            line.flag_text = "; ".join(labels.get(c, c) for c in codes)
            line.has_warning = bool(codes)

    def _search_has_warning(self, operator, value):
        positive = (operator == "=") == bool(value)
        return [("flags", "!=", False)] if positive else [("flags", "=", False)]

    def _flag_labels(self):
        return {
            "no_registration": self.env._("no payment registration"),
            "representative_expired": self.env._(
                "representative expired, paid to the beneficiary"
            ),
            "representative_unconfirmed": self.env._(
                "proxy not confirmed, paid to the beneficiary"
            ),
            "missing_account": self.env._("no account for the method"),
            "account_changed": self.env._("account changed since last month"),
        }

    def _get_flags(self):
        self.ensure_one()
        return [c for c in (self.flags or "").split(",") if c]

    def write(self, vals):
        payee_fields = {"payee_id", "bank_account_id", "method"}
        if payee_fields & set(vals) and not self.env.context.get("social_payout_sql"):
            problems = []
            for line in self:
                if line.batch_id.state not in ("draft", "submitted", "approved"):
                    problems.append(
                        self.env._(
                            "Line %(ref)s: the payee and account cannot change once "
                            "the "
                            "batch is %(state)s.",
                            ref=line.reference,
                            state=line.batch_id._state_label(),
                        )
                    )
            if problems:
                raise UserError("\n".join(problems))
            old = {
                line.id: (line.payee_id, line.bank_account_id, line.method)
                for line in self
            }
            res = super().write(vals)
            self._after_payee_change(old)
            return res
        return super().write(vals)

    def _after_payee_change(self, old):
        """Log each payee/account change in the batch chatter; an approved batch
        goes back to submitted so an approver sees the new account (DESIGN §6)."""
        batches = self.env["social.payout.batch"]
        for line in self:
            payee, account, method = old[line.id]
            if (payee, account, method) == (
                line.payee_id,
                line.bank_account_id,
                line.method,
            ):
                continue
            batch = line.batch_id
            batch.message_post(
                body=self.env._(
                    "Line %(ref)s (%(beneficiary)s): payee %(old_payee)s → "
                    "%(new_payee)s, "
                    "account %(old_account)s → %(new_account)s, changed by %(user)s.",
                    ref=line.reference,
                    beneficiary=line.partner_id.display_name,
                    old_payee=payee.display_name or "-",
                    new_payee=line.payee_id.display_name or "-",
                    old_account=account.acc_number or "-",
                    new_account=line.bank_account_id.acc_number or "-",
                    user=self.env.user.name,
                )
            )
            if batch.state == "approved":
                batches |= batch
        self.batch_id._update_summary()
        for batch in batches:
            batch.sudo().write(
                {"state": "submitted", "approved_by": False, "approved_date": False}
            )
            batch.message_post(
                body=self.env._(
                    "An account changed after approval: the batch is back to Submitted "
                    "and needs approval again."
                )
            )
