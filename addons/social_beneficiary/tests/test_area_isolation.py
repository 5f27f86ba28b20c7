import base64
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SocialBeneficiaryCommon

DENIED = "doesn't have '(read|write)' access to"


@tagged("post_install", "-at_install")
class TestAreaIsolation(SocialBeneficiaryCommon):
    """An officer of province Quảng Ngãi (A) against the records of a
    beneficiary of Đắk Lắk (B): the person, her guardian, their accounts, her
    registration, representative, former ID, possible duplicate, allowance,
    chatter and attachments. Every way in (search, count, read, read_group,
    name_search, export, write) shows nothing of B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.province_a = cls.province_qn
        cls.ben_x = cls._beneficiary(
            "Hờ Thị Xuân",
            cls.commune_bmt,
            citizen_id="066170000222",
            birth_date=date(1970, 1, 5),
            gender="female",
            phone="0905333444",
        )
        cls.guardian_x = Partner.create(
            {"name": "Y Bih Niê", "citizen_id": "066090007777", "phone": "0905777888"}
        )
        cls.guardian_a = Partner.create(
            {"name": "Phạm Văn Hộ", "citizen_id": "051085001111", "phone": "0905999000"}
        )
        cls.company_partner = cls.env.company.partner_id
        cls.rep_x = cls.env["social.representative"].create(
            {
                "beneficiary_id": cls.ben_x.id,
                "partner_id": cls.guardian_x.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
            }
        )
        cls.rep_a = cls.env["social.representative"].create(
            {
                "beneficiary_id": cls.ben_a.id,
                "partner_id": cls.guardian_a.id,
                "role": "guardian",
                "date_from": date(2024, 1, 1),
            }
        )
        cls.account_x = cls._account(cls.ben_x, "1111222233")
        cls.account_guardian_x = cls._account(cls.guardian_x, "4444555566")
        cls.account_a = cls._account(cls.ben_a, "7777888899")
        cls.account_guardian_a = cls._account(cls.guardian_a, "1212343456")
        cls.registration_x = cls.env["social.payment.registration"].create(
            {
                "beneficiary_id": cls.ben_x.id,
                "method": "bank",
                "payee_role": "guardian",
                "representative_id": cls.rep_x.id,
                "bank_account_id": cls.account_guardian_x.id,
            }
        )
        cls.allowance_x = cls._allowance(cls.ben_x, "k5c", date(2024, 1, 1))
        cls.history_x = cls.env["social.beneficiary.id.history"].create(
            {"partner_id": cls.ben_x.id, "id_type": "cmnd9", "id_number": "241000111"}
        )
        cls.duplicate_x = cls.env["social.duplicate.candidate"].create(
            {
                "partner_id": cls.ben_x.id,
                "other_partner_id": cls.guardian_x.id,
                "reason": "name_birth",
            }
        )
        cls.officer_pa = new_test_user(
            cls.env,
            login="officer_province_a",
            groups="social_beneficiary.group_social_commune_officer,"
            "base.group_allow_export",
            social_area_ids=[(6, 0, cls.province_a.ids)],
        )
        cls.internal = new_test_user(
            cls.env, login="plain_internal", groups="base.group_user"
        )
        cls.records_b = {
            "res.partner": cls.ben_x | cls.guardian_x,
            "res.partner.bank": cls.account_x | cls.account_guardian_x,
            "social.representative": cls.rep_x,
            "social.payment.registration": cls.registration_x,
            "social.allowance": cls.allowance_x,
            "social.beneficiary.id.history": cls.history_x,
            "social.duplicate.candidate": cls.duplicate_x,
        }

    def _as(self, user, records):
        return records.with_user(user)

    def test_officer_sees_own_province_and_shared_contacts(self):
        Partner = self.env["res.partner"].with_user(self.officer_pa)
        visible = Partner.search(
            [
                (
                    "id",
                    "in",
                    (
                        self.ben_a
                        | self.ben_b
                        | self.guardian_a
                        | self.company_partner
                        | self.officer_pa.partner_id
                    ).ids,
                )
            ]
        )
        # B's guardian, beneficiary and accounts are checked below; these are
        # the positive controls that make the refusals meaningful
        self.assertEqual(
            visible,
            self.ben_a
            | self.ben_b
            | self.guardian_a
            | self.company_partner
            | self.officer_pa.partner_id,
        )
        Bank = self.env["res.partner.bank"].with_user(self.officer_pa)
        self.assertEqual(
            Bank.search([("id", "in", (self.account_a | self.account_guardian_a).ids)]),
            self.account_a | self.account_guardian_a,
        )
        self.assertEqual(
            self.guardian_a.with_user(self.officer_pa).read(["phone"])[0]["phone"],
            "0905999000",
        )

    def test_search_count_and_read_group_show_nothing_of_b(self):
        for model, records in self.records_b.items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.officer_pa)
                domain = [("id", "in", records.ids)]
                self.assertFalse(Model.search(domain))
                self.assertEqual(Model.search_count(domain), 0)
                groups = Model.read_group(domain, ["id:count"], [])
                self.assertEqual(groups[0]["__count"], 0)
                # the same calls as a manager find them: the test can fail
                self.assertEqual(self.env[model].search_count(domain), len(records))

    def test_read_refused(self):
        for model, records in self.records_b.items():
            for record in records:
                with self.subTest(model=model, record=record.display_name):
                    with self.assertRefusal(AccessError, DENIED):
                        record.with_user(self.officer_pa).read(["display_name"])

    def test_name_search_finds_nothing_of_b(self):
        Partner = self.env["res.partner"].with_user(self.officer_pa)
        self.assertFalse(Partner.name_search("Hờ Thị Xuân"))
        self.assertFalse(Partner.name_search("Y Bih Niê"))
        self.assertTrue(Partner.name_search("Phạm Văn Hộ"))
        Bank = self.env["res.partner.bank"].with_user(self.officer_pa)
        self.assertFalse(Bank.name_search("4444555566"))
        self.assertFalse(Bank.name_search("1111222233"))
        self.assertTrue(Bank.name_search("1212343456"))
        Registration = self.env["social.payment.registration"].with_user(
            self.officer_pa
        )
        self.assertFalse(Registration.name_search("Hờ Thị Xuân"))

    def test_export_refused(self):
        for model, records in self.records_b.items():
            with self.subTest(model=model):
                with self.assertRefusal(AccessError, DENIED):
                    records.with_user(self.officer_pa).export_data(
                        ["create_date", "display_name"]
                    )
        rows = self.guardian_a.with_user(self.officer_pa).export_data(
            ["name", "citizen_id", "phone"]
        )["datas"]
        self.assertEqual(rows, [["Phạm Văn Hộ", "051085001111", "0905999000"]])

    def test_write_refused_and_nothing_changed(self):
        with self.assertRefusal(AccessError, DENIED):
            self.account_guardian_x.with_user(self.officer_pa).write(
                {"acc_number": "9999999999"}
            )
        self.assertEqual(self.account_guardian_x.acc_number, "4444555566")
        with self.assertRefusal(AccessError, DENIED):
            self.account_x.with_user(self.officer_pa).write(
                {"partner_id": self.ben_a.id}
            )
        self.assertEqual(self.account_x.partner_id, self.ben_x)
        with self.assertRefusal(AccessError, DENIED):
            self.guardian_x.with_user(self.officer_pa).write({"phone": "0912000000"})
        self.assertEqual(self.guardian_x.phone, "0905777888")
        with self.assertRefusal(AccessError, DENIED):
            self.registration_x.with_user(self.officer_pa).write(
                {"bank_account_id": self.account_a.id}
            )
        self.assertEqual(self.registration_x.bank_account_id, self.account_guardian_x)
        with self.assertRefusal(AccessError, DENIED):
            self.rep_x.with_user(self.officer_pa).write({"document_ref": "X"})
        self.assertFalse(self.rep_x.document_ref)

    def test_cannot_adopt_a_contact_of_b_as_representative(self):
        """Naming B's guardian on one of A's beneficiaries would make her
        visible to A: refused, and nothing is created."""
        Representative = self.env["social.representative"]
        count = Representative.search_count([])
        with self.assertRefusal(AccessError, DENIED):
            Representative.with_user(self.officer_pa).create(
                {
                    "beneficiary_id": self.ben_a.id,
                    "partner_id": self.guardian_x.id,
                    "role": "proxy",
                    "date_from": date(2024, 1, 1),
                }
            )
        self.assertEqual(Representative.search_count([]), count)
        with self.assertRefusal(AccessError, DENIED):
            self.rep_a.with_user(self.officer_pa).write(
                {"partner_id": self.guardian_x.id}
            )
        self.assertEqual(self.rep_a.partner_id, self.guardian_a)

    def test_chatter_and_attachments_follow_the_record(self):
        self.ben_x._message_log(body="Ghi chú về hồ sơ")
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.ben_x.id)], limit=1
        )
        self.assertTrue(message)
        Attachment = self.env["ir.attachment"]
        attachments = Attachment.create(
            [
                {
                    "name": "giay_uy_quyen.pdf",
                    "raw": b"%PDF-1.4 proxy",
                    "res_model": model,
                    "res_id": record.id,
                }
                for model, record in (
                    ("res.partner", self.ben_x),
                    ("social.representative", self.rep_x),
                    ("social.payment.registration", self.registration_x),
                )
            ]
        )
        Message = self.env["mail.message"].with_user(self.officer_pa)
        self.assertFalse(Message.search([("id", "=", message.id)]))
        with self.assertRaises(AccessError):
            message.with_user(self.officer_pa).read(["body"])
        Attachments = Attachment.with_user(self.officer_pa)
        self.assertFalse(Attachments.search([("id", "in", attachments.ids)]))
        for attachment in attachments:
            with self.subTest(model=attachment.res_model):
                with self.assertRaises(AccessError):
                    attachment.with_user(self.officer_pa).read(["raw"])
        # the officer of B's province reads them: the refusal is the area's
        officer_b_province = new_test_user(
            self.env,
            login="officer_province_b",
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, self.commune_bmt.province_id.ids)],
        )
        self.assertEqual(
            Attachment.with_user(officer_b_province).search(
                [("id", "in", attachments.ids)]
            ),
            attachments,
        )
        self.assertTrue(
            self.env["mail.message"]
            .with_user(officer_b_province)
            .search([("id", "=", message.id)])
        )

    def test_internal_user_without_role_sees_no_beneficiary(self):
        Partner = self.env["res.partner"].with_user(self.internal)
        people = self.ben_a | self.ben_x | self.guardian_a | self.guardian_x
        self.assertFalse(Partner.search([("id", "in", people.ids)]))
        self.assertTrue(Partner.search([("id", "=", self.company_partner.id)]))
        Bank = self.env["res.partner.bank"].with_user(self.internal)
        accounts = (
            self.account_a
            | self.account_x
            | self.account_guardian_a
            | self.account_guardian_x
        )
        self.assertFalse(Bank.search([("id", "in", accounts.ids)]))
        with self.assertRefusal(AccessError, DENIED):
            self.guardian_a.with_user(self.internal).read(["citizen_id"])

    def test_uploaded_lists_are_their_uploaders_only(self):
        content = "name,citizen_id,commune_code\nHờ Thị Xuân,066170000222,X\n"
        wizard = (
            self.env["social.beneficiary.import"]
            .with_user(self.officer_a)
            .create(
                {
                    "file": base64.b64encode(content.encode()),
                    "filename": "danh_sach.csv",
                }
            )
        )
        self.assertTrue(wizard.read(["file"])[0]["file"])
        Import = self.env["social.beneficiary.import"]
        for user in (self.officer_b, self.officer_pa):
            with self.subTest(user=user.login):
                self.assertFalse(
                    Import.with_user(user).search([("id", "=", wizard.id)])
                )
                with self.assertRefusal(AccessError, DENIED):
                    wizard.with_user(user).read(["file", "filename"])


@tagged("post_install", "-at_install")
class TestSensitiveData(SocialBeneficiaryCommon):
    """The categories a person is paid under (HIV, disability) are read by
    the "Sensitive data" group only, and each read is logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._allowance(cls.ben_a, "k8", date(2024, 1, 1))
        cls.officer_sensitive = new_test_user(
            cls.env,
            login="officer_sensitive",
            groups="social_beneficiary.group_social_commune_officer,"
            "social_beneficiary.group_social_sensitive,base.group_allow_export",
            social_area_ids=[(6, 0, cls.commune_a.ids)],
        )
        cls.officer_export = new_test_user(
            cls.env,
            login="officer_plain_export",
            groups="social_beneficiary.group_social_commune_officer,"
            "base.group_allow_export",
            social_area_ids=[(6, 0, cls.commune_a.ids)],
        )
        cls.Log = cls.env["social.sensitive.access.log"]

    def test_officer_without_group_cannot_read_or_export_or_search(self):
        before = self.Log.search_count([])
        with self.assertRefusal(AccessError, "social_category_ids"):
            self.ben_a.with_user(self.officer_a).read(["social_category_ids"])
        with self.assertRefusal(AccessError, "social_category_ids"):
            self.ben_a.with_user(self.officer_export).export_data(
                ["name", "social_category_ids/name"]
            )
        with self.assertRefusal(AccessError, "social_category_ids"):
            self.env["res.partner"].with_user(self.officer_a).search(
                [("social_category_ids.code", "=", "k8")]
            )
        with self.assertRefusal(AccessError, "social_category_ids"):
            self.env["res.partner"].with_user(self.officer_a).read_group(
                [("is_beneficiary", "=", True)],
                ["__count"],
                ["social_category_ids"],
            )
        self.assertEqual(self.Log.search_count([]), before)
        # the rest of the person stays readable for the officer's work
        self.assertEqual(
            self.ben_a.with_user(self.officer_a).read(["name"])[0]["name"],
            "Nguyễn Văn An",
        )

    def test_member_reads_and_the_read_is_logged(self):
        before = self.Log.search_count([])
        values = self.ben_a.with_user(self.officer_sensitive).read(
            ["name", "social_category_ids"]
        )
        self.assertEqual(values[0]["social_category_ids"], self._category("k8").ids)
        log = self.Log.search([], limit=1)
        self.assertEqual(self.Log.search_count([]), before + 1)
        self.assertEqual(log.user_id, self.officer_sensitive)
        self.assertEqual(log.model, "res.partner")
        self.assertEqual(log.res_ids, str(self.ben_a.id))
        self.assertEqual(log.field_names, "social_category_ids")
        self.assertEqual(log.operation, "read")
        rows = self.ben_a.with_user(self.officer_sensitive).export_data(
            ["name", "social_category_ids/code"]
        )["datas"]
        self.assertEqual(rows[0][0], "Nguyễn Văn An")
        self.assertIn("k8", rows[0][1])
        self.assertEqual(self.Log.search([], limit=1).operation, "export")
        # reading without the sensitive field logs nothing
        self.ben_a.with_user(self.officer_sensitive).read(["name"])
        self.assertEqual(self.Log.search_count([]), before + 2)

    def test_log_is_read_only_for_everyone(self):
        self.ben_a.with_user(self.officer_sensitive).read(["social_category_ids"])
        log = self.Log.search([], limit=1)
        manager = new_test_user(
            self.env,
            login="manager_log",
            groups="social_beneficiary.group_social_manager",
        )
        self.assertEqual(self.Log.with_user(self.auditor).search([], limit=1), log)
        for user in (manager, self.auditor, self.officer_sensitive):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    log.with_user(user).write({"field_names": "name"})
                with self.assertRaises(AccessError):
                    log.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.Log.with_user(user).create(
                        {
                            "user_id": user.id,
                            "model": "res.partner",
                            "field_names": "x",
                            "operation": "read",
                        }
                    )
        self.assertTrue(log.exists())
        self.assertEqual(log.field_names, "social_category_ids")
        with self.assertRaises(AccessError):
            self.Log.with_user(self.officer_sensitive).search([])
