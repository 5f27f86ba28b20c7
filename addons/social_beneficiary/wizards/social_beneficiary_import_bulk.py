"""New beneficiaries of a large list, written in one statement per chunk.

A list that brings a commune or a province into the registry is mostly new
people paid to themselves. For them ``_apply_rows`` would create five records
per row through ``create`` (about 2.7 ms a row); here their beneficiary, former
ID number, account, payment registration and decision are written together by
``tools/bulk.BulkInsert`` (one COPY per model into a temporary table, one
INSERT of them all per chunk of 10,000 people, run by a second thread while
this one makes the next chunk's rows), each row once and complete: the values
of the stored computed fields come from the models' own rules
(``_readiness_values``, ``name_key``, ``province_unknown``,
``_verified_values``, ``_arrears_payable``...), and any other stored computed
field is left to the ORM. Each person gets one chatter note telling all the
import made for them, instead of the five notes ``create`` and the actions
leave on four records. Every other row (updates, ends, adjustments,
representatives, a person's further decisions, IBAN-shaped accounts) goes
through ``create`` and ``write`` as before, after these.

``tests/test_beneficiary_import_bulk.py`` imports the same list both ways (in
one chunk and in several) and compares every stored column and chatter note.
"""

from markupsafe import escape

from odoo import fields, models

from odoo.addons.base.models.res_bank import ResPartnerBank as BaseAccount
from odoo.addons.base.models.res_bank import sanitize_account_number

from ..models.res_partner_citizen_id import province_unknown
from ..models.social_chatter import NoteStatement, invalidate_notes
from ..models.social_payment_registration import ACCOUNT_METHODS
from ..models.social_tools import (
    clean_citizen_id,
    name_key,
    name_key_unaccented,
    stored_citizen_id,
)
from ..tools.bulk import BulkInsert, draw_ids
from ..tools.gc_pause import paused_gc

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
# new people written by one statement: PostgreSQL inserts a chunk while Python
# makes the next one's rows
BULK_CHUNK_ROWS = 10_000
# the modules whose rule of an account's type the bulk path knows
ACCOUNT_TYPE_RULES = frozenset(
    {
        "odoo.addons.base.models.res_bank",
        "odoo.addons.base_iban.models.res_partner_bank",
    }
)
# chatter notes written by one statement, beside the checks of the new rows
NOTES_PER_STATEMENT = 2_500


class SocialBeneficiaryImport(models.TransientModel):
    _inherit = "social.beneficiary.import"

    def _apply_rows(self, rows):
        # a representative who is also a new beneficiary of the list is made
        # by create, after the beneficiary
        new_people = {row.data.get("cid") for row in rows if row.status == "new"}
        bulk = [row for row in rows if self._bulk_row(row, new_people)]
        if len(bulk) < self._bulk_min_rows():
            return super()._apply_rows(rows)
        # the rows, their values and the new records' cache stay alive to the
        # end: no full collection walking them (two or three, 0.2 s each)
        with paused_gc():
            self._bulk_apply(bulk)
        written = set(bulk)
        rest = [row for row in rows if row not in written]
        if rest:
            super()._apply_rows(rest)
        return None

    def _bulk_min_rows(self):
        return BULK_MIN_ROWS

    def _bulk_chunk_size(self):
        return BULK_CHUNK_ROWS

    def _bulk_row(self, row, new_people):
        """A new person with their payment, a new representative if any, and
        at most one decision."""
        data = row.data
        registration = data.get("registration")
        rep = data.get("rep")
        return bool(
            row.status == "new"
            and not row.leader
            and not data.get("allowance_end")
            and registration
            and not registration["replace_id"]
            and (
                not rep
                or (
                    not rep["id"]
                    and (rep["partner_id"] or data["rep_cid"] not in new_people)
                )
            )
            and (
                data["method"] not in ACCOUNT_METHODS
                or data["account_id"]
                or not self._bulk_iban(data["account"])
            )
        )

    def _bulk_iban(self, account):
        # base_iban, when installed, rewrites an IBAN as the account is
        # created: those few go through create
        if "base_iban" not in self.env.registry._init_modules:
            return False
        if account.isdigit():
            # an IBAN starts with its country's letters: a number of digits
            # only is none (validate_iban's refusal costs a translated message)
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
        Representative = env["social.representative"].with_context(
            tracking_disable=True
        )
        History = env["social.beneficiary.id.history"]
        today = fields.Date.context_today(self)
        count = len(rows)
        for row, partner_id in zip(rows, draw_ids(Partner, count), strict=True):
            row.partner_id = partner_id
        new_reps, new_rep_ids, known_reps = self._bulk_representatives(rows)
        rep_rows = [row for row in rows if row.data.get("rep")]
        rep_ids = dict(
            zip(
                (row.number for row in rep_rows),
                draw_ids(Representative, len(rep_rows)),
                strict=True,
            )
        )

        def payee_of(row):
            return (
                row.data["rep"]["partner_id"]
                if row.data.get("role")
                else row.partner_id
            )

        # accounts: one per payee and number (a guardian of two children has one)
        new_accounts = {}
        for row in rows:
            data = row.data
            if data["method"] in ACCOUNT_METHODS and not data["account_id"]:
                new_accounts.setdefault((payee_of(row), data["account"]), row)
        account_ids = dict(
            zip(new_accounts, draw_ids(Bank, len(new_accounts)), strict=True)
        )
        registration_ids = draw_ids(Registration, count)
        allowance_rows = [row for row in rows if row.data.get("allowance_create")]
        allowance_ids = draw_ids(Allowance, len(allowance_rows))
        history_rows = [row for row in rows if row.data.get("history")]
        provinces = {
            area.id: area.province_id.id
            for area in env["social.area"]
            .sudo()
            .browse({row.partner_vals["area_id"] for row in rows})
        }
        allowance_vals, active_category = self._bulk_allowances(allowance_rows)
        verify = env.user.has_group("social_beneficiary.group_social_approver")
        verified = Registration._verified_values() if verify else {}
        computed = self._bulk_person_values(Partner, Bank)
        readiness = {}

        def readiness_of(*key):
            # a handful of cases in a whole list: each told once
            if key not in readiness:
                readiness[key] = Partner._readiness_values(*key)
            return readiness[key]

        def registration_of(row):
            data = row.data
            account_id = data["account_id"] or account_ids.get(
                (payee_of(row), data["account"]), False
            )
            vals = Registration._normalize_vals(
                dict(
                    data["registration"]["vals"],
                    beneficiary_id=row.partner_id,
                    bank_account_id=account_id,
                )
            )
            if data.get("role"):
                vals["representative_id"] = rep_ids[row.number]
            vals.update(
                verified, area_id=row.partner_vals["area_id"], payee_id=payee_of(row)
            )
            return vals

        def person_of(row, ref, registration_id, registration):
            data = row.data
            vals = self._bulk_person(
                Partner, row.partner_id, row.partner_vals, computed
            )
            if data.get("role"):
                rep = data["rep"]
                known = known_reps.get(rep["partner_id"])
                payee_citizen_id = known["citizen_id"] if known else data["rep_cid"]
                payee_has_phone = bool(known and (known["phone"] or known["mobile"]))
                authorised = Representative._authorisation_valid(
                    data.get("role"),
                    rep["vals"]["date_from"],
                    False,
                    False,
                    today,
                    today,
                )
            else:
                payee_citizen_id = vals.get("citizen_id")
                payee_has_phone = bool(vals.get("phone") or vals.get("mobile"))
                authorised = False
            vals.update(
                beneficiary_ref=ref,
                province_id=provinces[vals["area_id"]],
                current_registration_id=registration_id,
                payment_method=registration["method"],
                payee_id=registration["payee_id"],
                social_category_ids=[active_category[row.number]]
                if row.number in active_category
                else [],
                **readiness_of(
                    True,
                    bool(vals.get("citizen_id")),
                    not data.get("role"),
                    bool(payee_citizen_id),
                    payee_has_phone,
                    registration["method"],
                    registration["payee_role"],
                    authorised,
                    bool(registration["bank_account_id"]),
                ),
            )
            return vals

        rep_partner_vals = [
            dict(
                self._bulk_person(
                    Partner,
                    partner_id,
                    {"name": new_reps[citizen_id], "citizen_id": citizen_id},
                    computed,
                ),
                # not a beneficiary: no registration, category nor readiness
                province_id=False,
                current_registration_id=False,
                payment_method=False,
                payee_id=False,
                social_category_ids=[],
                **readiness_of(False, *(False,) * 8),
            )
            for citizen_id, partner_id in new_rep_ids.items()
        ]
        names = {
            partner_id: vals["name"]
            for partner_id, vals in zip(
                new_rep_ids.values(), rep_partner_vals, strict=True
            )
        }
        names.update({id_: record["name"] for id_, record in known_reps.items()})
        history_ids = dict(
            zip(
                (row.number for row in history_rows),
                draw_ids(History, len(history_rows)),
                strict=True,
            )
        )
        history_vals = {
            row.number: History._normalize_vals(
                dict(self._former_number_vals(row), area_id=row.partner_vals["area_id"])
            )
            for row in history_rows
        }
        allowances = {
            row.number: (allowance_id, vals)
            for row, allowance_id, vals in zip(
                allowance_rows, allowance_ids, allowance_vals, strict=True
            )
        }
        refs = Partner._social_next_refs(count)
        notes = self._bulk_notes(
            rows,
            {number: vals for number, (__, vals) in allowances.items()},
            names,
        )
        note_statements = []
        numbers = [
            stored_citizen_id(row.partner_vals["citizen_id"])
            for row in rows
            if row.partner_vals.get("citizen_id")
        ]
        size = self._bulk_chunk_size()
        with (
            Partner._citizen_id_unique_guard(numbers),
            BulkInsert(env) as insert,
        ):
            # chunk by chunk: the worker inserts a chunk while this thread
            # makes the next one's rows (no query from here to run's end)
            insert.add(Partner, list(new_rep_ids.values()), rep_partner_vals)
            for start in range(0, count, size):
                chunk = rows[start : start + size]
                chunk_registrations = [registration_of(row) for row in chunk]
                partner_vals = [
                    person_of(row, ref, registration_id, registration)
                    for row, ref, registration_id, registration in zip(
                        chunk,
                        refs[start : start + size],
                        registration_ids[start : start + size],
                        chunk_registrations,
                        strict=True,
                    )
                ]
                for row, vals in zip(chunk, partner_vals, strict=True):
                    names[row.partner_id] = vals["name"]
                # each account with the row that first names it
                accounts = [
                    (key, row)
                    for row in chunk
                    if row.data["method"] in ACCOUNT_METHODS
                    and not row.data["account_id"]
                    for key in [(payee_of(row), row.data["account"])]
                    if new_accounts[key] is row
                ]
                histories = [row for row in chunk if row.data.get("history")]
                reps = [row for row in chunk if row.data.get("rep")]
                chunk_allowances = [
                    allowances[row.number] for row in chunk if row.number in allowances
                ]
                insert.add(Partner, [row.partner_id for row in chunk], partner_vals)
                insert.add(
                    History,
                    [history_ids[row.number] for row in histories],
                    [history_vals[row.number] for row in histories],
                )
                insert.add(
                    Bank,
                    [account_ids[key] for key, __ in accounts],
                    [
                        {
                            "partner_id": payee_id,
                            "acc_number": account,
                            "sanitized_acc_number": sanitize_account_number(account),
                            # base's _compute_account_holder_name: the holder's name
                            "acc_holder_name": names[payee_id],
                            "bank_id": row.data["bank_id"],
                            **computed["account"],
                        }
                        for (payee_id, account), row in accounts
                    ],
                )
                insert.add(
                    Representative,
                    [rep_ids[row.number] for row in reps],
                    [
                        dict(
                            row.data["rep"]["vals"],
                            beneficiary_id=row.partner_id,
                            partner_id=row.data["rep"]["partner_id"],
                            area_id=row.partner_vals["area_id"],
                        )
                        for row in reps
                    ],
                )
                insert.add(
                    Registration,
                    registration_ids[start : start + size],
                    chunk_registrations,
                )
                insert.add(
                    Allowance,
                    [allowance_id for allowance_id, __ in chunk_allowances],
                    [vals for __, vals in chunk_allowances],
                )
                insert.send()
                # the chunk's notes, while PostgreSQL inserts its rows
                note_statements.extend(notes(chunk, chunk_registrations))
            # the notes go in once the rows are, while this thread marks and
            # checks the new records
            insert.run(
                before_checks=lambda: self._bulk_checked_values(
                    Partner.browse(
                        [*new_rep_ids.values(), *(row.partner_id for row in rows)]
                    ),
                    {
                        account_id: payee_id
                        for (payee_id, __), account_id in account_ids.items()
                    },
                ),
                beside=note_statements,
            )
        invalidate_notes(env, "res.partner")

    def _bulk_checked_values(self, people, holders):
        """Values without a column that the checks of the new records read,
        put in the cache for the whole list at once."""
        self._bulk_country_codes(people, holders)
        self._bulk_account_types(self.env["res.partner.bank"].browse(holders))

    def _bulk_account_types(self, accounts):
        """The type of the new accounts, in the cache for the whole list at
        once. ``base_iban``'s check of each account reads it, and works it out
        record by record: an IBAN check that builds and catches a translated
        error for each number, a second for a province's list. An account of
        the bulk path is no IBAN (``_bulk_iban``): while base and base_iban
        alone say what an account's type is, base_iban leaves it to base,
        whose rule gives one type to every number. Another module's rule (a
        country's account numbers) is left to the ORM."""
        Bank = self.env["res.partner.bank"]
        rules = {
            vars(cls)[name].__module__
            for cls in type(Bank).mro()
            for name in ("retrieve_acc_type", "_compute_acc_type")
            if name in vars(cls)
        }
        if not accounts or not rules <= ACCOUNT_TYPE_RULES:
            return
        field = Bank._fields["acc_type"]
        kind = BaseAccount.retrieve_acc_type(Bank, "")
        self.env.cache.update(accounts, field, [kind] * len(accounts))

    def _bulk_country_codes(self, people, holders):
        """The country code of the new people who have no country (every
        person of a list: it names none) and of the new accounts they hold,
        in the cache for the whole list at once. Odoo's checks of each new
        account read it through the holder (l10n_vn's QR settings of a
        Vietnamese account), a related field otherwise worked out record by
        record: two seconds for a province's list. A person with a country,
        and their accounts, are left to the ORM.

        :param people: the new people (res.partner)
        :param holders: ``{new account id: holder id}``"""
        env = self.env
        cache = env.cache
        Partner = env["res.partner"]
        Bank = env["res.partner.bank"]
        # a many2one without a value is None in the cache
        no_country = people - cache.get_records_different_from(
            people, Partner._fields["country_id"], None
        )
        code_field = Partner._fields["country_code"]
        cache.update(
            no_country,
            code_field,
            [code_field.convert_to_cache(False, no_country)] * len(no_country),
        )
        ids = set(no_country._ids)
        accounts = Bank.browse(
            [account_id for account_id, holder in holders.items() if holder in ids]
        )
        code_field = Bank._fields["country_code"]
        cache.update(
            accounts,
            code_field,
            [code_field.convert_to_cache(False, accounts)] * len(accounts),
        )

    def _bulk_representatives(self, rows):
        """The people who represent: ids for new ones (once each), and what
        the registry holds of known ones."""
        Partner = self.env["res.partner"]
        rep_rows = [row for row in rows if row.data.get("rep")]
        new_reps = {}
        for row in rep_rows:
            if not row.data["rep"]["partner_id"]:
                new_reps.setdefault(row.data["rep_cid"], row.data["rep_name"])
        new_rep_ids = dict(zip(new_reps, draw_ids(Partner, len(new_reps)), strict=True))
        for row in rep_rows:
            if not row.data["rep"]["partner_id"]:
                row.data["rep"]["partner_id"] = new_rep_ids[row.data["rep_cid"]]
        known_reps = {
            record["id"]: record
            for record in Partner.sudo()
            .browse(
                {row.data["rep"]["partner_id"] for row in rep_rows}
                - set(new_rep_ids.values())
            )
            .read(["name", "citizen_id", "phone", "mobile"])
        }
        return new_reps, new_rep_ids, known_reps

    def _bulk_allowances(self, allowance_rows):
        """The decisions' values; active at once unless their arrears wait for
        an approver."""
        Allowance = self.env["social.allowance"]
        # each category's program and coefficient read once, not once a row
        categories = {
            category.id: (category.program_id.id, category.coefficient)
            for category in self.env["social.category"]
            .sudo()
            .browse(
                {row.data["allowance_create"]["category_id"] for row in allowance_rows}
            )
        }
        limit = Allowance._arrears_months_limit()
        allowance_vals = []
        active_category = {}
        for row in allowance_rows:
            vals = dict(row.data["allowance_create"], partner_id=row.partner_id)
            program_id, coefficient = categories[vals["category_id"]]
            months = Allowance._arrears_months_of(
                vals["date_start"], vals["decision_date"]
            )
            vals.update(
                area_id=row.partner_vals["area_id"],
                program_id=program_id,
                coefficient=coefficient,
                arrears_months=months,
                arrears_confirmed=False,
                # _arrears_payable of a decision no approver confirmed yet
                state="active" if months <= limit else "draft",
            )
            if vals["state"] == "active":
                active_category[row.number] = vals["category_id"]
            allowance_vals.append(vals)
        return allowance_vals, active_category

    def _bulk_person_values(self, Partner, Bank):
        """The computed values other modules give a new person and account."""
        return {
            "person": {
                name: value
                for name, value in EMPTY_PERSON.items()
                if name in Partner._fields
            },
            "account": {
                name: value
                for name, value in EMPTY_ACCOUNT.items()
                if name in Bank._fields
            },
        }

    def _bulk_person(self, Partner, partner_id, vals, computed):
        """A new person's values as create writes them, before their payment."""
        vals = Partner._social_prepare_vals(dict(vals))
        name = vals["name"]
        number = clean_citizen_id(vals.get("citizen_id"))
        key = name_key(name)
        vals.update(
            complete_name=(name or "").strip(),
            commercial_partner_id=partner_id,
            # no user: a portal-less contact (base's _compute_partner_share)
            partner_share=True,
            **computed["person"],
            social_name_key=key or False,
            # the key is its own key: its letters without their marks
            social_name_key_unaccented=name_key_unaccented(key) or False,
            citizen_id_province_unknown=bool(number and province_unknown(number)),
        )
        return vals

    def _bulk_notes(self, rows, allowance_vals, names):
        """One note per new person, on them, telling all the import made: a
        call that returns the statements writing the notes of a chunk of rows
        and sends no query (what it needs is read now), to run while the rows
        are inserted.

        ``create`` would log five notes a person (the person, the account
        twice, the registration, the decision): half a million chatter
        messages for a province's list. The person's note names the file, the
        decision and its status, the payment and its account, and the former
        ID number instead; the decision and the registration are found from
        the person. The notes are those ``_message_log_batch`` writes
        (``NoteStatement``), by the importing user.
        """
        env = self.env
        Allowance = env["social.allowance"]
        Registration = env["social.payment.registration"]
        states = dict(Allowance._fields["state"]._description_selection(env))
        reg_states = dict(Registration._fields["state"]._description_selection(env))
        methods = dict(Registration._fields["method"]._description_selection(env))
        roles = dict(
            env["social.representative"]._fields["role"]._description_selection(env)
        )
        banks = {
            bank.id: bank.name
            for bank in env["res.bank"]
            .sudo()
            .browse({row.data["bank_id"] for row in rows if row.data.get("bank_id")})
        }
        Partner = env["res.partner"]
        statement = NoteStatement(
            env,
            Partner._name,
            *Partner._message_compute_author(raise_on_email=False),
        )
        # each sentence translated once for the whole list (a query the first
        # time), not while the rows are inserted
        words = {
            "file": self.filename or "-",
            "states": states,
            "reg_states": reg_states,
            "methods": methods,
            "roles": roles,
            "banks": banks,
            "decision": env._("decision %(decision)s (%(status)s)"),
            "payment": env._("payment %(method)s from %(month)s (%(status)s)"),
            "representative": env._("%(role)s %(name)s (authorisation from %(month)s)"),
            "account": env._("account %(account)s (%(bank)s)"),
            "former": env._("former ID number %(number)s"),
            "note": env._("Created by import of %(file)s: %(made)s."),
        }

        def statements(chunk, registration_vals):
            texts = self._bulk_note_texts(
                chunk, registration_vals, allowance_vals, names, words
            )
            ids = list(texts)
            bodies = [statement.column(escape(text)) for text in texts.values()]
            # a few thousand notes a statement: the checks that run meanwhile
            # send their queries in between
            return [
                statement.sql(
                    ids[start : start + NOTES_PER_STATEMENT],
                    bodies[start : start + NOTES_PER_STATEMENT],
                )
                for start in range(0, len(ids), NOTES_PER_STATEMENT)
            ]

        return statements

    def _bulk_note_texts(self, rows, registration_vals, allowance_vals, names, words):
        """The notes' texts (no query: ``words`` holds what was read).

        Each sentence is translated once for the whole list (``words``) and
        filled in for each person: looking a translation up costs more than
        filling it, and a province's list has 100,000 notes of up to five
        sentences."""
        file = words["file"]
        states, reg_states = words["states"], words["reg_states"]
        methods, roles, banks = words["methods"], words["roles"], words["banks"]
        decision_text, payment_text = words["decision"], words["payment"]
        representative_text, account_text = words["representative"], words["account"]
        former_text, note_text = words["former"], words["note"]
        bodies = {}
        for row, registration in zip(rows, registration_vals, strict=True):
            data = row.data
            parts = []
            allowance = allowance_vals.get(row.number)
            if allowance:
                parts.append(
                    decision_text
                    % {
                        "decision": allowance["decision_ref"],
                        "status": states[allowance["state"]],
                    }
                )
            parts.append(
                payment_text
                % {
                    "method": methods[registration["method"]],
                    "month": registration["date_from"].strftime("%m/%Y"),
                    "status": reg_states[registration.get("state") or "draft"],
                }
            )
            if data.get("role"):
                parts.append(
                    representative_text
                    % {
                        "role": roles[data.get("role")],
                        "name": names[data["rep"]["partner_id"]],
                        "month": data["rep"]["vals"]["date_from"].strftime("%m/%Y"),
                    }
                )
            if data["method"] in ACCOUNT_METHODS:
                parts.append(
                    account_text
                    % {
                        "account": data["account"],
                        "bank": banks.get(data["bank_id"], "-"),
                    }
                )
            if data.get("history"):
                parts.append(former_text % {"number": data["old"]})
            bodies[row.partner_id] = note_text % {
                "file": file,
                "made": "; ".join(parts),
            }
        return bodies
