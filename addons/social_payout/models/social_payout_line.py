# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    ACCOUNT_METHODS,
)

from .social_payout_fee_rule import PAYMENT_METHODS

# What a preparer may correct on a line of a draft batch (and, sending the batch
# back for approval, of a submitted or approved one): who is paid, how, where.
# Everything else is computed by the generation or written by the actions.
PAYEE_FIELDS = frozenset({"payee_id", "bank_account_id", "method"})


# Percent of each page of social_payout_line filled by inserts (see init).
LINE_FILLFACTOR = 50

# A line's program and month are its batch's: copies, kept for the index that
# pays a beneficiary once a month (``paid_once``). PostgreSQL holds that rule
# itself: once per statement that inserts lines, and by refusing any change
# of the copies, or of a batch's program and month once it has lines. The
# batch's own key then keeps the program (a program a batch uses cannot be
# deleted), and the lines need no key of their own to it. A trigger does not
# see the lines another transaction has not committed yet: while lines are
# being made, the batch's lock (synchronous) or its job state (background,
# refused by ``write``) keeps its program and month. Keys to rows that can be
# deleted (beneficiary, payee, commune, account, representative) stay foreign
# keys: their row lock is what keeps the row while lines point to it.
BATCH_COPY_RULES = """
CREATE OR REPLACE FUNCTION social_payout_line_check_batch_copy()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM social_payout_line_inserted l
          JOIN social_payout_batch b ON b.id = l.batch_id
         WHERE l.program_id IS DISTINCT FROM b.program_id
            OR l.period IS DISTINCT FROM b.period
    ) THEN
        RAISE EXCEPTION 'The program and month of a payout line are those of its batch.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS social_payout_line_batch_copy ON social_payout_line;
CREATE TRIGGER social_payout_line_batch_copy
    AFTER INSERT ON social_payout_line
    REFERENCING NEW TABLE AS social_payout_line_inserted
    FOR EACH STATEMENT EXECUTE FUNCTION social_payout_line_check_batch_copy();

CREATE OR REPLACE FUNCTION social_payout_line_refuse_batch_change()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The batch, program and month of a payout line never change.'
        USING ERRCODE = 'check_violation';
END $$;
DROP TRIGGER IF EXISTS social_payout_line_batch_fixed ON social_payout_line;
CREATE TRIGGER social_payout_line_batch_fixed
    BEFORE UPDATE OF batch_id, program_id, period ON social_payout_line
    FOR EACH ROW
    WHEN (OLD.batch_id IS DISTINCT FROM NEW.batch_id
          OR OLD.program_id IS DISTINCT FROM NEW.program_id
          OR OLD.period IS DISTINCT FROM NEW.period)
    EXECUTE FUNCTION social_payout_line_refuse_batch_change();

CREATE OR REPLACE FUNCTION social_payout_batch_refuse_month_change()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM social_payout_line WHERE batch_id = NEW.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'Batch '
            || NEW.name || ' has lines: its program and month no longer change.';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS social_payout_batch_lines_fixed ON social_payout_batch;
CREATE TRIGGER social_payout_batch_lines_fixed
    BEFORE UPDATE OF program_id, period ON social_payout_batch
    FOR EACH ROW
    WHEN (OLD.program_id IS DISTINCT FROM NEW.program_id
          OR OLD.period IS DISTINCT FROM NEW.period)
    EXECUTE FUNCTION social_payout_batch_refuse_month_change();
"""

# the functions of those rules (an uninstall drops them: hooks.py)
BATCH_COPY_FUNCTIONS = (
    "social_payout_line_check_batch_copy",
    "social_payout_line_refuse_batch_change",
    "social_payout_batch_refuse_month_change",
)


class Many2oneWithoutKey(fields.Many2one):
    """A stored Many2one for which Odoo creates no foreign key: for a copy
    that another rule in PostgreSQL keeps right (``BATCH_COPY_RULES``). A
    foreign key is checked on every row written, about 0.4 s of PostgreSQL
    per 100,000 lines of a province's month."""

    def update_db_foreign_key(self, model, column):
        return


class SocialPayoutLine(models.Model):
    _name = "social.payout.line"
    _description = "Payout Line"
    _inherit = ["social.workflow.mixin"]
    _order = "batch_id, area_id, id"
    _rec_name = "reference"
    # No create/write user nor write date: each user column is a foreign key
    # that PostgreSQL checks on every line a province's month writes (about
    # 0.35 s per key and 100,000 lines). Who generated, submitted, approved
    # and imported is on the batch and its reconciliation. The creation date
    # stays (``create_date`` below): the level differences paid once
    # (social_payout_extra_payment.py) compare when a month was paid with
    # when the levels changed. Migration 1.2.0 drops the other columns.
    _log_access = False

    # Every stored field but the payee fields: the generation (COPY), the
    # actions and the reconciliation's result import (SQL or _workflow_write)
    # write them, never a form, an import or an RPC call.
    _workflow_fields = frozenset(
        {
            "batch_id",
            "program_id",
            "period",
            "is_cancelled",
            "reference",
            "partner_id",
            "area_id",
            "payee_role",
            "representative_id",
            "regular_amount",
            "arrears_amount",
            "arrears_months",
            "carry_over_amount",
            "difference_amount",
            "one_off_amount",
            "extra_reason",
            "arrears_reason",
            "amount",
            "fee_amount",
            "previous_amount",
            "change_type",
            "flags",
            "carried_to_line_id",
            "carried_from_line_ids",
            "state",
            "create_date",
        }
    )

    create_date = fields.Datetime(
        string="Created on",
        readonly=True,
        copy=False,
        default=lambda self: self.env.cr.now(),
    )

    # Indexed by the unique (batch_id, partner_id) constraint.
    batch_id = fields.Many2one("social.payout.batch", required=True, ondelete="cascade")
    batch_state = fields.Selection(related="batch_id.state", string="Batch Status")
    # precomputed: written by the INSERT itself, which BATCH_COPY_RULES check
    program_id = Many2oneWithoutKey(
        related="batch_id.program_id", store=True, precompute=True, string="Program"
    )
    period = fields.Date(related="batch_id.period", store=True, precompute=True)
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
    method = fields.Selection(PAYMENT_METHODS, required=True)
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Account",
        domain="[('partner_id', '=', payee_id)]",
    )
    currency_id = fields.Many2one(related="batch_id.currency_id")
    regular_amount = fields.Monetary(
        readonly=True, help="Allowance for the month paid."
    )
    arrears_amount = fields.Monetary(
        readonly=True, help="Months decided late and not paid by an earlier batch."
    )
    arrears_months = fields.Integer(readonly=True)
    arrears_reason = fields.Text(
        string="Reason of Arrears",
        readonly=True,
        help="Why the line pays months other than its own when a decision says "
        "so: months paid back after a suspension, months missed by a move.",
    )
    carry_over_amount = fields.Monetary(
        readonly=True, help="Unpaid amounts of earlier batches carried to this line."
    )
    difference_amount = fields.Monetary(
        string="Level Difference",
        readonly=True,
        help="Retroactive difference (truy lĩnh chênh lệch) of months already "
        "paid, when a level or table raised with effect from those months.",
    )
    one_off_amount = fields.Monetary(
        string="One-off Payments",
        readonly=True,
        help="One-off payments (funeral support, ...) paid with this line.",
    )
    extra_reason = fields.Text(
        string="Reason of Extra Payments",
        readonly=True,
        help="Why the line pays a level difference or a one-off payment, with "
        "the legal basis.",
    )
    amount = fields.Monetary(
        readonly=True,
        help="Regular + arrears + carry-over + level difference + one-off "
        "payments, in VND.",
    )
    fee_amount = fields.Monetary(string="Fee", readonly=True)
    previous_amount = fields.Monetary(
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
            "CHECK(amount = regular_amount + arrears_amount + carry_over_amount "
            "+ COALESCE(difference_amount, 0) + COALESCE(one_off_amount, 0))",
            "The amount is the regular amount plus arrears, carry-over, level "
            "difference and one-off payments.",
        ),
        (
            "amount_nonnegative",
            "CHECK(amount >= 0 AND regular_amount >= 0 AND arrears_amount >= 0 "
            "AND carry_over_amount >= 0 AND COALESCE(difference_amount, 0) >= 0 "
            "AND COALESCE(one_off_amount, 0) >= 0)",
            "The amounts of a payout line cannot be negative.",
        ),
        (
            "fee_nonnegative",
            "CHECK(fee_amount >= 0)",
            "The fee of a payout line cannot be negative.",
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
        # A line is written once by the generation and updated once more by
        # the provider's result (state, amount paid, date, reference, fee),
        # none of them indexed: with half of each page left free, that update
        # stays on the line's page (a HOT update) and touches none of the
        # table's indexes. Measured on 100,000 lines: the validation's update
        # takes less than half the time (PostgreSQL applies the setting to
        # pages written from now on).
        self.env.cr.execute(
            SQL("ALTER TABLE social_payout_line SET (fillfactor = %s)", LINE_FILLFACTOR)
        )
        self.env.cr.execute(SQL(BATCH_COPY_RULES))

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
            "one_off_payee": self.env._(
                "paid to the person named by the one-off payment"
            ),
        }

    def _get_flags(self):
        self.ensure_one()
        return [c for c in (self.flags or "").split(",") if c]

    @api.constrains(
        "amount",
        "fee_amount",
        "regular_amount",
        "arrears_amount",
        "carry_over_amount",
    )
    def _check_amounts_nonnegative(self):
        for line in self:
            if (
                min(
                    line.amount,
                    line.fee_amount,
                    line.regular_amount,
                    line.arrears_amount,
                    line.carry_over_amount,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Line %(ref)s: amounts and fees cannot be negative.",
                        ref=line.reference,
                    )
                )

    # ------------------------------------------------------------ payee

    def write(self, vals):
        if not PAYEE_FIELDS & vals.keys():
            return super().write(vals)
        # Every path (form, import, RPC, the actions themselves) goes through
        # here: no context key skips the checks, the log or the new approval.
        batches = self.batch_id
        # the preparer corrects the list; approvers and finance only read it
        batches._check_user_groups(
            ("commune_officer",),
            self.env._(
                "Your groups do not allow you to change the payee of payout lines."
            ),
        )
        batches._workflow_lock()
        problems = self._check_payee_change(vals)
        if problems:
            raise UserError("\n".join(problems))
        old = {
            line.id: (line.payee_id, line.bank_account_id, line.method) for line in self
        }
        res = super().write(vals)
        self._after_payee_change(old)
        return res

    def _check_payee_change(self, vals):
        """Every problem of the new payee, account and method, before writing."""
        problems = []
        Partner = self.env["res.partner"]
        Account = self.env["res.partner.bank"]
        for line in self:
            batch = line.batch_id
            if batch.state not in ("draft", "submitted", "approved"):
                problems.append(
                    self.env._(
                        "Line %(ref)s: the payee and account cannot change once the "
                        "batch is %(state)s.",
                        ref=line.reference,
                        state=batch._state_label(),
                    )
                )
                continue
            payee = (
                Partner.browse(vals["payee_id"])
                if "payee_id" in vals
                else line.payee_id
            )
            account = (
                Account.browse(vals["bank_account_id"])
                if "bank_account_id" in vals
                else line.bank_account_id
            )
            method = vals.get("method", line.method)
            if method not in batch.provider_id.sudo()._get_served_methods():
                problems.append(
                    self.env._(
                        "Line %(ref)s: the provider %(provider)s does not pay by "
                        "this method.",
                        ref=line.reference,
                        provider=batch.provider_id.sudo().name,
                    )
                )
            if payee and not line._payee_representative(payee):
                problems.append(
                    self.env._(
                        "Line %(ref)s: %(payee)s is neither the beneficiary nor a "
                        "guardian or confirmed proxy valid for the month paid.",
                        ref=line.reference,
                        payee=payee.sudo().display_name,
                    )
                )
            if method in ACCOUNT_METHODS and not account:
                problems.append(
                    self.env._(
                        "Line %(ref)s: a bank or e-wallet payment needs an account.",
                        ref=line.reference,
                    )
                )
            if account and account.sudo().partner_id != payee:
                problems.append(
                    self.env._(
                        "Line %(ref)s: the account %(account)s is not held by the "
                        "payee %(payee)s.",
                        ref=line.reference,
                        account=account.sudo().acc_number,
                        payee=payee.sudo().display_name,
                    )
                )
        return problems

    def _payee_representative(self, payee):
        """The beneficiary is her own payee (``True``); otherwise the
        representative through whom ``payee`` may be paid for the month of
        the line, or nothing."""
        self.ensure_one()
        if payee == self.partner_id:
            return True
        period = self.period or self.batch_id.period
        month_end = period + relativedelta(months=1, days=-1)
        return (
            self.env["social.representative"]
            .sudo()
            .search(
                [
                    ("beneficiary_id", "=", self.partner_id.id),
                    ("partner_id", "=", payee.id),
                ]
            )
            .filtered(lambda rep: rep._is_valid_for(period, month_end))[:1]
        )

    def _after_payee_change(self, old):
        """Log each payee/account change in the batch chatter; a submitted or
        approved batch is submitted again by whoever changed it, so an approver
        (someone else) sees and approves the new account (DESIGN §6)."""
        changed = self.browse()
        bodies = {}
        for line in self:
            payee, account, method = old[line.id]
            if (payee, account, method) == (
                line.payee_id,
                line.bank_account_id,
                line.method,
            ):
                continue
            changed |= line
            text = self.env._(
                "Line %(ref)s (%(beneficiary)s): payee %(old_payee)s → "
                "%(new_payee)s, account %(old_account)s → %(new_account)s, "
                "changed by %(user)s.",
                ref=line.reference,
                beneficiary=line.partner_id.display_name,
                old_payee=payee.display_name or "-",
                new_payee=line.payee_id.display_name or "-",
                old_account=account.acc_number or "-",
                new_account=line.bank_account_id.acc_number or "-",
                user=self.env.user.name,
            )
            bodies.setdefault(line.batch_id.id, []).append(text)
            rep = line._payee_representative(line.payee_id)
            vals = {
                "payee_role": rep.role if rep is not True else "self",
                "representative_id": rep.id if rep is not True else False,
            }
            if method != line.method:
                vals["fee_amount"] = line.batch_id.provider_id.sudo()._compute_fee(
                    line.method, line.amount
                )
            line._workflow_write(vals)
        if not changed:
            return
        batches = changed.batch_id
        for batch in batches:
            batch._message_log(
                body=Markup("").join(
                    Markup("<p>{}</p>").format(text) for text in bodies[batch.id]
                )
            )
        batches.sudo()._update_summary()
        batches.filtered(
            lambda b: b.state in ("submitted", "approved")
        )._do_send_back_for_approval()

    # ------------------------------------------------------------ delete

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        for line in self:
            if line.batch_id.state != "draft":
                raise UserError(
                    self.env._(
                        "Line %(ref)s: lines can only be removed from a draft batch "
                        "(batch %(batch)s is %(state)s).",
                        ref=line.reference,
                        batch=line.batch_id.name,
                        state=line.batch_id._state_label(),
                    )
                )

    def unlink(self):
        batches = self.batch_id
        batches._workflow_lock()
        notes = {
            batch.id: Markup("").join(
                Markup("<p>{}</p>").format(
                    self.env._(
                        "Line %(ref)s (%(beneficiary)s) removed by %(user)s.",
                        ref=line.reference,
                        beneficiary=line.partner_id.display_name,
                        user=self.env.user.name,
                    )
                )
                for line in self
                if line.batch_id == batch
            )
            for batch in batches
        }
        res = super().unlink()
        batches = batches.exists()
        if batches:
            batches._message_log_batch(bodies=notes)
            batches.sudo()._update_summary()
        return res
