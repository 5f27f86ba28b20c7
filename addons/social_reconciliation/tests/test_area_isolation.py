import base64
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import GROUP, SocialReconciliationCommon

DENIED = "doesn't have '(read|write)' access to"


@tagged("post_install", "-at_install")
class TestReconciliationAreaIsolation(SocialReconciliationCommon):
    """Finance of another district of the same province against January's
    results of Huyện Đối Chiếu: the reconciliation, its results and totals,
    the analysis rows, the provider's result file, the import wizard that
    carried it, the chatter and the settlement entries."""

    WORLD = "6"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.district_2 = cls.env["social.area"].create(
            {
                "name": "Huyện Khác",
                "code": f"R8{cls.WORLD}2",
                "level": "district",
                "parent_id": cls.province.id,
            }
        )
        cls.finance_other = new_test_user(
            cls.env,
            login="rc_finance_other",
            groups=f"base.group_user,{GROUP}finance,base.group_allow_export",
            email=False,
            social_area_ids=[Command.set(cls.district_2.ids)],
        )
        cls.finance_colleague = cls._user(
            "rc_finance_colleague", "finance", cls.district
        )
        cls.wizard = (
            cls.env["social.payout.result.import"]
            .with_user(cls.finance)
            .create(
                {
                    "batch_id": cls.batch.id,
                    "file": base64.b64encode(cls._csv(cls._result_rows(cls.batch))),
                    "filename": "ket_qua.csv",
                }
            )
        )
        action = cls.wizard.action_import()
        cls.reconciliation = cls.env["social.payout.reconciliation"].browse(
            action["res_id"]
        )
        cls.reconciliation.with_user(cls.finance).action_validate()
        cls.reconciliation.with_user(cls.finance).action_settle()
        Attachment = cls.env["ir.attachment"]
        cls.result_file = Attachment.search(
            [
                ("res_model", "=", cls.reconciliation._name),
                ("res_id", "=", cls.reconciliation.id),
            ]
        )
        cls.wizard_file = Attachment.search(
            [
                ("res_model", "=", cls.wizard._name),
                ("res_id", "=", cls.wizard.id),
                ("res_field", "=", "file"),
            ]
        )
        cls.records = {
            "social.payout.reconciliation": cls.reconciliation,
            "social.payout.result": cls.reconciliation.result_ids,
            "social.payout.reconciliation.summary": cls.env[
                "social.payout.reconciliation.summary"
            ].search([("reconciliation_id", "=", cls.reconciliation.id)]),
            "social.payout.analysis": cls.env["social.payout.analysis"].search(
                [("batch_id", "=", cls.batch.id)]
            ),
            "social.payout.half.year.report": cls.env[
                "social.payout.half.year.report"
            ].search([("area_id", "child_of", cls.district.id)]),
            "social.payout.result.import": cls.env[
                "social.payout.result.import"
            ].browse(cls.wizard.id),
            "account.move": cls.reconciliation.move_ids,
            "mail.message": cls.env["mail.message"].search(
                [
                    ("model", "=", cls.reconciliation._name),
                    ("res_id", "=", cls.reconciliation.id),
                ]
            ),
        }

    def test_fixture_is_complete_and_visible_to_its_district(self):
        self.assertEqual(self.reconciliation.state, "settled")
        self.assertTrue(self.result_file)
        self.assertTrue(self.wizard_file)
        for model, records in self.records.items():
            with self.subTest(model=model):
                self.assertTrue(records)
                if model == "account.move":
                    continue  # entries: see the paying-unit test below
                self.assertEqual(
                    self.env[model]
                    .with_user(self.finance)
                    .search_count([("id", "in", records.ids)]),
                    len(records),
                )
        self.assertTrue(self.result_file.with_user(self.finance).read(["raw"]))

    def test_other_district_finds_and_reads_nothing(self):
        for model, records in self.records.items():
            if model == "account.move":
                continue  # one set of books per paying unit: see README
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.finance_other)
                domain = [("id", "in", records.ids)]
                self.assertFalse(Model.search(domain))
                self.assertEqual(Model.search_count(domain), 0)
                if model != "mail.message":
                    self.assertEqual(
                        Model.read_group(domain, ["__count"], [])[0]["__count"], 0
                    )
                fname = "area_id" if "area_id" in records else "create_date"
                with self.assertRaises(AccessError):
                    records.with_user(self.finance_other).read([fname])
                if model != "mail.message":
                    with self.assertRaisesRegex(AccessError, DENIED):
                        records.with_user(self.finance_other).export_data([fname])
        Reconciliation = self.env["social.payout.reconciliation"].with_user(
            self.finance_other
        )
        self.assertFalse(Reconciliation.name_search(self.reconciliation.name))

    def test_result_files_stay_with_their_unit(self):
        files = self.result_file | self.wizard_file
        Attachment = self.env["ir.attachment"].with_user(self.finance_other)
        self.assertFalse(
            Attachment.with_context(skip_res_field_check=True).search(
                [("id", "in", files.ids)]
            )
        )
        for attachment in files:
            with self.subTest(attachment=attachment.name):
                with self.assertRaises(AccessError):
                    attachment.with_user(self.finance_other).read(["raw"])
        # the wizard that carried the file is its uploader's only; the file
        # itself is kept on the reconciliation for the colleagues
        with self.assertRaisesRegex(AccessError, DENIED):
            self.wizard.with_user(self.finance_colleague).read(["file"])
        with self.assertRaises(AccessError):
            self.wizard_file.with_user(self.finance_colleague).read(["raw"])
        self.assertTrue(
            self.result_file.with_user(self.finance_colleague).read(["raw"])
        )

    def test_other_district_cannot_write(self):
        # refused by the rules before any check that would name the record
        with self.assertRaises(AccessError) as refusal:
            self.reconciliation.with_user(self.finance_other).write(
                {"unpaid_policy": "refund"}
            )
        self.assertNotIn(self.reconciliation.name, str(refusal.exception))
        self.assertEqual(self.reconciliation.unpaid_policy, "carry_over")
        with self.assertRaisesRegex(AccessError, DENIED):
            self.result_file.with_user(self.finance_other).write({"name": "x.csv"})
        self.assertNotEqual(self.result_file.name, "x.csv")
        with self.assertRaises(AccessError):
            self.env["mail.message"].with_user(self.finance_other).create(
                {
                    "model": self.reconciliation._name,
                    "res_id": self.reconciliation.id,
                    "body": "x",
                    "message_type": "comment",
                }
            )
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", self.reconciliation._name),
                    ("res_id", "=", self.reconciliation.id),
                    ("author_id", "=", self.finance_other.partner_id.id),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestReconciliationPayingUnit(SocialReconciliationCommon):
    """A second paying unit (company B) settles its own month; finance of
    unit A, serving the whole province, reads none of B's results, files or
    entries."""

    WORLD = "5"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.district_b = cls.env["social.area"].create(
            {
                "name": "Huyện Đơn Vị B",
                "code": f"R8{cls.WORLD}2",
                "level": "district",
                "parent_id": cls.province.id,
            }
        )
        commune = cls.env["social.area"].create(
            {
                "name": "Xã Đơn Vị B",
                "code": f"R8{cls.WORLD}201",
                "level": "commune",
                "parent_id": cls.district_b.id,
            }
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Đơn vị chi trả B", "currency_id": cls.company.currency_id.id}
        )
        cls.company_b.action_social_create_suggested_accounts()
        provider = cls._provider(
            "VNPost B", "Bưu điện B", [("bank", 0.5, 1000)], company_id=cls.company_b.id
        )

        def user_b(login, group):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{GROUP}{group}",
                email=False,
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
                social_area_ids=[Command.set(cls.district_b.ids)],
            )

        officer_b = user_b("rc_officer_b", "commune_officer")
        approver_b = user_b("rc_approver_b", "approver")
        cls.finance_b = user_b("rc_finance_b", "finance")
        cls.finance_a = new_test_user(
            cls.env,
            login="rc_finance_province",
            groups=f"base.group_user,{GROUP}finance",
            email=False,
            social_area_ids=[Command.set(cls.province.ids)],
        )
        person = cls._beneficiary("Vũ Thị Hạnh", commune, "001160005021")
        cls._allowance(person, cls.cat_15)
        registration = cls.env["social.payment.registration"].create(
            {
                "beneficiary_id": person.id,
                "method": "bank",
                "bank_account_id": cls._account(person, "0071000050021").id,
                "date_from": date(2024, 1, 1),
            }
        )
        registration.with_user(approver_b).action_verify()
        batch = (
            cls.env["social.payout.batch"]
            .with_user(officer_b)
            .create(
                {
                    "program_id": cls.program.id,
                    "period": cls.JAN,
                    "area_id": cls.district_b.id,
                    "provider_id": provider.id,
                }
            )
        )
        batch.with_user(officer_b).action_generate_lines()
        batch.with_user(officer_b).action_submit()
        batch.with_user(approver_b).action_approve()
        batch.sudo().transfer_date = cls.JAN - timedelta(days=8)
        batch.with_user(cls.finance_b).action_transfer()
        cls.batch_b = cls.env["social.payout.batch"].browse(batch.id)
        cls.reconciliation_b = cls._import(
            cls.batch_b,
            cls._csv(cls._result_rows(cls.batch_b)),
            "ket_qua_b.csv",
            user=cls.finance_b,
        )
        cls.reconciliation_b.action_validate()
        cls.reconciliation_b.action_settle()
        cls.reconciliation_b = cls.env["social.payout.reconciliation"].browse(
            cls.reconciliation_b.id
        )

    def test_finance_of_unit_a_reads_nothing_of_unit_b(self):
        reconciliation = self.reconciliation_b
        self.assertEqual(reconciliation.company_id, self.company_b)
        self.assertEqual(reconciliation.state, "settled")
        moves = reconciliation.move_ids | self.batch_b.transfer_move_id
        self.assertEqual(moves.company_id, self.company_b)
        result_file = self.env["ir.attachment"].search(
            [
                ("res_model", "=", reconciliation._name),
                ("res_id", "=", reconciliation.id),
            ]
        )
        records = {
            "account.move": moves,
            "account.move.line": moves.line_ids,
            "social.payout.batch": self.batch_b,
            "social.payout.line": self.batch_b.line_ids,
            "social.payout.reconciliation": reconciliation,
            "social.payout.result": reconciliation.result_ids,
            "ir.attachment": result_file,
        }
        for model, recs in records.items():
            with self.subTest(model=model):
                self.assertTrue(recs)
                self.assertEqual(
                    self.env[model]
                    .with_user(self.finance_b)
                    .search_count([("id", "in", recs.ids)]),
                    len(recs),
                )
                Model = self.env[model].with_user(self.finance_a)
                self.assertFalse(Model.search([("id", "in", recs.ids)]))
                # results keep no create date (_log_access): their reference
                fname = (
                    "reference" if model == "social.payout.result" else "create_date"
                )
                with self.assertRaises(AccessError):
                    recs.with_user(self.finance_a).read([fname])
        # unit A's own month stays in reach of its finance
        self.assertTrue(
            self.env["social.payout.batch"]
            .with_user(self.finance_a)
            .search([("id", "=", self.batch.id)])
        )
