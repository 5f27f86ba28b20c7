"""New beneficiaries of a large list, written in one statement per chunk.

A list that brings a commune or a province into the registry is mostly new
people paid to themselves. For them ``_apply_rows`` would create five records
per row through ``create`` (about 2.7 ms a row); here their beneficiary, former
ID number, account, payment registration and decision are written together by
``tools/bulk.BulkInsert`` (one COPY per model into a temporary table, one
INSERT of them all), each row once and complete: the values of the stored
computed fields come from the models' own rules (``_readiness_values``,
``name_key``, ``province_unknown``, ``_verified_values``,
``_arrears_payable``...), and any other stored computed field is left to the
ORM. Each person gets one chatter note telling all the import made for them,
instead of the five notes ``create`` and the actions leave on four records.
Every other row (updates, ends, adjustments, representatives, a person's
further decisions, IBAN-shaped accounts) goes through ``create`` and ``write``
as before, after these.

``tests/test_beneficiary_import_bulk.py`` imports the same list both ways and
compares every stored column and chatter note of what each made.
"""

from odoo import models

from odoo.addons.base.models.res_bank import sanitize_account_number

from ..models.res_partner_citizen_id import province_unknown
from ..models.social_payment_registration import ACCOUNT_METHODS
from ..models.social_tools import clean_citizen_id, name_key, name_key_unaccented
from ..tools.bulk import BulkInsert, draw_ids

# What the stored computed fields of other modules hold for a new person with
# no picture, e-mail, phone, parent company, country or VAT number (base, mail,
# phone_validation, account_edi_ubl_cii), and for a new account that is no
# IBAN (base, account); written with the row when the module is installed.
# The comparison test of the bulk path fails if one of them changes its rule.
EMPTY_PERSON = {
    "image_1024": False,
    "image_512": False,
    "image_256": False,
    "image_128": False,
    "user_id": False,
    "commercial_company_name": False,
    "company_registry": False,
    "email_normalized": False,
    "phone_sanitized": False,
    "peppol_endpoint": False,
    "peppol_eas": False,
}
EMPTY_ACCOUNT = {
    "company_id": False,
    "has_iban_warning": False,
    "has_money_transfer_warning": False,
}
# below this many new people, ``create`` runs record by record as for any form
BULK_MIN_ROWS = 500


class SocialBeneficiaryImport(models.TransientModel):
    _inherit = "social.beneficiary.import"

    def _apply_rows(self, rows):
        bulk = [row for row in rows if self._bulk_row(row)]
        if len(bulk) < self._bulk_min_rows():
            return super()._apply_rows(rows)
        self._bulk_apply(bulk)
        written = set(bulk)
        rest = [row for row in rows if row not in written]
        if rest:
            super()._apply_rows(rest)
        return None

    def _bulk_min_rows(self):
        return BULK_MIN_ROWS

    def _bulk_row(self, row):
        """A new person paid to themselves, with at most one decision."""
        data = row.data
        registration = data.get("registration")
        return bool(
            row.status == "new"
            and not row.leader
            and not data.get("rep")
            and not data.get("allowance_end")
            and registration
            and not registration["replace_id"]
            and (
                data["method"] not in ACCOUNT_METHODS
                or (not data["account_id"] and not self._bulk_iban(data["account"]))
            )
        )

    def _bulk_iban(self, account):
        # base_iban, when installed, rewrites an IBAN as the account is
        # created: those few go through create
        if "base_iban" not in self.env.registry._init_modules:
            return False
        from odoo.exceptions import ValidationError

        from odoo.addons.base_iban.models.res_partner_bank import validate_iban

        try:
            validate_iban(account)
        except ValidationError:
            return False
        return True

    # ------------------------------------------------------------------ write
    def _bulk_apply(self, rows):
        env = self.env
        Partner = env["res.partner"].with_context(tracking_disable=True)
        Bank = env["res.partner.bank"].with_context(tracking_disable=True)
        Registration = env["social.payment.registration"].with_context(
            tracking_disable=True
        )
        Allowance = env["social.allowance"].with_context(tracking_disable=True)
        History = env["social.beneficiary.id.history"]
        count = len(rows)
        partner_ids = draw_ids(Partner, count)
        registration_ids = draw_ids(Registration, count)
        account_rows = [row for row in rows if row.data["method"] in ACCOUNT_METHODS]
        account_ids = dict(
            zip(
                (row.number for row in account_rows),
                draw_ids(Bank, len(account_rows)),
                strict=True,
            )
        )
        allowance_rows = [row for row in rows if row.data.get("allowance_create")]
        allowance_ids = draw_ids(Allowance, len(allowance_rows))
        history_rows = [row for row in rows if row.data.get("history")]
        for row, partner_id in zip(rows, partner_ids, strict=True):
            row.partner_id = partner_id
        areas = {
            area.id: area
            for area in env["social.area"]
            .sudo()
            .browse({row.partner_vals["area_id"] for row in rows})
        }
        categories = {
            category.id: category
            for category in env["social.category"]
            .sudo()
            .browse(
                {row.data["allowance_create"]["category_id"] for row in allowance_rows}
            )
        }
        # decisions: active at once unless their arrears wait for an approver
        limit = Allowance._arrears_months_limit()
        allowance_vals = []
        active_category = {}
        for row in allowance_rows:
            vals = dict(row.data["allowance_create"], partner_id=row.partner_id)
            category = categories[vals["category_id"]]
            months = Allowance._arrears_months_of(
                vals["date_start"], vals["decision_date"]
            )
            vals.update(
                area_id=row.partner_vals["area_id"],
                program_id=category.program_id.id,
                coefficient=category.coefficient,
                arrears_months=months,
                arrears_confirmed=False,
                # _arrears_payable of a decision no approver confirmed yet
                state="active" if months <= limit else "draft",
            )
            if vals["state"] == "active":
                active_category[row.number] = category.id
            allowance_vals.append(vals)
        verify = env.user.has_group("social_beneficiary.group_social_approver")
        verified = Registration._verified_values() if verify else {}
        registration_vals = []
        for row in rows:
            data = row.data
            vals = Registration._normalize_vals(
                dict(
                    data["registration"]["vals"],
                    beneficiary_id=row.partner_id,
                    bank_account_id=account_ids.get(row.number, False),
                )
            )
            vals.update(
                verified, area_id=row.partner_vals["area_id"], payee_id=row.partner_id
            )
            registration_vals.append(vals)
        empty_person = {
            name: value
            for name, value in EMPTY_PERSON.items()
            if name in Partner._fields
        }
        empty_account = {
            name: value for name, value in EMPTY_ACCOUNT.items() if name in Bank._fields
        }
        readiness = {}

        def readiness_of(has_citizen_id, has_phone, method, has_account):
            # a handful of cases in a whole list: each told once
            key = (has_citizen_id, has_phone, method, has_account)
            if key not in readiness:
                readiness[key] = Partner._readiness_values(
                    is_beneficiary=True,
                    citizen_id=has_citizen_id,
                    payee_is_beneficiary=True,
                    payee_citizen_id=has_citizen_id,
                    payee_has_phone=has_phone,
                    method=method,
                    payee_role="self",
                    authorisation_valid=False,
                    has_account=has_account,
                )
            return readiness[key]

        refs = Partner._social_next_refs(count)
        partner_vals = []
        for row, ref, registration_id, registration in zip(
            rows, refs, registration_ids, registration_vals, strict=True
        ):
            vals = Partner._social_prepare_vals(dict(row.partner_vals))
            name = vals["name"]
            number = clean_citizen_id(vals.get("citizen_id"))
            vals.update(
                beneficiary_ref=ref,
                complete_name=(name or "").strip(),
                commercial_partner_id=row.partner_id,
                # no user: a portal-less contact (base's _compute_partner_share)
                partner_share=True,
                **empty_person,
                province_id=areas[vals["area_id"]].province_id.id,
                social_name_key=name_key(name) or False,
                social_name_key_unaccented=name_key_unaccented(name) or False,
                citizen_id_province_unknown=bool(number and province_unknown(number)),
                current_registration_id=registration_id,
                payment_method=registration["method"],
                payee_id=row.partner_id,
                social_category_ids=[active_category[row.number]]
                if row.number in active_category
                else [],
                **readiness_of(
                    bool(vals.get("citizen_id")),
                    bool(vals.get("phone") or vals.get("mobile")),
                    registration["method"],
                    bool(registration["bank_account_id"]),
                ),
            )
            partner_vals.append(vals)
        partner_names = {
            row.number: vals["name"]
            for row, vals in zip(rows, partner_vals, strict=True)
        }
        bank_vals = [
            {
                "partner_id": row.partner_id,
                "acc_number": row.data["account"],
                "sanitized_acc_number": sanitize_account_number(row.data["account"]),
                # base's _compute_account_holder_name: the holder's name
                "acc_holder_name": partner_names[row.number],
                **empty_account,
                "bank_id": row.data["bank_id"],
            }
            for row in account_rows
        ]
        history_vals = [
            {
                "partner_id": row.partner_id,
                "area_id": row.partner_vals["area_id"],
                "id_number": clean_citizen_id(row.data["old"]),
                "id_type": {9: "cmnd9", 12: "cmnd12"}.get(
                    len(row.data["old"]), "other"
                ),
                "note": self.filename or False,
            }
            for row in history_rows
        ]
        insert = BulkInsert(env)
        insert.add(Partner, partner_ids, partner_vals)
        insert.add(History, draw_ids(History, len(history_vals)), history_vals)
        insert.add(Bank, list(account_ids.values()), bank_vals)
        insert.add(Registration, registration_ids, registration_vals)
        insert.add(Allowance, allowance_ids, allowance_vals)
        with Partner._citizen_id_unique_guard(
            [vals["citizen_id"] for vals in partner_vals if vals.get("citizen_id")]
        ):
            insert.run()
        self._bulk_log(
            rows,
            registration_vals,
            {
                row.number: vals
                for row, vals in zip(allowance_rows, allowance_vals, strict=True)
            },
        )

    def _bulk_log(self, rows, registration_vals, allowance_vals):
        """One note per new person, on them, telling all the import made.

        ``create`` would log five notes a person (the person, the account
        twice, the registration, the decision): half a million chatter
        messages for a province's list. The person's note names the file, the
        decision and its status, the payment and its account, and the former
        ID number instead; the decision and the registration are found from
        the person.
        """
        env = self.env
        Allowance = env["social.allowance"]
        Registration = env["social.payment.registration"]
        states = dict(Allowance._fields["state"]._description_selection(env))
        reg_states = dict(Registration._fields["state"]._description_selection(env))
        methods = dict(Registration._fields["method"]._description_selection(env))
        banks = {
            bank.id: bank.name
            for bank in env["res.bank"]
            .sudo()
            .browse({row.data["bank_id"] for row in rows if row.data.get("bank_id")})
        }
        file = self.filename or "-"
        bodies = {}
        for row, registration in zip(rows, registration_vals, strict=True):
            data = row.data
            parts = []
            allowance = allowance_vals.get(row.number)
            if allowance:
                parts.append(
                    env._(
                        "decision %(decision)s (%(status)s)",
                        decision=allowance["decision_ref"],
                        status=states[allowance["state"]],
                    )
                )
            parts.append(
                env._(
                    "payment %(method)s from %(month)s (%(status)s)",
                    method=methods[registration["method"]],
                    month=registration["date_from"].strftime("%m/%Y"),
                    status=reg_states[registration.get("state") or "draft"],
                )
            )
            if data["method"] in ACCOUNT_METHODS:
                parts.append(
                    env._(
                        "account %(account)s (%(bank)s)",
                        account=data["account"],
                        bank=banks.get(data["bank_id"], "-"),
                    )
                )
            if data.get("history"):
                parts.append(env._("former ID number %(number)s", number=data["old"]))
            bodies[row.partner_id] = env._(
                "Created by import of %(file)s: %(made)s.",
                file=file,
                made="; ".join(parts),
            )
        env["res.partner"].browse(list(bodies))._message_log_batch(bodies)
