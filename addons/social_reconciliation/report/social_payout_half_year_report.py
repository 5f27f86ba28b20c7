# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class SocialPayoutHalfYearReport(models.Model):
    """Half-year summary per commune: beneficiaries, amounts and methods."""

    _name = "social.payout.half.year.report"
    _description = "Half-year Payout Summary"
    _auto = False
    _order = "half_year desc, area_id"

    half_year = fields.Char(readonly=True)
    program_id = fields.Many2one("social.program", readonly=True)
    area_id = fields.Many2one("social.area", string="Commune", readonly=True)
    beneficiary_count = fields.Integer(string="Beneficiaries", readonly=True)
    line_count = fields.Integer(string="Payments", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_planned = fields.Monetary(string="Planned", readonly=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    fee_amount = fields.Monetary(string="Fee", readonly=True)
    bank_count = fields.Integer(string="Bank Account", readonly=True)
    ewallet_count = fields.Integer(string="E-wallet", readonly=True)
    cash_point_count = fields.Integer(string="Cash at Pay Point", readonly=True)
    cash_home_count = fields.Integer(string="Cash at Home", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                SELECT ROW_NUMBER() OVER (ORDER BY half_year, program_id, area_id)
                           AS id,
                       *
                  FROM (
                    SELECT a.half_year,
                           a.program_id,
                           a.area_id,
                           a.currency_id,
                           COUNT(DISTINCT a.partner_id) AS beneficiary_count,
                           COUNT(*) AS line_count,
                           SUM(a.amount_planned) AS amount_planned,
                           SUM(a.amount_paid) AS amount_paid,
                           SUM(a.fee_amount) AS fee_amount,
                           COUNT(*) FILTER (WHERE a.method = 'bank') AS bank_count,
                           COUNT(*) FILTER (WHERE a.method = 'ewallet')
                               AS ewallet_count,
                           COUNT(*) FILTER (WHERE a.method = 'cash_point')
                               AS cash_point_count,
                           COUNT(*) FILTER (WHERE a.method = 'cash_home')
                               AS cash_home_count
                      FROM social_payout_analysis a
                     GROUP BY a.half_year, a.program_id, a.area_id, a.currency_id
                  ) AS summary
                )
                """,
                SQL.identifier(self._table),
            )
        )
