import io
import json

from openpyxl import load_workbook

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSafeListExport(HttpCase):
    """Odoo's "Export" of a list to XLSX carries no formula from the data."""

    NAME = '=HYPERLINK("http://example.com","Bấm vào đây")'

    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create({"name": self.NAME})
        new_test_user(
            self.env,
            login="export_officer",
            password="export_officer",
            email=False,
            groups="base.group_user,base.group_allow_export,"
            "social_beneficiary.group_social_commune_officer",
        )

    def _export(self, groupby):
        self.authenticate("export_officer", "export_officer")
        response = self.url_open(
            "/web/export/xlsx",
            data={
                "data": json.dumps(
                    {
                        "model": "res.partner",
                        "fields": [
                            {"name": "name", "label": "Name", "type": "char"},
                            {"name": "id", "label": "ID", "type": "integer"},
                        ],
                        "ids": self.partner.ids,
                        "domain": [("id", "=", self.partner.id)],
                        "groupby": groupby,
                        "import_compat": False,
                    }
                ),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return load_workbook(io.BytesIO(response.content)).active

    def test_formula_like_name_is_text(self):
        sheet = self._export([])
        cell = sheet.cell(row=2, column=1)
        self.assertEqual(cell.data_type, "s")
        self.assertEqual(cell.value, self.NAME)

    def test_formula_like_group_is_text(self):
        sheet = self._export(["name"])
        texts = [
            cell
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "HYPERLINK" in cell.value
        ]
        self.assertTrue(texts)
        self.assertEqual({cell.data_type for cell in texts}, {"s"})
