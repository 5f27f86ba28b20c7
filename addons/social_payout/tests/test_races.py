# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two users press the same button at the same moment.

In Odoo's test mode every ``registry.cursor()`` shares the test's transaction, so
these tests open their own connections: the fixture is committed through one,
each thread acts through its own, and everything made is removed (committed) at
the end, so the database is left as found. The test's own transaction is not
used and sees none of it.
"""

import threading
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user, tagged

GROUP = "social_beneficiary.group_social_"
LOSER_MESSAGE = (
    r"Another user is working on .* right now|"
    r"is (Approved|Transferred): only a batch in (Submitted|Approved) "
    r"can be (approved|transferred)"
)


@tagged("post_install", "-at_install")
class TestRaces(TransactionCase):
    def _cursor(self):
        return db_connect(self.env.cr.dbname).cursor()

    def setUp(self):
        super().setUp()
        self.made = {}
        self.addCleanup(self._remove_fixture)
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            if not (
                company.social_payout_journal_id
                and company.social_funding_account_id
                and company.social_clearing_account_id
            ):
                self.skipTest("The payout accounts are not set in this database.")
            Area = env["social.area"]
            province = Area.create(
                {"name": "Tỉnh Đua", "code": "RACE9", "level": "province"}
            )
            district = Area.create(
                {
                    "name": "Huyện Đua",
                    "code": "RACE901",
                    "level": "district",
                    "parent_id": province.id,
                }
            )
            commune = Area.create(
                {
                    "name": "Xã Đua",
                    "code": "RACE90101",
                    "level": "commune",
                    "parent_id": district.id,
                }
            )
            self.made["areas"] = (commune | district | province).ids
            beneficiary = env["res.partner"].create(
                {
                    "name": "Đinh Thị Đua",
                    "is_beneficiary": True,
                    "area_id": commune.id,
                    "citizen_id": "001150099917",
                    "gender": "female",
                    "birth_date": date(1950, 3, 1),
                }
            )
            provider_partner = env["res.partner"].create({"name": "Bưu điện Đua"})
            self.made["partners"] = [beneficiary.id, provider_partner.id]
            allowance = env["social.allowance"].create(
                {
                    "partner_id": beneficiary.id,
                    "category_id": env.ref(
                        "social_beneficiary.category_btxh_k5a_60"
                    ).id,
                    "date_start": date(2023, 1, 1),
                    "decision_ref": "QĐ-ĐUA-1",
                    "decision_date": date(2022, 12, 20),
                }
            )
            allowance.action_activate()
            self.made["allowances"] = allowance.ids
            provider = env["social.payout.provider"].create(
                {
                    "name": "Race Provider",
                    "partner_id": provider_partner.id,
                    "fee_rule_ids": [
                        Command.create({"method": "cash_point", "percent": 0.8})
                    ],
                }
            )
            self.made["providers"] = provider.ids
            users = {}
            for login, group in (
                ("race_officer", "commune_officer"),
                ("race_approver_a", "approver"),
                ("race_approver_b", "approver"),
                ("race_finance_a", "finance"),
                ("race_finance_b", "finance"),
            ):
                users[login] = new_test_user(
                    env,
                    login=login,
                    groups=f"base.group_user,{GROUP}{group}",
                    social_area_ids=[Command.set(district.ids)],
                    email=False,
                )
            self.made["users"] = [user.id for user in users.values()]
            self.made["partners"] += [user.partner_id.id for user in users.values()]
            self.uids = {login: user.id for login, user in users.items()}
            batch = (
                env["social.payout.batch"]
                .with_user(users["race_officer"])
                .create(
                    {
                        "program_id": env.ref("social_beneficiary.program_btxh").id,
                        "period": date(2024, 7, 1),
                        "area_id": district.id,
                        "provider_id": provider.id,
                    }
                )
            )
            self.made["batches"] = batch.ids
            batch.action_generate_lines()
            batch.action_submit()
            cr.commit()  # pylint: disable=invalid-commit
            self.batch_id = batch.id

    def _remove_fixture(self):
        made = self.made
        with self._cursor() as cr:
            cr.execute(
                "SELECT array_agg(m) FROM social_payout_batch b, "
                "unnest(ARRAY[b.transfer_move_id, b.reversal_move_id]) m "
                "WHERE b.id = ANY(%s) AND m IS NOT NULL",
                [made.get("batches", [])],
            )
            move_ids = cr.fetchone()[0] or []
            statements = [
                (
                    "DELETE FROM mail_message WHERE (model = 'account.move' AND "
                    "res_id = ANY(%s)) OR (model = 'social.payout.batch' AND "
                    "res_id = ANY(%s))",
                    [move_ids, made.get("batches", [])],
                ),
                (
                    "DELETE FROM mail_followers WHERE (res_model = 'account.move' AND "
                    "res_id = ANY(%s)) OR (res_model = 'social.payout.batch' AND "
                    "res_id = ANY(%s))",
                    [move_ids, made.get("batches", [])],
                ),
                # posted, hashed entries: neither Odoo nor the suite deletes them
                # through the ORM, hence SQL for the fixture's own
                ("DELETE FROM account_move_line WHERE move_id = ANY(%s)", [move_ids]),
                ("DELETE FROM account_move WHERE id = ANY(%s)", [move_ids]),
                (
                    "DELETE FROM social_payout_batch WHERE id = ANY(%s)",
                    [made.get("batches", [])],
                ),
                (
                    "DELETE FROM social_payout_provider WHERE id = ANY(%s)",
                    [made.get("providers", [])],
                ),
                (
                    "DELETE FROM social_allowance WHERE id = ANY(%s)",
                    [made.get("allowances", [])],
                ),
                ("DELETE FROM res_users WHERE id = ANY(%s)", [made.get("users", [])]),
                (
                    "DELETE FROM res_partner WHERE id = ANY(%s)",
                    [made.get("partners", [])],
                ),
                ("DELETE FROM social_area WHERE id = ANY(%s)", [made.get("areas", [])]),
            ]
            for query, params in statements:
                cr.execute(query, params)
            cr.commit()  # pylint: disable=invalid-commit
            cr.execute(
                "SELECT count(*) FROM social_payout_batch WHERE id = ANY(%s)",
                [made.get("batches", [])],
            )
            self.assertEqual(cr.fetchone()[0], 0)

    def _race(self, logins, method):
        """Run ``batch.method()`` for each login at the same moment, each in its
        own connection; ``{login: "ok" | message}``."""
        barrier = threading.Barrier(len(logins))
        results = {}

        def run(login):
            try:
                with self._cursor() as cr:
                    env = api.Environment(cr, self.uids[login], {})
                    batch = env["social.payout.batch"].browse(self.batch_id)
                    barrier.wait(timeout=30)
                    try:
                        getattr(batch, method)()
                        cr.commit()  # pylint: disable=invalid-commit
                        results[login] = "ok"
                    except UserError as error:
                        cr.rollback()
                        results[login] = str(error)
            except Exception as error:  # reported by the test
                results[login] = repr(error)

        threads = [threading.Thread(target=run, args=(login,)) for login in logins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return results

    def _read(self, query, *params):
        with self._cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def test_approve_and_transfer_happen_once(self):
        results = self._race(("race_approver_a", "race_approver_b"), "action_approve")
        winners = [login for login, result in results.items() if result == "ok"]
        self.assertEqual(len(winners), 1, results)
        (loser,) = set(results) - set(winners)
        self.assertRegex(results[loser], LOSER_MESSAGE)
        ((state, approved_by),) = self._read(
            "SELECT state, approved_by FROM social_payout_batch WHERE id = %s",
            self.batch_id,
        )
        self.assertEqual(state, "approved")
        self.assertEqual(approved_by, self.uids[winners[0]])

        results = self._race(("race_finance_a", "race_finance_b"), "action_transfer")
        winners = [login for login, result in results.items() if result == "ok"]
        self.assertEqual(len(winners), 1, results)
        (loser,) = set(results) - set(winners)
        self.assertRegex(results[loser], LOSER_MESSAGE)
        ((state, move_id, transferred_by),) = self._read(
            "SELECT state, transfer_move_id, transferred_by FROM social_payout_batch "
            "WHERE id = %s",
            self.batch_id,
        )
        self.assertEqual(state, "transferred")
        self.assertEqual(transferred_by, self.uids[winners[0]])
        ((count,),) = self._read(
            "SELECT count(*) FROM account_move WHERE ref LIKE %s",
            "Transfer of payout batch % to Race Provider",
        )
        self.assertEqual(count, 1)
        ((posted_move,),) = self._read(
            "SELECT id FROM account_move WHERE ref LIKE %s",
            "Transfer of payout batch % to Race Provider",
        )
        self.assertEqual(posted_move, move_id)

    def test_locked_batch_refused_at_once(self):
        """While one user's transaction holds the batch, another's approval is
        refused at once with a clear message, and changes nothing."""
        with self._cursor() as holder, self._cursor() as other:
            holder.execute(
                "SELECT id FROM social_payout_batch WHERE id = %s FOR UPDATE",
                [self.batch_id],
            )
            env = api.Environment(other, self.uids["race_approver_a"], {})
            batch = env["social.payout.batch"].browse(self.batch_id)
            with self.assertRaisesRegex(
                UserError, "Another user is working on .* right now"
            ):
                batch.action_approve()
            other.rollback()
            holder.rollback()
        ((state, approved_by),) = self._read(
            "SELECT state, approved_by FROM social_payout_batch WHERE id = %s",
            self.batch_id,
        )
        self.assertEqual((state, approved_by), ("submitted", None))
