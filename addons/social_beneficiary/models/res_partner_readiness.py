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
            if not partner.is_beneficiary:
                partner.update(
                    {
                        "readiness": False,
                        "readiness_missing": False,
                        "missing_citizen_id": False,
                        "missing_phone": False,
                        "missing_authorisation": False,
                        "missing_account": False,
                    }
                )
                continue
            registration = partner.current_registration_id
            payee = registration.payee_id or partner
            missing = []
            missing_citizen_id = not partner.citizen_id or not payee.citizen_id
            if not partner.citizen_id:
                missing.append(self.env._("beneficiary's citizen ID"))
            if payee != partner and not payee.citizen_id:
                missing.append(self.env._("payee's citizen ID"))
            missing_phone = not (payee.phone or payee.mobile)
            if missing_phone:
                missing.append(self.env._("payee's phone"))
            representative = registration.representative_id
            missing_authorisation = bool(
                registration.payee_role in ("guardian", "proxy")
                and (
                    not representative or not representative._is_valid_for(today, today)
                )
            )
            if missing_authorisation:
                missing.append(self.env._("confirmed, valid authorisation"))
            needs_account = registration.method in ACCOUNT_METHODS
            missing_account = needs_account and not registration.bank_account_id
            if missing_account:
                missing.append(self.env._("account"))
            if missing_citizen_id or missing_phone or missing_authorisation:
                readiness = "incomplete"
            elif registration.method in CASH_METHODS:
                readiness = "cash"
            elif needs_account and registration.bank_account_id:
                readiness = "has_account"
            else:
                readiness = "ready"
            partner.update(
                {
                    "readiness": readiness,
                    "readiness_missing": ", ".join(missing) or False,
                    "missing_citizen_id": missing_citizen_id,
                    "missing_phone": missing_phone,
                    "missing_authorisation": missing_authorisation,
                    "missing_account": bool(missing_account),
                }
            )

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
