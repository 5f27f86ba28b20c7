# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    ACCOUNT_METHODS,
    CASH_METHODS,
)
from odoo.addons.social_payout.models.social_payout_fee_rule import PAYMENT_METHODS

CASH_REASONS = [
    ("no_registration", "No payment registration"),
    ("missing_account", "No account for the registered method"),
    ("home_delivery", "Paid at home (sick or bedridden)"),
    ("chosen_cash", "Chose cash at the pay point"),
]


class SocialPayoutAnalysis(models.Model):
    """One row per payout line of a transferred or settled batch.

    Serves the monthly reconciliation per commune and method, the cashless
    share (the average of a 0/100 measure is the share of lines), the fees per
    provider and month and the list of people still paid in cash.
    """

    _name = "social.payout.analysis"
    _description = "Payout Analysis"
    _auto = False
    _order = "period desc, area_id, method"
    _rec_name = "reference"

    reference = fields.Char(readonly=True)
    batch_id = fields.Many2one("social.payout.batch", readonly=True)
    batch_state = fields.Selection(
        [("transferred", "Transferred"), ("settled", "Settled")], readonly=True
    )
    program_id = fields.Many2one("social.program", readonly=True)
    provider_id = fields.Many2one("social.payout.provider", readonly=True)
    period = fields.Date(string="Month", readonly=True)
    half_year = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Beneficiary", readonly=True)
    beneficiary_ref = fields.Char(readonly=True)
    area_id = fields.Many2one("social.area", string="Commune", readonly=True)
    method = fields.Selection(PAYMENT_METHODS, readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("failed", "Unpaid")],
        readonly=True,
    )
    cash_reason = fields.Selection(CASH_REASONS, readonly=True)
    failure_reason = fields.Char(readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    paid_count = fields.Integer(string="Paid Lines", readonly=True)
    unpaid_count = fields.Integer(string="Unpaid Lines", readonly=True)
    cashless_count = fields.Integer(string="Cashless Lines", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_planned = fields.Monetary(string="Planned", readonly=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    amount_unpaid = fields.Monetary(string="Unpaid", readonly=True)
    fee_amount = fields.Monetary(string="Fee", readonly=True)
    cashless_share = fields.Float(
        string="Cashless Share (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                SELECT l.id,
                       l.reference,
                       l.batch_id,
                       b.state AS batch_state,
                       b.program_id,
                       b.provider_id,
                       b.period,
                       TO_CHAR(b.period, 'YYYY') || '-H'
                           || CASE WHEN EXTRACT(MONTH FROM b.period) <= 6
                                   THEN '1' ELSE '2' END AS half_year,
                       l.partner_id,
                       p.beneficiary_ref,
                       l.area_id,
                       l.method,
                       l.state,
                       CASE
                           WHEN l.method NOT IN %(cash)s THEN NULL
                           WHEN l.flags LIKE %(no_registration)s
                               THEN 'no_registration'
                           WHEN l.flags LIKE %(missing_account)s
                               THEN 'missing_account'
                           WHEN l.method = 'cash_home' THEN 'home_delivery'
                           ELSE 'chosen_cash'
                       END AS cash_reason,
                       l.failure_reason,
                       1 AS line_count,
                       CASE WHEN l.state = 'paid' THEN 1 ELSE 0 END AS paid_count,
                       CASE WHEN l.state = 'failed' THEN 1 ELSE 0 END AS unpaid_count,
                       CASE WHEN l.method IN %(account)s THEN 1 ELSE 0 END
                           AS cashless_count,
                       c.currency_id,
                       l.amount AS amount_planned,
                       COALESCE(l.paid_amount, 0) AS amount_paid,
                       CASE WHEN l.state = 'failed'
                            THEN l.amount - COALESCE(l.paid_amount, 0)
                            ELSE 0 END AS amount_unpaid,
                       COALESCE(l.fee_amount, 0) AS fee_amount,
                       CASE WHEN l.method IN %(account)s THEN 100.0
                            ELSE 0.0 END AS cashless_share
                  FROM social_payout_line l
                  JOIN social_payout_batch b ON b.id = l.batch_id
                  JOIN res_company c ON c.id = b.company_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE b.state IN ('transferred', 'settled')
                )
                """,
                table=SQL.identifier(self._table),
                cash=CASH_METHODS,
                account=ACCOUNT_METHODS,
                no_registration="%no_registration%",
                missing_account="%missing_account%",
            )
        )
