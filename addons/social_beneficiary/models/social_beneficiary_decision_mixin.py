"""A decision about one beneficiary, filed under the beneficiary's commune.

An allowance decision (``social.allowance``) and a one-off payment
(``social.one.off.payment``, social_payout) are each decided for one registered
beneficiary: the person must be a beneficiary, cannot be deleted while a
decision names them, and a change of person is tracked. The commune is the
beneficiary's, stored, so that the area rules of the decisions read it.
"""

from odoo import fields, models


class SocialBeneficiaryDecisionMixin(models.AbstractModel):
    _name = "social.beneficiary.decision.mixin"
    _description = "Decision About a Beneficiary"

    partner_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("is_beneficiary", "=", True)],
    )
    area_id = fields.Many2one(
        related="partner_id.area_id", string="Commune", store=True, index=True
    )
