# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tests.common import load_migration

from ..hooks import uninstall_hook
from ..models.social_payout_line import BATCH_COPY_FUNCTIONS, LINE_FILLFACTOR


@tagged("post_install", "-at_install")
class TestLineStorage(TransactionCase):
    def test_pages_keep_room_for_the_result_update(self):
        """The provider's result updates each line once; the table's pages
        keep half their room so that the update stays on the page and
        leaves the indexes alone (a HOT update)."""
        self.env.cr.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'social_payout_line'"
        )
        self.assertIn(f"fillfactor={LINE_FILLFACTOR}", self.env.cr.fetchone()[0])
        # none of the columns the result writes is indexed (else no HOT)
        self.env.cr.execute(
            """
            SELECT DISTINCT a.attname
              FROM pg_index i
              JOIN pg_class t ON t.oid = i.indrelid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
             WHERE t.relname = 'social_payout_line'
            """
        )
        indexed = {row[0] for row in self.env.cr.fetchall()}
        result_columns = {
            "state",
            "paid_amount",
            "paid_date",
            "provider_ref",
            "failure_reason",
            "fee_amount",
            "write_uid",
            "write_date",
        }
        self.assertFalse(indexed & result_columns, indexed & result_columns)


class LineSchemaCase(TransactionCase):
    """The columns, foreign keys, triggers and functions of the lines' table."""

    def _names(self, query, params=None):
        self.env.cr.execute(query, params)
        return {row[0] for row in self.env.cr.fetchall()}

    def _columns(self):
        return self._names(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'social_payout_line'"
        )

    def _foreign_keys(self):
        return self._names(
            """
            SELECT a.attname
              FROM pg_constraint c
              JOIN pg_attribute a
                ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
             WHERE c.conrelid = 'social_payout_line'::regclass AND c.contype = 'f'
            """
        )

    def _assert_update_drops(self, migration, version, names, gone):
        """``migration`` leaves a new install as it is, drops ``gone`` from
        ``names()`` (the columns or the foreign keys) on an update from
        ``version``, and runs again without error (an update repeated)."""
        cr = self.env.cr
        self.assertLessEqual(gone, names())
        migration.migrate(cr, False)
        self.assertLessEqual(gone, names())
        migration.migrate(cr, version)
        self.assertFalse(gone & names())
        migration.migrate(cr, version)
        self.assertFalse(gone & names())


@tagged("post_install", "-at_install")
class TestLineColumnsMigration(LineSchemaCase):
    """1.2.0: the lines keep no create/write user nor write date, each user
    column a foreign key checked on every line a generation writes; the
    creation date stays (the level differences read it)."""

    def test_a_new_install_has_no_user_columns(self):
        self.assertFalse({"create_uid", "write_uid", "write_date"} & self._columns())
        self.assertFalse({"create_uid", "write_uid"} & self._foreign_keys())
        self.assertIn("create_date", self._columns())
        self.assertIn("partner_id", self._foreign_keys())

    def test_the_update_drops_them(self):
        migration = load_migration("social_payout", "18.0.1.2.0")
        cr = self.env.cr
        # as 1.1.0 created them
        cr.execute(
            SQL(
                "ALTER TABLE social_payout_line"
                " ADD COLUMN create_uid integer REFERENCES res_users,"
                " ADD COLUMN write_uid integer REFERENCES res_users,"
                " ADD COLUMN write_date timestamp"
            )
        )
        self._assert_update_drops(
            migration, "18.0.1.1.0", self._columns, set(migration.COLUMNS)
        )
        self.assertFalse({"create_uid", "write_uid"} & self._foreign_keys())
        self.assertLessEqual({"create_date", "partner_id"}, self._columns())


@tagged("post_install", "-at_install")
class TestLineProgramKeyMigration(LineSchemaCase):
    """1.4.0: a line's program is a copy of its batch's that PostgreSQL keeps
    right once per statement; its own foreign key, checked on every line a
    generation writes, goes."""

    def test_a_new_install_has_no_program_key(self):
        self.assertFalse({"program_id"} & self._foreign_keys())
        self.assertLessEqual(
            {"batch_id", "partner_id", "payee_id"}, self._foreign_keys()
        )

    def test_the_update_drops_it(self):
        migration = load_migration("social_payout", "18.0.1.4.0")
        cr = self.env.cr
        # as 1.3.0 created it
        cr.execute(
            SQL(
                "ALTER TABLE social_payout_line ADD CONSTRAINT %s"
                " FOREIGN KEY (program_id) REFERENCES social_program(id)"
                " ON DELETE SET NULL",
                SQL.identifier(migration.FOREIGN_KEY),
            )
        )
        self._assert_update_drops(
            migration, "18.0.1.3.0", self._foreign_keys, {"program_id"}
        )
        self.assertIn("partner_id", self._foreign_keys())


@tagged("post_install", "-at_install")
class TestLineRegistrationMigration(LineSchemaCase):
    """1.5.0: a line keeps what its payee's registration resolved to (payee,
    role, representative, method, account), not the registration itself,
    whose key was checked on every line a generation writes and which
    nothing read."""

    def test_a_new_install_has_no_registration_column(self):
        self.assertNotIn("registration_id", self._columns())
        self.assertNotIn("registration_id", self.env["social.payout.line"]._fields)
        self.assertLessEqual(
            {"payee_id", "representative_id", "bank_account_id"}, self._foreign_keys()
        )

    def test_the_update_drops_it_with_its_key(self):
        migration = load_migration("social_payout", "18.0.1.5.0")
        cr = self.env.cr
        # as 1.4.0 created them: the column, its key and the key's record
        cr.execute(
            SQL(
                "ALTER TABLE social_payout_line ADD COLUMN %s integer"
                " CONSTRAINT %s REFERENCES social_payment_registration(id)"
                " ON DELETE SET NULL",
                SQL.identifier(migration.COLUMN),
                SQL.identifier(migration.FOREIGN_KEY),
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO ir_model_constraint
                       (name, type, definition, model, module)
                SELECT %s, 'f', 'social_payment_registration(id) ON DELETE set null',
                       m.id, mod.id
                  FROM ir_model m, ir_module_module mod
                 WHERE m.model = 'social.payout.line' AND mod.name = 'social_payout'
                """,
                migration.FOREIGN_KEY,
            )
        )

        def key_records():
            return self._names(
                "SELECT name FROM ir_model_constraint WHERE name = %s",
                [migration.FOREIGN_KEY],
            )

        self.assertIn("registration_id", self._foreign_keys())
        self.assertTrue(key_records())
        self._assert_update_drops(
            migration, "18.0.1.4.0", self._columns, {"registration_id"}
        )
        self.assertNotIn("registration_id", self._foreign_keys())
        self.assertFalse(key_records())
        self.assertIn("payee_id", self._foreign_keys())


@tagged("post_install", "-at_install")
class TestLineRulesUninstall(LineSchemaCase):
    def _functions(self):
        return self._names(
            "SELECT proname FROM pg_proc WHERE proname = ANY(%s)",
            [list(BATCH_COPY_FUNCTIONS)],
        )

    def _triggers(self):
        return self._names(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'social_payout_%'"
            " AND NOT tgisinternal"
        )

    def test_uninstall_drops_the_rules_functions(self):
        """The rules that keep a line's program and month those of its batch
        are there, and an uninstall leaves none of their functions behind
        (the test's transaction is rolled back afterwards)."""
        self.assertEqual(self._functions(), set(BATCH_COPY_FUNCTIONS))
        self.assertEqual(
            self._triggers(),
            {
                "social_payout_line_batch_copy",
                "social_payout_line_batch_fixed",
                "social_payout_batch_lines_fixed",
            },
        )
        uninstall_hook(self.env)
        self.assertFalse(self._functions())
        self.assertFalse(self._triggers())
