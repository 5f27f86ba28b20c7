from calendar import monthrange
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.sql_ids import rows_by_id, sql_id_array

METHODS = [
    ("bank", "Bank account"),
    ("ewallet", "E-wallet / Mobile Money"),
    ("cash_point", "Cash at a pay point"),
    ("cash_home", "Cash at home"),
]
# The one split of the methods: paid into an account (cashless, the share the
# plans measure) or handed over in cash. Everything else imports these.
ACCOUNT_METHODS = ("bank", "ewallet")
CASH_METHODS = ("cash_point", "cash_home")
PAYEE_ROLES = [("self", "Beneficiary"), ("guardian", "Guardian"), ("proxy", "Proxy")]
STATES = [("draft", "Draft"), ("verified", "Verified"), ("cancelled", "Cancelled")]
# a verified registration is a fact the payout relies on: change it by a new one
LOCKED_FIELDS = {
    "beneficiary_id",
    "method",
    "payee_role",
    "representative_id",
    "bank_account_id",
    "date_from",
}


class SocialPaymentRegistration(models.Model):
    """How a beneficiary wants to be paid from a month on."""

    _name = "social.payment.registration"
    _description = "Payment Method Registration"
    # found by the beneficiary it belongs to (display_name is computed)
    _rec_names_search = ["beneficiary_id.name", "beneficiary_id.citizen_id"]
    _inherit = ["mail.thread", "social.workflow.mixin"]
    _order = "beneficiary_id, date_from desc, id desc"
    # verification is the approver's step: only the actions write these
    _workflow_fields = frozenset({"state", "verified_by_id", "verified_date"})

    beneficiary_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_beneficiary", "=", True)],
        tracking=True,
    )
    area_id = fields.Many2one(
        related="beneficiary_id.area_id", string="Commune", store=True, index=True
    )
    method = fields.Selection(METHODS, required=True, default="bank", tracking=True)
    payee_role = fields.Selection(
        PAYEE_ROLES, string="Payee Is", required=True, default="self", tracking=True
    )
    representative_id = fields.Many2one(
        "social.representative",
        string="Representative",
        ondelete="restrict",
        domain="[('beneficiary_id', '=', beneficiary_id), ('role', '=', payee_role)]",
        tracking=True,
    )
    payee_id = fields.Many2one(
        "res.partner",
        string="Payee",
        compute="_compute_payee_id",
        store=True,
        index=True,
        tracking=True,
    )
    bank_account_id = fields.Many2one(
        "res.partner.bank",
        string="Account",
        ondelete="restrict",
        domain="[('partner_id', '=', payee_id)]",
        tracking=True,
    )
    bank_id = fields.Many2one(
        related="bank_account_id.bank_id", string="Bank or Wallet"
    )
    date_from = fields.Date(
        string="Effective Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        tracking=True,
        help="Applies from this month on (the first day of the month is kept).",
    )
    cash_home_reason = fields.Char(
        string="Reason for Home Payment",
        help="Sick, bedridden, very old or disabled people who cannot travel.",
    )
    state = fields.Selection(
        STATES,
        default="draft",
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    verified_by_id = fields.Many2one(
        "res.users", string="Verified By", readonly=True, copy=False
    )
    verified_date = fields.Date(string="Verified On", readonly=True, copy=False)
    note = fields.Text()

    @api.depends("payee_role", "beneficiary_id", "representative_id.partner_id")
    def _compute_payee_id(self):
        for registration in self:
            if registration.payee_role == "self":
                registration.payee_id = registration.beneficiary_id
            else:
                registration.payee_id = registration.representative_id.partner_id

    @api.onchange("payee_role")
    def _onchange_payee_role(self):
        if self.representative_id.role != self.payee_role:
            self.representative_id = False

    @api.onchange("payee_id", "method")
    def _onchange_payee_account(self):
        if self.method in CASH_METHODS:
            self.bank_account_id = False
        elif self.bank_account_id.partner_id != self.payee_id:
            self.bank_account_id = False

    @api.constrains(
        "method",
        "payee_role",
        "representative_id",
        "bank_account_id",
        "beneficiary_id",
        "cash_home_reason",
    )
    def _check_consistency(self):
        # the registrations, their representatives and accounts read by one
        # query each for the whole set (each on one table, by id: no join for
        # the planner to turn into nested loops on freshly loaded rows)
        fnames = [
            "method",
            "payee_role",
            "representative_id",
            "bank_account_id",
            "beneficiary_id",
            "payee_id",
            "cash_home_reason",
        ]
        self.flush_recordset(fnames)
        self.env["social.representative"].flush_model(["role", "beneficiary_id"])
        self.env["res.partner.bank"].flush_model(["partner_id", "bank_id"])
        self.env["res.bank"].flush_model(["social_kind"])
        cr = self.env.cr
        registrations = rows_by_id(cr, self._table, fnames, self.ids)
        reps = rows_by_id(
            cr,
            "social_representative",
            ["role", "beneficiary_id"],
            {reg[2] for reg in registrations.values() if reg[2]},
        )
        accounts = rows_by_id(
            cr,
            "res_partner_bank",
            ["partner_id", "bank_id"],
            {reg[3] for reg in registrations.values() if reg[3]},
        )
        kinds = rows_by_id(
            cr,
            "res_bank",
            ["social_kind"],
            {bank for __, bank in accounts.values() if bank},
        )
        problems = {}
        for id_, values in registrations.items():
            method, role, rep_id, account_id, beneficiary, payee, reason = values
            rep = reps.get(rep_id)
            account = accounts.get(account_id)
            if role == "self" and rep_id:
                problems[id_] = "representative"
            elif role != "self" and (
                not rep or rep[0] != role or rep[1] != beneficiary
            ):
                problems[id_] = "no_representative"
            elif account and method in CASH_METHODS:
                problems[id_] = "cash_account"
            elif account and account[0] != payee:
                problems[id_] = "holder"
            elif account and (kinds.get(account[1], (None,))[0] or "bank") != method:
                problems[id_] = "kind"
            elif method == "cash_home" and not reason:
                problems[id_] = "reason"
        if not problems:
            return
        reg = next(reg for reg in self if reg.id in problems)
        raise ValidationError(reg._consistency_message(problems[reg.id]))

    def _consistency_message(self, problem):
        name = self.beneficiary_id.name
        account = self.bank_account_id
        messages = {
            "representative": lambda: self.env._(
                "The registration of %(name)s pays the beneficiary: remove "
                "the representative.",
                name=name,
            ),
            "no_representative": lambda: self.env._(
                "The registration of %(name)s needs a representative of "
                "the chosen role recorded for this beneficiary.",
                name=name,
            ),
            "cash_account": lambda: self.env._(
                "A cash registration of %(name)s takes no account.", name=name
            ),
            "holder": lambda: self.env._(
                "The account %(account)s is not held by the payee %(payee)s.",
                account=account.acc_number,
                payee=self.payee_id.name,
            ),
            "kind": lambda: self.env._(
                "The account %(account)s is not of the kind the method "
                "needs (bank account or e-wallet).",
                account=account.acc_number,
            ),
            "reason": lambda: self.env._(
                "Give the reason why %(name)s is paid at home.", name=name
            ),
        }
        return messages[problem]()

    @api.constrains("beneficiary_id", "date_from", "state")
    def _check_one_in_force(self):
        self.flush_model(["beneficiary_id", "date_from", "state"])
        # the beneficiaries of the verified ones, then one query on one table
        # for the whole set: no join for the planner to turn into nested loops
        # on freshly loaded rows
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT beneficiary_id FROM social_payment_registration
                 WHERE id = ANY(%s) AND state = 'verified'
                """,
                sql_id_array(self.ids),
            )
        )
        beneficiary_ids = [id_ for (id_,) in self.env.cr.fetchall()]
        if not beneficiary_ids:
            return
        self.env.cr.execute(
            SQL(
                """
                SELECT beneficiary_id, date_from
                  FROM social_payment_registration
                 WHERE state = 'verified' AND beneficiary_id = ANY(%s)
                 GROUP BY beneficiary_id, date_from
                HAVING count(*) > 1
                """,
                sql_id_array(beneficiary_ids),
            )
        )
        twins = set(self.env.cr.fetchall())
        if not twins:
            return
        for reg in self.filtered(lambda r: r.state == "verified"):
            if (reg.beneficiary_id.id, reg.date_from) in twins:
                raise ValidationError(
                    self.env._(
                        "%(name)s already has a verified registration from "
                        "%(month)s: cancel it first.",
                        name=reg.beneficiary_id.name,
                        month=reg.date_from.strftime("%m/%Y"),
                    )
                )

    @api.model
    def _normalize_vals(self, vals):
        if vals.get("date_from"):
            day = fields.Date.to_date(vals["date_from"])
            vals = dict(vals, date_from=day.replace(day=1))
        if vals.get("method") in CASH_METHODS:
            vals = dict(vals, bank_account_id=False)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalize_vals(vals) for vals in vals_list])

    def write(self, vals):
        locked = LOCKED_FIELDS.intersection(vals)
        if locked and any(reg.state == "verified" for reg in self):
            raise UserError(
                self.env._(
                    "A verified registration cannot be changed: register the new "
                    "payment method from its month instead."
                )
            )
        return super().write(self._normalize_vals(vals))

    # ------------------------------------------------------------ state machine
    def action_verify(self):
        if not self.env.user.has_group("social_beneficiary.group_social_approver"):
            raise UserError(
                self.env._("Only an approver can verify a payment registration.")
            )
        self._workflow_lock()
        problems = []
        for reg in self:
            if reg.state != "draft":
                problems.append(
                    self.env._(
                        "The registration of %(name)s is not a draft.",
                        name=reg.beneficiary_id.name,
                    )
                )
            if reg.method in ACCOUNT_METHODS and not reg.bank_account_id:
                problems.append(
                    self.env._(
                        "The registration of %(name)s has no account.",
                        name=reg.beneficiary_id.name,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))
        self._workflow_write(self._verified_values())
        methods = dict(self._fields["method"]._description_selection(self.env))
        notes = {}
        for reg in self:
            notes.setdefault(reg.beneficiary_id.id, []).append(
                self.env._(
                    "Payment from %(month)s: %(method)s, payee %(payee)s, "
                    "account %(account)s.",
                    month=reg.date_from.strftime("%m/%Y"),
                    method=methods[reg.method],
                    payee=reg.payee_id.name,
                    account=reg.bank_account_id.display_name or "-",
                )
            )
        # one batch of notes per round (a beneficiary with two registrations
        # gets two notes); a log needs no e-mail address from the approver
        while notes:
            batch = {partner_id: texts.pop(0) for partner_id, texts in notes.items()}
            self.env["res.partner"].browse(list(batch))._message_log_batch(batch)
            notes = {partner_id: texts for partner_id, texts in notes.items() if texts}

    def _verified_values(self):
        """What verification writes (also written with the rows that an
        approver's list import makes verified at once)."""
        return {
            "state": "verified",
            "verified_by_id": self.env.user.id,
            "verified_date": fields.Date.context_today(self),
        }

    def action_cancel(self):
        self._workflow_lock()
        problems = [
            self.env._(
                "The registration of %(name)s is already cancelled.",
                name=reg.beneficiary_id.name,
            )
            for reg in self
            if reg.state == "cancelled"
        ]
        if problems:
            raise UserError("\n".join(problems))
        self._workflow_write({"state": "cancelled"})

    def action_reset_to_draft(self):
        self._workflow_lock()
        problems = [
            self.env._(
                "Only a cancelled registration of %(name)s can go back to draft.",
                name=reg.beneficiary_id.name,
            )
            for reg in self
            if reg.state != "cancelled"
        ]
        if problems:
            raise UserError("\n".join(problems))
        self._workflow_write(
            {"state": "draft", "verified_by_id": False, "verified_date": False}
        )

    def _compute_display_name(self):
        methods = dict(self._fields["method"]._description_selection(self.env))
        for reg in self:
            month = reg.date_from.strftime("%m/%Y") if reg.date_from else ""
            reg.display_name = (
                f"{reg.beneficiary_id.name or ''} - {methods.get(reg.method, '')} "
                f"({month})"
            )

    # --------------------------------------------------------------- contract
    @api.model
    def _resolve_payees(self, partner_ids, month):
        """Who is paid, how and where, for each beneficiary in a month.

        :param partner_ids: beneficiary ids
        :param month: any date in the month paid
        :return: ``{partner_id: {registration_id, method, payee_id, payee_role,
            representative_id, bank_account_id, flags}}``
        """
        partner_ids = list(partner_ids)
        month = fields.Date.to_date(month)
        first_day = date(month.year, month.month, 1)
        last_day = date(month.year, month.month, monthrange(month.year, month.month)[1])
        Representative = self.env["social.representative"]
        for model in (
            "social.payment.registration",
            "social.representative",
            "res.partner.bank",
            "res.bank",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (r.beneficiary_id)
                       r.beneficiary_id, r.id, r.method, r.payee_role,
                       r.representative_id, r.bank_account_id,
                       rep.partner_id, rep.role,
                       %(covers)s,
                       %(confirmed)s
                  FROM social_payment_registration r
                  LEFT JOIN social_representative rep ON rep.id = r.representative_id
                 WHERE r.beneficiary_id = ANY(%(partner_ids)s)
                   AND r.state = 'verified'
                   AND r.date_from <= %(last_day)s
                 ORDER BY r.beneficiary_id, r.date_from DESC, r.id DESC
                """,
                partner_ids=sql_id_array(partner_ids),
                last_day=last_day,
                covers=Representative._sql_covers("rep", first_day, last_day),
                confirmed=Representative._sql_confirmed("rep"),
            )
        )
        result = {}
        fallbacks = {}
        for (
            partner_id,
            reg_id,
            method,
            payee_role,
            rep_id,
            account_id,
            rep_partner_id,
            rep_role,
            rep_covers,
            rep_confirmed,
        ) in self.env.cr.fetchall():
            entry = {
                "registration_id": reg_id,
                "method": method,
                "payee_id": partner_id,
                "payee_role": "self",
                "representative_id": False,
                "bank_account_id": account_id or False,
                "flags": [],
            }
            if payee_role != "self":
                flags = []
                if not rep_id or rep_role != payee_role or not rep_covers:
                    flags.append("representative_expired")
                if rep_id and payee_role == "proxy" and not rep_confirmed:
                    flags.append("representative_unconfirmed")
                if flags:
                    entry["flags"] = flags
                    entry["bank_account_id"] = False
                    if method in ACCOUNT_METHODS:
                        fallbacks[partner_id] = method
                else:
                    entry.update(
                        payee_id=rep_partner_id,
                        payee_role=payee_role,
                        representative_id=rep_id,
                    )
            if (
                method in ACCOUNT_METHODS
                and partner_id not in fallbacks
                and not entry["bank_account_id"]
            ):
                entry["flags"].append("missing_account")
            result[partner_id] = entry
        # no verified registration in force: paid in cash at the pay point
        # (entries made for these only: a province's registered majority
        # would build theirs twice)
        for partner_id in partner_ids:
            if partner_id not in result:
                result[partner_id] = {
                    "registration_id": False,
                    "method": "cash_point",
                    "payee_id": partner_id,
                    "payee_role": "self",
                    "representative_id": False,
                    "bank_account_id": False,
                    "flags": ["no_registration"],
                }
        if fallbacks:
            self._resolve_fallback_accounts(result, fallbacks)
        return result

    @api.model
    def _resolve_fallback_accounts(self, result, fallbacks):
        """Pay the beneficiary's own account of the registered kind, or cash."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (pb.partner_id, COALESCE(b.social_kind, 'bank'))
                       pb.partner_id, COALESCE(b.social_kind, 'bank'), pb.id
                  FROM res_partner_bank pb
                  LEFT JOIN res_bank b ON b.id = pb.bank_id
                 WHERE pb.partner_id = ANY(%(partner_ids)s) AND pb.active
                 ORDER BY pb.partner_id, COALESCE(b.social_kind, 'bank'),
                          pb.sequence, pb.id DESC
                """,
                partner_ids=sql_id_array(fallbacks),
            )
        )
        own_accounts = {
            (partner_id, kind): account_id
            for partner_id, kind, account_id in self.env.cr.fetchall()
        }
        for partner_id, method in fallbacks.items():
            account_id = own_accounts.get((partner_id, method))
            entry = result[partner_id]
            if account_id:
                entry["bank_account_id"] = account_id
            else:
                entry["method"] = "cash_point"
                entry["flags"].append("missing_account")
