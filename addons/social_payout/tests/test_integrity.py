# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the external API must not do: every refusal acts as the user would
(``with_user`` on the models, any context), checks the message and that nothing
changed. The money ones are refused for the administrator too. The entries
of a transfer: ``test_integrity_entries.py``."""

from datetime import date

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import GROUP, SocialPayoutIntegrityCommon

WORKFLOW_MESSAGE = "change only through the buttons of the record"


@tagged("post_install", "-at_install")
class TestIntegrity(SocialPayoutIntegrityCommon):
    # ------------------------------------------------------------ helpers

    def _snapshot(self, records, names):
        records.invalidate_recordset()
        return [tuple(rec[name] for name in names) for rec in records]

    def _assert_sql_refused(self, query, params, message=""):
        """PostgreSQL refuses ``query`` (a writer that skips the ORM), with
        ``message``; the savepoint undoes what it tried."""
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, message),
            self.cr.savepoint(),
        ):
            self.cr.execute(query, params)

    def _assert_write_refused(self, records, users, vals, message, context=None):
        names = list(vals)
        before = self._snapshot(records, names)
        for user in users:
            with self.assertRaisesRegex(UserError, message):
                records.with_user(user).with_context(**(context or {})).write(vals)
            self.assertEqual(self._snapshot(records, names), before, user.login)

    # -------------------------------------------------------------- batch

    def test_batch_state_and_who_fields_refused(self):
        batch = self._submit()
        cases = [
            ({"state": "approved"}, (self.officer, self.approver, self.admin)),
            ({"approved_by": self.officer.id}, (self.officer, self.admin)),
            ({"submitted_by": self.approver.id}, (self.approver, self.admin)),
            ({"generated_by": self.approver.id}, (self.approver, self.admin)),
            ({"approved_date": fields.Datetime.now()}, (self.approver, self.admin)),
            ({"amount_total": 1}, (self.officer, self.admin)),
            ({"line_count": 0}, (self.officer, self.admin)),
            ({"summary_data": {}}, (self.officer, self.admin)),
            ({"name": "CT/FAKE"}, (self.officer, self.admin)),
        ]
        for vals, users in cases:
            self._assert_write_refused(
                batch,
                users,
                vals,
                WORKFLOW_MESSAGE,
                # a plain context flag is no key to anything
                context={"social_workflow": True, "social_payout_sql": True},
            )
        self.assertEqual(batch.state, "submitted")
        self.assertEqual(batch.submitted_by, self.officer)

    def _draft_entry(self):
        # an entry of the unit's own (the demo holds no sample invoices)
        return self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company.social_payout_journal_id.id,
            }
        )

    def test_batch_created_only_as_draft(self):
        Batch = self.env["social.payout.batch"].with_user(self.officer_other)
        vals = {
            "program_id": self.program.id,
            "period": date(2024, 9, 1),
            "area_id": self.district_2.id,
            "provider_id": self.provider.id,
        }
        count = Batch.search_count([])
        for extra in (
            {"state": "approved"},
            {"submitted_by": self.approver.id},
            {"transfer_move_id": self._draft_entry().id},
            {"name": "CT/CHOSEN"},
        ):
            with self.assertRaisesRegex(UserError, WORKFLOW_MESSAGE):
                Batch.create(dict(vals, **extra))
        self.assertEqual(Batch.search_count([]), count)

    def test_transferred_batch_cannot_go_back_or_be_deleted(self):
        batch = self._transfer()
        move = batch.transfer_move_id
        for user in (self.finance, self.officer, self.admin):
            self._assert_write_refused(
                batch, [user], {"state": "approved"}, WORKFLOW_MESSAGE
            )
            self._assert_write_refused(
                batch, [user], {"state": "draft"}, WORKFLOW_MESSAGE
            )
            self._assert_write_refused(
                batch, [user], {"transfer_move_id": False}, WORKFLOW_MESSAGE
            )
        with self.assertRaisesRegex(
            UserError, "is Transferred: only a batch in Approved can be transferred"
        ):
            batch.with_user(self.finance).action_transfer()
        with self.assertRaisesRegex(UserError, "only draft or cancelled batches"):
            batch.with_user(self.admin).unlink()
        with self.assertRaisesRegex(UserError, "transfer date can no longer change"):
            batch.with_user(self.finance).write({"transfer_date": "2024-07-02"})
        self.assertEqual(batch.state, "transferred")
        self.assertEqual(batch.transfer_move_id, move)
        self.assertTrue(batch.line_ids)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("ref", "like", f"Transfer of payout batch {batch.name}")]
            ),
            1,
        )

    def test_period_plausible(self):
        Batch = self.env["social.payout.batch"].with_user(self.officer_other)
        vals = {
            "program_id": self.program.id,
            "area_id": self.district_2.id,
            "provider_id": self.provider.id,
        }
        count = Batch.search_count([])
        too_late = fields.Date.today() + relativedelta(months=13)
        for period in ("9999-01-01", "1999-12-01", too_late):
            with self.assertRaisesRegex(ValidationError, "must lie between 01/2000"):
                Batch.create(dict(vals, period=period))
        self.assertEqual(Batch.search_count([]), count)
        draft = self._batch(date(2024, 9, 1), area=self.district_2)
        with self.assertRaisesRegex(ValidationError, "must lie between 01/2000"):
            draft.with_user(self.officer_other).write({"period": "9999-12-01"})
        self.assertEqual(draft.period, date(2024, 9, 1))
        # the fixed lower bound is in PostgreSQL too
        self._assert_sql_refused(
            "UPDATE social_payout_batch SET period = '1999-01-01' WHERE id = %s",
            [draft.id],
            "period_plausible",
        )

    def test_batch_with_lines_keeps_its_program_month_provider_and_area(self):
        """The lines were made for the batch's program, month, provider and
        area (amounts, fees, communes): none of them changes under them, for
        the officer (form and API) or the administrator. A batch without
        lines still changes, and PostgreSQL refuses the change too."""
        batch = self.batch_july
        self.assertTrue(batch.line_ids)
        other_provider = self._provider("Viettel Thử", "Viettel Test")
        message = "were made for its program, month, provider and area"
        for vals in (
            {"program_id": self.env.ref("social_beneficiary.program_htxh").id},
            {"period": date(2024, 8, 1)},
            {"provider_id": other_provider.id},
            {"area_id": self.commune_a.id},
        ):
            self._assert_write_refused(batch, (self.officer, self.admin), vals, message)
        lines = batch.line_ids.read(["program_id", "period", "amount"])
        with self.assertRaisesRegex(UserError, message):
            with Form(batch.with_user(self.officer)) as form:
                form.period = date(2024, 8, 1)
        batch.invalidate_recordset()
        self.assertEqual(batch.period, self.JULY)
        self.assertEqual(batch.line_ids.read(["program_id", "period", "amount"]), lines)
        # the same values again change nothing: accepted
        batch.with_user(self.officer).write(
            {"program_id": self.program.id, "period": "2024-07-20"}
        )
        # without lines, a draft batch still changes
        empty = self._batch(date(2024, 9, 1))
        empty.with_user(self.officer).write(
            {"period": date(2024, 10, 1), "provider_id": other_provider.id}
        )
        self.assertEqual(empty.period, date(2024, 10, 1))
        # unless its lines are being made in the background (none written yet)
        empty.sudo()._workflow_write({"job_task": "generate", "job_state": "queued"})
        self._assert_write_refused(
            empty,
            (self.officer,),
            {"period": date(2024, 11, 1)},
            "is busy in the background",
        )
        # PostgreSQL: the batch's month, and the copies on its lines
        for sql, message in (
            (
                "UPDATE social_payout_batch SET period = '2024-08-01' WHERE id = %s",
                "has lines: its program and month no longer change",
            ),
            (
                "UPDATE social_payout_line SET period = '2024-08-01'"
                " WHERE batch_id = %s",
                "program and month of a payout line never change",
            ),
        ):
            self._assert_sql_refused(sql, [batch.id], message)
        batch.invalidate_recordset()
        self.assertEqual(batch.line_ids.read(["program_id", "period", "amount"]), lines)

    def test_line_program_and_month_are_its_batch(self):
        """A line's program and month are copies of its batch's, without a
        key of their own: PostgreSQL refuses a line inserted with another
        program or month than its batch's, and the batch's key keeps the
        program the lines name."""
        line = self._line(self.batch_july, self.alive)
        august = self._batch(date(2024, 8, 1))
        insert = (
            "INSERT INTO social_payout_line (batch_id, program_id, period,"
            " reference, partner_id, area_id, payee_id, method, state,"
            " regular_amount, arrears_amount, carry_over_amount, amount, fee_amount)"
            " SELECT %(batch)s, %(program)s, %(period)s, 'X-' || reference,"
            " partner_id, area_id, payee_id, method, 'pending', regular_amount,"
            " arrears_amount, carry_over_amount, amount, fee_amount"
            " FROM social_payout_line WHERE id = %(line)s"
        )
        htxh = self.env.ref("social_beneficiary.program_htxh")
        for program, period in (
            (htxh.id, date(2024, 8, 1)),
            (self.program.id, date(2024, 9, 1)),
            (None, date(2024, 8, 1)),
        ):
            self._assert_sql_refused(
                insert,
                {
                    "batch": august.id,
                    "program": program,
                    "period": period,
                    "line": line.id,
                },
                "are those of its batch",
            )
        self.assertFalse(august.line_ids)
        # its own program and month: accepted
        self.cr.execute(
            insert,
            {
                "batch": august.id,
                "program": self.program.id,
                "period": date(2024, 8, 1),
                "line": line.id,
            },
        )
        august.invalidate_recordset()
        self.assertEqual(len(august.line_ids), 1)
        # through the ORM (the actions' own way to write lines): the copies
        # are written by the INSERT itself, and right
        orm_line = (
            self.env["social.payout.line"]
            .sudo()
            ._workflow_create(
                [
                    {
                        "batch_id": august.id,
                        "reference": "ORM-1",
                        "partner_id": self.late.id,
                        "payee_id": self.late.id,
                        "method": "cash_point",
                        "regular_amount": 0,
                        "arrears_amount": 0,
                        "carry_over_amount": 0,
                        "amount": 0,
                        "fee_amount": 0,
                    }
                ]
            )
        )
        self.env.flush_all()
        self.assertEqual(orm_line.program_id, self.program)
        self.assertEqual(orm_line.period, date(2024, 8, 1))
        self._assert_sql_refused(
            "UPDATE social_payout_line SET program_id = %s WHERE id = %s",
            [htxh.id, line.id],
            "program and month of a payout line never change",
        )
        # the program of lines cannot go: their batch keeps it
        self._assert_sql_refused(
            "DELETE FROM social_program WHERE id = %s",
            [self.program.id],
            "violates foreign key constraint",
        )
        line.invalidate_recordset()
        self.assertEqual(line.program_id, self.program)

    # --------------------------------------------------------------- lines

    def test_line_money_fields_refused_for_everyone(self):
        batch = self._approve()
        line = self._line(batch, self.alive)
        cases = [
            {"amount": 99000000},
            {"fee_amount": 0},
            {"regular_amount": 1},
            {"reference": "OTHER-REF"},
            {"change_type": "new"},
            {"partner_id": self.late.id},
            {"batch_id": self.batch_june.id},
            {"state": "failed"},
            {"carried_to_line_id": self._line(batch, self.late).id},
            {"flags": False},
        ]
        for vals in cases:
            self._assert_write_refused(
                line,
                (self.officer, self.approver, self.finance, self.admin),
                vals,
                WORKFLOW_MESSAGE,
                context={"social_payout_sql": True},
            )
        self.assertEqual(batch.state, "approved")

    def test_line_created_and_deleted_only_in_draft(self):
        Line = self.env["social.payout.line"]
        line = self._line(self.batch_july, self.alive)
        count = Line.search_count([])
        with self.assertRaisesRegex(UserError, WORKFLOW_MESSAGE):
            Line.with_user(self.officer).create(
                {
                    "batch_id": self.batch_july.id,
                    "partner_id": self.alive.id,
                    "payee_id": self.alive.id,
                    "method": "cash_point",
                    "reference": "HAND-1",
                    "amount": 5000000,
                }
            )
        with self.assertRaisesRegex(UserError, WORKFLOW_MESSAGE):
            self.batch_july.with_user(self.admin).write(
                {
                    "line_ids": [
                        Command.create(
                            {
                                "partner_id": self.proxy.id,
                                "payee_id": self.proxy.id,
                                "method": "cash_point",
                                "reference": "HAND-2",
                            }
                        )
                    ]
                }
            )
        self._approve()
        for user in (self.officer, self.admin):
            with self.assertRaisesRegex(
                UserError, "lines can only be removed from a draft batch"
            ):
                line.with_user(user).unlink()
            with self.assertRaisesRegex(
                UserError, "lines can only be removed from a draft batch"
            ):
                self.batch_july.with_user(user).write(
                    {"line_ids": [Command.delete(line.id)]}
                )
        self.assertEqual(Line.search_count([]), count)
        self.assertTrue(line.exists())

    def test_draft_line_removed_with_note_and_totals(self):
        batch = self.batch_july
        line = self._line(batch, self.late)
        amount = line.amount
        reference = line.reference
        total = batch.amount_total
        Month = self.env["social.payout.line.month"]
        self.assertEqual(Month.search_count([("line_id", "=", line.id)]), 3)
        line_id = line.id
        line.with_user(self.officer).unlink()
        self.assertFalse(line.exists())
        self.assertEqual(batch.amount_total, total - amount)
        self.assertEqual(batch.line_count, 2)
        self.assertEqual(sum(row[1] for row in batch.summary_data["by_method"]), 2)
        self.assertEqual(Month.search_count([("line_id", "=", line_id)]), 0)
        bodies = " ".join(batch.message_ids.mapped("body"))
        self.assertIn(f"Line {reference}", bodies)
        self.assertIn("removed by po_officer", bodies)

    def test_draft_line_payee_fields_only(self):
        line = self._line(self.batch_july, self.alive).with_user(self.officer)
        new_account = self._account(self.alive, "0011000000077")
        line.write({"method": "cash_point", "bank_account_id": False})
        self.assertEqual(line.method, "cash_point")
        # the fee follows the method (cash point: 0.8 %, minimum 2,000)
        self.assertEqual(line.fee_amount, 6000)
        line.write({"method": "bank", "bank_account_id": new_account.id})
        self.assertEqual(line.fee_amount, 3750)
        self.assertEqual(self.batch_july.state, "draft")
        bodies = " ".join(self.batch_july.message_ids.mapped("body"))
        self.assertIn("0011000000077", bodies)

    def test_payee_must_be_beneficiary_or_valid_representative(self):
        line = self._line(self.batch_july, self.alive)
        stranger = self.env["res.partner"].create({"name": "Người Lạ"})
        stranger_account = self._account(stranger, "0011000000066")
        proxy_line = self._line(self.batch_july, self.proxy_ben)
        before = self._snapshot(
            line | proxy_line, ["payee_id", "bank_account_id", "method"]
        )
        for user in (self.officer, self.admin):
            with self.assertRaisesRegex(
                UserError, "neither the beneficiary nor a guardian or confirmed proxy"
            ):
                line.with_user(user).write(
                    {"payee_id": stranger.id, "bank_account_id": stranger_account.id}
                )
            with self.assertRaisesRegex(UserError, "is not held by the payee"):
                line.with_user(user).write({"bank_account_id": stranger_account.id})
            with self.assertRaisesRegex(UserError, "needs an account"):
                line.with_user(user).write({"bank_account_id": False})
            # the proxy's authorisation ended on 30/6/2024: not for July
            with self.assertRaisesRegex(
                UserError, "neither the beneficiary nor a guardian or confirmed proxy"
            ):
                proxy_line.with_user(user).write(
                    {
                        "payee_id": self.proxy.id,
                        "bank_account_id": self.proxy_account.id,
                    }
                )
        self.assertEqual(
            self._snapshot(
                line | proxy_line, ["payee_id", "bank_account_id", "method"]
            ),
            before,
        )
        # June is within the authorisation: the proxy may be paid
        june_line = self._line(self.batch_june, self.proxy_ben).with_user(self.officer)
        june_line.write(
            {"payee_id": self.proxy.id, "bank_account_id": self.proxy_account.id}
        )
        self.assertEqual(june_line.payee_role, "proxy")
        self.assertEqual(june_line.representative_id, self.proxy_rep)

    def test_payee_changed_by_preparers_only(self):
        batch = self._approve()
        line = self._line(batch, self.alive)
        new_account = self._account(self.alive, "0011000000044")
        for user in (self.approver, self.finance, self.auditor):
            with self.assertRaisesRegex(
                AccessError, "do not allow you to change the payee of payout lines"
            ):
                line.with_user(user).write({"bank_account_id": new_account.id})
        line.invalidate_recordset()
        self.assertEqual(line.bank_account_id, self.alive_account)
        self.assertEqual(batch.state, "approved")

    def test_account_change_after_approval_every_path(self):
        """A client-sent context key (the former social_payout_sql) changes
        nothing: the batch goes back to Submitted, by whoever changed it, who
        then cannot approve it."""
        batch = self._approve()
        line = self._line(batch, self.alive)
        new_account = self._account(self.alive, "0011000000055")
        line.with_user(self.officer_approver).with_context(
            social_payout_sql=True, social_workflow=True
        ).write({"bank_account_id": new_account.id})
        self.assertEqual(line.bank_account_id, new_account)
        self.assertEqual(batch.state, "submitted")
        self.assertFalse(batch.approved_by)
        self.assertEqual(batch.submitted_by, self.officer_approver)
        with self.assertRaisesRegex(UserError, "whoever submitted a batch cannot"):
            batch.with_user(self.officer_approver).action_approve()
        self.assertEqual(batch.state, "submitted")
        batch.with_user(self.approver).action_approve()
        self.assertEqual(batch.state, "approved")
        # an import (load) writes through the same path
        other_account = self._account(self.alive, "0011000000056")
        result = (
            self.env["social.payout.line"]
            .with_user(self.officer)
            .load(
                [".id", "bank_account_id/.id"],
                [[str(line.id), str(other_account.id)]],
            )
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(line.bank_account_id, other_account)
        self.assertEqual(batch.state, "submitted")
        self.assertEqual(batch.submitted_by, self.officer)

    def test_negative_amounts_refused_by_python_and_postgresql(self):
        line = self._line(self.batch_july, self.alive)
        amount = line.amount
        for vals in (
            {"regular_amount": -750000, "amount": -750000},
            {"fee_amount": -1},
        ):
            draft = self.env["social.payout.line"].new(vals)
            with self.assertRaisesRegex(ValidationError, "cannot be negative"):
                draft._check_amounts_nonnegative()
        for sql in (
            "UPDATE social_payout_line SET amount = -1, regular_amount = -1 "
            "WHERE id = %s",
            "UPDATE social_payout_line SET fee_amount = -1 WHERE id = %s",
        ):
            self._assert_sql_refused(sql, [line.id])
        line.invalidate_recordset()
        self.assertEqual(line.amount, amount)

    # --------------------------------------------------------- line months

    def test_line_months_only_through_the_actions(self):
        batch = self._transfer()
        Month = self.env["social.payout.line.month"]
        months = Month.search([("batch_id", "=", batch.id)])
        self.assertEqual(len(months), 3)
        late_line = self._line(batch, self.late)
        message = "recorded by the generation of its batch only"
        for user in (self.officer, self.manager_user(), self.admin):
            with self.assertRaisesRegex(UserError, message):
                months.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, message):
                months.with_user(user).write({"cancelled": True})
            with self.assertRaisesRegex(UserError, message):
                Month.with_user(user).create(
                    {
                        "line_id": late_line.id,
                        "batch_id": batch.id,
                        "partner_id": self.late.id,
                        "program_id": self.program.id,
                        "month": date(2024, 3, 1),
                    }
                )
        months.invalidate_recordset()
        self.assertEqual(Month.search_count([("batch_id", "=", batch.id)]), 3)
        self.assertFalse(any(months.mapped("cancelled")))

    def test_dropouts_only_from_the_generation(self):
        batch = self._approve()
        dropouts = batch.dropout_ids
        self.assertEqual(len(dropouts), 2)
        reasons = sorted(dropouts.mapped("reason"))
        message = "Dropouts are found by the generation of their batch only"
        for user in (self.officer, self.admin):
            with self.assertRaisesRegex(UserError, message):
                dropouts.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, message):
                dropouts.with_user(user).write({"reason": "not_due"})
            with self.assertRaisesRegex(UserError, message):
                self.env["social.payout.dropout"].with_user(user).create(
                    {
                        "batch_id": batch.id,
                        "partner_id": self.alive.id,
                        "reason": "moved",
                    }
                )
        dropouts.invalidate_recordset()
        self.assertEqual(batch.dropout_ids, dropouts)
        self.assertEqual(sorted(dropouts.mapped("reason")), reasons)

    def manager_user(self):
        return self._user("po_manager", "manager", self.province)

    # ------------------------------------------------------ separation

    def test_generator_cannot_approve(self):
        batch = self.batch_july
        batch.with_user(self.officer_approver).action_generate_lines()
        self.assertEqual(batch.generated_by, self.officer_approver)
        batch.with_user(self.officer).action_submit()
        with self.assertRaisesRegex(
            UserError, "was generated by po_officer_approver.*cannot approve it"
        ):
            batch.with_user(self.officer_approver).action_approve()
        self.assertEqual(batch.state, "submitted")
        self.assertFalse(batch.approved_by)
        batch.with_user(self.approver).action_approve()
        self.assertEqual(batch.approved_by, self.approver)

    def test_approve_twice_refused(self):
        batch = self._approve()
        with self.assertRaisesRegex(
            UserError, "is Approved: only a batch in Submitted can be approved"
        ):
            batch.with_user(self.approver_2).action_approve()
        self.assertEqual(batch.approved_by, self.approver)

    # ---------------------------------------------------------- no e-mail

    def test_users_without_email_do_everything(self):
        officer = self._user_no_email("ne_officer", "commune_officer")
        officer_2 = self._user_no_email("ne_officer_2", "commune_officer")
        approver = self._user_no_email("ne_approver", "approver")
        finance = self._user_no_email("ne_finance", "finance")
        for person in (officer, officer_2, approver, finance):
            self.assertFalse(person.email)
        batch = self.batch_july
        batch.with_user(officer).action_generate_lines()
        line = self._line(batch, self.alive)
        line.with_user(officer).write(
            {"method": "cash_point", "bank_account_id": False}
        )
        batch.with_user(officer_2).action_submit()
        batch.with_user(officer_2).action_reset_to_draft()
        batch.with_user(officer_2).action_submit()
        batch.with_user(approver).action_approve()
        batch.with_user(finance).action_transfer()
        self.assertEqual(batch.state, "transferred")
        batch.with_user(finance).action_reverse_transfer(reason="Test")
        self.assertEqual(batch.state, "cancelled")
        bodies = " ".join(batch.message_ids.mapped("body"))
        for text in (
            "Lines generated by ne_officer",
            "Submitted for approval by ne_officer_2",
            "Approved by ne_approver",
            "Transfer reversed",
        ):
            self.assertIn(text, bodies)
        other = self._batch(date(2024, 8, 1), area=self.district_2)
        other_officer = self._user_no_email(
            "ne_officer_3", "commune_officer", self.district_2
        )
        other.with_user(other_officer).action_cancel(reason="Not needed")
        self.assertEqual(other.state, "cancelled")

    @classmethod
    def _user_no_email(cls, login, groups, area=None):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{GROUP}{groups}",
            social_area_ids=[Command.set((area or cls.district).ids)],
            email=False,
        )
