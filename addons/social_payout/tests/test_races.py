# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two users press the same button at the same moment, each through a
connection of their own (``CommittedFixtureCase``)."""

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CommittedFixtureCase

LOSER_MESSAGE = (
    r"Another user is working on .* right now|"
    r"is (Approved|Transferred): only a batch in (Submitted|Approved) "
    r"can be (approved|transferred)"
)


@tagged("post_install", "-at_install")
class TestRaces(CommittedFixtureCase):
    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            if not (
                company.social_payout_journal_id
                and company.social_funding_account_id
                and company.social_clearing_account_id
            ):
                self.skipTest("The payout accounts are not set in this database.")
            district, _communes, provider = self._commit_world(
                env, "RACE9", [("Xã Đua", "Đinh Thị Đua", "001150099917")]
            )
            self.provider_name = provider.name
            users = self._commit_users(
                env,
                district,
                (
                    ("race_officer", "commune_officer"),
                    ("race_approver_a", "approver"),
                    ("race_approver_b", "approver"),
                    ("race_finance_a", "finance"),
                    ("race_finance_b", "finance"),
                ),
            )
            self.uids = {login: user.id for login, user in users.items()}
            batch = self._commit_batch(env, users["race_officer"], district, provider)
            batch.action_generate_lines()
            batch.action_submit()
            cr.commit()  # pylint: disable=invalid-commit
            self.batch_id = batch.id

    def _removal_statements(self):
        # the transfer's entries first: posted and hashed, neither Odoo nor
        # the suite deletes them through the ORM, hence SQL for the fixture's own
        with self._cursor() as cr:
            cr.execute(
                "SELECT array_agg(m) FROM social_payout_batch b, "
                "unnest(ARRAY[b.transfer_move_id, b.reversal_move_id]) m "
                "WHERE b.id = ANY(%s) AND m IS NOT NULL",
                [self.made.get("batches", [])],
            )
            move_ids = cr.fetchone()[0] or []
        return [
            (
                "DELETE FROM mail_message WHERE model = 'account.move' "
                "AND res_id = ANY(%s)",
                [move_ids],
            ),
            (
                "DELETE FROM mail_followers WHERE res_model = 'account.move' "
                "AND res_id = ANY(%s)",
                [move_ids],
            ),
            ("DELETE FROM account_move_line WHERE move_id = ANY(%s)", [move_ids]),
            ("DELETE FROM account_move WHERE id = ANY(%s)", [move_ids]),
            *super()._removal_statements(),
        ]

    def _race(self, logins, method):
        """Run ``batch.method()`` for each login at the same moment, each in its
        own connection; ``{login: "ok" | message}``."""

        def run(login, barrier):
            with self._cursor() as cr:
                env = api.Environment(cr, self.uids[login], {})
                batch = env["social.payout.batch"].browse(self.batch_id)
                barrier.wait(timeout=30)
                try:
                    getattr(batch, method)()
                    cr.commit()  # pylint: disable=invalid-commit
                    return "ok"
                except UserError as error:
                    cr.rollback()
                    return str(error)

        return self._at_the_same_moment(run, logins, timeout=120)

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
            f"Transfer of payout batch % to {self.provider_name}",
        )
        self.assertEqual(count, 1)
        ((posted_move,),) = self._read(
            "SELECT id FROM account_move WHERE ref LIKE %s",
            f"Transfer of payout batch % to {self.provider_name}",
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
