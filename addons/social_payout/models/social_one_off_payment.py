# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.social_beneficiary.tools.money import format_vnd

# a one-off payment over this is not plausible (the largest of
# domain/one_off_payments.csv is 31 x the NCC level, about 93 million)
MAX_ONE_OFF = 200_000_000
# NĐ 20/2021 Điều 11.2: funeral support at least 20 x the standard level
BTXH_FUNERAL_FACTOR = 20
# NĐ 131/2021 Điều 121.1 (Luật BHXH 2024 Điều 85.2): the NCC funeral allowance
# is 10 x the reference level (mức lương cơ sở) of the month of death
NCC_FUNERAL_FACTOR = 10
# NĐ 131/2021 Điều 121.2: 3 months of the monthly allowances received
NCC_DEATH_MONTHS = 3
# Pháp lệnh 02/2020 Điều 16.12: the remarried spouse of a martyr has neither
NCC_DEATH_EXCLUDED_CODES = frozenset({"tnls_vo_chong_tai_gia"})
# the one-off payments prepared at the death of an NCC (one_off_payments.csv)
NCC_DEATH_CODES = frozenset({"ncc_mai_tang", "ncc_tu_tran_3_thang"})


def ncc_death_benefits_apply(category):
    """Whether an NCC allowance in ``category`` gives the funeral allowance and
    the 3-months lump sum at death: people with meritorious services on a
    monthly allowance (and its supplements), martyr relatives and the children
    of people affected by toxic chemicals on a monthly allowance (NĐ 131/2021
    Điều 121; Pháp lệnh 02/2020 Điều 16.11). Not the caregiver allowance, not
    the survivor allowance of the relatives of other groups, not the
    remarried spouse of a martyr."""
    code = category.code or ""
    if code in NCC_DEATH_EXCLUDED_CODES or category.ncc_kind == "caregiver":
        return False
    return category.ncc_kind in ("monthly_allowance", "add_on") or code.startswith(
        ("tnls_", "cdhh_con_de")
    )


class SocialOneOffPayment(models.Model):
    """A one-off payment decided for a beneficiary (funeral support when a
    beneficiary dies, lump sums of the NCC decrees), paid once by the next
    monthly batch of the beneficiary's area and program once confirmed, with
    its reason and legal basis on the line."""

    _name = "social.one.off.payment"
    _description = "One-off Payment"
    _inherit = [
        "mail.thread",
        "social.workflow.mixin",
        "social.beneficiary.decision.mixin",
        "social.vnd.mixin",
    ]
    _order = "date desc, id desc"
    _workflow_fields = frozenset(
        {"state", "line_id", "confirmed_by_id", "confirmed_date"}
    )

    # partner_id, area_id: social.beneficiary.decision.mixin
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
    amount = fields.Monetary(required=True, tracking=True)
    date = fields.Date(
        string="Decision Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    decision_ref = fields.Char(string="Decision Number", tracking=True)
    reason = fields.Char(required=True, tracking=True)
    legal_basis = fields.Char(required=True, tracking=True)
    code = fields.Char(
        string="Benefit Code",
        readonly=True,
        index="btree_not_null",
        help="The code of the benefit in the list of one-off payments "
        "(domain/one_off_payments.csv) when the suite prepared it.",
    )
    confidence = fields.Char(
        readonly=True,
        help="How sure the rule the amount was computed by is: check the "
        "amount against the decree before confirming when it is unconfirmed.",
    )
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
        # the 3-months lump sum at the death of an NCC is paid once
        # (Nghị định 131/2021 Điều 121.2)
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS "
            "social_one_off_payment_one_death_lump_sum "
            "ON social_one_off_payment (partner_id) "
            "WHERE code = 'ncc_tu_tran_3_thang' AND state != 'cancelled'"
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
        # written now, by this user: who last changed the payment (write_uid)
        # decides who may confirm it, and a later flush in someone else's
        # environment would write that user instead
        self.flush_recordset()
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
        # the person has died: the NCC death payments go to the funeral's
        # organiser and to the representative of the relatives
        problems += [
            self.env._(
                "Name who is paid the one-off payment %(ref)s (whoever organises "
                "the funeral, or the representative of the relatives) before "
                "confirming it.",
                ref=payment.display_name,
            )
            for payment in self
            if payment.code in NCC_DEATH_CODES and not payment.payee_id
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
                    "%(user)s confirmed the one-off payment of %(amount)s.",
                    user=self.env.user.name,
                    amount=format_vnd(self.env, payment.amount),
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

        - BTXH: at least 20 x the standard level in force in the month of death
          (Nghị định 20/2021 Điều 11.2; the province may pay more).
        - HTXH (social pension): the law refers to the rules for the elderly
          (Luật BHXH 2024 Điều 22.3), not read: the BTXH rule is applied and
          the payment says the rule is unconfirmed.
        - NCC (and martyr relatives, affected children on a monthly
          allowance): 10 x the reference level (mức lương cơ sở) of the month
          of death (Nghị định 131/2021 Điều 121.1; Nghị định 75/2021 Điều
          13.1), paid to whoever organises the funeral.
        """
        program = allowance.program_id
        if not allowance.date_end:
            return None
        month = allowance.date_end.replace(day=1)
        vals = {
            "partner_id": allowance.partner_id.id,
            "program_id": program.id,
            "kind": "funeral",
            "date": allowance.date_end,
            "reason": self.env._("Funeral support"),
            "allowance_id": allowance.id,
        }
        if program.code in ("BTXH", "HTXH"):
            level = allowance._get_base_level(month)
            if not level:
                return None
            vals.update(amount=BTXH_FUNERAL_FACTOR * level)
            if program.code == "BTXH":
                vals.update(
                    legal_basis="Nghị định 20/2021 Điều 11", code="btxh_mai_tang"
                )
                return vals
            vals.update(
                legal_basis="Luật Bảo hiểm xã hội 2024 Điều 22.3; Nghị định 20/2021 "
                "Điều 11",
                code="htxh_mai_tang",
                confidence=self.env._(
                    "Rule unconfirmed: the rule of the social assistance (20 x the "
                    "level) is applied to the social pension; check it against "
                    "the decree before confirming."
                ),
            )
            return vals
        if program.code != "NCC" or not self._ncc_death_allowances(allowance):
            return None
        level = self.env["social.reference.level"]._level_for(month)
        if not level:
            return None
        vals.update(
            amount=NCC_FUNERAL_FACTOR * level.amount,
            reason=self.env._("Funeral allowance (10 x the reference level)"),
            legal_basis="Nghị định 131/2021 Điều 121.1; Nghị định 75/2021 Điều 13.1",
            code="ncc_mai_tang",
            confidence=level.confidence,
        )
        return vals

    @api.model
    def _ncc_death_allowances(self, allowance):
        """The person's NCC allowances of the month of death recorded on
        ``allowance`` that give the death benefits (``ncc_death_benefits_apply``)."""
        month = allowance.date_end.replace(day=1)
        allowances = (
            self.env["social.allowance"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", allowance.partner_id.id),
                    ("program_id", "=", allowance.program_id.id),
                    ("state", "in", ("active", "ended")),
                    ("date_start", "<", month + relativedelta(months=1)),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", month),
                ]
            )
        )
        return allowances.filtered(lambda a: ncc_death_benefits_apply(a.category_id))

    @api.model
    def _ncc_death_lump_sum_vals(self, allowance):
        """The lump sum at the death of an NCC recorded on ``allowance``, or None:
        3 months of the monthly allowances and supplements received in the
        month of death, the caregiver allowance excluded (Nghị định 131/2021
        Điều 121.2; Pháp lệnh 02/2020 Điều 16.11), paid to the representative of
        the relatives. Of an exclusive group only the highest counts, as in
        the monthly amount."""
        if allowance.program_id.code != "NCC" or not allowance.date_end:
            return None
        month = allowance.date_end.replace(day=1)
        amounts = {}
        for other in self._ncc_death_allowances(allowance):
            amount = other._get_amount_for_month(month)
            if not amount:
                continue
            group = other.category_id.exclusive_group or ("single", other.id)
            amounts[group] = max(amounts.get(group, 0), amount)
        monthly = sum(amounts.values())
        if not monthly:
            return None
        return {
            "partner_id": allowance.partner_id.id,
            "program_id": allowance.program_id.id,
            "kind": "lump_sum",
            "amount": NCC_DEATH_MONTHS * monthly,
            "date": allowance.date_end,
            "reason": self.env._(
                "Lump sum at death (3 months of %(monthly)s)",
                monthly=format_vnd(self.env, monthly),
            ),
            "legal_basis": "Nghị định 131/2021 Điều 121.2",
            "code": "ncc_tu_tran_3_thang",
            "allowance_id": allowance.id,
        }
