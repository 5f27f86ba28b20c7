# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's own "Export" to XLSX writes text cells with xlsxwriter's ``write``,
which turns a text beginning with ``=`` into a live formula. A beneficiary's
name, a reason or a reference typed by anyone reaches the lists that officers
export (DESIGN §7): every text of such an export is written as a text cell.
Odoo's CSV export already neutralises formula-like cells itself."""

from odoo.addons.web.controllers.export import (
    ExcelExport,
    ExportXlsxWriter,
    GroupExportXlsxWriter,
)


class TextCellsMixin:
    def write(self, row, column, cell_value, style=None):
        if isinstance(cell_value, str):
            return self.worksheet.write_string(row, column, cell_value, style)
        return super().write(row, column, cell_value, style)


class TextCellsExportXlsxWriter(TextCellsMixin, ExportXlsxWriter):
    pass


class TextCellsGroupExportXlsxWriter(TextCellsMixin, GroupExportXlsxWriter):
    pass


class SocialExcelExport(ExcelExport):
    def from_group_data(self, fields, columns_headers, groups):
        with TextCellsGroupExportXlsxWriter(
            fields, columns_headers, groups.count
        ) as xlsx_writer:
            x, y = 1, 0
            for group_name, group in groups.children.items():
                x, y = xlsx_writer.write_group(x, y, group_name, group)
        return xlsx_writer.value

    def from_data(self, fields, columns_headers, rows):
        with TextCellsExportXlsxWriter(
            fields, columns_headers, len(rows)
        ) as xlsx_writer:
            for row_index, row in enumerate(rows):
                for cell_index, cell_value in enumerate(row):
                    xlsx_writer.write_cell(row_index + 1, cell_index, cell_value)
        return xlsx_writer.value
