from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

ROLES = [("guardian", "Guardian"), ("proxy", "Authorised proxy")]
# what a confirmation is about: changing them needs a new confirmation
CONFIRMED_FIELDS = frozenset({"beneficiary_id", "partner_id", "role"})


class SocialRepresentative(models.Model):
    """A guardian (người giám hộ) or an authorised proxy (người được ủy quyền)."""

    _name = "social.representative"
    _description = "Guardian or Proxy"
    _inherit = ["mail.thread", "social.workflow.mixin"]
    _order = "beneficiary_id, role, date_from desc"
    # the commune confirms an authorisation through its buttons only
    _workflow_fields = frozenset(
        {"commune_confirmed", "confirmed_by_id", "confirmed_date"}
    )

    beneficiary_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_beneficiary", "=", True)],
        tracking=True,
    )
    area_id = fields.Many2one(
        related="beneficiary_id.area_id", string="Commune", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Representative",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    role = fields.Selection(ROLES, required=True, default="guardian", tracking=True)
    relationship = fields.Selection(
        [
            ("parent", "Parent"),
            ("child", "Child"),
            ("spouse", "Spouse"),
            ("sibling", "Brother or sister"),
            ("grandchild", "Grandchild"),
            ("relative", "Other relative"),
            ("other", "Other"),
        ]
    )
    document_ref = fields.Char(string="Authorisation Document", tracking=True)
    document_date = fields.Date()
    date_from = fields.Date(
        string="Valid From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_to = fields.Date(string="Valid Until", tracking=True)
    commune_confirmed = fields.Boolean(readonly=True, copy=False, tracking=True)
    confirmed_by_id = fields.Many2one(
        "res.users", string="Confirmed By", readonly=True, copy=False
    )
    confirmed_date = fields.Date(string="Confirmed On", readonly=True, copy=False)
    representative_citizen_id = fields.Char(
        related="partner_id.citizen_id", string="Representative Citizen ID"
    )
    representative_phone = fields.Char(
        related="partner_id.phone", string="Representative Phone"
    )
    note = fields.Text()

    @api.constrains("beneficiary_id", "partner_id", "role", "date_from", "date_to")
    def _check_validity(self):
        # the other authorisations of these beneficiaries, read once
        others = {}
        for other in self.sudo().search_fetch(
            [("beneficiary_id", "in", self.beneficiary_id.ids)],
            ["beneficiary_id", "partner_id", "role", "date_from", "date_to"],
        ):
            others.setdefault((other.beneficiary_id.id, other.role), []).append(other)
        for rep in self:
            if rep.partner_id == rep.beneficiary_id:
                raise ValidationError(
                    self.env._(
                        "%(name)s cannot represent themselves.",
                        name=rep.partner_id.name,
                    )
                )
            if rep.date_to and rep.date_to < rep.date_from:
                raise ValidationError(
                    self.env._(
                        "The authorisation of %(name)s ends before it starts.",
                        name=rep.partner_id.name,
                    )
                )
            overlap = next(
                (
                    other
                    for other in others.get((rep.beneficiary_id.id, rep.role), [])
                    if other.id != rep.id
                    and (not other.date_to or other.date_to >= rep.date_from)
                    and (not rep.date_to or other.date_from <= rep.date_to)
                ),
                None,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "%(beneficiary)s already has a %(role)s (%(other)s) for "
                        "part of this period: end that one first.",
                        beneficiary=rep.beneficiary_id.name,
                        role=dict(
                            self._fields["role"]._description_selection(self.env)
                        )[rep.role].lower(),
                        other=overlap.partner_id.name,
                    )
                )

    def _is_valid_for(self, day_from, day_to):
        """Whether the authorisation covers the period and may be used: the one
        rule, with its SQL twins ``_sql_covers`` and ``_sql_confirmed`` for the
        set-based payee resolution (a test compares them case by case)."""
        self.ensure_one()
        return self._authorisation_valid(
            self.role,
            self.date_from,
            self.date_to,
            self.commune_confirmed,
            day_from,
            day_to,
        )

    @api.model
    def _authorisation_valid(
        self, role, date_from, date_to, confirmed, day_from, day_to
    ):
        """``_is_valid_for`` from plain values (also for the rows of a list
        import that are written before their representative exists)."""
        covers = date_from <= day_to and (not date_to or date_to >= day_from)
        return covers and (role == "guardian" or bool(confirmed))

    @api.model
    def _sql_covers(self, alias, day_from, day_to):
        """SQL: the representative row ``alias`` covers the period."""
        return SQL(
            "(%(rep)s.date_from <= %(day_to)s"
            " AND (%(rep)s.date_to IS NULL OR %(rep)s.date_to >= %(day_from)s))",
            rep=SQL.identifier(alias),
            day_from=day_from,
            day_to=day_to,
        )

    @api.model
    def _sql_confirmed(self, alias):
        """SQL: the representative row ``alias`` may act (a guardian by law,
        a proxy once the commune confirmed the authorisation)."""
        return SQL(
            "(%(rep)s.role = 'guardian' OR COALESCE(%(rep)s.commune_confirmed, FALSE))",
            rep=SQL.identifier(alias),
        )

    def _check_commune_user(self):
        if not self.env.user.has_group(
            "social_beneficiary.group_social_commune_officer"
        ):
            raise UserError(
                self.env._(
                    "Only a commune officer can confirm or withdraw an authorisation."
                )
            )

    def write(self, vals):
        # the confirmation covers this person, for this beneficiary, in this role
        changed = CONFIRMED_FIELDS.intersection(vals)
        if changed and not self._in_workflow():
            for rep in self.filtered("commune_confirmed"):
                if any(rep._differs(name, vals[name]) for name in changed):
                    raise UserError(
                        self.env._(
                            "The authorisation of %(name)s is confirmed: withdraw "
                            "the confirmation before changing who represents whom.",
                            name=rep.partner_id.name,
                        )
                    )
        return super().write(vals)

    def _differs(self, name, value):
        current = self[name]
        if isinstance(current, models.BaseModel):
            current = current.id
        if isinstance(value, models.BaseModel):
            value = value.id
        return (current or False) != (value or False)

    def action_confirm(self):
        self._check_commune_user()
        self._workflow_lock()
        problems = [
            self.env._(
                "The authorisation of %(name)s is already confirmed.",
                name=rep.partner_id.name,
            )
            for rep in self
            if rep.commune_confirmed
        ]
        if problems:
            raise UserError("\n".join(problems))
        self._workflow_write(
            {
                "commune_confirmed": True,
                "confirmed_by_id": self.env.user.id,
                "confirmed_date": fields.Date.context_today(self),
            }
        )
        for rep in self:
            rep.beneficiary_id._message_log(
                body=self.env._(
                    "Authorisation of %(name)s (%(document)s) confirmed by the "
                    "commune.",
                    name=rep.partner_id.name,
                    document=rep.document_ref or "-",
                )
            )

    def action_unconfirm(self):
        self._check_commune_user()
        self._workflow_lock()
        problems = [
            self.env._(
                "The authorisation of %(name)s is not confirmed.",
                name=rep.partner_id.name,
            )
            for rep in self
            if not rep.commune_confirmed
        ]
        if problems:
            raise UserError("\n".join(problems))
        self._workflow_write(
            {
                "commune_confirmed": False,
                "confirmed_by_id": False,
                "confirmed_date": False,
            }
        )
        for rep in self:
            rep.beneficiary_id._message_log(
                body=self.env._(
                    "Confirmation of the authorisation of %(name)s withdrawn.",
                    name=rep.partner_id.name,
                )
            )

    def _compute_display_name(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for rep in self:
            rep.display_name = (
                f"{rep.partner_id.name or ''} ({roles.get(rep.role, '')})"
            )
