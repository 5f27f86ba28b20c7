"""Migrations of databases installed by an earlier version of the module."""

from odoo.tests import TransactionCase, tagged

from .common import load_migration


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.btxh = cls.env.ref("social_beneficiary.program_btxh")
        cls.ncc = cls.env.ref("social_beneficiary.program_ncc")
        cls.migration = load_migration("social_beneficiary", "18.0.1.2.0")

    def _set_months(self, program, months):
        # as a database installed before the setting existed has it
        self.env.cr.execute(
            "UPDATE social_program SET suspend_after_unpaid_months = %s WHERE id = %s",
            (months, program.id),
        )
        program.invalidate_recordset(["suspend_after_unpaid_months"])

    def test_btxh_gets_the_three_months_stop(self):
        """Nghị định 20/2021: BTXH stops after 3 months uncollected; a database
        that still has the old default 0 gets 3 on update, other programs keep
        theirs."""
        self._set_months(self.btxh, 0)
        self.migration.migrate(self.env.cr, "18.0.1.1.0")
        self.btxh.invalidate_recordset()
        self.assertEqual(self.btxh.suspend_after_unpaid_months, 3)
        self.assertEqual(self.ncc.suspend_after_unpaid_months, 0)
        # run again (an update repeated): nothing changes
        changed = self.migration.set_btxh_uncollected_stop(self.env)
        self.assertFalse(changed)
        self.assertEqual(self.btxh.suspend_after_unpaid_months, 3)

    def test_a_value_chosen_by_the_unit_stays(self):
        self._set_months(self.btxh, 2)
        changed = self.migration.set_btxh_uncollected_stop(self.env)
        self.assertFalse(changed)
        self.assertEqual(self.btxh.suspend_after_unpaid_months, 2)

    def test_a_new_install_runs_nothing(self):
        self._set_months(self.btxh, 0)
        self.migration.migrate(self.env.cr, False)
        self.btxh.invalidate_recordset()
        self.assertEqual(self.btxh.suspend_after_unpaid_months, 0)
