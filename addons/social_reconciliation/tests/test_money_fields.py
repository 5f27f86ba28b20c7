# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every amount of the suite is Odoo money: a Monetary field, numeric in
PostgreSQL, expressed in VND (the company's currency, or VND by law for the
registry's levels and tables)."""

import re

from .common import SocialReconciliationCommon

SUITE = {"social_beneficiary", "social_payout", "social_reconciliation"}
# numbers that are money by their name...
MONEY_NAME = re.compile(r"amount|fee|total|paid|level|previous|regular|arrears")
# ... unless they count, rate or measure something else
NOT_MONEY = re.compile(r"count|percent|months|share|progress|rate_|^rate$")

# the amounts the issue names, field by field: all must stay Monetary
EXPECTED = {
    "social.base.level": ["amount"],
    "social.category.amount": ["amount"],
    "social.reference.level": ["amount"],
    "social.allowance": ["current_amount"],
    "social.payout.fee.rule": ["min_amount", "max_amount"],
    "social.one.off.payment": ["amount"],
    "social.payout.batch": [
        "amount_total",
        "fee_total",
        "carry_over_total",
        "transfer_amount",
    ],
    "social.payout.line": [
        "regular_amount",
        "arrears_amount",
        "carry_over_amount",
        "difference_amount",
        "one_off_amount",
        "amount",
        "fee_amount",
        "previous_amount",
        "paid_amount",
    ],
    "social.payout.line.month": ["amount"],
    "social.payout.line.difference": ["paid_before", "due_amount", "amount"],
    "social.payout.dropout": ["previous_amount"],
    "social.payout.result": ["amount_paid", "planned_amount", "fee_amount"],
    "social.payout.reconciliation": [
        "amount_planned",
        "amount_paid",
        "amount_unpaid",
        "fee_amount",
    ],
    "social.payout.reconciliation.summary": [
        "amount_planned",
        "amount_paid",
        "amount_unpaid",
        "fee_amount",
    ],
    "social.payout.analysis": [
        "amount_planned",
        "amount_paid",
        "amount_unpaid",
        "fee_amount",
    ],
    "social.payout.half.year.report": ["amount_planned", "amount_paid", "fee_amount"],
}


class TestMoneyFields(SocialReconciliationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # January settled: batches, lines, results, reconciliations and the
        # report rows all exist
        cls._settle_month(cls.batch, failed=[cls.binh])

    def _suite_numbers(self):
        """(model, field) of every number field the suite declares."""
        for name in self.env.registry:
            Model = self.env[name]
            for field in Model._fields.values():
                if field._module in SUITE and field.type in (
                    "integer",
                    "float",
                    "monetary",
                ):
                    yield Model, field

    def test_money_names_are_monetary(self):
        wrong = sorted(
            f"{Model._name}.{field.name} ({field.type})"
            for Model, field in self._suite_numbers()
            if MONEY_NAME.search(field.name)
            and not NOT_MONEY.search(field.name)
            and field.type != "monetary"
        )
        self.assertEqual(wrong, [])

    def test_expected_amounts_are_monetary(self):
        for model, names in EXPECTED.items():
            for name in names:
                with self.subTest(field=f"{model}.{name}"):
                    self.assertEqual(self.env[model]._fields[name].type, "monetary")

    def test_amounts_are_in_vnd(self):
        vnd = self.env.ref("base.VND")
        self.assertEqual(self.env.company.currency_id, vnd)
        monetary = [(M, f) for M, f in self._suite_numbers() if f.type == "monetary"]
        self.assertTrue(monetary)
        checked = set()
        for Model, field in monetary:
            with self.subTest(field=f"{Model._name}.{field.name}"):
                currency_field = Model._fields[field.get_currency_field(Model)]
                self.assertEqual(currency_field.type, "many2one")
                self.assertEqual(currency_field.comodel_name, "res.currency")
                record = Model.sudo().search([], limit=1)
                if record:
                    self.assertEqual(record[currency_field.name], vnd)
                    checked.add(Model._name)
                if field.store and Model._auto:
                    self.env.cr.execute(
                        "SELECT data_type FROM information_schema.columns "
                        "WHERE table_name = %s AND column_name = %s",
                        (Model._table, field.name),
                    )
                    self.assertEqual(self.env.cr.fetchone(), ("numeric",))
        # the world of the common fixture has records of these, at least
        for model in (
            "social.base.level",
            "social.allowance",
            "social.payout.fee.rule",
            "social.payout.batch",
            "social.payout.line",
            "social.payout.result",
            "social.payout.reconciliation",
            "social.payout.reconciliation.summary",
            "social.payout.analysis",
            "social.payout.half.year.report",
        ):
            self.assertIn(model, checked)
