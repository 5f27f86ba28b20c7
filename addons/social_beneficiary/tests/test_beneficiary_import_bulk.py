"""The bulk path of a large list makes what ``create`` makes, column for column.

The same list is imported twice in one transaction, undone in between: once
record by record through ``create`` (what a small list does), once through the
bulk path (``social_beneficiary_import_bulk.py``, what a list of more than a
few hundred new people does). Every stored column of every record either run
made, the categories of the people and every chatter note must be the same;
ids (drawn anew) are compared by their rank among the records of the run.
"""

import re
import threading
from contextlib import ExitStack
from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.res_partner import BENEFICIARY_REF_INDEX
from ..models.social_chatter import NoteStatement
from ..tools.bulk import BulkInsert, draw_ids
from .import_common import NEW_ROW, BeneficiaryImportCommon, csv_file

TABLES = {
    "res.partner": "res_partner",
    "res.partner.bank": "res_partner_bank",
    "social.payment.registration": "social_payment_registration",
    "social.allowance": "social_allowance",
    "social.beneficiary.id.history": "social_beneficiary_id_history",
    "social.representative": "social_representative",
}
# what names a record of the list, whichever way it was made
NATURAL_KEYS = {
    "res.partner": lambda r: r["citizen_id"] or r["name"],
    "res.partner.bank": lambda r: r["acc_number"],
    "social.payment.registration": lambda r: (r["beneficiary_id"], r["date_from"]),
    "social.allowance": lambda r: r["decision_ref"],
    "social.beneficiary.id.history": lambda r: r["id_number"],
    "social.representative": lambda r: (r["beneficiary_id"], r["partner_id"]),
}
# drawn from a sequence or a clock: another value on each run; and write_uid,
# which names whichever environment flushed a recomputed field last (a
# superuser one for some of create's), not a person
SKIPPED = {"id", "create_date", "write_date", "write_uid", "beneficiary_ref"}


class _Undo(Exception):
    pass


class _Refused(Exception):
    """A check that refuses."""


def _person(number, name, female=True, year=1948, **values):
    """A new person of commune A born in ``year``: their row of the list."""
    century = 0 if year < 2000 else 2
    row = dict(
        NEW_ROW,
        citizen_id=f"051{century + female}{year % 100:02d}{number:06d}",
        name=name,
        birth_date=f"{year}-05-01",
        gender="female" if female else "male",
        decision_ref=f"{number}/QĐ-UBND",
        account_number=f"3300{number:08d}",
    )
    row.update(values)
    return row


@tagged("post_install", "-at_install")
class TestBeneficiaryImportBulk(BeneficiaryImportCommon):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.list_rows = [
            _person(901, "Trần Thị Bích"),
            _person(902, "Lê Văn Cường", female=False, category="k6_dbn"),
            _person(
                903,
                "Võ Thị Dung",
                method="ewallet",
                bank_bin="971005",
                account_number="0912000903",
            ),
            _person(904, "Đỗ Văn Em", female=False, method="cash_point"),
            _person(
                905,
                "Ngô Thị Phượng",
                method="cash_home",
                reason="Nằm liệt giường",
                bank_bin="",
                account_number="",
            ),
            # the former CMND number goes to the ID history
            _person(906, "Huỳnh Văn Giang", female=False, old_id_number="212345906"),
            # decided four years late: waits in draft for an approver
            _person(
                907,
                "Phan Thị Hạnh",
                date_start="01/01/2020",
                decision_date="10/07/2024",
            ),
            # a second decision of the same person: created by create
            _person(901, "Trần Thị Bích", category="k4", decision_ref="901b/QĐ"),
            # a new guardian, paid into his own account
            _person(
                908,
                "Bùi Văn Ích",
                female=False,
                year=2015,
                category="k1_4p",
                representative_name="Bùi Văn Khang",
                representative_citizen_id="051080000908",
                representative_role="guardian",
            ),
            # two children of one new guardian: one person, one account
            *(
                _person(
                    number,
                    name,
                    year=2014,
                    category="k1_4p",
                    account_number="3300009090",
                    representative_name="Lý Văn Minh",
                    representative_citizen_id="051075000909",
                    representative_role="guardian",
                )
                for number, name in ((909, "Lý Thị Na"), (910, "Lý Thị Oanh"))
            ),
            # a proxy the commune has not confirmed yet, paid in cash
            _person(
                911,
                "Đặng Văn Phúc",
                female=False,
                year=1930,
                method="cash_point",
                representative_name="Đặng Thị Quyên",
                representative_citizen_id="051170000911",
                representative_role="proxy",
            ),
            # a guardian the registry knows already
            _person(
                912,
                "Nguyễn Thị Rạng",
                year=2016,
                category="k1_4p",
                method="cash_point",
                representative_name="Nguyễn Văn An",
                representative_citizen_id="051050001234",
                representative_role="guardian",
            ),
            # a person already registered: updated by write
            dict(
                NEW_ROW,
                citizen_id="051050001234",
                name="Nguyễn Văn An",
                birth_date="1950-03-02",
                gender="male",
                decision_ref="12/QĐ",
            ),
        ]
        cls.list_content = csv_file(cls.list_rows)
        # the people the bulk path writes: new, each on their first row
        cls.bulk_rows = cls.list_rows[:7] + cls.list_rows[8:13]
        cls.bulk_decisions = {row["decision_ref"] for row in cls.bulk_rows}
        # and the people who represent them, new or known
        cls.bulk_reps = {row.get("representative_citizen_id") for row in cls.bulk_rows}
        cls.bulk_reps.discard(None)

    # ---------------------------------------------------------------- helpers
    def _last_ids(self):
        ids = {}
        for table in [*TABLES.values(), "mail_message"]:
            self.env.cr.execute(
                SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
            )
            ids[table] = self.env.cr.fetchone()[0]
        return ids

    def _made(self, before):
        """What the import made: its rows by model, ids as ranks, and its notes."""
        self.env.flush_all()
        tokens = {}
        raw = {}

        def named(model, record):
            fields_ = self.env[model]._fields
            return {
                name: tokens.get(fields_[name].comodel_name, {}).get(value, value)
                if name in fields_ and fields_[name].type == "many2one"
                else value
                for name, value in record.items()
            }

        # in the order of the links: a record is named after what it points to
        for model, table in TABLES.items():
            self.env.cr.execute(
                SQL(
                    "SELECT * FROM %s WHERE id > %s ORDER BY id",
                    SQL.identifier(table),
                    before[table],
                )
            )
            names = [column.name for column in self.env.cr.description]
            raw[model] = [
                dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()
            ]
            tokens[model] = {
                record["id"]: f"{model}:{NATURAL_KEYS[model](named(model, record))}"
                for record in raw[model]
            }
        made = {
            model: sorted(
                (
                    {
                        name: value
                        for name, value in named(model, record).items()
                        if name not in SKIPPED
                    }
                    for record in records
                ),
                key=repr,
            )
            for model, records in raw.items()
        }
        partner_tokens = tokens["res.partner"]
        field = self.env["res.partner"]._fields["social_category_ids"]
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s FROM %s WHERE %s > %s",
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                before["res_partner"],
            )
        )
        made["categories"] = sorted(
            (partner_tokens[partner_id], category_id)
            for partner_id, category_id in self.env.cr.fetchall()
        )

        def note(body):
            # the note of a new account links it by its id
            def named_account(match):
                token = tokens["res.partner.bank"].get(int(match.group(1)))
                return f"data-oe-id='{token}'>#{token}<"

            return re.sub(r"data-oe-id=[\"'](\d+)[\"']>#\d+<", named_account, str(body))

        self.env.cr.execute(
            SQL(
                """SELECT model, res_id, body, message_type, subtype_id, author_id
                     FROM mail_message WHERE id > %s""",
                before["mail_message"],
            )
        )
        notes = [
            (
                model,
                tokens.get(model, {}).get(res_id, res_id),
                note(body),
                message_type,
                subtype_id,
                author_id,
            )
            for model, res_id, body, message_type, subtype_id, author_id in (
                self.env.cr.fetchall()
            )
        ]
        made["notes"] = sorted(notes, key=repr)
        return made

    def _import_both_ways(self, user, chunk=None):
        """The list imported by create, then (undone) by the bulk path (in
        chunks of ``chunk`` new people when given)."""
        Wizard = type(self.env["social.beneficiary.import"])
        made = {}
        calls = []
        bulk_apply = Wizard._bulk_apply

        def spy(wizard, rows):
            calls.append(len(rows))
            return bulk_apply(wizard, rows)

        for bulk in (False, True):
            try:
                with self.env.cr.savepoint():
                    before = self._last_ids()
                    with (
                        patch.object(
                            Wizard,
                            "_bulk_min_rows",
                            lambda self, least=1 if bulk else 10**9: least,
                        ),
                        patch.object(Wizard, "_bulk_apply", spy),
                        patch.object(
                            Wizard,
                            "_bulk_chunk_size",
                            lambda self, size=chunk or 10**9: size,
                        ),
                    ):
                        wizard = self._wizard(self.list_content, user=user)
                        wizard.action_preview()
                        self.assertFalse(self._problems(wizard))
                        wizard.action_apply()
                    made[bulk] = self._made(before)
                    raise _Undo
            except _Undo:
                self.env.invalidate_all(flush=False)
                self.env.transaction.clear()
        # the bulk run wrote the new people of the list
        self.assertEqual(calls, [len(self.bulk_rows)])
        return made[False], made[True]

    def _assert_same(self, by_create, by_bulk):
        """The same records; the same notes, but one per person the bulk path
        made (on them, telling all it made) instead of create's five."""
        bulk_people = {f"res.partner:{row['citizen_id']}" for row in self.bulk_rows}
        made_by_bulk = (
            bulk_people
            | {
                f"social.allowance:{allowance['decision_ref']}"
                for allowance in by_bulk["social.allowance"]
                if allowance["partner_id"] in bulk_people
                and allowance["decision_ref"] in self.bulk_decisions
            }
            | {
                f"social.payment.registration:"
                f"{(registration['beneficiary_id'], registration['date_from'])}"
                for registration in by_bulk["social.payment.registration"]
                if registration["beneficiary_id"] in bulk_people
            }
            | {
                f"social.representative:{(rep['beneficiary_id'], rep['partner_id'])}"
                for rep in by_bulk["social.representative"]
                if rep["beneficiary_id"] in bulk_people
            }
            | {f"res.partner:{citizen_id}" for citizen_id in self.bulk_reps}
        )
        for key in by_create:
            made_create, made_bulk = by_create[key], by_bulk[key]
            if key == "notes":
                made_create = [n for n in made_create if n[1] not in made_by_bulk]
                person_notes = [n for n in made_bulk if n[1] in made_by_bulk]
                made_bulk = [n for n in made_bulk if n[1] not in made_by_bulk]
                self.assertEqual(
                    sorted(n[1] for n in person_notes), sorted(bulk_people)
                )
                self.assertEqual(len(person_notes), len(bulk_people))
                for note in person_notes:
                    self.assertIn("Created by import of list.csv: decision ", note[2])
            with self.subTest(key=key):
                self.assertEqual(len(made_create), len(made_bulk), key)
                for one_create, one_bulk in zip(made_create, made_bulk, strict=True):
                    self.assertEqual(one_create, one_bulk)

    # ------------------------------------------------------------------ tests
    def test_bulk_equals_create_for_an_officer(self):
        by_create, by_bulk = self._import_both_ways(self.officer)
        # 12 new people, 3 new people who represent (the fourth is registered)
        self.assertEqual(len(by_create["res.partner"]), 15)
        self.assertEqual(len(by_create["social.representative"]), 5)
        # the guardian of two children holds one account
        accounts = [a["acc_number"] for a in by_bulk["res.partner.bank"]]
        self.assertEqual(accounts.count("3300009090"), 1)
        self.assertTrue(by_create["notes"])
        self._assert_same(by_create, by_bulk)
        notes = {n[1]: n[2] for n in by_bulk["notes"]}
        self.assertEqual(
            notes["res.partner:051048000906"],
            "<p>Created by import of list.csv: decision 906/QĐ-UBND (Active); "
            f"payment Bank account from {date.today():%m/%Y} (Draft); account "
            "330000000906 (Agribank); former ID number 212345906.</p>",
        )
        month = f"{date.today():%m/%Y}"
        self.assertEqual(
            notes["res.partner:051314000909"],
            "<p>Created by import of list.csv: decision 909/QĐ-UBND (Active); "
            f"payment Bank account from {month} (Draft); Guardian Lý Văn Minh "
            f"(authorisation from {month}); account 3300009090 (Agribank).</p>",
        )

    def test_bulk_equals_create_for_an_approver(self):
        by_create, by_bulk = self._import_both_ways(self.officer_approver)
        states = {reg["state"] for reg in by_bulk["social.payment.registration"]}
        self.assertEqual(states, {"verified"})
        allowance_states = sorted(a["state"] for a in by_bulk["social.allowance"])
        self.assertIn("draft", allowance_states)  # the late decision
        self._assert_same(by_create, by_bulk)

    def test_bulk_in_chunks_equals_create(self):
        """Chunks of 3 new people, each written by its own statement while the
        next is made: the guardian of two children in two chunks, his account
        made with the first, named by the second."""
        sends = []
        send = BulkInsert.send

        def counted_send(insert):
            sends.append(len(insert.parts))
            return send(insert)

        with patch.object(BulkInsert, "send", counted_send):
            by_create, by_bulk = self._import_both_ways(self.officer_approver, chunk=3)
        # 12 new people: four statements of three (the first with the three
        # new people who represent), each of the seven models of a chunk
        self.assertEqual(len(self.bulk_rows), 12)
        self.assertEqual(sends, [7, 6, 6, 6])
        accounts = [a["acc_number"] for a in by_bulk["res.partner.bank"]]
        self.assertEqual(accounts.count("3300009090"), 1)
        self._assert_same(by_create, by_bulk)

    def test_bulk_insert_obeys_the_record_rules(self):
        """The bulk writer checks the rules for creation as create does: an
        officer of commune A cannot write a beneficiary of commune B."""
        Partner = self.env["res.partner"].with_user(self.officer)
        before = self._snapshot()
        insert = BulkInsert(Partner.env)
        insert.add(
            Partner,
            draw_ids(Partner, 1),
            [
                {
                    "name": "Người Xã Khác",
                    "is_beneficiary": True,
                    "area_id": self.commune_b.id,
                    "beneficiary_ref": "BULK-RULE-1",
                }
            ],
        )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            insert.run()
        self.env.invalidate_all(flush=False)
        self.assertEqual(self._snapshot(), before)

    def test_statements_beside_a_refusal_are_undone(self):
        """The statements run beside the checks (the notes of the new people)
        are undone with the rest when the checks refuse while they run: the
        refusal waits for them before the savepoint is rolled back."""
        Partner = self.env["res.partner"]
        before = self._snapshot()
        statement = NoteStatement(
            self.env,
            "res.partner",
            *Partner._message_compute_author(raise_on_email=False),
        )
        insert = BulkInsert(self.env)
        insert.add(Partner, draw_ids(Partner, 1), [{"name": "Người Bị Từ Chối"}])

        def refuse():
            raise _Refused

        alive = []
        with self.assertRaises(_Refused), self.env.cr.savepoint():
            try:
                insert.run(
                    before_checks=refuse,
                    beside=[
                        # still running when the checks refuse
                        SQL("SELECT pg_sleep(0.5)"),
                        statement.sql([self.officer.partner_id.id], ["<p>Ghi chú</p>"]),
                    ],
                )
            finally:
                # the refusal leaves once nothing runs on the connection
                alive = [
                    thread
                    for thread in threading.enumerate()
                    if thread.name.startswith(insert.worker.name) and thread.is_alive()
                ]
        self.assertFalse(alive)
        self.env.invalidate_all(flush=False)
        self.assertEqual(self._snapshot(), before)

    def test_rows_of_one_shape_in_several_sends(self):
        """Rows of one model and the same columns added twice in a send, and
        again in the next send (whose temporary tables are those of the send
        before, emptied), are each written once; the temporary tables are
        gone at the end."""
        Partner = self.env["res.partner"]
        ids = draw_ids(Partner, 5)
        names = [f"Người Thử Lô {n}" for n in range(5)]
        insert = BulkInsert(self.env)
        insert.add(Partner, ids[:2], [{"name": name} for name in names[:2]])
        insert.add(Partner, ids[2:3], [{"name": names[2]}])
        insert.send()
        insert.add(Partner, ids[3:], [{"name": name} for name in names[3:]])
        results = insert.run()
        self.assertEqual(
            [records.ids for records in results], [ids[:2], ids[2:3], ids[3:]]
        )
        self.env.cr.execute(
            SQL(
                "SELECT id, name FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                ids,
            )
        )
        self.assertEqual(self.env.cr.fetchall(), list(zip(ids, names, strict=True)))
        self.env.cr.execute(
            "SELECT count(*) FROM pg_class"
            " WHERE relname LIKE 'social\\_bulk\\_%' AND relpersistence = 't'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def _import_spying_accounts(self, *patches):
        """Import a list of a ward with a known guardian and a person paid to
        themself by the bulk path; return what the checks of the new accounts
        read of each: ``{id: (country code, type)}``."""
        self.env["res.partner"].create(
            {
                "name": "Trương Văn Quý",
                "citizen_id": "051070000931",
                "country_id": self.env.ref("base.vn").id,
            }
        )
        content = csv_file(
            [
                _person(
                    931,
                    "Trương Thị Rạng",
                    year=2013,
                    category="k1_4p",
                    representative_name="Trương Văn Quý",
                    representative_citizen_id="051070000931",
                    representative_role="guardian",
                ),
                _person(932, "Trương Văn Sơn", female=False),
            ]
        )
        Wizard = type(self.env["social.beneficiary.import"])
        Bank = type(self.env["res.partner.bank"])
        validate = Bank._validate_fields
        seen = {}

        def spy(records, field_names, excluded_names=()):
            seen.update(
                (account.id, (account.country_code, account.acc_type))
                for account in records
            )
            return validate(records, field_names, excluded_names)

        with ExitStack() as stack:
            for patcher in (
                patch.object(Wizard, "_bulk_min_rows", lambda self: 1),
                patch.object(Bank, "_validate_fields", spy),
                *patches,
            ):
                stack.enter_context(patcher)
            wizard = self._wizard(content, user=self.officer_approver)
            wizard.action_preview()
            self.assertFalse(self._problems(wizard))
            wizard.action_apply()
        return seen

    def test_values_the_checks_read(self):
        """The country code and the type the checks of the new accounts read
        (put in the cache for the whole list at once) are those the ORM works
        out: no country for the accounts of new people, the holder's country
        for the account of a guardian the registry knows, the type base gives
        every account that is no IBAN."""
        seen = self._import_spying_accounts()
        accounts = self.env["res.partner.bank"].browse(list(seen))
        self.assertEqual(len(accounts), 2)
        self.env.invalidate_all()
        self.assertEqual(
            seen,
            {
                account.id: (account.country_code, account.acc_type)
                for account in accounts
            },
        )
        self.assertEqual(
            sorted(seen.values(), key=lambda value: bool(value[0])),
            [(False, "bank"), ("VN", "bank")],
        )

    def test_account_type_of_another_rule_left_to_the_orm(self):
        """When a module other than base and base_iban says what an account's
        type is, the ORM works out the type of each new account by that
        rule."""
        Bank = type(self.env["res.partner.bank"])
        numbers = []

        def rule(self, acc_number):
            numbers.append(acc_number)
            return "bank"

        seen = self._import_spying_accounts(
            patch.object(Bank, "retrieve_acc_type", rule, create=True)
        )
        accounts = self.env["res.partner.bank"].browse(list(seen))
        self.assertEqual(len(accounts), 2)
        self.assertLessEqual(set(accounts.mapped("acc_number")), set(numbers))

    def _reference_indexes(self):
        self.env.cr.execute(
            SQL(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'res_partner' AND indexdef LIKE %s",
                "%(beneficiary_ref)%",
            )
        )
        return dict(self.env.cr.fetchall())

    def test_reference_indexed_once(self):
        """Every person written updates each index of res_partner: the
        reference keeps the unique constraint's index only, and an upgraded
        database loses the plain one earlier versions made."""
        indexes = self._reference_indexes()
        self.assertEqual(list(indexes), ["res_partner_beneficiary_ref_uniq"])
        self.assertIn("UNIQUE", indexes["res_partner_beneficiary_ref_uniq"])
        # a database of an earlier version, upgraded
        self.env.cr.execute(
            SQL(
                "CREATE INDEX %s ON res_partner (beneficiary_ref)",
                SQL.identifier(BENEFICIARY_REF_INDEX),
            )
        )
        self.assertIn(BENEFICIARY_REF_INDEX, self._reference_indexes())
        self.env["res.partner"].init()
        self.assertEqual(
            list(self._reference_indexes()), ["res_partner_beneficiary_ref_uniq"]
        )
