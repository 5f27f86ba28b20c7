"""A beneficiary in the registry: the fields of res.partner the suite adds.

This file owns who is a beneficiary and their registry fields (reference,
person, commune and former commune, ethnicity, household status, decisions,
representatives, registrations, categories paid under, name keys for the
duplicate checks), the reference numbering, the phone and commune constraints
and the smart buttons. The other concerns of the same model are ``_inherit``
files: ``res_partner_citizen_id.py`` (the citizen ID: its checks, one
beneficiary per number, the former numbers kept), ``res_partner_readiness.py``
(the payment in force and whether an account can be opened),
``res_partner_sensitive.py`` (who may read the categories) and
``res_partner_move.py`` (moves between communes).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.record_groups import distinct_records
from ..tools.sql_ids import sql_id_array
from .social_tools import (
    name_key,
    name_key_unaccented,
    normalize_name,
    normalize_vn_phone,
    stored_citizen_id,
)

# the plain index of beneficiary_ref that versions before 18.0.1.3.0 made
BENEFICIARY_REF_INDEX = "res_partner__beneficiary_ref_index"

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


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_beneficiary = fields.Boolean(
        string="Beneficiary", index=True, tracking=True, copy=False
    )
    # indexed by its unique constraint (beneficiary_ref_uniq)
    beneficiary_ref = fields.Char(
        string="Beneficiary Reference", readonly=True, copy=False
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
        res = super().init()
        # Versions before 18.0.1.3.0 indexed the reference twice (the field's
        # index beside the unique constraint's): the second one served no
        # search and cost every person written, 100,000 at a time on import.
        self.env.cr.execute(
            SQL("DROP INDEX IF EXISTS %s", SQL.identifier(BENEFICIARY_REF_INDEX))
        )
        return res

    # ------------------------------------------------------------------ computes
    @api.depends("name")
    def _compute_social_name_keys(self):
        for partner in self:
            partner.social_name_key = name_key(partner.name) or False
            partner.social_name_key_unaccented = (
                name_key_unaccented(partner.name) or False
            )

    @api.depends("allowance_ids.state", "allowance_ids.category_id")
    def _compute_social_category_ids(self):
        for partner in self:
            allowances = partner.allowance_ids.filtered(
                lambda a: a.state in ("active", "suspended")
            )
            partner.social_category_ids = allowances.category_id

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

    # -------------------------------------------------------------- constraints
    @api.constrains("phone", "mobile", "is_beneficiary")
    def _check_beneficiary_phone(self):
        # the same outcome for the same numbers: once for each
        for partner in distinct_records(self, ["is_beneficiary", "phone", "mobile"]):
            if not partner.is_beneficiary:
                continue
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
        # the communes of the whole set by one query (one table: no join for
        # the planner to turn into nested loops on freshly loaded rows)
        self.flush_recordset(["is_beneficiary", "area_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT area_id FROM res_partner
                 WHERE id = ANY(%s) AND is_beneficiary AND area_id IS NOT NULL
                """,
                sql_id_array(self.ids),
            )
        )
        areas = self.env["social.area"].browse(
            [area_id for (area_id,) in self.env.cr.fetchall()]
        )
        for area in areas:
            if area.level != "commune":
                raise ValidationError(
                    self.env._(
                        "A beneficiary lives in a commune, not in %(area)s.",
                        area=area.display_name,
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model
    def _social_prepare_vals(self, vals):
        vals = dict(vals)
        if isinstance(vals.get("name"), str):
            vals["name"] = normalize_name(vals["name"])
        if vals.get("citizen_id"):
            vals["citizen_id"] = stored_citizen_id(vals["citizen_id"])
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
        return super().create(vals_list)

    def write(self, vals):
        vals = self._social_prepare_vals(vals)
        if vals.get("is_beneficiary"):
            sequence = self.env["ir.sequence"].sudo()
            for partner in self.filtered(lambda p: not p.beneficiary_ref):
                super(ResPartner, partner).write(
                    {"beneficiary_ref": sequence.next_by_code("social.beneficiary")}
                )
        return super().write(vals)

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
