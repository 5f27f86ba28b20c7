# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.social_payout.models.social_payout_fee_rule import PAYMENT_METHODS


class SocialPayoutReconciliationSummary(models.Model):
    """Totals of a reconciliation per commune and payment method."""

    _name = "social.payout.reconciliation.summary"
    _description = "Reconciliation Totals by Commune and Method"
    _auto = False
    _order = "reconciliation_id, area_id, method"

    reconciliation_id = fields.Many2one("social.payout.reconciliation", readonly=True)
    area_id = fields.Many2one("social.area", string="Commune", readonly=True)
    method = fields.Selection(PAYMENT_METHODS, readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    paid_count = fields.Integer(string="Paid Lines", readonly=True)
    unpaid_count = fields.Integer(string="Unpaid Lines", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_planned = fields.Monetary(string="Planned", readonly=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    amount_unpaid = fields.Monetary(string="Unpaid", readonly=True)
    fee_amount = fields.Monetary(string="Fee", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                SELECT MIN(r.id) AS id,
                       r.reconciliation_id,
                       r.area_id,
                       r.method,
                       c.currency_id,
                       COUNT(*) AS line_count,
                       COUNT(*) FILTER (WHERE r.status = 'paid') AS paid_count,
                       COUNT(*) FILTER (WHERE r.status = 'failed') AS unpaid_count,
                       SUM(r.planned_amount) AS amount_planned,
                       SUM(r.amount_paid) AS amount_paid,
                       SUM(r.planned_amount - COALESCE(r.amount_paid, 0))
                           AS amount_unpaid,
                       SUM(r.fee_amount) AS fee_amount
                  FROM social_payout_result r
                  JOIN social_payout_reconciliation rec ON rec.id = r.reconciliation_id
                  JOIN res_company c ON c.id = rec.company_id
                 GROUP BY r.reconciliation_id, r.area_id, r.method, c.currency_id
                )
                """,
                SQL.identifier(self._table),
            )
        )
