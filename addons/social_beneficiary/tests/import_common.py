"""What the tests of the beneficiary list import share: lists written as CSV
or XLSX, a new person's row, and the wizard used as a commune officer uses it
(``with_user``, no e-mail address), with a count of what the registry holds."""

import base64
import csv
import io
from datetime import date

import xlsxwriter

from odoo.tests import new_test_user

from .common import SocialBeneficiaryCommon

HEADER = (
    "citizen_id",
    "old_id_number",
    "name",
    "birth_date",
    "gender",
    "commune_code",
    "program",
    "category",
    "date_start",
    "date_end",
    "decision_ref",
    "decision_date",
    "method",
    "bank_bin",
    "account_number",
    "representative_name",
    "representative_citizen_id",
    "representative_role",
    "change",
    "reason",
)


def csv_file(rows, header=HEADER, delimiter=",", keys=None):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(key, "") for key in keys or header])
    return output.getvalue().encode("utf-8")


def xlsx_file(header_rows, rows, keys):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for line, header in enumerate(header_rows):
        for column, label in enumerate(header):
            sheet.write_string(line, column, label)
    for line, row in enumerate(rows, len(header_rows)):
        for column, key in enumerate(keys):
            value = row.get(key, "")
            if isinstance(value, date):
                sheet.write_datetime(
                    line,
                    column,
                    value,
                    workbook.add_format({"num_format": "dd/mm/yyyy"}),
                )
            else:
                sheet.write_string(line, column, value)
    workbook.close()
    return output.getvalue()


# a new person of commune A (Phổ Phong), with an allowance and a bank account
NEW_ROW = {
    "citizen_id": "051148000777",
    "name": "Phạm  Thị   Hoa",
    "birth_date": "1948-05-01",
    "gender": "female",
    "commune_code": "21445",
    "program": "BTXH",
    "category": "k5a_60",
    "date_start": "01/07/2024",
    "decision_ref": "77/QĐ-UBND",
    "decision_date": "10/07/2024",
    "method": "bank",
    "bank_bin": "970405",
    "account_number": "3300 1234 5678",
}


class BeneficiaryImportCommon(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # commune A (Phổ Phong) became Xã Nguyễn Nghiêm on 1 July 2025: the
        # list's old code brings its people there, so the officer serves both
        cls.commune_a_2025 = cls.commune_a.successor_ids
        cls.officer = new_test_user(
            cls.env,
            login="import_officer_a",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, (cls.commune_a | cls.commune_a_2025).ids)],
        )
        # the same communes, and the approver's rights (registrations verified)
        cls.officer_approver = new_test_user(
            cls.env,
            login="import_officer_approver",
            email=False,
            groups="social_beneficiary.group_social_commune_officer,"
            "social_beneficiary.group_social_approver",
            social_area_ids=[(6, 0, (cls.commune_a | cls.commune_a_2025).ids)],
        )
        cls.Partner = cls.env["res.partner"].with_context(active_test=False)

    def _wizard(self, content, filename="list.csv", user=None, **vals):
        return (
            self.env["social.beneficiary.import"]
            .with_user(user or self.officer)
            .create(
                dict(
                    {"file": base64.b64encode(content), "filename": filename},
                    **vals,
                )
            )
        )

    def _snapshot(self):
        return {
            model: self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([])
            for model in (
                "res.partner",
                "social.allowance",
                "social.payment.registration",
                "social.representative",
                "res.partner.bank",
                "social.beneficiary.id.history",
                "mail.message",
            )
        }

    def _problems(self, wizard):
        return {(error.row, error.field): error.message for error in wizard.error_ids}
