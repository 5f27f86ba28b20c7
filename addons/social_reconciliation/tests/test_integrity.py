# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the external API cannot do to a reconciliation or its results.

Every user writes every field through XML-RPC/JSON-RPC with any context: the
state, who/when, settlement entries and file evidence of a reconciliation and
the provider's result rows change only inside the import and the buttons,
for administrators too.
"""

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SocialReconciliationCommon

BUTTONS_ONLY = "change only through the buttons of the record"
RESULTS_FROM_FILE = "Payout results come only from the provider's result file"


@tagged("post_install", "-at_install")
class TestReconciliationIntegrity(SocialReconciliationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the fixture's people have no e-mail address, as in most communes
        cls.reconciliation = cls._import(
            cls.batch, cls._csv(cls._result_rows(cls.batch, failed=cls.binh)), "r.csv"
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.manager = cls._user("rc_manager", "manager", cls.province)

    def _state(self, reconciliation):
        reconciliation.invalidate_recordset()
        rec = reconciliation.sudo()
        return (
            rec.state,
            rec.validated_date,
            rec.validated_by_id,
            rec.settled_date,
            rec.settled_by_id,
            rec.move_ids.ids,
            rec.file_checksum,
            rec.filename,
            rec.batch_id,
            len(rec.result_ids),
        )

    def _settled(self):
        self.reconciliation.action_validate()
        self.reconciliation.action_settle()
        return self.reconciliation

    # ------------------------------------------------------------ no e-mail
    def test_users_without_email_import_validate_and_settle(self):
        self.assertFalse(self.finance.email)
        reconciliation = self._settled()
        self.assertEqual(reconciliation.state, "settled")
        self.assertEqual(reconciliation.validated_by_id, self.finance)
        self.assertEqual(reconciliation.settled_by_id, self.finance)
        self.assertTrue(reconciliation.validated_date and reconciliation.settled_date)
        notes = reconciliation.sudo().message_ids.filtered(
            lambda m: m.author_id == self.finance.partner_id
        )
        bodies = " ".join(notes.mapped("body"))
        self.assertIn("Provider results imported from r.csv", bodies)
        self.assertIn("Validated", bodies)
        self.assertIn("Settled", bodies)

    # ------------------------------------------------------- state by write
    def test_workflow_fields_refused_for_every_role_and_admin(self):
        before = self._state(self.reconciliation)
        other_move = self.batch.sudo().transfer_move_id
        attempts = {
            "state": "settled",
            "validated_date": fields.Datetime.now(),
            "validated_by_id": self.finance.id,
            "settled_date": fields.Datetime.now(),
            "settled_by_id": self.finance.id,
            "file_checksum": "forged",
            "filename": "forged.csv",
            "move_ids": [Command.link(other_move.id)],
        }
        users = (
            self.officer,
            self.approver,
            self.finance,
            self.auditor,
            self.manager,
            self.admin,
        )
        for user in users:
            for field_name, value in attempts.items():
                with self.subTest(user=user.login, field=field_name):
                    record = self.reconciliation.with_user(user)
                    if user == self.admin:
                        record = record.sudo()
                    # a context key with a plain value is no pass
                    record = record.with_context(social_workflow=True)
                    with self.assertRaises(UserError) as caught:
                        record.write({field_name: value})
                    if user in (self.finance, self.manager, self.admin):
                        # they may write reconciliations: the guard refuses
                        self.assertIn(BUTTONS_ONLY, str(caught.exception))
        self.assertEqual(self._state(self.reconciliation), before)

    def test_settled_money_fields_refused_to_admin(self):
        reconciliation = self._settled()
        before = self._state(reconciliation)
        admin = reconciliation.with_user(self.admin).sudo()
        for vals in (
            {"state": "draft"},
            {"move_ids": [Command.clear()]},
            {"settled_by_id": False},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, BUTTONS_ONLY),
            ):
                admin.write(vals)
        with self.assertRaisesRegex(UserError, "cannot change after settlement"):
            admin.write({"unpaid_policy": "refund"})
        self.assertEqual(self._state(reconciliation), before)
        self.assertEqual(reconciliation.unpaid_policy, "carry_over")

    def test_reconciliation_created_only_by_the_import(self):
        count = self.env["social.payout.reconciliation"].sudo().search_count([])
        other = self._transferred_batch(self.FEB)
        for user in (self.finance, self.admin):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(UserError, BUTTONS_ONLY),
            ):
                self.env["social.payout.reconciliation"].with_user(user).sudo(
                    user == self.admin
                ).create({"batch_id": other.id, "state": "draft"})
        self.assertEqual(
            self.env["social.payout.reconciliation"].sudo().search_count([]), count
        )

    def test_one_reconciliation_per_batch_in_the_database(self):
        Reconciliation = self.env["social.payout.reconciliation"]
        with self.assertRaisesRegex(UserError, "imported by someone else at the same"):
            Reconciliation.with_user(self.finance)._create_for_batch(
                self.batch, "other", "other.csv"
            )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            Reconciliation._workflow_create([{"batch_id": self.batch.id}])
        self.assertEqual(
            Reconciliation.sudo().search_count([("batch_id", "=", self.batch.id)]), 1
        )

    # --------------------------------------------------------------- results
    def test_results_refused_outside_the_import(self):
        results = self.reconciliation.sudo().result_ids
        before = sorted(
            results.mapped(lambda r: (r.reference, r.status, r.amount_paid))
        )
        line = results[0].line_id
        for user in (self.finance, self.manager, self.admin):
            env_results = results.with_user(user).sudo(user == self.admin)
            with (
                self.subTest(user=user.login, op="write"),
                self.assertRaises(UserError) as caught,
            ):
                env_results.write({"status": "paid", "amount_paid": 1})
            if user == self.admin:
                self.assertIn(RESULTS_FROM_FILE, str(caught.exception))
            with (
                self.subTest(user=user.login, op="unlink"),
                self.assertRaises(UserError) as caught,
            ):
                env_results.unlink()
            if user in (self.manager, self.admin):
                # the manager may delete results by access rights: the guard refuses
                self.assertIn(RESULTS_FROM_FILE, str(caught.exception))
            with (
                self.subTest(user=user.login, op="create"),
                self.assertRaises(UserError),
            ):
                env_results.create(
                    {
                        "reconciliation_id": self.reconciliation.id,
                        "line_id": line.id,
                        "reference": "FORGED",
                        "status": "paid",
                    }
                )
        # through the reconciliation's one2many too
        with self.assertRaisesRegex(UserError, BUTTONS_ONLY):
            self.reconciliation.sudo().write({"result_ids": [Command.clear()]})
        results.invalidate_recordset()
        after = self.reconciliation.sudo().result_ids
        self.assertEqual(
            sorted(after.mapped(lambda r: (r.reference, r.status, r.amount_paid))),
            before,
        )

    def test_line_results_written_only_by_the_import(self):
        """What the provider reported on a line (declared by this addon on the
        line) is refused to every role and the administrator, and negative
        amounts paid to PostgreSQL itself."""
        line = self.reconciliation.sudo().result_ids.line_id.filtered(
            lambda line: line.partner_id == self.binh
        )
        before = (line.paid_amount, line.paid_date, line.provider_ref)
        for vals in (
            {"paid_amount": 1},
            {"provider_ref": "GD1"},
            {"failure_reason": "x"},
            {"paid_date": "2025-01-05"},
        ):
            for user in (self.finance, self.manager, self.admin):
                with self.subTest(user=user.login, field=next(iter(vals))):
                    try:
                        with self.cr.savepoint():
                            line.with_user(user).sudo(user == self.admin).write(vals)
                    except (UserError, AccessError) as error:
                        refusal = str(error)
                    else:
                        self.fail(f"{user.login} wrote {vals}")
                    if user == self.admin:
                        self.assertIn(BUTTONS_ONLY, refusal)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.cr.savepoint():
                self.cr.execute(
                    "UPDATE social_payout_line SET paid_amount = -1 WHERE id = %s",
                    [line.id],
                )
        line.invalidate_recordset()
        self.assertEqual((line.paid_amount, line.paid_date, line.provider_ref), before)

    # ------------------------------------------------------- buttons by role
    def test_only_finance_validates_and_settles(self):
        before = self._state(self.reconciliation)
        for user in (self.officer, self.approver, self.auditor):
            for action in ("action_validate", "action_settle"):
                with (
                    self.subTest(user=user.login, action=action),
                    self.assertRaises(AccessError),
                ):
                    getattr(self.reconciliation.with_user(user), action)()
        self.assertEqual(self._state(self.reconciliation), before)
        self.assertEqual(
            sorted(self.batch.sudo().line_ids.mapped("state")), ["pending"] * 4
        )

    def test_settlement_happens_once(self):
        reconciliation = self._settled()
        moves = reconciliation.sudo().move_ids
        self.assertTrue(moves)
        entries = self.env["account.move"].sudo().search_count([])
        before = self._state(reconciliation)
        with self.assertRaisesRegex(
            UserError, "only a validated reconciliation can be settled"
        ):
            reconciliation.action_settle()
        with self.assertRaisesRegex(
            UserError, "only a draft reconciliation can be validated"
        ):
            reconciliation.action_validate()
        self.assertEqual(self.env["account.move"].sudo().search_count([]), entries)
        self.assertEqual(self._state(reconciliation), before)

    def test_validated_results_cannot_be_replaced(self):
        self.reconciliation.action_validate()
        before = self._state(self.reconciliation)
        with self.assertRaisesRegex(
            UserError, "already has a validated reconciliation"
        ):
            self._import(self.batch, self._csv(self._result_rows(self.batch)), "b.csv")
        self.assertEqual(self._state(self.reconciliation), before)

    def test_settlement_entries_cannot_be_reset_to_draft(self):
        reconciliation = self._settled()
        moves = reconciliation.sudo().move_ids
        for move in moves:
            with (
                self.subTest(move=move.name),
                self.assertRaisesRegex(
                    UserError, "is a settlement entry .* never reset to draft"
                ),
            ):
                move.button_draft()
            with (
                self.subTest(move=move.name),
                self.assertRaisesRegex(UserError, "is a settlement entry"),
            ):
                move.sudo().write({"ref": "changed"})
            self.assertNotEqual(move.ref, "changed")
        self.assertEqual(set(moves.mapped("state")), {"posted"})
