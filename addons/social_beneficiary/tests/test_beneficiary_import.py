"""Bringing an existing beneficiary list into the registry (issue 12).

The wizard is used as a commune officer uses it (``with_user``, no e-mail address):
check the file (preview: counts and problems, nothing written), then apply it
(all-or-nothing, idempotent). The file itself (CSV and XLSX, headers, the
template, the NCC format, hostile files): ``test_beneficiary_import_formats.py``.
"""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .import_common import NEW_ROW, BeneficiaryImportCommon, csv_file


@tagged("post_install", "-at_install")
class TestBeneficiaryImport(BeneficiaryImportCommon):
    # ----------------------------------------------------------------- preview
    def test_preview_counts_every_refusal_with_its_row(self):
        twin_name = "Nguyễn Văn An"  # ben_a, born 02/03/1950, another ID below
        rows = [
            NEW_ROW,  # row 2: new
            {  # row 3: ben_a as registered, whose commune has merged: moved
                "citizen_id": "051050001234",
                "name": "nguyễn văn an".title(),
                "birth_date": "02/03/1950",
                "gender": "male",
                "commune_code": "21445",
            },
            dict(NEW_ROW, citizen_id="05114800077"),  # 4: 11 digits
            dict(NEW_ROW, citizen_id="051148000778", commune_code="99999"),  # 5
            dict(NEW_ROW, citizen_id="051148000779", commune_code="21448"),  # 6
            dict(NEW_ROW, citizen_id="051148000780", category="zz9"),  # 7
            dict(NEW_ROW, citizen_id="051148000781", bank_bin="999999"),  # 8
            dict(NEW_ROW, name="Người Trùng"),  # 9: same ID as row 2
            dict(NEW_ROW, citizen_id="051148000782", date_start="31/02/2024"),  # 10
            {  # 11: end without date_end
                "citizen_id": "051050001234",
                "name": "Nguyễn Văn An",
                "birth_date": "1950-03-02",
                "commune_code": "21445",
                "change": "end",
            },
            {  # 12: same name and birth date as ben_a, another citizen ID
                "citizen_id": "051050009876",
                "name": twin_name,
                "birth_date": "1950-03-02",
                "gender": "male",
                "commune_code": "21445",
            },
        ]
        before = self._snapshot()
        wizard = self._wizard(csv_file(rows))
        wizard.action_preview()
        self.assertEqual(
            (
                wizard.count_new,
                wizard.count_updated,
                wizard.count_unchanged,
                wizard.count_refused,
            ),
            (1, 1, 0, 9),
        )
        problems = self._problems(wizard)
        self.assertRegex(problems[(4, "citizen_id")], "must have exactly 12 digits")
        self.assertRegex(problems[(5, "commune_code")], "99999 is unknown")
        self.assertRegex(problems[(6, "commune_code")], "not among the areas you serve")
        self.assertRegex(problems[(7, "category")], "zz9 is unknown")
        self.assertRegex(problems[(8, "bank_bin")], "No bank or e-wallet has the BIN")
        self.assertRegex(problems[(9, "citizen_id")], "also on row 2")
        self.assertRegex(problems[(10, "date_start")], "31/02/2024 is not a date")
        self.assertRegex(problems[(11, "date_end")], "needs the end date")
        self.assertRegex(problems[(12, "name")], "already registered as")
        self.assertEqual({row for row, __ in problems}, {4, 5, 6, 7, 8, 9, 10, 11, 12})
        # the preview wrote nothing but the wizard and its problem lines
        self.assertEqual(self._snapshot(), before)

    # ------------------------------------------------------------------- apply
    def test_apply_creates_everything_and_twice_changes_nothing(self):
        row = dict(
            NEW_ROW,
            old_id_number="212345678",
            representative_name="Phạm Văn Con",
            representative_citizen_id="051075004444",
            representative_role="Ủy quyền",
        )
        wizard = self._wizard(csv_file([row]))
        wizard.action_preview()
        self.assertEqual((wizard.count_new, wizard.count_refused), (1, 0))
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertTrue(partner.is_beneficiary)
        self.assertEqual(partner.name, "Phạm Thị Hoa")  # single spaces
        self.assertEqual(partner.area_id, self.commune_a_2025)
        self.assertEqual(partner.former_area_id, self.commune_a)
        allowance = partner.allowance_ids
        self.assertEqual(allowance.category_id, self._category("k5a_60"))
        self.assertEqual(allowance.state, "active")
        self.assertEqual(allowance.decision_ref, "77/QĐ-UBND")
        proxy = partner.representative_ids
        self.assertEqual(proxy.role, "proxy")
        self.assertEqual(proxy.partner_id.citizen_id, "051075004444")
        self.assertFalse(proxy.commune_confirmed)
        registration = partner.payment_registration_ids
        self.assertEqual(registration.method, "bank")
        self.assertEqual(registration.payee_id, proxy.partner_id)
        self.assertEqual(registration.bank_account_id.acc_number, "330012345678")
        self.assertEqual(registration.bank_account_id.bank_id, self.bank_agribank)
        # an officer is no approver: the registration waits for verification
        self.assertEqual(registration.state, "draft")
        self.assertEqual(partner.id_history_ids.id_number, "212345678")
        self.assertIn(
            "Created by import of list.csv",
            "".join(partner.message_ids.mapped("body")),
        )
        # the same file again: nothing to do
        before = self._snapshot()
        again = self._wizard(csv_file([row]))
        again.action_preview()
        self.assertEqual(
            (again.count_new, again.count_updated, again.count_unchanged),
            (0, 0, 1),
        )
        again.action_apply()
        self.assertEqual(self._snapshot(), before)

    def test_approver_import_verifies_registrations(self):
        wizard = self._wizard(csv_file([NEW_ROW]), user=self.officer_approver)
        wizard.action_apply()
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertEqual(partner.payment_registration_ids.state, "verified")

    def test_one_bad_row_applies_nothing(self):
        rows = [NEW_ROW, dict(NEW_ROW, citizen_id="051148000790", commune_code="1")]
        before = self._snapshot()
        wizard = self._wizard(csv_file(rows))
        with self.assertRaisesRegex(UserError, r"Nothing was imported.*\n.*Row 3"):
            wizard.action_apply()
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(self.Partner.search([("citizen_id", "=", "051148000777")]))

    def test_commune_outside_the_users_areas_refused(self):
        wizard = self._wizard(csv_file([dict(NEW_ROW, commune_code="21448")]))
        with self.assertRaisesRegex(UserError, "not among the areas you serve"):
            wizard.action_apply()
        self.assertFalse(self.Partner.search([("citizen_id", "=", "051148000777")]))
        # a beneficiary registered in another commune is not updated either
        row = {
            "citizen_id": self.ben_b.citizen_id,
            "name": "Trần Thị Bình Mới",
            "birth_date": "09/07/1955",
            "commune_code": "21445",
        }
        wizard = self._wizard(csv_file([row]))
        with self.assertRaisesRegex(UserError, "commune you do not serve"):
            wizard.action_apply()
        self.assertEqual(self.ben_b.name, "Trần Thị Bình")

    def test_only_officers_and_managers_import(self):
        with self.assertRaises(AccessError):
            self._wizard(csv_file([NEW_ROW]), user=self.auditor)
        self.assertFalse(self.Partner.search([("citizen_id", "=", "051148000777")]))

    def test_an_import_is_seen_only_by_its_user(self):
        wizard = self._wizard(csv_file([NEW_ROW]))
        wizard.action_preview()
        other = wizard.with_user(self.officer_b)
        with self.assertRaises(AccessError):
            other.read(["file", "count_new"])
        with self.assertRaises(AccessError):
            other.action_apply()
        self.assertFalse(self.Partner.search([("citizen_id", "=", "051148000777")]))
        self.assertFalse(
            self.env["social.beneficiary.import.error"]
            .with_user(self.officer_b)
            .search([("wizard_id", "=", wizard.id)])
        )

    def test_end_and_adjust(self):
        ending = self._allowance(self.ben_a, "k5c", date(2024, 1, 1))
        other = self._beneficiary(
            "Đỗ Văn Điều",
            citizen_id="051045003333",
            birth_date=date(1945, 1, 1),
            gender="male",
        )
        previous = self._allowance(other, "k5a_60", date(2024, 1, 1))
        rows = [
            {
                "citizen_id": self.ben_a.citizen_id,
                "name": self.ben_a.name,
                "birth_date": "02/03/1950",
                "commune_code": "21445",
                "change": "giảm",
                "date_end": "31/03/2025",
                "reason": "Từ trần",
            },
            {
                "citizen_id": "051045003333",
                "name": "Đỗ Văn Điều",
                "birth_date": "1945-01-01",
                "commune_code": "21445",
                "program": "BTXH",
                "category": "k5a_80",
                "date_start": "2025-02-01",
                "decision_ref": "15/QĐ-UBND",
                "decision_date": "2025-01-20",
                "change": "adjust",
            },
        ]
        wizard = self._wizard(csv_file(rows))
        wizard.action_preview()
        self.assertEqual((wizard.count_updated, wizard.count_refused), (2, 0))
        wizard.action_apply()
        self.assertEqual(ending.state, "ended")
        self.assertEqual(ending.date_end, date(2025, 3, 31))
        self.assertEqual(ending.end_reason, "death")
        self.assertEqual(previous.state, "ended")
        self.assertEqual(previous.date_end, date(2025, 1, 31))
        adjusted = other.allowance_ids - previous
        self.assertEqual(adjusted.category_id, self._category("k5a_80"))
        self.assertEqual(adjusted.date_start, date(2025, 2, 1))
        self.assertEqual(adjusted.state, "active")
        # again: unchanged
        again = self._wizard(csv_file(rows))
        again.action_preview()
        self.assertEqual((again.count_unchanged, again.count_refused), (2, 0))

    def test_a_person_on_several_rows(self):
        """Two decisions of one new person, and the end of one decision with a
        new one of another category for a registered person."""
        ending = self._allowance(self.ben_a, "k5c", date(2024, 1, 1))
        rows = [
            NEW_ROW,  # row 2
            dict(  # row 3: the same person, a second allowance, no payment columns
                NEW_ROW,
                category="k6_n",
                decision_ref="78/QĐ-UBND",
                method="",
                bank_bin="",
                account_number="",
            ),
            {  # row 4: ben_a, the end of the k5c decision
                "citizen_id": self.ben_a.citizen_id,
                "name": self.ben_a.name,
                "birth_date": "02/03/1950",
                "commune_code": "21445",
                "program": "BTXH",
                "category": "k5c",
                "change": "end",
                "date_end": "31/03/2025",
                "reason": "Không còn đủ điều kiện",
            },
            {  # row 5: ben_a, a new decision of another category
                "citizen_id": self.ben_a.citizen_id,
                "name": self.ben_a.name,
                "birth_date": "02/03/1950",
                "commune_code": "21445",
                "program": "BTXH",
                "category": "k6_n",
                "date_start": "01/04/2025",
                "decision_ref": "40/QĐ-UBND",
                "decision_date": "2025-04-10",
            },
        ]
        wizard = self._wizard(csv_file(rows))
        wizard.action_preview()
        self.assertEqual(
            (wizard.count_new, wizard.count_updated, wizard.count_refused), (2, 2, 0)
        )
        wizard.action_apply()
        partner = self.Partner.search([("citizen_id", "=", "051148000777")])
        self.assertEqual(len(partner), 1)
        self.assertEqual(
            sorted(partner.allowance_ids.mapped("category_id.code")),
            ["k5a_60", "k6_n"],
        )
        self.assertEqual(set(partner.allowance_ids.mapped("state")), {"active"})
        self.assertEqual(len(partner.payment_registration_ids), 1)
        self.assertEqual(ending.state, "ended")
        self.assertEqual(ending.date_end, date(2025, 3, 31))
        self.assertEqual(ending.end_reason, "ineligible")
        new_decision = self.ben_a.allowance_ids.filtered(
            lambda a: a.decision_ref == "40/QĐ-UBND"
        )
        self.assertEqual(new_decision.category_id, self._category("k6_n"))
        self.assertEqual(new_decision.state, "active")
        # the same file again changes nothing
        before = self._snapshot()
        again = self._wizard(csv_file(rows))
        again.action_apply()
        self.assertEqual(
            (again.count_new, again.count_updated, again.count_unchanged), (0, 0, 4)
        )
        self.assertEqual(self._snapshot(), before)

    def test_rows_of_one_person_that_disagree_are_refused(self):
        rows = [
            NEW_ROW,  # row 2
            dict(NEW_ROW, decision_ref="79/QĐ-UBND"),  # 3: the same category
            dict(NEW_ROW, category="k6_n", decision_ref="77/QĐ-UBND"),  # 4: same ref
            dict(  # 5: another birth date
                NEW_ROW,
                category="k6_n",
                decision_ref="80/QĐ-UBND",
                birth_date="1948-05-02",
            ),
            dict(  # 6: another account
                NEW_ROW, category="k6_n", decision_ref="81/QĐ-UBND", account_number="1"
            ),
        ]
        before = self._snapshot()
        wizard = self._wizard(csv_file(rows))
        wizard.action_preview()
        problems = self._problems(wizard)
        for row in (3, 4, 5, 6):
            self.assertRegex(
                problems[(row, "citizen_id")], "also on row 2: the rows of one person"
            )
        self.assertEqual((wizard.count_new, wizard.count_refused), (1, 4))
        with self.assertRaisesRegex(UserError, "Nothing was imported"):
            wizard.action_apply()
        self.assertEqual(self._snapshot(), before)

    def test_old_id_number_matches_through_the_history(self):
        self.env["social.beneficiary.id.history"].create(
            {"partner_id": self.ben_a.id, "id_number": "212000111", "id_type": "cmnd9"}
        )
        row = {
            "citizen_id": "051050005555",
            "old_id_number": "212000111",
            "name": "Nguyễn Văn An",
            "birth_date": "02/03/1950",
            "commune_code": "21445",
        }
        wizard = self._wizard(csv_file([row]))
        wizard.action_preview()
        self.assertEqual((wizard.count_updated, wizard.count_refused), (1, 0))
        wizard.action_apply()
        self.assertEqual(self.ben_a.citizen_id, "051050005555")
        self.assertIn("051050001234", self.ben_a.id_history_ids.mapped("id_number"))
        self.assertIn(
            "Updated by import of list.csv",
            "".join(self.ben_a.message_ids.mapped("body")),
        )

    def test_citizen_id_checked_against_the_registered_gender(self):
        # ben_a is a man; a 4th digit 1 means a woman born in the 1900s
        row = {
            "citizen_id": "051150001234",
            "old_id_number": self.ben_a.citizen_id,
            "name": "Nguyễn Văn An",
            "birth_date": "02/03/1950",
            "commune_code": "21445",
        }
        wizard = self._wizard(csv_file([row]))
        wizard.action_preview()
        self.assertEqual(wizard.count_refused, 1)
        self.assertRegex(
            self._problems(wizard)[(2, "citizen_id")], "does not match the gender"
        )
        with self.assertRaisesRegex(UserError, "does not match the gender"):
            wizard.action_apply()
        self.assertEqual(self.ben_a.citizen_id, "051050001234")

    def test_a_paid_beneficiary_moves_by_the_move_not_by_the_list(self):
        """A list that puts someone already paid in another commune is refused
        on that row (the move records which commune pays which month); the
        2025 successor of the person's commune is no move."""
        officer = new_test_user(
            self.env,
            login="import_officer_ab",
            email=False,
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[
                (
                    6,
                    0,
                    (
                        self.commune_a
                        | self.commune_a_2025
                        | self.commune_b
                        | self.commune_b.successor_ids
                    ).ids,
                )
            ],
        )
        self._allowance(self.ben_a, "k5c", date(2024, 1, 1))
        row = {
            "citizen_id": self.ben_a.citizen_id,
            "name": self.ben_a.name,
            "birth_date": "02/03/1950",
            "commune_code": "21448",
        }
        wizard = self._wizard(csv_file([row]), user=officer)
        wizard.action_preview()
        self.assertRegex(
            self._problems(wizard)[(2, "commune_code")],
            "Nguyễn Văn An is paid in another commune",
        )
        with self.assertRaisesRegex(UserError, "Move to Another Commune"):
            wizard.action_apply()
        self.assertEqual(self.ben_a.area_id, self.commune_a)
        # the old code of the same commune leads to its 2025 successor
        wizard = self._wizard(csv_file([dict(row, commune_code="21445")]), user=officer)
        wizard.action_preview()
        self.assertFalse(wizard.error_ids)
        wizard.action_apply()
        self.assertEqual(self.ben_a.area_id, self.commune_a_2025)
