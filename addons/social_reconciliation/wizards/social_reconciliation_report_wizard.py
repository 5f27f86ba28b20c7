# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.social_beneficiary.models.social_payment_registration import (
    CASH_METHODS,
)


class SocialReconciliationReportWizard(models.TransientModel):
    _name = "social.reconciliation.report.wizard"
    _description = "Payout Reports (XLSX)"

    date_from = fields.Date(
        string="From Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(months=5),
    )
    date_to = fields.Date(
        string="To Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    program_id = fields.Many2one("social.program")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(
                    self.env._("The first month must come before the last month.")
                )

    def _analysis_domain(self):
        self.ensure_one()
        domain = [
            ("period", ">=", self.date_from.replace(day=1)),
            ("period", "<=", self.date_to),
        ]
        if self.program_id:
            domain.append(("program_id", "=", self.program_id.id))
        return domain

    def _report_data(self):
        """Rows of each sheet, read with _read_group from the analysis view."""
        self.ensure_one()
        Analysis = self.env["social.payout.analysis"]
        domain = self._analysis_domain()
        measures = [
            "line_count:sum",
            "paid_count:sum",
            "unpaid_count:sum",
            "amount_planned:sum",
            "amount_paid:sum",
            "amount_unpaid:sum",
            "fee_amount:sum",
        ]
        monthly = Analysis._read_group(
            domain, ["period:month", "area_id", "method"], measures
        )
        cashless = Analysis._read_group(
            domain,
            ["area_id", "period:month"],
            ["line_count:sum", "cashless_count:sum"],
        )
        fees = Analysis._read_group(
            domain,
            ["provider_id", "period:month"],
            ["paid_count:sum", "amount_paid:sum", "fee_amount:sum"],
        )
        cash_list = Analysis.search(
            [*domain, ("method", "in", CASH_METHODS)],
            order="period, area_id, beneficiary_ref, id",
        )
        half_year = self.env["social.payout.half.year.report"].search(
            [
                ("half_year", ">=", self._half_year_label(self.date_from)),
                ("half_year", "<=", self._half_year_label(self.date_to)),
            ]
            + ([("program_id", "=", self.program_id.id)] if self.program_id else []),
            order="half_year, area_id",
        )
        return {
            "monthly": monthly,
            "cashless": cashless,
            "fees": fees,
            "cash_list": cash_list,
            "half_year": half_year,
        }

    @api.model
    def _half_year_label(self, date):
        return f"{date.year}-H{1 if date.month <= 6 else 2}"

    def action_print_xlsx(self):
        self.ensure_one()
        return self.env.ref(
            "social_reconciliation.social_payout_report_xlsx"
        ).report_action(self)
