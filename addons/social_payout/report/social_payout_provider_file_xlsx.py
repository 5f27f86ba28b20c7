# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.social_beneficiary.tools.spreadsheet import (
    SAFE_WORKBOOK_OPTIONS,
    write_cells,
    write_rows,
)


class SocialPayoutProviderFileXlsx(models.AbstractModel):
    """Provider file: one row per line, the Vietnamese headers on row 1 and the
    English ones (the contract) on row 2. Written a row at a time in
    xlsxwriter's constant_memory mode (``write_rows``), lines read in keyset
    pages: memory does not grow with the number of lines."""

    _name = "report.social_payout.provider_file_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Payout Provider File (XLSX)"

    def get_workbook_options(self):
        # names and references typed by users are text, never formulas
        return {"constant_memory": True, **SAFE_WORKBOOK_OPTIONS}

    def generate_xlsx_report(self, workbook, data, objs):
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0"})
        for batch in objs:
            english, vietnamese = batch._provider_file_headers()
            sheet = workbook.add_worksheet(batch.name.replace("/", "-")[:31])
            widths = [24, 14, 28, 14, 28, 14, 11, 10, 20, 14, 24]
            for col, width in enumerate(widths):
                sheet.set_column(col, col, width)
            write_cells(sheet, 0, 0, vietnamese, bold)
            write_cells(sheet, 1, 0, english, bold)
            write_rows(
                sheet, 2, batch._iter_provider_file_rows(), cell_formats={9: money}
            )
            sheet.freeze_panes(2, 0)
