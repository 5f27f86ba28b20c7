"""The payment of a beneficiary in force, and whether an account can be opened.

This file owns the registration in force (the latest one not cancelled, with
its method and payee) and the account-opening readiness the commune works
from: what is missing (citizen IDs, the payee's phone, a confirmed and valid
authorisation, the account), recomputed each day for authorisations that
expire or begin.
"""

from odoo import api, fields, models

from .social_payment_registration import ACCOUNT_METHODS, CASH_METHODS

READINESS = [
    ("has_account", "Has an account"),
    ("ready", "Ready to open an account"),
    ("incomplete", "Information missing"),
    ("cash", "Paid in cash"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    current_registration_id = fields.Many2one(
        "social.payment.registration",
        string="Current Registration",
        compute="_compute_current_registration_id",
        store=True,
        help="The latest payment registration that is not cancelled.",
    )
    payment_method = fields.Selection(
        related="current_registration_id.method", string="Payment Method", store=True
    )
    payee_id = fields.Many2one(
        related="current_registration_id.payee_id", string="Payee", store=True
    )
    readiness = fields.Selection(
        READINESS,
        string="Account Readiness",
        compute="_compute_readiness",
        store=True,
        index=True,
    )
    readiness_missing = fields.Char(
        string="Missing for Account", compute="_compute_readiness", store=True
    )
    missing_citizen_id = fields.Boolean(
        string="Citizen ID Missing", compute="_compute_readiness", store=True
    )
    missing_phone = fields.Boolean(
        string="Phone Missing", compute="_compute_readiness", store=True
    )
    missing_authorisation = fields.Boolean(
        string="Authorisation Not Confirmed", compute="_compute_readiness", store=True
    )
    missing_account = fields.Boolean(
        string="Account Missing", compute="_compute_readiness", store=True
    )

    @api.depends("payment_registration_ids.state", "payment_registration_ids.date_from")
    def _compute_current_registration_id(self):
        for partner in self:
            registrations = partner.payment_registration_ids.filtered(
                lambda r: r.state != "cancelled"
            ).sorted(lambda r: (r.date_from, r.id), reverse=True)
            partner.current_registration_id = registrations[:1]

    @api.depends(
        "is_beneficiary",
        "citizen_id",
        "phone",
        "mobile",
        "current_registration_id.method",
        "current_registration_id.bank_account_id",
        "current_registration_id.payee_id.citizen_id",
        "current_registration_id.payee_id.phone",
        "current_registration_id.payee_id.mobile",
        "current_registration_id.representative_id.commune_confirmed",
        "current_registration_id.representative_id.date_from",
        "current_registration_id.representative_id.date_to",
        "current_registration_id.representative_id.role",
    )
    def _compute_readiness(self):
        today = fields.Date.context_today(self)
        for partner in self:
            registration = partner.current_registration_id
            payee = registration.payee_id or partner
            representative = registration.representative_id
            partner.update(
                self._readiness_values(
                    is_beneficiary=partner.is_beneficiary,
                    citizen_id=partner.citizen_id,
                    payee_is_beneficiary=payee == partner,
                    payee_citizen_id=payee.citizen_id,
                    payee_has_phone=bool(payee.phone or payee.mobile),
                    method=registration.method,
                    payee_role=registration.payee_role,
                    authorisation_valid=bool(
                        representative and representative._is_valid_for(today, today)
                    ),
                    has_account=bool(registration.bank_account_id),
                )
            )

    @api.model
    def _readiness_values(
        self,
        is_beneficiary,
        citizen_id,
        payee_is_beneficiary,
        payee_citizen_id,
        payee_has_phone,
        method,
        payee_role,
        authorisation_valid,
        has_account,
    ):
        """The readiness fields of one beneficiary from plain values: the one
        rule, for the compute and for the list import's bulk path, which
        writes a new beneficiary's row once with them."""
        if not is_beneficiary:
            return {
                "readiness": False,
                "readiness_missing": False,
                "missing_citizen_id": False,
                "missing_phone": False,
                "missing_authorisation": False,
                "missing_account": False,
            }
        missing = []
        missing_citizen_id = not citizen_id or not payee_citizen_id
        if not citizen_id:
            missing.append(self.env._("beneficiary's citizen ID"))
        if not payee_is_beneficiary and not payee_citizen_id:
            missing.append(self.env._("payee's citizen ID"))
        missing_phone = not payee_has_phone
        if missing_phone:
            missing.append(self.env._("payee's phone"))
        missing_authorisation = bool(
            payee_role in ("guardian", "proxy") and not authorisation_valid
        )
        if missing_authorisation:
            missing.append(self.env._("confirmed, valid authorisation"))
        needs_account = method in ACCOUNT_METHODS
        missing_account = needs_account and not has_account
        if missing_account:
            missing.append(self.env._("account"))
        if missing_citizen_id or missing_phone or missing_authorisation:
            readiness = "incomplete"
        elif method in CASH_METHODS:
            readiness = "cash"
        elif needs_account and has_account:
            readiness = "has_account"
        else:
            readiness = "ready"
        return {
            "readiness": readiness,
            "readiness_missing": ", ".join(missing) or False,
            "missing_citizen_id": missing_citizen_id,
            "missing_phone": missing_phone,
            "missing_authorisation": missing_authorisation,
            "missing_account": bool(missing_account),
        }

    @api.model
    def _cron_refresh_readiness(self):
        """Authorisations that expired, or began, since readiness was last
        computed: time alone changes their validity."""
        today = fields.Date.context_today(self)
        representative = "current_registration_id.representative_id"
        expired = self.search(
            [
                ("is_beneficiary", "=", True),
                ("current_registration_id.payee_role", "in", ("guardian", "proxy")),
                "|",
                "&",
                ("missing_authorisation", "=", False),
                (f"{representative}.date_to", "<", today),
                "&",
                ("missing_authorisation", "=", True),
                (f"{representative}.date_from", "<=", today),
            ]
        )
        for name in ("readiness", "readiness_missing", "missing_authorisation"):
            self.env.add_to_compute(self._fields[name], expired)
        expired.flush_recordset()
        return expired
