"""One month through the three addons, on the demo data, as its users would run it.

The commune's list (social_beneficiary) becomes the month's batch (social_payout),
the provider receives our XLSX file, pays all but one person and returns its
result file built from our own file; the finance office imports it, validates and
settles (social_reconciliation). The books then hold exactly what the provider
still owes, and the unpaid person is carried into the next month once.

The three users have no e-mail address, as users provisioned by a province's
identity system usually have none: every step logs to the chatter all the same.
"""

import base64
import csv
import io

from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged

PROVIDER_FILE_COLUMNS = [
    "reference",
    "beneficiary_ref",
    "beneficiary",
    "citizen_id",
    "payee",
    "payee_citizen_id",
    "method",
    "bank_bin",
    "account_number",
    "amount",
    "commune",
]


@tagged("post_install", "-at_install")
class TestMonthEndToEnd(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env.ref(
            "social_payout.provider_vnpost", raise_if_not_found=False
        )
        if not cls.provider:
            raise AssertionError(
                "The cross-addon tests run on the demo data: install the addons "
                "with demo data (make test does)."
            )
        # the demo's provider with a partner of its own: the money the demo
        # provider still holds from the demo's history does not mix with this
        # month's on the clearing account
        demo_provider = cls.provider
        cls.provider = demo_provider.copy(
            {
                "name": "VNPost (e2e)",
                "partner_id": demo_provider.partner_id.copy(
                    {"name": "VNPost (e2e)"}
                ).id,
            }
        )
        cls.program = cls.env.ref("social_beneficiary.program_btxh")
        beneficiaries = cls.env["res.partner"].search(
            [("is_beneficiary", "=", True), ("area_id", "!=", False)]
        )
        # the district (or, in the two-level structure, the province) of the demo
        cls.area = beneficiaries.area_id[:1].parent_id or beneficiaries.area_id[:1]
        # a month no demo batch pays, after the demo decisions
        cls.period = fields.Date.context_today(cls.env["res.partner"]).replace(
            day=1
        ) + relativedelta(months=2)
        groups = "base.group_user,social_beneficiary.group_social_"
        areas = [Command.set(cls.area.ids)]
        cls.preparer = new_test_user(
            cls.env,
            login="e2e_preparer",
            email=False,
            groups=groups + "commune_officer",
            social_area_ids=areas,
        )
        cls.approver = new_test_user(
            cls.env,
            login="e2e_approver",
            email=False,
            groups=groups + "approver",
            social_area_ids=areas,
        )
        cls.finance = new_test_user(
            cls.env,
            login="e2e_finance",
            email=False,
            groups=groups + "finance",
            social_area_ids=areas,
        )

    def _provider_file_rows(self, batch):
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_xlsx("social_payout.provider_file_xlsx", batch.ids, None)
        )
        rows = list(load_workbook(io.BytesIO(content), read_only=True).active.values)
        header_index = rows.index(tuple(PROVIDER_FILE_COLUMNS))
        body = [row for row in rows[header_index + 1 :] if row and row[0]]
        return [dict(zip(PROVIDER_FILE_COLUMNS, row, strict=True)) for row in body]

    def _result_file(self, provider_rows, unpaid_reference, paid_date):
        """The provider's answer, in Vietnamese with its own extra column."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "Mã chi trả",
                "Trạng thái",
                "Số tiền đã chi",
                "Ngày chi",
                "Mã giao dịch",
                "Lý do",
                "Ghi chú bưu điện",
            ]
        )
        for number, row in enumerate(provider_rows, start=1):
            unpaid = row["reference"] == unpaid_reference
            writer.writerow(
                [
                    row["reference"],
                    "Chưa chi" if unpaid else "Đã chi",
                    0 if unpaid else int(row["amount"]),
                    "" if unpaid else paid_date.strftime("%d/%m/%Y"),
                    "" if unpaid else f"BD{number:06d}",
                    "Đi vắng" if unpaid else "",
                    "tổ 3",
                ]
            )
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    def _import_and_settle(self, batch, result):
        """The finance office imports the provider's answer, validates, settles."""
        wizard = (
            self.env["social.payout.result.import"]
            .with_user(self.finance)
            .create(
                {
                    "batch_id": batch.id,
                    "file": base64.b64encode(result),
                    "filename": "ket_qua_chi_tra.csv",
                }
            )
        )
        action = wizard.action_import()
        reconciliation = (
            self.env["social.payout.reconciliation"]
            .with_user(self.finance)
            .browse(action["res_id"])
        )
        reconciliation.action_validate()
        reconciliation.action_settle()
        return reconciliation

    def _open_clearing_lines(self, batches):
        return (
            batches.sudo()
            .transfer_move_id.line_ids.filtered(
                lambda line: line.account_id
                == self.env.company.social_clearing_account_id
            )
            .filtered(lambda line: not line.reconciled)
        )

    def _clearing_balance(self):
        account = self.env.company.social_clearing_account_id
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("partner_id", "=", self.provider.partner_id.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def test_month_round_trip(self):
        Batch = self.env["social.payout.batch"]
        balance_before = self._clearing_balance()
        batch = Batch.with_user(self.preparer).create(
            {
                "program_id": self.program.id,
                "period": self.period,
                "provider_id": self.provider.id,
                "area_id": self.area.id,
            }
        )
        batch.action_generate_lines()
        self.assertTrue(batch.line_ids, "the demo registry pays someone that month")
        self.assertEqual(batch.amount_total, sum(batch.line_ids.mapped("amount")))
        batch.action_submit()
        batch.with_user(self.approver).action_approve()
        batch.with_user(self.finance).action_transfer()
        self.assertEqual(batch.state, "transferred")
        self.assertEqual(self._clearing_balance() - balance_before, batch.amount_total)
        # each step is in the chatter, by its user, though none has an e-mail address
        self.assertFalse(
            any((self.preparer | self.approver | self.finance).mapped("email"))
        )
        authors = batch.sudo().message_ids.author_id
        for user in (self.preparer, self.approver, self.finance):
            self.assertIn(user.partner_id, authors)

        # the provider's file is our XLSX: one row per line, same total
        provider_rows = self._provider_file_rows(batch)
        self.assertEqual(len(provider_rows), len(batch.line_ids))
        self.assertEqual(
            sum(int(row["amount"]) for row in provider_rows), batch.amount_total
        )
        unpaid_line = batch.line_ids.sorted("reference")[0]
        paid_date = self.period + relativedelta(days=4)
        result = self._result_file(provider_rows, unpaid_line.reference, paid_date)

        reconciliation = self._import_and_settle(batch, result)
        self.assertEqual(reconciliation.batch_id, batch)
        self.assertEqual(len(reconciliation.result_ids), len(batch.line_ids))

        self.assertEqual(batch.state, "settled")
        self.assertEqual(unpaid_line.state, "failed")
        paid_lines = batch.line_ids - unpaid_line
        self.assertEqual(set(paid_lines.mapped("state")), {"paid"})
        self.assertEqual(set(paid_lines.mapped("paid_date")), {paid_date})
        for move in reconciliation.move_ids:
            self.assertEqual(move.state, "posted")
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
            )
        # the provider still holds exactly the unpaid money
        self.assertEqual(self._clearing_balance() - balance_before, unpaid_line.amount)
        # fees are owed on what was paid, never on the unpaid line
        self.assertEqual(unpaid_line.fee_amount, 0)
        self.assertEqual(batch.fee_total, sum(paid_lines.mapped("fee_amount")))

        # next month carries the unpaid amount once, and only once
        next_batch = Batch.with_user(self.preparer).create(
            {
                "program_id": self.program.id,
                "period": self.period + relativedelta(months=1),
                "provider_id": self.provider.id,
                "area_id": self.area.id,
            }
        )
        next_batch.action_generate_lines()
        next_batch.action_generate_lines()
        carried = next_batch.line_ids.filtered(
            lambda line: line.partner_id == unpaid_line.partner_id
        )
        self.assertEqual(len(carried), 1)
        self.assertEqual(carried.carry_over_amount, unpaid_line.amount)
        self.assertEqual(unpaid_line.carried_to_line_id, carried)
        self.assertEqual(
            sum(next_batch.line_ids.mapped("carry_over_amount")), unpaid_line.amount
        )
        # the carried money is with the provider already: not transferred twice
        next_batch.action_submit()
        next_batch.with_user(self.approver).action_approve()
        next_batch.with_user(self.finance).action_transfer()
        self.assertEqual(
            next_batch.transfer_amount, next_batch.amount_total - unpaid_line.amount
        )
        self.assertEqual(
            self._clearing_balance() - balance_before,
            unpaid_line.amount + next_batch.transfer_amount,
        )
        self.assertEqual(
            self._clearing_balance() - balance_before, next_batch.amount_total
        )
        # only the unpaid line's money stays open on the first transfer
        self.assertEqual(
            sum(self._open_clearing_lines(batch).mapped("amount_residual")),
            unpaid_line.amount,
        )

        # the next month is paid in full, carried money included: the provider
        # holds nothing any more and both transfers are fully reconciled
        self._import_and_settle(
            next_batch,
            self._result_file(
                self._provider_file_rows(next_batch),
                None,
                next_batch.period + relativedelta(days=4),
            ),
        )
        self.assertEqual(next_batch.state, "settled")
        self.assertEqual(carried.state, "paid")
        self.assertEqual(self._clearing_balance(), balance_before)
        self.assertFalse(self._open_clearing_lines(batch | next_batch))
