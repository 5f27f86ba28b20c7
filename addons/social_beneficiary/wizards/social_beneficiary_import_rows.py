"""The person on a row of a beneficiary list, and the order of the checks.

``_analyse`` checks each row (``_check_row``: the columns of the person here,
the decision's and the payment's in their own files) and plans what a row
without problems changes (``_plan_row``). This file owns the person: the citizen
ID checked as the registry checks it, the name and birth date, the commune of a
code (codes reused after the 2025 merger), who the row is in the registry (by
citizen ID, else the old ID number; a namesake with the same birth date is
refused), the rows of one person, and the changes to the person's record. The
cell readers (``_date``, ``_choice``, ``_missing``) are shared by every check.
"""

from datetime import date

from odoo import models

from ..models.res_partner_move import PAID_STATES
from ..models.social_tools import (
    check_citizen_id,
    clean_citizen_id,
    name_key,
    normalize_name,
)
from ..tools.gc_pause import paused_gc
from ..tools.tabular_file import normalize_header, parse_date
from .social_beneficiary_import_changes import CHANGES

GENDERS = {"male": "male", "nam": "male", "female": "female", "nu": "female"}


class SocialBeneficiaryImport(models.TransientModel):
    _inherit = "social.beneficiary.import"

    # ---------------------------------------------------------------- checks
    def _analyse(self, rows):
        # a province's rows stay alive to the end: no full collection for them
        with paused_gc():
            self._row_keys(rows)
            ctx = self._lookups(rows)
            seen = {}
            for row in rows:
                self._check_row(row, ctx, seen)
                if not row.problems:
                    self._plan_row(row, ctx)
            self._check_ends_once(rows)
        return rows

    @staticmethod
    def _row_keys(rows):
        """The ID numbers and the name of each row, as the lookups and the
        checks compare them, read once per row into ``row.data``: ``cid``,
        ``old``, ``rep_cid`` (cleaned as the registry cleans them), ``name``
        (as the registry stores it) and ``name_key``."""
        for row in rows:
            values = row.values
            name = normalize_name(values.get("name") or "")
            row.data.update(
                cid=clean_citizen_id(values.get("citizen_id") or ""),
                old=clean_citizen_id(values.get("old_id_number") or ""),
                rep_cid=clean_citizen_id(values.get("representative_citizen_id") or ""),
                name=name,
                name_key=name_key(name),
            )

    def _date(self, row, key, required=False):
        value = row.values.get(key)
        try:
            day = parse_date(value)
        except ValueError:
            row.refuse(
                key,
                self.env._(
                    "%(column)s: %(value)s is not a date (YYYY-MM-DD or DD/MM/YYYY).",
                    column=key,
                    value=value,
                ),
            )
            return None
        if day is None and required:
            self._missing(row, key)
        return day

    def _missing(self, row, key):
        row.refuse(key, self.env._("%(column)s: the value is missing.", column=key))

    def _choice(self, row, key, choices):
        text = normalize_header(row.values.get(key))
        if text in choices:
            return choices[text]
        row.refuse(
            key,
            self.env._(
                "%(column)s: %(value)s is not one of the accepted values.",
                column=key,
                value=row.values.get(key),
            ),
        )
        return None

    def _check_id_number(self, row, column, number, name, gender=None, birth=None):
        """Refuse the row for each problem of a citizen ID, in the words the
        registry's form uses for the same number."""
        errors, __ = check_citizen_id(number, gender, birth)
        probe = self.env["res.partner"].new({"name": name}) if errors else None
        for code, params in errors:
            row.refuse(
                column,
                self.env["res.partner"]._citizen_id_error_message(probe, code, params),
            )

    def _check_row(self, row, ctx, seen):
        values = row.values
        data = row.data
        change = self._choice(row, "change", CHANGES)
        data["change"] = change
        # the ID numbers and the name as _row_keys read them for the lookups
        cid, name = data["cid"], data["name"]
        if not name:
            self._missing(row, "name")
        birth = self._date(row, "birth_date", required=True)
        gender = None
        if values.get("gender"):
            gender = self._choice(row, "gender", GENDERS)
        data.update(birth=birth, gender=gender)
        if cid:
            # what the registry holds counts where the row is silent
            stored = ctx["by_cid"].get(cid) or ctx["by_cid"].get(data["old"]) or {}
            self._check_id_number(
                row,
                "citizen_id",
                cid,
                name,
                gender or stored.get("gender"),
                birth or stored.get("birth_date"),
            )
        # the commune
        code = values.get("commune_code") or ""
        area_id, former_id = self._commune_for_code(row, code, ctx)
        data.update(area_id=area_id, former_area_id=former_id)
        if not code:
            self._missing(row, "commune_code")
        elif area_id is False:
            pass  # refused by _commune_for_code
        elif not area_id:
            row.refuse(
                "commune_code",
                self.env._("The commune code %(code)s is unknown.", code=code),
            )
        elif ctx["allowed"] is not None and area_id not in ctx["allowed"]:
            row.refuse(
                "commune_code",
                self.env._(
                    "The commune %(code)s is not among the areas you serve.",
                    code=code,
                ),
            )
        partner = self._match_registry(row, ctx)
        row.partner_id = partner["id"] if partner else None
        if change in ("end", "adjust") and not partner and cid:
            row.refuse(
                "change",
                self.env._(
                    "The beneficiary is not in the registry: a decrease or an "
                    "adjustment needs a registered beneficiary."
                ),
            )
        self._check_allowance(row, ctx)
        self._check_payment(row, ctx)
        if cid:
            siblings = seen.get(cid)
            if siblings is None:
                # the person's first row: a list only for a person on several
                seen[cid] = row
            else:
                if not isinstance(siblings, list):
                    siblings = seen[cid] = [siblings]
                self._check_same_person(row, siblings)

    # what must agree between the rows of one person, and what each row owns
    PERSON_KEYS = ("cid", "old", "name", "birth", "gender", "area_id")
    PAYMENT_KEYS = ("method", "bank_id", "account", "role", "rep_cid", "rep_name")

    def _check_same_person(self, row, siblings):
        """A person may be on several rows: one decision of its own category each.

        An increase, decrease or adjustment list can name a person twice (two
        allowances, or the end of one and a new one). The first row carries the
        person and the payment; the others carry a decision each, of another
        category and another decision number, and repeat the person as the
        first row has it and the payment columns empty or the same.
        """
        if siblings:
            leader = siblings[0]
            data = row.data
            category = data.get("category_id")
            ref = data.get("decision_ref", "").casefold()
            agree = all(data.get(k) == leader.data.get(k) for k in self.PERSON_KEYS)
            payment = tuple(data.get(k) for k in self.PAYMENT_KEYS)
            own_decision = bool(category) and all(
                category != sibling.data.get("category_id")
                and (not ref or ref != sibling.data.get("decision_ref", "").casefold())
                for sibling in siblings
            )
            if not (
                agree
                and own_decision
                and (
                    not any(payment)
                    or payment == tuple(leader.data.get(k) for k in self.PAYMENT_KEYS)
                )
            ):
                row.refuse(
                    "citizen_id",
                    self.env._(
                        "The citizen ID %(number)s is also on row %(first)s: the "
                        "rows of one person must give the same person and payment, "
                        "and each a decision of another category and number.",
                        number=data["cid"],
                        first=leader.number,
                    ),
                )
            row.leader = leader
        siblings.append(row)

    def _commune_for_code(self, row, code, ctx):
        """(commune id, former commune id) for a code of the row.

        A code names the commune in force on the row's date (decision date,
        else start, else today): a list dated before 1 July 2025 uses the old
        codes, some of which the 2025 communes reuse. A commune that has ended
        since gives way to the commune it was merged into, and is kept as the
        person's former commune. Returns (None, None) for an unknown code and
        (False, None) when the row is refused here.
        """
        candidates = ctx["communes"].get(code)
        if not candidates:
            return None, None
        day = None
        for key in ("decision_date", "date_start"):
            try:
                day = parse_date(row.values.get(key))
            except ValueError:
                day = None
            if day:
                break
        day = day or ctx["today"]
        # a list repeats a few codes and dates: each pair is resolved once
        known = ctx.setdefault("commune_on", {})
        if (code, day) not in known:
            known[code, day] = self._commune_on(candidates, day, ctx["today"])
        found, divided = known[code, day]
        if divided:
            area = found
            row.refuse(
                "commune_code",
                self.env._(
                    "The commune %(code)s ended on %(date)s and was divided "
                    "between the communes %(codes)s: give the code of the new "
                    "commune.",
                    code=code,
                    date=area["date_to"],
                    codes=", ".join(area["successor_codes"]),
                ),
            )
            return False, None
        return found

    @staticmethod
    def _commune_on(candidates, day, today):
        """((commune id, former commune id), False) for a code's communes on
        ``day``, or (the commune, True) when it was divided since."""

        def in_force(rec, on):
            return (not rec["date_from"] or rec["date_from"] <= on) and (
                not rec["date_to"] or on <= rec["date_to"]
            )

        matching = [rec for rec in candidates if in_force(rec, day)] or sorted(
            candidates, key=lambda rec: rec["date_to"] or date.max, reverse=True
        )
        area = matching[0]
        if in_force(area, today) or not area["successor_ids"]:
            return (area["id"], None), False
        if len(area["successor_ids"]) > 1:
            return area, True
        return (area["successor_ids"][0], area["id"]), False

    def _match_registry(self, row, ctx):
        """The registered beneficiary of the row (a dict of its values) or None."""
        data = row.data
        cid, old, name, birth = data["cid"], data["old"], data["name"], data["birth"]
        # who is it in the registry: the citizen ID, else the old number
        partner = ctx["by_cid"].get(cid) if cid else None
        former = None
        if old:
            former = ctx["by_cid"].get(old)
            if not former and len(ctx["by_old"].get(old, ())) == 1:
                former = ctx["partners"][next(iter(ctx["by_old"][old]))]
        if partner and former and partner["id"] != former["id"]:
            row.refuse(
                "old_id_number",
                self.env._(
                    "The old ID number %(old)s belongs to the beneficiary %(ref)s, "
                    "not to the holder of the citizen ID %(number)s.",
                    old=old,
                    ref=former["beneficiary_ref"],
                    number=cid,
                ),
            )
        partner = partner or former
        if not cid and not partner:
            row.refuse(
                "citizen_id",
                self.env._(
                    "citizen_id: the value is missing, and the old ID number does "
                    "not match a registered beneficiary."
                ),
            )
        if partner and ctx["allowed"] is not None:
            if partner["area_id"] not in ctx["allowed"]:
                row.refuse(
                    "citizen_id",
                    self.env._(
                        "The beneficiary %(ref)s with this ID is registered in a "
                        "commune you do not serve.",
                        ref=partner["beneficiary_ref"],
                    ),
                )
        if not partner and name and birth:
            for twin in ctx["twins"].get((data["name_key"], birth), []):
                row.refuse(
                    "name",
                    self.env._(
                        "%(name)s, born %(birth)s, is already registered as "
                        "%(ref)s with the citizen ID %(number)s: if it is the same "
                        "person put that number in old_id_number; if not, register "
                        "the person in the form.",
                        name=name,
                        birth=birth.strftime("%d/%m/%Y"),
                        ref=twin["beneficiary_ref"],
                        number=twin["citizen_id"] or "-",
                    ),
                )
                break
        return partner

    # -------------------------------------------------------------- planning
    def _plan_row(self, row, ctx):
        """What the row changes; refusals for what cannot be applied."""
        data = row.data
        partner = ctx["partners"].get(row.partner_id) if row.partner_id else None
        changes = False
        if row.leader:
            # the first row of the person carries the person and the payment
            row.partner_vals = {}
            data.update(history=False, rep=None, registration=None)
            changes = self._plan_allowance(row, ctx, partner)
            if not row.problems:
                row.status = (
                    "new" if not partner else ("updated" if changes else "unchanged")
                )
            return
        if partner:
            vals = {}
            if data["cid"] and partner["citizen_id"] != data["cid"]:
                vals["citizen_id"] = data["cid"]
            if data["name"] and partner["name"] != data["name"]:
                vals["name"] = data["name"]
            if data["birth"] and partner["birth_date"] != data["birth"]:
                vals["birth_date"] = data["birth"]
            if data["gender"] and partner["gender"] != data["gender"]:
                vals["gender"] = data["gender"]
            if data["area_id"] and partner["area_id"] != data["area_id"]:
                vals["area_id"] = data["area_id"]
                if data["former_area_id"]:
                    vals["former_area_id"] = data["former_area_id"]
                # the commune of someone already paid changes by a move only
                # (res_partner_move.py; a merged commune's successor is no
                # move): say so on the row, not at apply
                successors = (
                    self.env["social.area"]
                    .sudo()
                    .browse(partner["area_id"])
                    .successor_ids.ids
                )
                if data["area_id"] not in successors and any(
                    allowance["state"] in PAID_STATES
                    for allowance in ctx["allowances"].get(row.partner_id, [])
                ):
                    row.refuse(
                        "commune_code",
                        self.env._(
                            "commune_code: %(name)s is paid in another commune; a "
                            "move is recorded with the button Move to Another "
                            "Commune, not by the list.",
                            name=partner["name"],
                        ),
                    )
            row.partner_vals = vals
            changes = bool(vals)
        else:
            row.partner_vals = {
                "name": data["name"],
                "citizen_id": data["cid"],
                "birth_date": data["birth"],
                "gender": data["gender"] or False,
                "area_id": data["area_id"],
                "former_area_id": data["former_area_id"] or False,
                "is_beneficiary": True,
            }
        old = data["old"]
        data["history"] = bool(
            old
            and old != data["cid"]
            and not (partner and partner["citizen_id"] == old)
            and (row.partner_id, old) not in ctx["history"]
        )
        changes |= data["history"]
        changes |= self._plan_allowance(row, ctx, partner)
        changes |= self._plan_payment(row, ctx, partner)
        if row.problems:
            return
        row.status = "new" if not partner else ("updated" if changes else "unchanged")
