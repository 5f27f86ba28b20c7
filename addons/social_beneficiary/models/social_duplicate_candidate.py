from odoo import api, fields, models
from odoo.tools import SQL

REASONS = [
    ("citizen_id", "Same citizen ID"),
    ("bank_account", "Same account, unrelated holders"),
    ("name_birth", "Same name and birth date in the commune"),
]


class SocialDuplicateCandidate(models.Model):
    """A pair of beneficiaries that may be the same person, for review.

    Names are compared by their stored key without tone marks (NFC, case-folded,
    single spaces, accents and đ folded): "Hoàng  Văn Một" typed in decomposed
    Unicode, or "Hoang Van Mot" from an old list, meets "Hoàng Văn Một" born the
    same day in the same commune.

    Nothing is merged: the officer decides, and the decision survives the
    next refresh.
    """

    _name = "social.duplicate.candidate"
    _description = "Possible Duplicate Beneficiary"
    _inherit = ["social.workflow.mixin"]
    # the review is recorded by its buttons, with who reviewed
    _workflow_fields = frozenset({"state", "reviewed_by_id"})
    _order = "state, reason, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        ondelete="cascade",
        index=True,
    )
    other_partner_id = fields.Many2one(
        "res.partner", string="Other Beneficiary", required=True, ondelete="cascade"
    )
    area_id = fields.Many2one(
        related="partner_id.area_id", string="Commune", store=True, index=True
    )
    other_area_id = fields.Many2one(
        related="other_partner_id.area_id", string="Other Commune"
    )
    reason = fields.Selection(REASONS, required=True)
    detail = fields.Char()
    state = fields.Selection(
        [
            ("new", "To review"),
            ("duplicate", "Confirmed duplicate"),
            ("distinct", "Different people"),
        ],
        default="new",
        required=True,
    )
    reviewed_by_id = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [
        (
            "pair_uniq",
            "unique(partner_id, other_partner_id, reason)",
            "This pair is already listed for this reason.",
        ),
    ]

    def action_mark_duplicate(self):
        self._workflow_write({"state": "duplicate", "reviewed_by_id": self.env.user.id})

    def action_mark_distinct(self):
        self._workflow_write({"state": "distinct", "reviewed_by_id": self.env.user.id})

    @api.model
    def _refresh(self):
        """Recompute the open candidates in three set-based queries."""
        self.flush_model()
        for model in (
            "res.partner",
            "res.partner.bank",
            "social.payment.registration",
            "social.beneficiary.id.history",
        ):
            self.env[model].flush_model()
        cr = self.env.cr
        self._fill_missing_name_keys()
        cr.execute(SQL("DELETE FROM social_duplicate_candidate WHERE state = 'new'"))
        same_citizen_id = """
            SELECT DISTINCT LEAST(x.id, y.partner_id) AS a,
                   GREATEST(x.id, y.partner_id) AS b, x.citizen_id AS detail
              FROM res_partner x
              JOIN (SELECT id AS partner_id, citizen_id AS number FROM res_partner
                     WHERE is_beneficiary AND citizen_id IS NOT NULL
                    UNION ALL
                    SELECT h.partner_id, h.id_number
                      FROM social_beneficiary_id_history h
                      JOIN res_partner hp ON hp.id = h.partner_id
                     WHERE hp.is_beneficiary) y
                ON y.number = x.citizen_id AND y.partner_id != x.id
             WHERE x.is_beneficiary AND x.citizen_id IS NOT NULL
        """
        same_account = """
            WITH used AS (
                SELECT pb.partner_id AS beneficiary_id, pb.partner_id AS holder_id,
                       pb.bank_id, pb.sanitized_acc_number
                  FROM res_partner_bank pb
                  JOIN res_partner p ON p.id = pb.partner_id AND p.is_beneficiary
                UNION
                SELECT r.beneficiary_id, pb.partner_id, pb.bank_id,
                       pb.sanitized_acc_number
                  FROM social_payment_registration r
                  JOIN res_partner_bank pb ON pb.id = r.bank_account_id
                 WHERE r.state != 'cancelled'
            )
            SELECT DISTINCT u1.beneficiary_id AS a, u2.beneficiary_id AS b,
                   u1.sanitized_acc_number AS detail
              FROM used u1
              JOIN used u2
                ON u2.sanitized_acc_number = u1.sanitized_acc_number
               AND u2.bank_id IS NOT DISTINCT FROM u1.bank_id
               AND u2.beneficiary_id > u1.beneficiary_id
               AND u2.holder_id != u1.holder_id
        """
        same_name_birth = """
            SELECT x.id AS a, y.id AS b,
                   to_char(x.birth_date, 'DD/MM/YYYY') AS detail
              FROM res_partner x
              JOIN res_partner y
                ON y.id > x.id
               AND y.is_beneficiary
               AND y.area_id = x.area_id
               AND y.birth_date = x.birth_date
               AND y.social_name_key_unaccented = x.social_name_key_unaccented
             WHERE x.is_beneficiary AND x.birth_date IS NOT NULL
        """
        now = SQL("now() AT TIME ZONE 'UTC'")
        for reason, pairs in (
            ("citizen_id", same_citizen_id),
            ("bank_account", same_account),
            ("name_birth", same_name_birth),
        ):
            cr.execute(
                SQL(
                    """
                    INSERT INTO social_duplicate_candidate
                           (partner_id, other_partner_id, area_id, reason, detail,
                            state, create_uid, create_date, write_uid, write_date)
                    SELECT pair.a, pair.b, p.area_id, %(reason)s, pair.detail,
                           'new', %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM (%(pairs)s) pair
                      JOIN res_partner p ON p.id = pair.a
                    ON CONFLICT (partner_id, other_partner_id, reason) DO NOTHING
                    """,
                    reason=reason,
                    uid=self.env.uid,
                    now=now,
                    pairs=SQL(pairs),
                )
            )
        self.invalidate_model()
        return True

    @api.model
    def _fill_missing_name_keys(self):
        """Compute the name keys of beneficiaries written by SQL (bulk loads)."""
        Partner = self.env["res.partner"]
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM res_partner
                 WHERE is_beneficiary AND name IS NOT NULL
                   AND social_name_key_unaccented IS NULL
                """
            )
        )
        partners = Partner.browse([row[0] for row in self.env.cr.fetchall()])
        if partners:
            for name in ("social_name_key", "social_name_key_unaccented"):
                self.env.add_to_compute(Partner._fields[name], partners)
            partners.flush_recordset()

    def action_refresh(self):
        self._refresh()
        return {
            "type": "ir.actions.client",
            "tag": "reload",
        }
