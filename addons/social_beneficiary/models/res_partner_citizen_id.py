"""The citizen ID (CCCD) of a partner: checked, one per beneficiary, history kept.

This file owns the rules of the number itself (12 digits, province code, the
4th digit against gender and century, digits 5-6 against the birth year: in
``social_tools.check_citizen_id``) as the registry applies them: the warning
and the refusal in the form, the messages that the form and the beneficiary
import both use (``_citizen_id_error_message``), one beneficiary per number (a
Python check, and a unique index for two transactions at once) and the former
numbers kept in the ID history when a number changes.
"""

import logging
from collections import Counter
from contextlib import contextmanager

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.sql_ids import sql_id_array, sql_text_array
from .social_tools import check_citizen_id, clean_citizen_id, stored_citizen_id

_logger = logging.getLogger(__name__)

# one beneficiary per citizen ID, archived ones included (they keep their number)
CITIZEN_ID_INDEX = "res_partner_beneficiary_citizen_id_uniq"


def province_unknown(number):
    """Whether a cleaned citizen ID starts with no known province code."""
    return any(code == "province" for code, __ in check_citizen_id(number)[0])


class ResPartner(models.Model):
    _inherit = "res.partner"

    citizen_id = fields.Char(
        string="Citizen ID (CCCD)",
        tracking=True,
        copy=False,
        index=True,
        help="12-digit citizen identity number.",
    )
    citizen_id_province_unknown = fields.Boolean(
        string="Unknown ID Province Code",
        compute="_compute_citizen_id_province_unknown",
        store=True,
    )
    citizen_id_warning = fields.Char(
        string="Citizen ID Warning", compute="_compute_citizen_id_warning"
    )

    def init(self):
        super().init()
        cr = self.env.cr
        cr.execute(
            SQL("SELECT 1 FROM pg_indexes WHERE indexname = %s", CITIZEN_ID_INDEX)
        )
        if cr.fetchone():
            return
        cr.execute(
            SQL(
                """
                SELECT citizen_id FROM res_partner
                 WHERE is_beneficiary AND citizen_id IS NOT NULL AND citizen_id != ''
                 GROUP BY citizen_id HAVING count(*) > 1
                """
            )
        )
        twins = [number for (number,) in cr.fetchall()]
        if twins:
            # refusing the upgrade would block the whole database: say it loudly
            _logger.error(
                "The unique index %s on the citizen ID of beneficiaries is not "
                "created: %s citizen IDs are shared by several beneficiaries (%s). "
                "Resolve the duplicates, then upgrade the module again.",
                CITIZEN_ID_INDEX,
                len(twins),
                ", ".join(twins[:20]),
            )
            return
        cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX %s ON res_partner (citizen_id)
                 WHERE is_beneficiary AND citizen_id IS NOT NULL AND citizen_id != ''
                """,
                SQL.identifier(CITIZEN_ID_INDEX),
            )
        )

    @api.depends("citizen_id")
    def _compute_citizen_id_warning(self):
        for partner in self:
            number = clean_citizen_id(partner.citizen_id)
            warning = False
            if number and province_unknown(number):
                warning = self.env._(
                    "The province code %(code)s of this citizen ID is not a "
                    "known province code: check the number.",
                    code=number[:3],
                )
            partner.citizen_id_warning = warning

    @api.depends("citizen_id")
    def _compute_citizen_id_province_unknown(self):
        for partner in self:
            number = clean_citizen_id(partner.citizen_id)
            partner.citizen_id_province_unknown = bool(
                number and province_unknown(number)
            )

    # ---------------------------------------------------------------- onchanges
    @api.onchange("citizen_id", "gender", "birth_date")
    def _onchange_citizen_id(self):
        number = clean_citizen_id(self.citizen_id)
        if not number:
            return None
        errors, __ = check_citizen_id(number, self.gender, self.birth_date)
        if any(code == "province" for code, __ in errors):
            return {
                "warning": {
                    "title": self.env._("Unknown province code"),
                    "message": self.env._(
                        "The province code %(code)s of this citizen ID is not a "
                        "known province code: the number cannot be saved, check it.",
                        code=number[:3],
                    ),
                }
            }
        return None

    # -------------------------------------------------------------- constraints
    @api.constrains("citizen_id", "gender", "birth_date", "is_beneficiary")
    def _check_citizen_id(self):
        # the numbers and their holders read by one query for the whole set
        # (a list of 100,000 people is checked in a fraction of a second)
        self.flush_model(["citizen_id", "gender", "birth_date", "is_beneficiary"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id, citizen_id, gender, birth_date, is_beneficiary
                  FROM res_partner
                 WHERE id = ANY(%s) AND citizen_id IS NOT NULL AND citizen_id != ''
                """,
                sql_id_array(self.ids),
            )
        )
        numbers = {}
        for id_, number, gender, birth_date, is_beneficiary in self.env.cr.fetchall():
            errors, __ = check_citizen_id(number, gender, birth_date)
            if errors:
                partner = self.browse(id_)
                raise ValidationError(
                    "\n".join(
                        self._citizen_id_error_message(partner, code, params)
                        for code, params in errors
                    )
                )
            if is_beneficiary:
                numbers[id_] = number
        if not numbers:
            return
        # one beneficiary per number: one query for the whole set
        self.env.cr.execute(
            SQL(
                """
                SELECT citizen_id, array_agg(id ORDER BY id)
                  FROM res_partner
                 WHERE is_beneficiary AND citizen_id = ANY(%s)
                 GROUP BY citizen_id
                HAVING count(*) > 1
                """,
                sql_text_array(set(numbers.values())),
            )
        )
        holders = dict(self.env.cr.fetchall())
        if not holders:
            return
        for partner in self:
            number = numbers.get(partner.id)
            twin_id = next(
                (id_ for id_ in holders.get(number, ()) if id_ != partner.id), None
            )
            if twin_id:
                twin = self.sudo().with_context(active_test=False).browse(twin_id)
                raise ValidationError(
                    self.env._(
                        "The citizen ID %(number)s is already registered for "
                        "the beneficiary %(ref)s.",
                        number=number,
                        ref=twin.beneficiary_ref or twin.name,
                    )
                )

    def _citizen_id_error_message(self, partner, code, params):
        if code == "chars":
            return self.env._(
                "The citizen ID %(number)s of %(name)s may only contain digits.",
                number=params["number"],
                name=partner.name,
            )
        if code == "province":
            return self.env._(
                "The citizen ID of %(name)s starts with %(code)s, which is not a "
                "province code: check the number.",
                code=params["code"],
                name=partner.name,
            )
        if code == "length":
            return self.env._(
                "The citizen ID %(number)s of %(name)s must have exactly 12 digits.",
                number=params["number"],
                name=partner.name,
            )
        if code == "sex":
            return self.env._(
                "The 4th digit %(digit)s of the citizen ID of %(name)s does not "
                "match the gender.",
                digit=params["digit"],
                name=partner.name,
            )
        if code == "century":
            return self.env._(
                "The 4th digit %(digit)s of the citizen ID of %(name)s does not "
                "match the birth year %(year)s.",
                digit=params["digit"],
                name=partner.name,
                year=params["year"],
            )
        return self.env._(
            "Digits 5-6 (%(digits)s) of the citizen ID of %(name)s do not match "
            "the birth year %(year)s.",
            digits=params["digits"],
            name=partner.name,
            year=params["year"],
        )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        numbers = [
            number
            for vals in vals_list
            if vals.get("is_beneficiary")
            and (number := stored_citizen_id(vals.get("citizen_id")))
        ]
        if not numbers:
            return super().create(vals_list)
        with self._citizen_id_unique_guard(numbers):
            return super().create(vals_list)

    def write(self, vals):
        if "citizen_id" not in vals and not vals.get("is_beneficiary"):
            return super().write(vals)
        number = stored_citizen_id(vals.get("citizen_id"))
        former = {
            partner.id: partner.citizen_id
            for partner in self
            if "citizen_id" in vals
            and partner.citizen_id
            and partner.citizen_id != number
        }
        numbers = [number] if number else self.mapped("citizen_id")
        with self._citizen_id_unique_guard([number for number in numbers if number]):
            res = super().write(vals)
        if former:
            self.browse(list(former))._social_keep_former_citizen_ids(former)
        return res

    @contextmanager
    def _citizen_id_unique_guard(self, numbers):
        """Turn the unique index's refusal into the registry's own message.

        The Python check cannot see a beneficiary created at the same moment in
        another transaction; the index can. Whoever comes second is told which
        beneficiary holds the number, not shown a database error.
        """
        try:
            with self.env.cr.savepoint():
                yield
        except psycopg2.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != CITIZEN_ID_INDEX:
                raise
            self.env.cr.execute(
                SQL(
                    """
                    SELECT citizen_id, COALESCE(beneficiary_ref, name)
                      FROM res_partner
                     WHERE is_beneficiary AND citizen_id = ANY(%s)
                     ORDER BY id LIMIT 1
                    """,
                    list(numbers),
                )
            )
            row = self.env.cr.fetchone()
            twins = [n for n, count in Counter(numbers).items() if count > 1]
            if twins and not row:
                # the savepoint undid the records of this very call, two of
                # which carry the same number
                raise ValidationError(
                    self.env._(
                        "The citizen ID %(number)s is given to two new "
                        "beneficiaries at once: a citizen ID belongs to one "
                        "person only.",
                        number=", ".join(twins),
                    )
                ) from None
            # no row: the holder was saved by another transaction at the same
            # moment, which this one's snapshot does not show
            raise ValidationError(
                self.env._(
                    "The citizen ID %(number)s is already registered for the "
                    "beneficiary %(ref)s.",
                    number=row[0] if row else ", ".join(dict.fromkeys(numbers)),
                    ref=row[1] if row else "-",
                )
            ) from None

    def _social_keep_former_citizen_ids(self, former):
        """Keep each replaced citizen ID in the ID history, and say so."""
        today = fields.Date.context_today(self)
        kinds = {9: "cmnd9", 12: "cccd"}
        history = self.env["social.beneficiary.id.history"].sudo()
        history._workflow_create(
            [
                {
                    "partner_id": partner.id,
                    "id_type": kinds.get(len(former[partner.id]), "other")
                    if former[partner.id].isascii() and former[partner.id].isdigit()
                    else "other",
                    "id_number": former[partner.id],
                    "date_to": today,
                    "source": "change",
                }
                for partner in self
            ]
        )
        for partner in self:
            partner._message_log(
                body=self.env._(
                    "Citizen ID changed from %(old)s to %(new)s; the former number "
                    "is kept in the ID history.",
                    old=former[partner.id],
                    new=partner.citizen_id or "-",
                )
            )
