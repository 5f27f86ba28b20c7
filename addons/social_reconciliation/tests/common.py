# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date, timedelta

import openpyxl

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

GROUP = "social_beneficiary.group_social_"
ENGLISH_HEADER = [
    "reference",
    "status",
    "amount_paid",
    "paid_date",
    "provider_ref",
    "reason",
]
VIETNAMESE_HEADER = [
    "Mã chi trả",
    "Trạng thái",
    "Số tiền đã chi",
    "Ngày chi",
    "Mã giao dịch",
    "Lý do",
]


class SocialReconciliationCommon(TransactionCase):
    """One district, two communes, four beneficiaries of BTXH in 2025
    (base level 500,000):

    - an (commune A, own bank account, 1.5): 750,000;
    - binh (commune A, no registration: cash at the pay point, 2.0): 1,000,000;
    - cuong (commune B, own bank account, 1.5): 750,000;
    - dung (commune B, registered for cash at the pay point, 1.5): 750,000.

    January's batch is built and transferred through the payout workflow
    (officer generates and submits, approver approves, finance transfers).
    """

    JAN = date(2025, 1, 1)
    FEB = date(2025, 2, 1)
    MAR = date(2025, 3, 1)
    APR = date(2025, 4, 1)
    # A digit that keeps the codes, logins and citizen IDs of a second world
    # (the race tests commit one through their own connections) apart.
    WORLD = "0"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._build_world()

    @classmethod
    def _build_world(cls):
        w = cls.WORLD
        Area = cls.env["social.area"]
        cls.province = Area.create(
            {"name": "Tỉnh Đối Chiếu", "code": f"R8{w}", "level": "province"}
        )
        cls.district = Area.create(
            {
                "name": "Huyện Đối Chiếu",
                "code": f"R8{w}1",
                "level": "district",
                "parent_id": cls.province.id,
            }
        )
        cls.commune_a = Area.create(
            {
                "name": "Xã Hòa An",
                "code": f"R8{w}101",
                "level": "commune",
                "parent_id": cls.district.id,
            }
        )
        cls.commune_b = Area.create(
            {
                "name": "Xã Hòa Bình",
                "code": f"R8{w}102",
                "level": "commune",
                "parent_id": cls.district.id,
            }
        )
        cls.program = cls.env.ref("social_beneficiary.program_btxh")
        cls.cat_15 = cls.env.ref("social_beneficiary.category_btxh_k5a_60")
        cls.cat_20 = cls.env.ref("social_beneficiary.category_btxh_k5a_80")
        cls.bank_vcb = cls.env.ref("social_beneficiary.bank_vcb")

        cls.company = cls.env.company
        cls.company.action_social_create_suggested_accounts()
        cls.provider_partner = cls.env["res.partner"].create(
            {"name": "Bưu điện Đối Chiếu", "is_company": True}
        )
        cls.provider = cls.env["social.payout.provider"].create(
            {
                "name": "VNPost Đối Chiếu",
                "partner_id": cls.provider_partner.id,
                "fee_rule_ids": [
                    Command.create(
                        {
                            "method": "bank",
                            "percent": 0.5,
                            "min_amount": 1000,
                            "max_amount": 20000,
                        }
                    ),
                    Command.create(
                        {
                            "method": "cash_point",
                            "percent": 0.8,
                            "min_amount": 2000,
                            "max_amount": 50000,
                        }
                    ),
                ],
            }
        )
        cls.an = cls._beneficiary("Nguyễn Thị An", cls.commune_a, f"00115000{w}011")
        cls.binh = cls._beneficiary("Trần Văn Bình", cls.commune_a, f"00104000{w}012")
        cls.cuong = cls._beneficiary("Lê Văn Cường", cls.commune_b, f"00105500{w}013")
        cls.dung = cls._beneficiary("Phạm Thị Dung", cls.commune_b, f"00114800{w}014")
        cls.allowance_an = cls._allowance(cls.an, cls.cat_15)
        cls.allowance_binh = cls._allowance(cls.binh, cls.cat_20)
        cls.allowance_cuong = cls._allowance(cls.cuong, cls.cat_15)
        cls.allowance_dung = cls._allowance(cls.dung, cls.cat_15)

        # The district's officer builds the batches; the commune's officer
        # follows up the commune's beneficiaries. Nobody has an e-mail address,
        # as in most communes.
        cls.officer = cls._user(f"rc{w}_officer", "commune_officer", cls.district)
        cls.commune_officer = cls._user(
            f"rc{w}_commune_officer", "commune_officer", cls.commune_a
        )
        cls.approver = cls._user(f"rc{w}_approver", "approver", cls.district)
        cls.finance = cls._user(f"rc{w}_finance", "finance", cls.district)
        cls.auditor = cls._user(f"rc{w}_auditor", "auditor", cls.district)

        cls._registration(cls.an, "bank", cls._account(cls.an, f"00710000{w}0011"))
        cls._registration(
            cls.cuong, "bank", cls._account(cls.cuong, f"00710000{w}0013")
        )
        cls._registration(cls.dung, "cash_point", None)

        cls.batch = cls._transferred_batch(cls.JAN)

    # ------------------------------------------------------------ helpers

    @classmethod
    def _beneficiary(cls, name, area, citizen_id):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_beneficiary": True,
                "area_id": area.id,
                "citizen_id": citizen_id,
                "gender": "female" if citizen_id[3] == "1" else "male",
                "birth_date": date(1900 + int(citizen_id[4:6]), 1, 1),
            }
        )

    @classmethod
    def _allowance(cls, partner, category):
        allowance = cls.env["social.allowance"].create(
            {
                "partner_id": partner.id,
                "category_id": category.id,
                "date_start": date(2024, 1, 1),
                "decision_ref": f"QĐ-ĐC-{partner.id}",
                "decision_date": date(2023, 12, 20),
            }
        )
        allowance.action_activate()
        return allowance

    @classmethod
    def _account(cls, partner, number):
        return cls.env["res.partner.bank"].create(
            {"partner_id": partner.id, "acc_number": number, "bank_id": cls.bank_vcb.id}
        )

    @classmethod
    def _registration(cls, partner, method, account):
        registration = cls.env["social.payment.registration"].create(
            {
                "beneficiary_id": partner.id,
                "method": method,
                "payee_role": "self",
                "bank_account_id": account.id if account else False,
                "date_from": date(2024, 1, 1),
            }
        )
        registration.with_user(cls.approver).action_verify()
        return registration

    @classmethod
    def _user(cls, login, group, area):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{GROUP}{group}",
            email=False,
            social_area_ids=[Command.set(area.ids)],
        )

    @classmethod
    def _transferred_batch(cls, period):
        batch = (
            cls.env["social.payout.batch"]
            .with_user(cls.officer)
            .create(
                {
                    "program_id": cls.program.id,
                    "period": period,
                    "area_id": cls.district.id,
                    "provider_id": cls.provider.id,
                }
            )
        )
        batch.with_user(cls.officer).action_generate_lines()
        batch.with_user(cls.officer).action_submit()
        batch.with_user(cls.approver).action_approve()
        # The treasury transfers before the 25th of the month before payment.
        batch.sudo().transfer_date = period - timedelta(days=8)
        batch.with_user(cls.finance).action_transfer()
        return batch.with_user(cls.finance)

    @classmethod
    def _settle_month(cls, batch, failed=(), policy="carry_over"):
        """Import, validate and settle a batch where ``failed`` went unpaid."""
        rows = cls._result_rows(batch, failed=failed)
        reconciliation = cls._import(batch, cls._csv(rows), "result.csv")
        reconciliation.unpaid_policy = policy
        reconciliation.action_validate()
        reconciliation.action_settle()
        return reconciliation

    @classmethod
    def _result_rows(cls, batch, failed=(), paid_date=None):
        paid_date = paid_date or (batch.period + timedelta(days=9)).isoformat()
        rows = []
        for line in batch.sudo().line_ids.sorted("reference"):
            if line.partner_id in failed:
                rows.append(
                    [
                        line.reference,
                        "failed",
                        0,
                        "",
                        "",
                        "Vắng nhà, không liên lạc được",
                    ]
                )
            else:
                rows.append(
                    [
                        line.reference,
                        "paid",
                        # a provider writes whole đồng (Monetary reads a float)
                        int(line.amount),
                        paid_date,
                        f"GD{line.id:06d}",
                        "",
                    ]
                )
        return rows

    @staticmethod
    def _csv(rows, header=None, delimiter=",", bom=False, encoding="utf-8"):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(header or ENGLISH_HEADER)
        writer.writerows(rows)
        text = ("\ufeff" if bom else "") + buffer.getvalue()
        return text.encode(encoding)

    @staticmethod
    def _xlsx(rows, headers=None):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for header in headers or [ENGLISH_HEADER]:
            sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @classmethod
    def _import(cls, batch, content, filename, user=None):
        wizard = (
            cls.env["social.payout.result.import"]
            .with_user(user or cls.finance)
            .create(
                {
                    "batch_id": batch.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )
        action = wizard.action_import()
        return (
            cls.env["social.payout.reconciliation"]
            .with_user(user or cls.finance)
            .browse(action["res_id"])
        )

    def _line(self, batch, partner):
        return batch.sudo().line_ids.filtered(lambda line: line.partner_id == partner)

    def _snapshot(self, batch):
        """What an import must not change when it is refused."""
        lines = batch.sudo().line_ids
        lines.invalidate_recordset()
        return (
            batch.sudo().state,
            self.env["social.payout.reconciliation"].sudo().search_count([]),
            self.env["social.payout.result"].sudo().search_count([]),
            sorted(lines.mapped(lambda line: (line.reference, line.state))),
        )

    def _row_versions(self, records):
        """{id: ctid}: PostgreSQL gives a row a new ctid on every UPDATE, even
        inside the test's single transaction (where write_date stays the same),
        so equal versions prove that nothing was written."""
        records.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id, ctid::text FROM %s WHERE id IN %s",
                SQL.identifier(records._table),
                tuple(records.ids) or (0,),
            )
        )
        return dict(self.env.cr.fetchall())
