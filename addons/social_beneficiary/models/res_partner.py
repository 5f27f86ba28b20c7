import logging
from contextlib import contextmanager

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .social_payment_registration import ACCOUNT_METHODS, CASH_METHODS
from .social_tools import (
    check_citizen_id,
    clean_citizen_id,
    name_key,
    name_key_unaccented,
    normalize_name,
    normalize_vn_phone,
)

_logger = logging.getLogger(__name__)

# one beneficiary per citizen ID, archived ones included (they keep their number)
CITIZEN_ID_INDEX = "res_partner_beneficiary_citizen_id_uniq"

ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao",
    "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu",
    "Hrê", "Ra Glai", "Mnông", "Thổ", "Stiêng", "Khơ mú", "Bru - Vân Kiều",
    "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ-Triêng", "Co", "Chơ Ro", "Xinh Mun",
    "Hà Nhì", "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha",
    "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống",
    "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]  # fmt: skip

HOUSEHOLD_STATUS = [
    ("none", "Not poor"),
    ("near_poor", "Near-poor household"),
    ("poor", "Poor household"),
]

READINESS = [
    ("has_account", "Has an account"),
    ("ready", "Ready to open an account"),
    ("incomplete", "Information missing"),
    ("cash", "Paid in cash"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_beneficiary = fields.Boolean(
        string="Beneficiary", index=True, tracking=True, copy=False
    )
    beneficiary_ref = fields.Char(
        string="Beneficiary Reference", readonly=True, copy=False, index=True
    )
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
    birth_date = fields.Date(tracking=True)
    gender = fields.Selection([("male", "Male"), ("female", "Female")], tracking=True)
    area_id = fields.Many2one(
        "social.area",
        string="Commune",
        index=True,
        tracking=True,
        domain=[("level", "=", "commune")],
        ondelete="restrict",
    )
    province_id = fields.Many2one(
        related="area_id.province_id", string="Area Province", store=True
    )
    former_area_id = fields.Many2one(
        "social.area",
        string="Former Commune",
        index="btree_not_null",
        tracking=True,
        ondelete="restrict",
        domain=[("level", "=", "commune")],
        help="The commune the person was registered in before it was merged "
        "into the current one (2025 reorganisation): old lists and searches "
        "by the old code still find the person.",
    )
    ethnicity = fields.Selection([(e, e) for e in ETHNICITIES], default="Kinh")
    household_status = fields.Selection(
        HOUSEHOLD_STATUS, string="Household Poverty Status", default="none"
    )
    allowance_ids = fields.One2many("social.allowance", "partner_id")
    representative_ids = fields.One2many(
        "social.representative", "beneficiary_id", string="Representatives"
    )
    represented_ids = fields.One2many(
        "social.representative", "partner_id", string="Represents"
    )
    payment_registration_ids = fields.One2many(
        "social.payment.registration", "beneficiary_id", string="Payment Registrations"
    )
    id_history_ids = fields.One2many(
        "social.beneficiary.id.history", "partner_id", string="Former ID Numbers"
    )
    social_category_ids = fields.Many2many(
        "social.category",
        "res_partner_social_category_rel",
        "partner_id",
        "category_id",
        string="Allowance Categories",
        compute="_compute_social_category_ids",
        store=True,
    )
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
    social_name_key = fields.Char(
        string="Name Key",
        compute="_compute_social_name_keys",
        store=True,
        index=True,
        help="The name in NFC, case-folded, single spaces: for duplicate checks.",
    )
    social_name_key_unaccented = fields.Char(
        string="Name Key Without Accents",
        compute="_compute_social_name_keys",
        store=True,
        index=True,
        help="The name key without tone marks: for duplicate checks.",
    )
    allowance_count = fields.Integer(compute="_compute_social_counts")
    duplicate_count = fields.Integer(compute="_compute_social_counts")

    _sql_constraints = [
        (
            "beneficiary_ref_uniq",
            "unique(beneficiary_ref)",
            "The beneficiary reference must be unique.",
        ),
    ]

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

    # ------------------------------------------------------------------ computes
    @api.depends("name")
    def _compute_social_name_keys(self):
        for partner in self:
            partner.social_name_key = name_key(partner.name) or False
            partner.social_name_key_unaccented = (
                name_key_unaccented(partner.name) or False
            )

    @api.depends("citizen_id")
    def _compute_citizen_id_warning(self):
        for partner in self:
            number = clean_citizen_id(partner.citizen_id)
            warning = False
            if number:
                errors, __ = check_citizen_id(number)
                if any(code == "province" for code, __ in errors):
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
                number
                and any(code == "province" for code, __ in check_citizen_id(number)[0])
            )

    @api.depends("allowance_ids.state", "allowance_ids.category_id")
    def _compute_social_category_ids(self):
        for partner in self:
            allowances = partner.allowance_ids.filtered(
                lambda a: a.state in ("active", "suspended")
            )
            partner.social_category_ids = allowances.category_id

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

    def _compute_social_counts(self):
        allowance_data = self.env["social.allowance"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        )
        allowances = {partner.id: count for partner, count in allowance_data}
        duplicate_data = self.env["social.duplicate.candidate"]._read_group(
            [("partner_id", "in", self.ids), ("state", "=", "new")],
            ["partner_id"],
            ["__count"],
        )
        duplicates = {partner.id: count for partner, count in duplicate_data}
        for partner in self:
            partner.allowance_count = allowances.get(partner.id, 0)
            partner.duplicate_count = duplicates.get(partner.id, 0)

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
        for partner in self:
            number = partner.citizen_id
            if not number:
                continue
            errors, __ = check_citizen_id(number, partner.gender, partner.birth_date)
            if errors:
                raise ValidationError(
                    "\n".join(
                        self._citizen_id_error_message(partner, code, params)
                        for code, params in errors
                    )
                )
        # one beneficiary per number: one query for the whole set
        beneficiaries = self.filtered(lambda p: p.is_beneficiary and p.citizen_id)
        if not beneficiaries:
            return
        twins = (
            self.with_context(active_test=False)
            .sudo()
            .search_fetch(
                [
                    ("is_beneficiary", "=", True),
                    ("citizen_id", "in", beneficiaries.mapped("citizen_id")),
                ],
                ["citizen_id", "beneficiary_ref", "name"],
                order="id",
            )
        )
        holders = {}
        for twin in twins:
            holders.setdefault(twin.citizen_id, []).append(twin)
        for partner in beneficiaries:
            twin = next(
                (t for t in holders[partner.citizen_id] if t.id != partner.id), None
            )
            if twin:
                raise ValidationError(
                    self.env._(
                        "The citizen ID %(number)s is already registered for "
                        "the beneficiary %(ref)s.",
                        number=partner.citizen_id,
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

    @api.constrains("phone", "mobile", "is_beneficiary")
    def _check_beneficiary_phone(self):
        for partner in self.filtered("is_beneficiary"):
            for number in (partner.phone, partner.mobile):
                if number and not normalize_vn_phone(number):
                    raise ValidationError(
                        self.env._(
                            "The phone number %(phone)s of %(name)s is not a "
                            "Vietnamese number (10 digits starting with 0, or +84).",
                            phone=number,
                            name=partner.name,
                        )
                    )

    @api.constrains("is_beneficiary", "area_id")
    def _check_beneficiary_area(self):
        for partner in self.filtered("is_beneficiary"):
            if partner.area_id and partner.area_id.level != "commune":
                raise ValidationError(
                    self.env._(
                        "A beneficiary lives in a commune, not in %(area)s.",
                        area=partner.area_id.display_name,
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model
    def _social_prepare_vals(self, vals):
        vals = dict(vals)
        if isinstance(vals.get("name"), str):
            vals["name"] = normalize_name(vals["name"])
        if vals.get("citizen_id"):
            vals["citizen_id"] = clean_citizen_id(vals["citizen_id"]) or False
        for fname in ("phone", "mobile"):
            if vals.get(fname):
                vals[fname] = normalize_vn_phone(vals[fname]) or vals[fname]
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._social_prepare_vals(vals) for vals in vals_list]
        missing_ref = [
            vals
            for vals in vals_list
            if vals.get("is_beneficiary") and not vals.get("beneficiary_ref")
        ]
        for vals, ref in zip(
            missing_ref, self._social_next_refs(len(missing_ref)), strict=True
        ):
            vals["beneficiary_ref"] = ref
        numbers = [
            vals["citizen_id"]
            for vals in vals_list
            if vals.get("is_beneficiary") and vals.get("citizen_id")
        ]
        if not numbers:
            return super().create(vals_list)
        with self._citizen_id_unique_guard(numbers):
            return super().create(vals_list)

    def write(self, vals):
        vals = self._social_prepare_vals(vals)
        if vals.get("is_beneficiary"):
            sequence = self.env["ir.sequence"].sudo()
            for partner in self.filtered(lambda p: not p.beneficiary_ref):
                super(ResPartner, partner).write(
                    {"beneficiary_ref": sequence.next_by_code("social.beneficiary")}
                )
        if "citizen_id" not in vals and not vals.get("is_beneficiary"):
            return super().write(vals)
        former = {
            partner.id: partner.citizen_id
            for partner in self
            if "citizen_id" in vals
            and partner.citizen_id
            and partner.citizen_id != vals["citizen_id"]
        }
        numbers = (
            [vals["citizen_id"]]
            if vals.get("citizen_id")
            else self.mapped("citizen_id")
        )
        with self._citizen_id_unique_guard([number for number in numbers if number]):
            res = super().write(vals)
        if former:
            self.browse(list(former))._social_keep_former_citizen_ids(former)
        return res

    @api.model
    def _social_next_refs(self, count):
        """``count`` new beneficiary references, drawn in one statement.

        The same numbers ``ir.sequence.next_by_code("social.beneficiary")``
        draws one by one (standard sequences without date ranges); other
        sequences are drawn one by one.
        """
        if not count:
            return []
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [
                ("code", "=", "social.beneficiary"),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [Sequence.next_by_code("social.beneficiary") for __ in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        prefix, suffix = sequence._get_prefix_suffix()
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}"
            for (number,) in self.env.cr.fetchall()
        ]

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
            raise ValidationError(
                self.env._(
                    "The citizen ID %(number)s is already registered for the "
                    "beneficiary %(ref)s.",
                    number=row[0] if row else ", ".join(numbers),
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

    # ----------------------------------------------------------------- actions
    def action_view_allowances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_beneficiary.social_allowance_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_duplicates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_beneficiary.social_duplicate_candidate_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action
