"""A beneficiary list as a file (issue 12): headers however they are typed,
XLSX with Vietnamese headers and real dates, the suite's own template read
back, the NCC office's format (a preset) with the rate of injury, and hostile
or unreadable files refused with a message before anything is read.
"""

import base64
import io
import zipfile
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .import_common import (
    HEADER,
    NEW_ROW,
    BeneficiaryImportCommon,
    csv_file,
    xlsx_file,
)


@tagged("post_install", "-at_install")
class TestBeneficiaryImportFormats(BeneficiaryImportCommon):
    def test_headers_tolerant_of_accents_case_and_spacing(self):
        header = [
            "SO CCCD",
            "Họ  và Tên",
            "ngay_sinh",
            "Giới tính",
            "MÃ XÃ",
            "chương trình",
            "Mã   đối tượng",
            "Ngày bắt đầu hưởng",
            "So quyet dinh",
            "ngày quyết định",
            "Cột thừa",
        ]
        keys = [
            "citizen_id",
            "name",
            "birth_date",
            "gender",
            "commune_code",
            "program",
            "category",
            "date_start",
            "decision_ref",
            "decision_date",
            "extra",
        ]
        row = dict(NEW_ROW, gender="Nữ", extra="ignored", birth_date="01/05/1948")
        wizard = self._wizard(csv_file([row], header=header, delimiter=";", keys=keys))
        wizard.action_preview()
        self.assertEqual((wizard.count_new, wizard.count_refused), (1, 0))
        wizard.action_apply()
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertEqual(partner.name, "Phạm Thị Hoa")
        self.assertEqual(partner.birth_date, date(1948, 5, 1))
        self.assertEqual(partner.gender, "female")
        self.assertEqual(partner.allowance_ids.date_start, date(2024, 7, 1))

    # -------------------------------------------------------------------- xlsx
    def test_xlsx_with_vietnamese_headers_and_dates(self):
        keys = ["citizen_id", "name", "birth_date", "commune_code", "program"]
        vietnamese = ["Số CCCD", "Họ và tên", "Ngày sinh", "Mã xã", "Chương trình"]
        row = dict(NEW_ROW, birth_date=date(1948, 5, 1))
        content = xlsx_file([vietnamese, keys], [row], keys)
        wizard = self._wizard(content, filename="danh_sach.xlsx")
        wizard.action_preview()
        self.assertEqual((wizard.count_new, wizard.count_refused), (1, 0))
        wizard.action_apply()
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertEqual(partner.birth_date, date(1948, 5, 1))

    def test_template_downloads_and_reads_back(self):
        wizard = self._wizard(csv_file([]))
        action = wizard.action_download_template()
        self.assertIn("template_file", action["url"])
        content = base64.b64decode(wizard.template_file)
        check = self._wizard(content, filename="template.xlsx")
        check.action_preview()
        # the example row is ben_a with a new decision
        self.assertEqual((check.count_updated, check.count_refused), (1, 0))

    def test_hostile_xlsx_refused(self):
        content = xlsx_file([HEADER], [NEW_ROW], HEADER)
        source = zipfile.ZipFile(io.BytesIO(content))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(
                        b"?>",
                        b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
                        1,
                    )
                target.writestr(item, data)
        before = self._snapshot()
        wizard = self._wizard(output.getvalue(), filename="list.xlsx")
        with self.assertRaisesRegex(UserError, "DTD or entities"):
            wizard.action_preview()
        self.assertEqual(self._snapshot(), before)

    def test_bad_files_refused_with_a_message(self):
        wizard = self._wizard("tên;số\n".encode("cp1258", "replace") + b"\xff\xfe")
        with self.assertRaisesRegex(UserError, "not UTF-8"):
            wizard.action_preview()
        wizard = self._wizard(b"PK\x03\x04 not a zip", filename="x.xlsx")
        with self.assertRaisesRegex(UserError, "not a readable XLSX"):
            wizard.action_preview()
        wizard = self._wizard(b"a,b,c\n1,2,3\n")
        with self.assertRaisesRegex(UserError, "No header row"):
            wizard.action_preview()

    def test_ncc_preset(self):
        preset = self.env.ref("social_beneficiary.import_preset_ncc_list")
        header = ["STT", "Họ và tên", "Số CCCD", "Ngày sinh", "Mã xã", "Mã chế độ",
                  "Hưởng từ ngày", "Số QĐ", "Ngày QĐ"]  # fmt: skip
        keys = ["n", "name", "citizen_id", "birth_date", "commune_code", "category",
                "date_start", "decision_ref", "decision_date"]  # fmt: skip
        row = dict(NEW_ROW, n="1", category="tnls_1")
        wizard = self._wizard(
            csv_file([row], header=header, keys=keys), preset_id=preset.id
        )
        wizard.action_preview()
        self.assertEqual((wizard.count_new, wizard.count_refused), (1, 0))
        wizard.action_apply()
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertEqual(partner.allowance_ids.program_id, self.ncc)

    def test_rate_column_for_war_invalids(self):
        """A war invalid's amount depends on the rate of injury (NĐ 77/2024
        Phụ lục II: 61 % is 5,450,000 VND a month from 1/7/2024): the list gives
        it in the rate column, and a row without it, out of the table's bands
        or on a category without rates is refused."""
        preset = self.env.ref("social_beneficiary.import_preset_ncc_list")
        header = ["Họ và tên", "Số CCCD", "Ngày sinh", "Mã xã", "Mã chế độ",
                  "Tỷ lệ tổn thương (%)", "Hưởng từ ngày", "Số QĐ",
                  "Ngày QĐ"]  # fmt: skip
        keys = ["name", "citizen_id", "birth_date", "commune_code", "category",
                "rate", "date_start", "decision_ref", "decision_date"]  # fmt: skip
        rows = [
            dict(NEW_ROW, category="tb", rate="61"),
            dict(NEW_ROW, citizen_id="051148000778", category="tb", rate=""),
            dict(NEW_ROW, citizen_id="051148000779", category="tb", rate="150"),
            dict(NEW_ROW, citizen_id="051148000780", category="tnls_1", rate="61"),
        ]
        for row, name in zip(
            rows[1:], ("Lê Thị Bảo", "Trần Thị Cúc", "Đỗ Thị Dung"), strict=True
        ):
            row["name"] = name
        before = self._snapshot()
        wizard = self._wizard(
            csv_file(rows, header=header, keys=keys), preset_id=preset.id
        )
        wizard.action_preview()
        self.assertEqual((wizard.count_new, wizard.count_refused), (1, 3))
        problems = {error.row: error.message for error in wizard.error_ids}
        self.assertIn("paid by the rate of injury or disability", problems[3])
        self.assertIn("150 is not a whole percentage", problems[4])
        self.assertIn("is not paid by a rate", problems[5])
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertEqual(self._snapshot(), before)
        good = self._wizard(
            csv_file(rows[:1], header=header, keys=keys), preset_id=preset.id
        )
        good.action_preview()
        self.assertEqual((good.count_new, good.count_refused), (1, 0))
        good.action_apply()
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertEqual(partner.allowance_ids.rate, 61)
        self.assertEqual(partner.allowance_ids.category_id.code, "tb")
        amounts = self.env["social.allowance"]._get_monthly_amounts(
            self.ncc, date(2024, 7, 1), partner_ids=partner.ids
        )
        self.assertEqual(amounts[(partner.id, date(2024, 7, 1))], 5450000)
