# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import GROUP, SocialPayoutCommon

DENIED = "doesn't have '(read|write)' access to"


@tagged("post_install", "-at_install")
class TestPayoutAreaIsolation(SocialPayoutCommon):
    """The officer of Huyện Hai against July's batch of Huyện Một: the batch,
    its lines, months paid, dropouts, provider file, chatter, and the proxy
    paid in it with his account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer_other.groups_id = [
            Command.link(cls.env.ref("base.group_allow_export").id)
        ]
        # the fixture's batches live in their creator's environment
        cls.batch = cls.env["social.payout.batch"].browse(cls.batch_july.id)
        cls.file = cls.batch.sudo()._make_provider_csv_attachment()
        cls.batch._message_log(body="Đã lập danh sách")
        cls.message = cls.env["mail.message"].search(
            [("model", "=", cls.batch._name), ("res_id", "=", cls.batch.id)], limit=1
        )
        cls.records = {
            "social.payout.batch": cls.batch,
            "social.payout.line": cls.batch.line_ids,
            "social.payout.line.month": cls.env["social.payout.line.month"].search(
                [("batch_id", "=", cls.batch.id)]
            ),
            "social.payout.dropout": cls.batch.dropout_ids,
            "ir.attachment": cls.file,
            "mail.message": cls.message,
            "res.partner": cls.proxy,
            "res.partner.bank": cls.proxy_account,
        }

    def test_fixture_is_complete(self):
        for model, records in self.records.items():
            with self.subTest(model=model):
                self.assertTrue(records)
        # the officer of the batch's district sees all of it: the refusals
        # below are the area's
        for model, records in self.records.items():
            with self.subTest(model=model, user="officer"):
                self.assertEqual(
                    self.env[model]
                    .with_user(self.officer)
                    .search_count([("id", "in", records.ids)]),
                    len(records),
                )

    def test_other_district_finds_nothing(self):
        for model, records in self.records.items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.officer_other)
                domain = [("id", "in", records.ids)]
                self.assertFalse(Model.search(domain))
                self.assertEqual(Model.search_count(domain), 0)
                if model not in ("ir.attachment", "mail.message"):
                    self.assertEqual(
                        Model.read_group(domain, ["__count"], [])[0]["__count"], 0
                    )
        Batch = self.env["social.payout.batch"].with_user(self.officer_other)
        self.assertFalse(Batch.name_search(self.batch.name))
        Line = self.env["social.payout.line"].with_user(self.officer_other)
        self.assertFalse(Line.name_search(self.batch.line_ids[0].reference))

    def test_other_district_cannot_read_export_or_write(self):
        for model, records in self.records.items():
            with self.subTest(model=model):
                fname = (
                    "batch_id" if model == "social.payout.line.month" else "create_date"
                )
                with self.assertRaises(AccessError):
                    records.with_user(self.officer_other).read([fname])
                if model not in ("ir.attachment", "mail.message"):
                    with self.assertRaisesRegex(AccessError, DENIED):
                        records.with_user(self.officer_other).export_data([fname])
        with self.assertRaisesRegex(AccessError, DENIED):
            self.batch.with_user(self.officer_other).write(
                {"area_id": self.district_2.id}
            )
        self.assertEqual(self.batch.area_id, self.district)
        line = self.batch.line_ids[0]
        payee = line.payee_id
        with self.assertRaisesRegex(AccessError, DENIED):
            line.with_user(self.officer_other).write(
                {"payee_id": self.officer_other.partner_id.id}
            )
        self.assertEqual(line.payee_id, payee)
        with self.assertRaisesRegex(AccessError, DENIED):
            self.proxy_account.with_user(self.officer_other).write(
                {"acc_number": "0999999999"}
            )
        self.assertEqual(self.proxy_account.acc_number, "0011000000009")

    def test_one_off_payee_takes_the_area_of_the_payment(self):
        """The organiser of a funeral paid for a beneficiary of Huyện Một is
        that district's: Huyện Hai and users without a role read neither the
        person nor the account."""
        organiser = self.env["res.partner"].create(
            {"name": "Ngô Văn Tổ", "phone": "0905123123"}
        )
        account = self._account(organiser, "0033000000001")
        self.env["social.one.off.payment"].create(
            {
                "partner_id": self.alive.id,
                "program_id": self.program.id,
                "kind": "other",
                "payee_id": organiser.id,
                "bank_account_id": account.id,
                "amount": 1_000_000,
                "reason": "Hỗ trợ đột xuất",
                "legal_basis": "Nghị định 20/2021",
            }
        )
        internal = new_test_user(
            self.env, login="po_internal", groups="base.group_user"
        )
        manager = new_test_user(self.env, login="po_manager", groups=f"{GROUP}manager")
        for user in (self.officer, manager):
            with self.subTest(user=user.login):
                self.assertEqual(
                    organiser.with_user(user).read(["phone"])[0]["phone"],
                    "0905123123",
                )
                self.assertEqual(
                    self.env["res.partner.bank"]
                    .with_user(user)
                    .search([("id", "=", account.id)]),
                    account,
                )
        for user in (self.officer_other, internal):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                self.assertFalse(Partner.search([("id", "=", organiser.id)]))
                self.assertFalse(Partner.name_search("Ngô Văn Tổ"))
                with self.assertRaisesRegex(AccessError, DENIED):
                    organiser.with_user(user).read(["phone"])
                Bank = self.env["res.partner.bank"].with_user(user)
                self.assertFalse(Bank.search([("id", "=", account.id)]))
                with self.assertRaisesRegex(AccessError, DENIED):
                    account.with_user(user).write({"acc_number": "0999"})
        self.assertEqual(account.acc_number, "0033000000001")

    def test_billing_users_do_not_read_beneficiaries_accounts(self):
        """Odoo's billing rule opens every bank account to invoicing users: the
        accounts of beneficiaries and their representatives stay closed."""
        billing = new_test_user(
            self.env, login="po_billing", groups="account.group_account_invoice"
        )
        vendor_account = self.env["res.partner.bank"].create(
            {"partner_id": self.provider_partner.id, "acc_number": "0088000000001"}
        )
        Bank = self.env["res.partner.bank"].with_user(billing)
        mine = (vendor_account | self.proxy_account | self.alive_account).ids
        self.assertEqual(Bank.search([("id", "in", mine)]), vendor_account)
        with self.assertRaisesRegex(AccessError, DENIED):
            self.proxy_account.with_user(billing).read(["acc_number"])


@tagged("post_install", "-at_install")
class TestPayingUnitIsolation(SocialPayoutCommon):
    """Huyện Hai is a second paying unit with its own books (company B):
    finance of unit A, even serving the whole province, reads nothing of B's
    batch, lines, provider file or transfer entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "Phòng LĐTBXH Huyện Hai",
                "currency_id": cls.company.currency_id.id,
            }
        )
        cls.company_b.action_social_create_suggested_accounts()
        cls.provider_b = cls._provider(
            "VNPost Huyện Hai",
            "Bưu điện Huyện Hai",
            [("bank", 0.5, 1000)],
            company_id=cls.company_b.id,
        )

        def user_b(login, group):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{GROUP}{group}",
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
                social_area_ids=[Command.set(cls.district_2.ids)],
            )

        cls.officer_b = user_b("po_officer_b", "commune_officer")
        cls.approver_b = user_b("po_approver_b", "approver")
        cls.finance_b = user_b("po_finance_b", "finance")
        cls.finance_a = new_test_user(
            cls.env,
            login="po_finance_province",
            groups=f"base.group_user,{GROUP}finance",
            social_area_ids=[Command.set(cls.province.ids)],
        )
        cls.ben_c = cls._beneficiary(
            "Đỗ Thị Cúc", cls.commune_c, "001152000006", "female", date(1952, 1, 1)
        )
        cls._allowance(cls.ben_c, cls.cat_15, date(2023, 1, 1), date(2022, 12, 20))
        registration = cls.env["social.payment.registration"].create(
            {
                "beneficiary_id": cls.ben_c.id,
                "method": "bank",
                "bank_account_id": cls._account(cls.ben_c, "0022000000006").id,
                "date_from": date(2023, 1, 1),
            }
        )
        registration.with_user(cls.approver_b).action_verify()
        cls.batch_b = cls.env["social.payout.batch"].browse(
            cls._batch(
                cls.JULY,
                area=cls.district_2,
                provider=cls.provider_b,
                user=cls.officer_b,
            ).id
        )
        cls.batch_b.with_user(cls.officer_b).action_generate_lines()
        cls.batch_b.with_user(cls.officer_b).action_submit()
        cls.batch_b.with_user(cls.approver_b).action_approve()
        cls.batch_b.with_user(cls.finance_b).action_transfer()
        cls.file_b = cls.batch_b.sudo()._make_provider_csv_attachment()

    def test_unit_b_has_its_books(self):
        self.assertEqual(self.batch_b.company_id, self.company_b)
        self.assertEqual(self.batch_b.state, "transferred")
        self.assertEqual(self.batch_b.transfer_move_id.company_id, self.company_b)
        self.assertIn(self.ben_c, self.batch_b.line_ids.partner_id)
        # B's finance reads its own entry and file
        self.assertTrue(
            self.batch_b.transfer_move_id.with_user(self.finance_b).read(["name"])
        )
        self.assertTrue(self.file_b.with_user(self.finance_b).read(["name"]))

    def test_finance_of_unit_a_reads_nothing_of_unit_b(self):
        move = self.batch_b.transfer_move_id
        records = {
            "account.move": move,
            "account.move.line": move.line_ids,
            "social.payout.batch": self.batch_b,
            "social.payout.line": self.batch_b.line_ids,
            "ir.attachment": self.file_b,
        }
        for model, recs in records.items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.finance_a)
                self.assertFalse(Model.search([("id", "in", recs.ids)]))
                with self.assertRaises(AccessError):
                    recs.with_user(self.finance_a).read(["create_date"])
        # the province's area covers Huyện Hai: only the company keeps B apart
        self.assertTrue(
            self.env["social.payout.batch"]
            .with_user(self.finance_a)
            .search([("id", "=", self.batch_july.id)])
        )
        # even asking for company B in the context opens nothing
        Batch = (
            self.env["social.payout.batch"]
            .with_user(self.finance_a)
            .with_context(allowed_company_ids=self.company_b.ids)
        )
        with self.assertRaises(AccessError):
            Batch.search([("id", "=", self.batch_b.id)])
