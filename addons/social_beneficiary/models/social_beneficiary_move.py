"""Moves of a beneficiary to another commune (chuyển nơi cư trú), as history.

The beneficiary's ``area_id`` is the commune now; each move keeps the commune
left, the commune joined and the first month the new commune pays. The commune
that pays a month is therefore the one the beneficiary lived in that month: the
``from_area_id`` of the first move after the month, or ``area_id`` when no move
came after it. ``_get_monthly_amounts`` reads areas that way, so the old
commune's batches pay up to the month before the move and the new commune's
from the move month.
"""

from odoo import api, fields, models
from odoo.tools import SQL


class SocialBeneficiaryMove(models.Model):
    _name = "social.beneficiary.move"
    _description = "Move to Another Commune"
    # history: written by the move action only
    _inherit = ["social.workflow.mixin"]
    _workflow_records_only = True
    _order = "month desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        required=True,
        index=True,
        ondelete="cascade",
    )
    from_area_id = fields.Many2one(
        "social.area", string="From Commune", required=True, index=True
    )
    to_area_id = fields.Many2one(
        "social.area", string="To Commune", required=True, index=True
    )
    month = fields.Date(
        string="Paid by the New Commune From",
        required=True,
        help="First month paid by the new commune (first day of the month); the "
        "old commune pays up to the month before.",
    )
    decision_ref = fields.Char(string="Decision Number", required=True)
    decision_date = fields.Date(required=True)
    note = fields.Text()
    recorded_by_id = fields.Many2one("res.users", string="Recorded By")

    _sql_constraints = [
        (
            "month_first_day",
            "CHECK(EXTRACT(DAY FROM month) = 1)",
            "The month of a move is the first day of the month.",
        ),
        (
            "other_commune",
            "CHECK(from_area_id != to_area_id)",
            "A move goes to another commune.",
        ),
    ]

    def _workflow_records_refusal(self):
        return self.env._(
            "Moves to another commune are recorded through the Move button of the "
            "beneficiary only: they cannot be created, changed or deleted by hand."
        )

    @api.model
    def _sql_future_areas(self, months_cte):
        """SQL of ``(partner_id, month, area_id)``: for each month of
        ``months_cte`` (a CTE with a ``month`` column) before a move, the commune
        the beneficiary lived in that month. Months without a later move are
        not listed: the beneficiary's current commune applies."""
        return SQL(
            """
            SELECT DISTINCT ON (mv.partner_id, mo.month)
                   mv.partner_id, mo.month, mv.from_area_id AS area_id
              FROM social_beneficiary_move mv
              JOIN %(months)s mo ON mv.month > mo.month
             ORDER BY mv.partner_id, mo.month, mv.month, mv.id
            """,
            months=SQL.identifier(months_cte),
        )
