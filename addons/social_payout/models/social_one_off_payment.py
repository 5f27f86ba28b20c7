# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# a one-off payment over this is not plausible (the largest of
# domain/one_off_payments.csv is 31 x the NCC level, about 93 million)
MAX_ONE_OFF = 200_000_000
# NĐ 20/2021 Điều 11.2: funeral support at least 20 x the standard level
BTXH_FUNERAL_FACTOR = 20


class SocialOneOffPayment(models.Model):
    """A one-off payment decided for a beneficiary (funeral support when a
    beneficiary dies, lump sums of the NCC decrees), paid once by the next
    monthly batch of the beneficiary's area and program once confirmed, with
    its reason and legal basis on the line."""

    _name = "social.one.off.payment"
    _description = "One-off Payment"
    _inherit = ["mail.thread", "social.workflow.mixin"]
    _order = "date desc, id desc"
    _workflow_fields = frozenset(
        {"state", "line_id", "confirmed_by_id", "confirmed_date"}
    )

    partner_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("is_beneficiary", "=", True)],
    )
    area_id = fields.Many2one(
        related="partner_id.area_id", string="Commune", store=True, index=True
    )
    program_id = fields.Many2one(
        "social.program", required=True, ondelete="restrict", tracking=True
    )
    kind = fields.Selection(
        [("funeral", "Funeral support"), ("lump_sum", "Lump sum"), ("other", "Other")],
        required=True,
        default="funeral",
        tracking=True,
    )
    payee_id = fields.Many2one(
        "res.partner",
        string="Paid To",
        tracking=True,
        help="Who receives the money: for funeral support, the person who "
        "organises the funeral. Empty: the line's usual payee.",
    )
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Account",
        tracking=True,
        domain="[('partner_id', '=', payee_id)]",
        help="The payee's account; without one the payee collects in cash.",
    )
    amount = fields.Integer(required=True, tracking=True)
    date = fields.Date(
        string="Decision Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    decision_ref = fields.Char(string="Decision Number", tracking=True)
    reason = fields.Char(required=True, tracking=True)
    legal_basis = fields.Char(required=True, tracking=True)
    allowance_id = fields.Many2one(
        "social.allowance",
        string="Ended Allowance",
        ondelete="set null",
        help="The allowance whose end (death) gave rise to this payment.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_date = fields.Date(readonly=True, copy=False)
    line_id = fields.Many2one(
        "social.payout.line",
        string="Payout Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The line that pays it; cleared when its batch is regenerated.",
    )
    payment_state = fields.Selection(
        [
            ("waiting", "Waiting for a batch"),
            ("in_batch", "In a batch"),
            ("paid", "Paid"),
        ],
        compute="_compute_payment_state",
    )

    _sql_constraints = [
        (
            "amount_plausible",
            f"CHECK(amount > 0 AND amount <= {MAX_ONE_OFF})",
            "A one-off payment is a positive amount of at most 200 million VND.",
        ),
    ]

    def init(self):
        # only one funeral allowance per person, whatever the scheme (Pháp lệnh
        # 02/2020 Điều 6.4; Nghị định 20/2021 Điều 11.2)
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS social_one_off_payment_one_funeral "
            "ON social_one_off_payment (partner_id) "
            "WHERE kind = 'funeral' AND state != 'cancelled'"
        )

    @api.depends("line_id.state", "line_id.is_cancelled")
    def _compute_payment_state(self):
        for payment in self:
            line = payment.line_id
            if not line or line.is_cancelled:
                payment.payment_state = "waiting"
            elif line.state == "paid":
                payment.payment_state = "paid"
            else:
                payment.payment_state = "in_batch"

    @api.constrains("payee_id", "bank_account_id")
    def _check_account_of_payee(self):
        for payment in self:
            account = payment.bank_account_id
            if account and account.partner_id != (
                payment.payee_id or payment.partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The account %(account)s of the one-off payment %(ref)s does "
                        "not belong to %(payee)s.",
                        account=account.acc_number,
                        ref=payment.display_name,
                        payee=(payment.payee_id or payment.partner_id).name,
                    )
                )

    def _check_payee_readable(self, vals_list):
        """Naming someone as payee makes them readable by the payment's areas
        (the contact rules): only someone the user already reads is named, so
        a payee of another area's payment is not revealed by a payment here."""
        if self.env.su:
            return
        payee_ids = {vals["payee_id"] for vals in vals_list if vals.get("payee_id")}
        self.env["res.partner"].browse(payee_ids).check_access("read")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_payee_readable(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # the money and who gets it are fixed once confirmed
        if not self._in_workflow() and any(p.state != "draft" for p in self):
            raise UserError(
                self.env._(
                    "A confirmed or cancelled one-off payment cannot be changed: "
                    "cancel it and record a new one."
                )
            )
        self._check_payee_readable([vals])
        res = super().write(vals)
        if "partner_id" in vals and not self.env.su:
            # the rules are checked before a write only: a payment moved to a
            # beneficiary of another area must be one the user may still write
            self.check_access("write")
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_only(self):
        if any(payment.state != "draft" for payment in self):
            raise UserError(self.env._("Only a draft one-off payment can be deleted."))

    def _compute_display_name(self):
        for payment in self:
            payment.display_name = f"{payment.reason}: {payment.partner_id.name}"

    def action_confirm(self):
        """An approver confirms: the next batch of the area and program pays it."""
        if not self.env.user.has_group("social_beneficiary.group_social_approver"):
            raise UserError(
                self.env._("Only an approver can confirm a one-off payment.")
            )
        self._workflow_lock()
        problems = [
            self.env._(
                "The one-off payment %(ref)s is not draft.", ref=payment.display_name
            )
            for payment in self
            if payment.state != "draft"
        ]
        user = self.env.user
        problems += [
            self.env._(
                "The one-off payment %(ref)s was recorded or last changed by "
                "%(user)s: whoever prepares a one-off payment cannot confirm it.",
                ref=payment.display_name,
                user=user.name,
            )
            for payment in self
            if user in (payment.create_uid | payment.write_uid)
        ]
        if problems:
            raise UserError("\n".join(problems))
        self.check_access("read")
        self.sudo()._workflow_write(
            {
                "state": "confirmed",
                "confirmed_by_id": self.env.user.id,
                "confirmed_date": fields.Date.context_today(self),
            }
        )
        for payment in self:
            payment._message_log(
                body=self.env._(
                    "%(user)s confirmed the one-off payment of %(amount)s VND.",
                    user=self.env.user.name,
                    amount=payment.amount,
                )
            )

    def action_cancel(self):
        self._workflow_lock()
        problems = [
            self.env._(
                "The one-off payment %(ref)s is already in a batch or cancelled.",
                ref=payment.display_name,
            )
            for payment in self
            if payment.state == "cancelled"
            or (payment.line_id and not payment.line_id.is_cancelled)
        ]
        if problems:
            raise UserError("\n".join(problems))
        self._workflow_write({"state": "cancelled"})
        for payment in self:
            payment._message_log(
                body=self.env._(
                    "%(user)s cancelled the one-off payment.", user=self.env.user.name
                )
            )

    @api.model
    def _funeral_support_vals(self, allowance):
        """Funeral support for the death recorded on ``allowance``, or None.

        BTXH: at least 20 x the standard level in force in the month of death
        (Nghị định 20/2021 Điều 11.2; the province may pay more). NCC and the
        social pension: the amount rule depends on data the suite does not hold
        (lương cơ sở, the elderly-law rules), so the officer records them."""
        program = allowance.program_id
        if program.code != "BTXH" or not allowance.date_end:
            return None
        month = allowance.date_end.replace(day=1)
        level = allowance._get_base_level(month)
        if not level:
            return None
        return {
            "partner_id": allowance.partner_id.id,
            "program_id": program.id,
            "kind": "funeral",
            "amount": BTXH_FUNERAL_FACTOR * level,
            "date": allowance.date_end,
            "reason": self.env._("Funeral support"),
            "legal_basis": "Nghị định 20/2021 Điều 11",
            "allowance_id": allowance.id,
        }
