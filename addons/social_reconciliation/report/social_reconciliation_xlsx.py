# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.social_beneficiary.tools.spreadsheet import (
    SAFE_WORKBOOK_OPTIONS,
    write_cell,
    write_cells,
)


class SocialPayoutReportXlsx(models.AbstractModel):
    """Workbook of the monthly payout reports, one sheet per report."""

    _name = "report.social_reconciliation.payout_report_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Payout Reports XLSX"

    def get_workbook_options(self):
        # commune names and cash reasons are text, never formulas
        return dict(SAFE_WORKBOOK_OPTIONS)

    def _report_env_lang(self):
        # Reports go upward in Vietnamese when the language is installed.
        installed = dict(self.env["res.lang"].get_installed())
        return "vi_VN" if "vi_VN" in installed else self.env.lang

    def generate_xlsx_report(self, workbook, data, objs):
        wizard = objs[:1].with_context(lang=self._report_env_lang())
        env = wizard.env
        report = wizard._report_data()
        bold = workbook.add_format({"bold": True, "text_wrap": True, "border": 1})
        money = workbook.add_format({"num_format": "#,##0", "border": 1})
        text = workbook.add_format({"border": 1})
        percent = workbook.add_format({"num_format": "0.0", "border": 1})
        methods = dict(
            env["social.payout.analysis"]._fields["method"]._description_selection(env)
        )
        reasons = dict(
            env["social.payout.analysis"]
            ._fields["cash_reason"]
            ._description_selection(env)
        )

        def sheet(name, title, headers, rows, formats):
            worksheet = workbook.add_worksheet(name)
            write_cell(worksheet, 0, 0, title, bold)
            write_cells(worksheet, 2, 0, headers, bold)
            worksheet.set_column(0, len(headers) - 1, 16)
            for index, row in enumerate(rows, start=3):
                for column, value in enumerate(row):
                    write_cell(worksheet, index, column, value, formats[column])
            return worksheet

        def month(value):
            return value.strftime("%m/%Y") if value else ""

        sheet(
            env._("Reconciliation"),
            env._("Monthly reconciliation per commune and method"),
            [
                env._("Month"),
                env._("Commune"),
                env._("Method"),
                env._("Lines"),
                env._("Paid Lines"),
                env._("Unpaid Lines"),
                env._("Planned"),
                env._("Paid"),
                env._("Unpaid"),
                env._("Fee"),
            ],
            [
                [month(period), area.name or "", methods.get(method, ""), *totals]
                for period, area, method, *totals in report["monthly"]
            ],
            [text, text, text] + [money] * 7,
        )
        sheet(
            env._("Cashless share"),
            env._("Cashless share (bank and e-wallet over all payments)"),
            [
                env._("Commune"),
                env._("Month"),
                env._("Payments"),
                env._("Cashless"),
                env._("Share (%)"),
            ],
            [
                [
                    area.name or "",
                    month(period),
                    count,
                    cashless,
                    round(100.0 * cashless / count, 1) if count else 0.0,
                ]
                for area, period, count, cashless in report["cashless"]
            ],
            [text, text, money, money, percent],
        )
        sheet(
            env._("Paid in cash"),
            env._("Beneficiaries still paid in cash or at home"),
            [
                env._("Month"),
                env._("Beneficiary Code"),
                env._("Beneficiary"),
                env._("Commune"),
                env._("Method"),
                env._("Reason"),
                env._("Amount"),
            ],
            [
                [
                    month(line.period),
                    line.beneficiary_ref or "",
                    line.partner_id.name or "",
                    line.area_id.name or "",
                    methods.get(line.method, ""),
                    reasons.get(line.cash_reason, ""),
                    line.amount_planned,
                ]
                for line in report["cash_list"]
            ],
            [text] * 6 + [money],
        )
        sheet(
            env._("Fees"),
            env._("Fees per provider and month"),
            [
                env._("Provider"),
                env._("Month"),
                env._("Paid Lines"),
                env._("Paid"),
                env._("Fee"),
            ],
            [
                [provider.name or "", month(period), *totals]
                for provider, period, *totals in report["fees"]
            ],
            [text, text, money, money, money],
        )
        sheet(
            env._("Half-year"),
            env._("Half-year summary per commune"),
            [
                env._("Half-year"),
                env._("Commune"),
                env._("Beneficiaries"),
                env._("Payments"),
                env._("Planned"),
                env._("Paid"),
                env._("Fee"),
                methods.get("bank", "bank"),
                methods.get("ewallet", "ewallet"),
                methods.get("cash_point", "cash_point"),
                methods.get("cash_home", "cash_home"),
            ],
            [
                [
                    summary.half_year,
                    summary.area_id.name or "",
                    summary.beneficiary_count,
                    summary.line_count,
                    summary.amount_planned,
                    summary.amount_paid,
                    summary.fee_amount,
                    summary.bank_count,
                    summary.ewallet_count,
                    summary.cash_point_count,
                    summary.cash_home_count,
                ]
                for summary in report["half_year"]
            ],
            [text, text] + [money] * 9,
        )
