"""The payment on a row of a beneficiary list: method, account, representative.

This file owns the payment columns from the cell to the write: the method and
the bank or e-wallet by its BIN, the account, the guardian or proxy (their
citizen ID checked as the registry checks it), whether the row changes the
payment registration in force, and the representatives, accounts and
registrations an import creates (verified at once when an approver imports).
"""

from odoo import models

from ..models.social_allowance import first_of_month
from ..models.social_tools import normalize_name

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


class SocialBeneficiaryImport(models.TransientModel):
    _inherit = "social.beneficiary.import"

    def _check_payment(self, row, ctx):
        values = row.values
        data = row.data
        method = None
        if values.get("method"):
            method = self._choice(row, "method", METHODS)
        data["method"] = method
        bank = None
        bank_bin = values.get("bank_bin") or ""
        account = values.get("account_number") or ""
        if not account.isalnum():
            account = "".join(ch for ch in account if ch.isalnum())
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
        rep_cid = data["rep_cid"]  # as _row_keys read it for the lookups
        role = None
        if values.get("representative_role"):
            role = self._choice(row, "representative_role", ROLES)
        data.update(rep_name=rep_name, role=role)
        if not (rep_name or rep_cid or role):
            return
        if not rep_name and not ctx["rep_partners"].get(rep_cid):
            self._missing(row, "representative_name")
        if not values.get("representative_role"):
            self._missing(row, "representative_role")
        if rep_cid:
            self._check_id_number(row, "representative_citizen_id", rep_cid, rep_name)
            if rep_cid == data["cid"]:
                row.refuse(
                    "representative_citizen_id",
                    self.env._("A beneficiary cannot represent themselves."),
                )
        else:
            self._missing(row, "representative_citizen_id")

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
