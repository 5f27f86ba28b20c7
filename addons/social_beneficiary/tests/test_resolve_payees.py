from calendar import monthrange
from datetime import date

from odoo.tests import tagged
from odoo.tools import SQL

from .common import SocialBeneficiaryCommon

MARCH = date(2025, 3, 1)


@tagged("post_install", "-at_install")
class TestResolvePayees(SocialBeneficiaryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Registration = cls.env["social.payment.registration"]
        cls.Representative = cls.env["social.representative"]

    def _registration(self, beneficiary, method="bank", role="self", **vals):
        registration = self.Registration.create(
            dict(
                {
                    "beneficiary_id": beneficiary.id,
                    "method": method,
                    "payee_role": role,
                    "date_from": date(2025, 1, 1),
                },
                **vals,
            )
        )
        if registration.method in ("bank", "ewallet") and not (
            registration.bank_account_id
        ):
            # verification refuses it; the payout must still cope with a
            # registration whose account went away: write the state as data
            registration._workflow_write({"state": "verified"})
        else:
            registration.with_user(self.approver).action_verify()
        return registration

    def _representative(self, beneficiary, partner, role="guardian", **vals):
        return self.Representative.create(
            dict(
                {
                    "beneficiary_id": beneficiary.id,
                    "partner_id": partner.id,
                    "role": role,
                    "date_from": date(2024, 1, 1),
                },
                **vals,
            )
        )

    def _resolve(self, partner, month=MARCH):
        return self.Registration._resolve_payees(partner.ids, month)[partner.id]

    def test_no_registration(self):
        self.Registration.create(
            {
                "beneficiary_id": self.ben_a.id,
                "method": "cash_home",
                "cash_home_reason": "Nằm liệt giường",
            }
        )  # draft: not in force
        self.assertEqual(
            self._resolve(self.ben_a),
            {
                "registration_id": False,
                "method": "cash_point",
                "payee_id": self.ben_a.id,
                "payee_role": "self",
                "representative_id": False,
                "bank_account_id": False,
                "flags": ["no_registration"],
            },
        )

    def test_self_bank(self):
        account = self._account(self.ben_a, "1234567890")
        registration = self._registration(self.ben_a, bank_account_id=account.id)
        result = self._resolve(self.ben_a)
        self.assertEqual(result["registration_id"], registration.id)
        self.assertEqual(result["method"], "bank")
        self.assertEqual(result["payee_id"], self.ben_a.id)
        self.assertEqual(result["bank_account_id"], account.id)
        self.assertEqual(result["flags"], [])

    def test_bank_without_account_is_flagged(self):
        self._registration(self.ben_a)
        result = self._resolve(self.ben_a)
        self.assertEqual(result["method"], "bank")
        self.assertEqual(result["flags"], ["missing_account"])

    def test_valid_guardian(self):
        guardian_rep = self._representative(self.ben_a, self.guardian)
        account = self._account(self.guardian, "0099887766")
        self._registration(
            self.ben_a,
            role="guardian",
            representative_id=guardian_rep.id,
            bank_account_id=account.id,
        )
        result = self._resolve(self.ben_a)
        self.assertEqual(result["payee_id"], self.guardian.id)
        self.assertEqual(result["payee_role"], "guardian")
        self.assertEqual(result["representative_id"], guardian_rep.id)
        self.assertEqual(result["bank_account_id"], account.id)
        self.assertEqual(result["flags"], [])

    def test_expired_guardian_falls_back_to_own_account(self):
        guardian_rep = self._representative(
            self.ben_a, self.guardian, date_to=date(2025, 2, 28)
        )
        account = self._account(self.guardian, "0099887766")
        own = self._account(self.ben_a, "5555000011")
        self._registration(
            self.ben_a,
            role="guardian",
            representative_id=guardian_rep.id,
            bank_account_id=account.id,
        )
        # still valid in February, expired in March
        february = self._resolve(self.ben_a, date(2025, 2, 14))
        self.assertEqual(february["payee_id"], self.guardian.id)
        result = self._resolve(self.ben_a)
        self.assertEqual(result["payee_id"], self.ben_a.id)
        self.assertEqual(result["payee_role"], "self")
        self.assertEqual(result["representative_id"], False)
        self.assertEqual(result["method"], "bank")
        self.assertEqual(result["bank_account_id"], own.id)
        self.assertEqual(result["flags"], ["representative_expired"])

    def test_unconfirmed_proxy_falls_back_to_cash(self):
        proxy_rep = self._representative(self.ben_a, self.guardian, role="proxy")
        wallet = self._account(self.guardian, "0905111222", self.wallet_viettel)
        # the beneficiary has a bank account but no wallet: nothing to fall back on
        self._account(self.ben_a, "5555000011")
        self._registration(
            self.ben_a,
            method="ewallet",
            role="proxy",
            representative_id=proxy_rep.id,
            bank_account_id=wallet.id,
        )
        result = self._resolve(self.ben_a)
        self.assertEqual(result["payee_id"], self.ben_a.id)
        self.assertEqual(result["method"], "cash_point")
        self.assertEqual(result["bank_account_id"], False)
        self.assertEqual(
            result["flags"], ["representative_unconfirmed", "missing_account"]
        )
        proxy_rep.action_confirm()
        confirmed = self._resolve(self.ben_a)
        self.assertEqual(confirmed["payee_id"], self.guardian.id)
        self.assertEqual(confirmed["payee_role"], "proxy")
        self.assertEqual(confirmed["method"], "ewallet")
        self.assertEqual(confirmed["bank_account_id"], wallet.id)
        self.assertEqual(confirmed["flags"], [])

    def test_guardian_not_yet_valid(self):
        guardian_rep = self._representative(
            self.ben_a, self.guardian, date_from=date(2025, 4, 1)
        )
        self._registration(
            self.ben_a,
            method="cash_point",
            role="guardian",
            representative_id=guardian_rep.id,
        )
        result = self._resolve(self.ben_a)
        self.assertEqual(result["payee_id"], self.ben_a.id)
        self.assertEqual(result["method"], "cash_point")
        self.assertEqual(result["flags"], ["representative_expired"])
        self.assertEqual(self._resolve(self.ben_a, date(2025, 4, 30))["flags"], [])

    def test_latest_registration_in_force(self):
        account = self._account(self.ben_a, "1234567890")
        first = self._registration(self.ben_a, method="cash_point")
        second = self._registration(
            self.ben_a, bank_account_id=account.id, date_from=date(2025, 4, 10)
        )
        self.assertEqual(second.date_from, date(2025, 4, 1))
        self.assertEqual(self._resolve(self.ben_a)["registration_id"], first.id)
        april = self._resolve(self.ben_a, date(2025, 4, 1))
        self.assertEqual(april["registration_id"], second.id)
        self.assertEqual(april["method"], "bank")
        december = self._resolve(self.ben_a, date(2024, 12, 1))
        self.assertEqual(december["flags"], ["no_registration"])

    def test_many_beneficiaries_at_once(self):
        self._registration(self.ben_a, method="cash_point")
        result = self.Registration._resolve_payees((self.ben_a | self.ben_b).ids, MARCH)
        self.assertEqual(set(result), {self.ben_a.id, self.ben_b.id})
        self.assertEqual(result[self.ben_a.id]["flags"], [])
        self.assertEqual(result[self.ben_b.id]["flags"], ["no_registration"])

    def test_sql_twin_of_the_authorisation_rule_agrees(self):
        """The set-based payee resolution reads an authorisation's validity in
        SQL; it must say what _is_valid_for says, case by case."""
        reps = (
            self._representative(self.ben_a, self.guardian, date_to=date(2024, 12, 31))
            | self._representative(
                self.ben_a, self.guardian, date_from=date(2025, 3, 15)
            )
            | self._representative(
                self.ben_a,
                self.guardian,
                role="proxy",
                date_from=date(2025, 1, 1),
                date_to=date(2025, 2, 28),
            )
            | self._representative(
                self.ben_b, self.guardian, role="proxy", date_from=date(2025, 1, 1)
            )
            | self._representative(
                self.ben_b, self.guardian, date_from=date(2025, 4, 1)
            )
        )
        reps[3].action_confirm()
        reps.flush_recordset()
        months = [date(2024, 12, 1), date(2025, 1, 1), date(2025, 3, 1)]
        months.append(date(2025, 4, 1))
        seen = set()
        for month in months:
            last = month.replace(day=monthrange(month.year, month.month)[1])
            self.env.cr.execute(
                SQL(
                    "SELECT rep.id, %s AND %s FROM social_representative rep"
                    " WHERE rep.id IN %s",
                    self.Representative._sql_covers("rep", month, last),
                    self.Representative._sql_confirmed("rep"),
                    tuple(reps.ids),
                )
            )
            in_sql = dict(self.env.cr.fetchall())
            for rep in reps:
                python = rep._is_valid_for(month, last)
                seen.add(python)
                with self.subTest(rep=rep.id, role=rep.role, month=month):
                    self.assertEqual(in_sql[rep.id], python)
        # both outcomes occurred, so the comparison means something
        self.assertEqual(seen, {True, False})
