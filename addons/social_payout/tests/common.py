# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
from datetime import date

from odoo import Command
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user

GROUP = "social_beneficiary.group_social_"


# the provider's fee rules of the tests: (method, percent, minimum, maximum)
FEE_RULE_FIELDS = ("method", "percent", "min_amount", "max_amount")
FEE_RULES = (
    ("bank", 0.5, 1000, 20000),
    ("ewallet", 0.5, 1000, 20000),
    ("cash_point", 0.8, 2000, 50000),
    ("cash_home", 1.2, 5000, 60000),
)


class CommittedFixtureCase(TransactionCase):
    """For the tests that need connections of their own (two users at the
    same moment, two job workers): in Odoo's test mode every
    ``registry.cursor()`` shares the test's transaction, so such a test
    commits its fixture through a connection of its own, records what it
    made in ``self.made`` and has it removed (committed) at the end: the
    database is left as found. The test's own transaction sees none of it."""

    def _cursor(self):
        return db_connect(self.env.cr.dbname).cursor()

    def setUp(self):
        super().setUp()
        self.made = {}
        self.addCleanup(self._remove_fixture)

    def _at_the_same_moment(self, run, keys, timeout=60):
        """``run(key, barrier)`` for each of ``keys``, each in a thread of its
        own; ``barrier.wait()`` is where they meet. Returns ``{key: what run
        returned, or the repr of what it raised}``."""
        barrier = threading.Barrier(len(keys))
        results = {}

        def guarded(key):
            try:
                results[key] = run(key, barrier)
            except Exception as error:  # reported by the test
                results[key] = repr(error)

        threads = [threading.Thread(target=guarded, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
        return results

    def _commit_world(self, env, code, people):
        """A province ``code``, its district and one commune for each of
        ``people`` (``(commune name, beneficiary name, citizen ID)``), each
        person in it with a decision in force from 2023 (BTXH, coefficient
        1.5), and a provider paying at the pay point; recorded in
        ``self.made``. Returns ``(district, communes, provider)``."""
        Area = env["social.area"]
        province = Area.create(
            {"name": f"Tỉnh {code}", "code": code, "level": "province"}
        )
        district = Area.create(
            {
                "name": f"Huyện {code}",
                "code": f"{code}01",
                "level": "district",
                "parent_id": province.id,
            }
        )
        communes = Area.create(
            [
                {
                    "name": commune,
                    "code": f"{code}01{index + 1:02d}",
                    "level": "commune",
                    "parent_id": district.id,
                }
                for index, (commune, _name, _citizen_id) in enumerate(people)
            ]
        )
        self.made["areas"] = (communes | district | province).ids
        beneficiaries = env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_beneficiary": True,
                    "area_id": commune.id,
                    "citizen_id": citizen_id,
                    "gender": "female",
                    "birth_date": date(1950, 3, 1),
                }
                for commune, (_commune, name, citizen_id) in zip(
                    communes, people, strict=True
                )
            ]
        )
        provider_partner = env["res.partner"].create({"name": f"Bưu điện {code}"})
        self.made["partners"] = [*beneficiaries.ids, provider_partner.id]
        allowances = env["social.allowance"].create(
            [
                {
                    "partner_id": beneficiary.id,
                    "category_id": env.ref(
                        "social_beneficiary.category_btxh_k5a_60"
                    ).id,
                    "date_start": date(2023, 1, 1),
                    "decision_ref": f"QĐ-{code}-{beneficiary.id}",
                    "decision_date": date(2022, 12, 20),
                }
                for beneficiary in beneficiaries
            ]
        )
        allowances.action_activate()
        self.made["allowances"] = allowances.ids
        provider = env["social.payout.provider"].create(
            {
                "name": f"Provider {code}",
                "partner_id": provider_partner.id,
                "fee_rule_ids": [
                    Command.create({"method": "cash_point", "percent": 0.8})
                ],
            }
        )
        self.made["providers"] = provider.ids
        return district, communes, provider

    def _commit_users(self, env, district, roles):
        """Users of ``roles`` (``(login, role)``) in ``district``, without
        e-mail; recorded in ``self.made``. Returns ``{login: user}``."""
        users = {
            login: new_test_user(
                env,
                login=login,
                groups=f"base.group_user,{GROUP}{role}",
                social_area_ids=[Command.set(district.ids)],
                email=False,
            )
            for login, role in roles
        }
        self.made.setdefault("users", []).extend(user.id for user in users.values())
        self.made.setdefault("partners", []).extend(
            user.partner_id.id for user in users.values()
        )
        return users

    def _commit_batch(self, env, user, district, provider):
        """A draft batch of July 2024 for ``district``, made by ``user``."""
        batch = (
            env["social.payout.batch"]
            .with_user(user)
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
        return batch

    def _removal_statements(self):
        """``(query, params)`` removing what the test made, in order."""
        made = self.made
        batches = made.get("batches", [])
        return [
            (
                "DELETE FROM mail_message WHERE model = 'social.payout.batch' "
                "AND res_id = ANY(%s)",
                [batches],
            ),
            (
                "DELETE FROM mail_followers WHERE res_model = "
                "'social.payout.batch' AND res_id = ANY(%s)",
                [batches],
            ),
            ("DELETE FROM social_payout_batch WHERE id = ANY(%s)", [batches]),
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

    def _remove_fixture(self):
        with self._cursor() as cr:
            for query, params in self._removal_statements():
                cr.execute(query, params)
            cr.commit()  # pylint: disable=invalid-commit
            cr.execute(
                "SELECT count(*) FROM social_payout_batch WHERE id = ANY(%s)",
                [self.made.get("batches", [])],
            )
            self.assertEqual(cr.fetchone()[0], 0)


class SocialPayoutBuilders(TransactionCase):
    """How the tests of the payout addons build their worlds, as the users
    would: areas, a provider with its fee rules, beneficiaries with their
    decisions, accounts and verified registrations, users of a role and
    batches. A world sets ``bank_vcb``, ``program``, ``district``,
    ``provider``, ``officer`` and ``approver``; the class attributes say when
    its decisions and registrations begin by default and what its users
    lack (social_reconciliation's world builds on these)."""

    DECISION_START = date(2023, 1, 1)
    DECISION_DATE = date(2022, 12, 20)
    REGISTRATION_FROM = date(2023, 1, 1)
    USER_VALS = {}

    @classmethod
    def _suite_data(cls):
        """What every world takes from the suite: BTXH and two of its
        categories (coefficients 1.5 and 2.0), Vietcombank, and the company's
        accounts as the suite suggests them."""
        cls.program = cls.env.ref("social_beneficiary.program_btxh")
        cls.cat_15 = cls.env.ref("social_beneficiary.category_btxh_k5a_60")
        cls.cat_20 = cls.env.ref("social_beneficiary.category_btxh_k5a_80")
        cls.bank_vcb = cls.env.ref("social_beneficiary.bank_vcb")

        cls.company = cls.env.company
        cls.company.action_social_create_suggested_accounts()

    @classmethod
    def _area(cls, name, code, level, parent=None):
        return cls.env["social.area"].create(
            {
                "name": name,
                "code": code,
                "level": level,
                "parent_id": parent.id if parent else False,
            }
        )

    @classmethod
    def _provider(cls, name, partner, fee_rules=FEE_RULES, **vals):
        """A provider of ``partner`` (a partner, or the name of a new company)."""
        if isinstance(partner, str):
            partner = cls.env["res.partner"].create(
                {"name": partner, "is_company": True}
            )
        return cls.env["social.payout.provider"].create(
            {
                "name": name,
                "partner_id": partner.id,
                "fee_rule_ids": [
                    Command.create(dict(zip(FEE_RULE_FIELDS, rule, strict=False)))
                    for rule in fee_rules
                ],
                **vals,
            }
        )

    @classmethod
    def _beneficiary(cls, name, area, citizen_id, gender=None, birth_date=None):
        """Without gender and birth date, those the citizen ID says (4th
        digit 0 male, 1 female, 20th century; 5th-6th the year)."""
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_beneficiary": True,
                "area_id": area.id,
                "citizen_id": citizen_id,
                "gender": gender or ("female" if citizen_id[3] == "1" else "male"),
                "birth_date": birth_date or date(1900 + int(citizen_id[4:6]), 1, 1),
            }
        )

    @classmethod
    def _allowance(
        cls,
        partner,
        category,
        start=None,
        decision=None,
        date_end=False,
        state="active",
    ):
        start = start or cls.DECISION_START
        allowance = cls.env["social.allowance"].create(
            {
                "partner_id": partner.id,
                "category_id": category.id,
                "date_start": start,
                "date_end": date_end,
                "decision_ref": f"QĐ-{partner.id}-{start}",
                "decision_date": decision or cls.DECISION_DATE,
            }
        )
        # states are reached through the actions, as a user would
        allowance.action_activate()
        if state == "ended":
            allowance.action_end()
        return allowance

    @classmethod
    def _account(cls, partner, number):
        return cls.env["res.partner.bank"].create(
            {"partner_id": partner.id, "acc_number": number, "bank_id": cls.bank_vcb.id}
        )

    @classmethod
    def _registration(cls, partner, method, account, role="self", representative=None):
        registration = cls.env["social.payment.registration"].create(
            {
                "beneficiary_id": partner.id,
                "method": method,
                "payee_role": role,
                "representative_id": representative.id if representative else False,
                "bank_account_id": account.id if account else False,
                "date_from": cls.REGISTRATION_FROM,
            }
        )
        registration.with_user(cls.approver).action_verify()
        return registration

    @classmethod
    def _user(cls, login, groups, area):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{GROUP}{groups}",
            social_area_ids=[Command.set(area.ids)],
            **cls.USER_VALS,
        )

    @classmethod
    def _batch(cls, period, area=None, provider=None, user=None):
        return (
            cls.env["social.payout.batch"]
            .with_user(user or cls.officer)
            .create(
                {
                    "program_id": cls.program.id,
                    "period": period,
                    "area_id": (area or cls.district).id,
                    "provider_id": (provider or cls.provider).id,
                }
            )
        )


class SocialPayoutCommon(SocialPayoutBuilders):
    """A district with two communes and a second district, spanning the
    1/7/2024 base level change (BTXH 360,000 -> 500,000):

    - alive: elderly 1.5, bank account of her own (540,000 then 750,000);
    - deceased: 2.0, died 15/6/2024, no registration (cash): June paid, July not;
    - mover: moves to a commune of another district in July;
    - proxy_ben: paid to a confirmed proxy whose authorisation ends 30/6/2024;
      July falls back to her own bank account, flagged;
    - late: allowance from 1/4/2024 decided 10/7/2024 (created after June's batch):
      July pays 3 months of arrears at the old level.
    """

    JUNE = date(2024, 6, 1)
    JULY = date(2024, 7, 1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.province = cls._area("Tỉnh Thử", "T90", "province")
        cls.district = cls._area("Huyện Một", "T901", "district", cls.province)
        cls.commune_a = cls._area("Xã An", "T90101", "commune", cls.district)
        cls.commune_b = cls._area("Xã Bình", "T90102", "commune", cls.district)
        cls.district_2 = cls._area("Huyện Hai", "T902", "district", cls.province)
        cls.commune_c = cls._area("Xã Cát", "T90201", "commune", cls.district_2)
        cls._suite_data()

        cls.provider = cls._provider(
            "VNPost Test", "Bưu điện Thử", contract_ref="HD-TEST"
        )
        cls.provider_partner = cls.provider.partner_id

        cls.officer = cls._user("po_officer", "commune_officer", cls.district)
        cls.officer_other = cls._user(
            "po_officer_other", "commune_officer", cls.district_2
        )
        cls.approver = cls._user("po_approver", "approver", cls.district)
        cls.finance = cls._user("po_finance", "finance", cls.district)
        cls.auditor = cls._user("po_auditor", "auditor", cls.district)
        cls.officer_approver = cls._user(
            "po_officer_approver",
            f"commune_officer,{GROUP}approver",
            cls.district,
        )

        cls.alive = cls._beneficiary(
            "Nguyễn Thị An", cls.commune_a, "001150000001", "female", date(1950, 3, 1)
        )
        cls.deceased = cls._beneficiary(
            "Trần Văn Bình", cls.commune_a, "001040000002", "male", date(1940, 5, 1)
        )
        cls.mover = cls._beneficiary(
            "Lê Văn Cường", cls.commune_b, "001055000003", "male", date(1955, 1, 1)
        )
        cls.proxy_ben = cls._beneficiary(
            "Phạm Thị Dung", cls.commune_a, "001148000004", "female", date(1948, 1, 1)
        )
        cls.late = cls._beneficiary(
            "Hoàng Văn Em", cls.commune_b, "001060000005", "male", date(1960, 2, 1)
        )
        cls.proxy = cls.env["res.partner"].create({"name": "Phạm Văn Giang"})

        cls._allowance(cls.alive, cls.cat_15, date(2023, 1, 1), date(2022, 12, 20))
        cls._allowance(
            cls.deceased,
            cls.cat_20,
            date(2023, 1, 1),
            date(2022, 12, 20),
            date_end=date(2024, 6, 15),
            state="ended",
        )
        cls._allowance(cls.mover, cls.cat_15, date(2023, 1, 1), date(2022, 12, 20))
        cls._allowance(cls.proxy_ben, cls.cat_15, date(2023, 1, 1), date(2022, 12, 20))

        cls.alive_account = cls._account(cls.alive, "0011000000001")
        cls._registration(cls.alive, "bank", cls.alive_account)
        cls.mover_account = cls._account(cls.mover, "0011000000003")
        cls._registration(cls.mover, "bank", cls.mover_account)
        cls.proxy_account = cls._account(cls.proxy, "0011000000009")
        cls.proxy_ben_account = cls._account(cls.proxy_ben, "0011000000004")
        cls.proxy_rep = cls.env["social.representative"].create(
            {
                "beneficiary_id": cls.proxy_ben.id,
                "partner_id": cls.proxy.id,
                "role": "proxy",
                "document_ref": "GUQ-01",
                "date_from": date(2023, 1, 1),
                "date_to": date(2024, 6, 30),
            }
        )
        cls.proxy_rep.action_confirm()
        cls._registration(
            cls.proxy_ben,
            "bank",
            cls.proxy_account,
            role="proxy",
            representative=cls.proxy_rep,
        )
        cls.late_account = cls._account(cls.late, "0011000000005")
        cls._registration(cls.late, "bank", cls.late_account)

        # June is generated before the late decision exists and before the move.
        cls.batch_june = cls._batch(cls.JUNE)
        cls.batch_june.with_user(cls.officer).action_generate_lines()
        # the commune of someone paid changes by a recorded move only
        cls.mover.with_user(cls.officer)._move_to_commune(
            {
                "to_area_id": cls.commune_c.id,
                "month": cls.JULY,
                "decision_ref": "12/QĐ-UBND",
                "decision_date": date(2024, 6, 20),
            }
        )
        cls._allowance(cls.late, cls.cat_15, date(2024, 4, 1), date(2024, 7, 10))
        cls.batch_july = cls._batch(cls.JULY)
        cls.batch_july.with_user(cls.officer).action_generate_lines()

    # ------------------------------------------------------------ helpers

    @classmethod
    def _batch(cls, period, area=None, provider=None, user=None):
        if not user and area == cls.district_2:
            user = cls.officer_other
        return super()._batch(period, area, provider, user)

    # the workflow of a batch, each step by the user whose step it is
    def _submit(self, batch=None):
        batch = batch or self.batch_july
        batch.with_user(self.officer).action_submit()
        return batch

    def _approve(self, batch=None):
        batch = self._submit(batch)
        batch.with_user(self.approver).action_approve()
        return batch

    def _transfer(self, batch=None):
        batch = self._approve(batch)
        batch.with_user(self.finance).action_transfer()
        return batch

    def _line(self, batch, partner):
        return batch.line_ids.filtered(lambda line: line.partner_id == partner)


class SocialPayoutIntegrityCommon(SocialPayoutCommon):
    """What the tests of what the API must not do share: the administrator
    (social manager: every area, every group) and a second approver."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the administrator (social manager: every area, every group), not the
        # superuser: what he may not do, nobody may
        cls.admin = cls.env.ref("base.user_admin")
        cls.approver_2 = cls._user("po_approver_2", "approver", cls.district)
