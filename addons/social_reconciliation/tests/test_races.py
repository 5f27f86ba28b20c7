# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two users pressing the same button at the same moment, for real.

In test mode every registry cursor shares the test's one transaction, so these
tests open their own connections: the fixture (a transferred month built
through the actions) is committed through one of them, the two calls run in two
threads, each on its own cursor, and what the test made is removed at the end
(committed too), leaving the database as it was found.

Each thread keeps its transaction open until both have acted (a barrier after
the call), so the two calls always overlap: exactly one wins and the other is
refused with a clear message.
"""

import threading

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SocialReconciliationCommon

RACE_TIMEOUT = 60


class _RaceWorld(SocialReconciliationCommon):
    """The common fixture, built in a committed world of its own."""

    WORLD = "9"
    __test__ = False  # not collected: only a builder

    @classmethod
    def build(cls, env):
        cls.env = env(context=dict(env.context, tracking_disable=True))
        cls._build_world()
        return cls


@tagged("post_install", "-at_install")
class TestReconciliationRaces(SocialReconciliationCommon):
    # the fixture of the common class is not needed here: the race builds and
    # commits its own
    @classmethod
    def setUpClass(cls):
        super(SocialReconciliationCommon, cls).setUpClass()

    # ------------------------------------------------------------ plumbing
    def _connection(self):
        return db_connect(self.env.cr.dbname).cursor()

    def _id_marks(self, cr):
        cr.execute(
            """
            SELECT c.table_name FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND c.column_name = 'id'
               AND c.data_type IN ('integer', 'bigint')
               AND t.table_type = 'BASE TABLE'
            """
        )
        marks = {}
        for (table,) in cr.fetchall():
            cr.execute(
                SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
            )
            marks[table] = cr.fetchone()[0]
        cr.execute("SELECT * FROM res_company ORDER BY id")
        columns = [d[0] for d in cr.description]
        companies = [dict(zip(columns, row, strict=True)) for row in cr.fetchall()]
        return marks, companies

    def _remove_world(self, marks, companies):
        """Delete every row committed since the marks; restore the companies'
        settings the fixture filled (accounts, journal)."""
        with self._connection() as cr:
            for company in companies:
                cr.execute(
                    SQL("SELECT * FROM res_company WHERE id = %s", company["id"])
                )
                columns = [d[0] for d in cr.description]
                now = dict(zip(columns, cr.fetchone(), strict=True))
                changed = [
                    name
                    for name, value in company.items()
                    if now.get(name) != value
                    and name not in ("write_date", "write_uid")
                ]
                for name in changed:
                    cr.execute(
                        SQL(
                            "UPDATE res_company SET %s = %s WHERE id = %s",
                            SQL.identifier(name),
                            company[name],
                            company["id"],
                        )
                    )
            pending = dict(marks)
            for _attempt in range(20):
                progress = False
                for table, mark in list(pending.items()):
                    try:
                        cr.execute("SAVEPOINT race_cleanup")
                        # a refused pass is expected here: not a logged error
                        cr.execute(
                            SQL(
                                "DELETE FROM %s WHERE id > %s",
                                SQL.identifier(table),
                                mark,
                            ),
                            log_exceptions=False,
                        )
                        cr.execute("RELEASE SAVEPOINT race_cleanup")
                        del pending[table]
                        progress = True
                    except psycopg2.errors.ForeignKeyViolation:
                        # a row still referenced: deleted in a later pass
                        cr.execute("ROLLBACK TO SAVEPOINT race_cleanup")
                if not pending or not progress:
                    break
            cr.commit()  # pylint: disable=invalid-commit
        self.assertFalse(pending, "the race fixture could not be removed")

    def _world(self):
        """Build and commit the month; return (world class, marks, companies)."""
        with self._connection() as cr:
            marks, companies = self._id_marks(cr)
            try:
                world = _RaceWorld.build(api.Environment(cr, SUPERUSER_ID, {}))
                ids = {
                    "batch": world.batch.id,
                    "finance": world.finance.id,
                    "approver": world.approver.id,
                    "rows": world._result_rows(world.batch, failed=world.binh),
                    "rows_all_paid": world._result_rows(world.batch),
                }
                cr.commit()  # pylint: disable=invalid-commit
            except Exception:
                cr.rollback()
                self._remove_world(marks, companies)
                raise
        self.addCleanup(self._remove_world, marks, companies)
        return ids

    def _race(self, call, uid, count=2):
        """Run call(env, index) in ``count`` threads at the same moment, each
        on its own connection; return [(result or exception)]."""
        start = threading.Barrier(count, timeout=RACE_TIMEOUT)
        done = threading.Barrier(count, timeout=RACE_TIMEOUT)
        outcomes = [None] * count

        def run(index):
            with self._connection() as cr:
                env = api.Environment(cr, uid, {"tracking_disable": True})
                try:
                    start.wait()
                    outcomes[index] = call(env, index)
                    env.flush_all()
                except Exception as error:  # pylint: disable=broad-except
                    outcomes[index] = error
                    cr.rollback()
                # hold the transaction until the other has acted: they overlap
                done.wait()
                if not isinstance(outcomes[index], Exception):
                    cr.commit()  # pylint: disable=invalid-commit

        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(RACE_TIMEOUT + 10)
        return outcomes

    # --------------------------------------------------------------- races
    def test_two_imports_at_once_make_one_reconciliation(self):
        ids = self._world()
        files = [
            _RaceWorld._csv(ids["rows"]),
            _RaceWorld._csv(ids["rows_all_paid"]),
        ]

        def import_file(env, index):
            batch = env["social.payout.batch"].browse(ids["batch"])
            reconciliation = env["social.payout.reconciliation"]._import_result_file(
                batch, files[index], f"result-{index}.csv"
            )
            return reconciliation.id

        outcomes = self._race(import_file, ids["finance"])
        winners = [o for o in outcomes if isinstance(o, int)]
        losers = [o for o in outcomes if isinstance(o, Exception)]
        self.assertEqual(len(winners), 1, outcomes)
        self.assertEqual(len(losers), 1, outcomes)
        self.assertIsInstance(losers[0], UserError)
        self.assertRegex(
            str(losers[0]),
            "Someone else is importing results of batch|imported by someone else",
        )
        with self._connection() as cr:
            cr.execute(
                "SELECT id FROM social_payout_reconciliation WHERE batch_id = %s",
                (ids["batch"],),
            )
            self.assertEqual([row[0] for row in cr.fetchall()], winners)
            cr.execute(
                "SELECT COUNT(*) FROM social_payout_result"
                " WHERE reconciliation_id = %s",
                (winners[0],),
            )
            self.assertEqual(cr.fetchone()[0], 4)

    def test_two_settlements_at_once_book_once(self):
        ids = self._world()
        with self._connection() as cr:
            env = api.Environment(cr, ids["finance"], {"tracking_disable": True})
            batch = env["social.payout.batch"].browse(ids["batch"])
            reconciliation = env["social.payout.reconciliation"]._import_result_file(
                batch, _RaceWorld._csv(ids["rows"]), "result.csv"
            )
            reconciliation.action_validate()
            reconciliation_id = reconciliation.id
            cr.commit()  # pylint: disable=invalid-commit

        def settle(env, _index):
            env["social.payout.reconciliation"].browse(
                reconciliation_id
            ).action_settle()
            return True

        outcomes = self._race(settle, ids["finance"])
        self.assertEqual(outcomes.count(True), 1, outcomes)
        losers = [o for o in outcomes if isinstance(o, Exception)]
        self.assertEqual(len(losers), 1, outcomes)
        self.assertIsInstance(losers[0], UserError)
        self.assertRegex(
            str(losers[0]),
            "Another user is working on|only a validated reconciliation can be settled",
        )
        with self._connection() as cr:
            cr.execute(
                "SELECT state FROM social_payout_reconciliation WHERE id = %s",
                (reconciliation_id,),
            )
            self.assertEqual(cr.fetchone()[0], "settled")
            name = self._batch_name(cr, ids["batch"])
            cr.execute(
                "SELECT COUNT(*) FROM account_move WHERE ref IN %s",
                ((f"Settlement of {name}", f"Provider fee of {name}"),),
            )
            booked = cr.fetchone()[0]
            cr.execute(
                "SELECT COUNT(*) FROM social_payout_reconciliation_move_rel r"
                "  JOIN account_move m ON m.id = r.move_id"
                " WHERE r.reconciliation_id = %s AND m.state = 'posted'",
                (reconciliation_id,),
            )
            linked = cr.fetchone()[0]
            # one settlement entry and one fee entry, both linked (plus the
            # budget revenue entry the suggested accounts configure)
            self.assertEqual(booked, 2)
            self.assertIn(linked, (2, 3))
            cr.execute(
                "SELECT state FROM social_payout_batch WHERE id = %s", (ids["batch"],)
            )
            self.assertEqual(cr.fetchone()[0], "settled")

    @staticmethod
    def _batch_name(cr, batch_id):
        cr.execute("SELECT name FROM social_payout_batch WHERE id = %s", (batch_id,))
        return cr.fetchone()[0]

    def test_settlement_waits_for_nobody_while_the_provider_is_booked(self):
        """Another settlement with the same provider is being booked (its
        clearing lines are being reconciled): this one is refused at once."""
        ids = self._world()
        with self._connection() as cr:
            env = api.Environment(cr, ids["finance"], {"tracking_disable": True})
            batch = env["social.payout.batch"].browse(ids["batch"])
            reconciliation = env["social.payout.reconciliation"]._import_result_file(
                batch, _RaceWorld._csv(ids["rows"]), "result.csv"
            )
            reconciliation.action_validate()
            reconciliation_id = reconciliation.id
            provider_id = batch.sudo().provider_id.id
            cr.commit()  # pylint: disable=invalid-commit
        with self._connection() as other, self._connection() as cr:
            other.execute(
                "SELECT id FROM social_payout_provider WHERE id = %s FOR UPDATE",
                (provider_id,),
            )
            env = api.Environment(cr, ids["finance"], {"tracking_disable": True})
            reconciliation = env["social.payout.reconciliation"].browse(
                reconciliation_id
            )
            with self.assertRaisesRegex(
                UserError, "Another settlement with .* is being booked right now"
            ):
                reconciliation.action_settle()
            cr.rollback()
            other.rollback()
            cr.execute(
                "SELECT state FROM social_payout_reconciliation WHERE id = %s",
                (reconciliation_id,),
            )
            self.assertEqual(cr.fetchone()[0], "validated")
            cr.execute(
                "SELECT COUNT(*) FROM social_payout_reconciliation_move_rel"
                " WHERE reconciliation_id = %s",
                (reconciliation_id,),
            )
            self.assertEqual(cr.fetchone()[0], 0)
