# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.sql import create_unique_index

CHUNK_SIZE = 10000
FINANCE_GROUP = "social_beneficiary.group_social_finance"


class SocialPayoutReconciliation(models.Model):
    _name = "social.payout.reconciliation"
    _description = "Payout Reconciliation"
    _inherit = ["mail.thread", "social.workflow.mixin", "social.accounting.mixin"]
    _order = "period desc, id desc"
    # Written only by the import and the buttons (social.workflow.mixin):
    # the state, who and when, the settlement entries and the evidence of the
    # file the results came from.
    _workflow_fields = frozenset(
        {
            "batch_id",
            "company_id",
            "state",
            "validated_date",
            "validated_by_id",
            "settled_date",
            "settled_by_id",
            "move_ids",
            "filename",
            "file_checksum",
            "result_ids",
            "unpaid_result_ids",
        }
    )

    name = fields.Char(compute="_compute_name", store=True)
    batch_id = fields.Many2one(
        "social.payout.batch",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    program_id = fields.Many2one(related="batch_id.program_id", store=True)
    period = fields.Date(related="batch_id.period", store=True)
    provider_id = fields.Many2one(related="batch_id.provider_id", store=True)
    area_id = fields.Many2one(related="batch_id.area_id", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("validated", "Validated"), ("settled", "Settled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    result_ids = fields.One2many(
        "social.payout.result", "reconciliation_id", string="Results", readonly=True
    )
    unpaid_result_ids = fields.One2many(
        "social.payout.result",
        "reconciliation_id",
        string="Differences",
        domain=[("status", "=", "failed")],
        readonly=True,
    )
    summary_ids = fields.One2many(
        "social.payout.reconciliation.summary",
        "reconciliation_id",
        string="Totals by Commune and Method",
        readonly=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "social_payout_reconciliation_move_rel",
        "reconciliation_id",
        "move_id",
        string="Settlement Entries",
        readonly=True,
        copy=False,
        groups="account.group_account_readonly,account.group_account_invoice",
    )
    move_count = fields.Integer(compute="_compute_move_count")
    filename = fields.Char(readonly=True)
    file_checksum = fields.Char(
        readonly=True,
        index=True,
        copy=False,
        help="Fingerprint of the results read from the file: the same results "
        "imported again return this reconciliation unchanged.",
    )
    unpaid_policy = fields.Selection(
        [("carry_over", "Carry Over to Next Month"), ("refund", "Refund")],
        string="Unpaid Money",
        default="carry_over",
        required=True,
        tracking=True,
        help="Carry over: the provider keeps the unpaid money and the next "
        "month's batch pays it as arrears. Refund: the provider returns it.",
    )
    result_count = fields.Integer(compute="_compute_totals", string="Lines")
    paid_count = fields.Integer(compute="_compute_totals", string="Paid Lines")
    unpaid_count = fields.Integer(compute="_compute_totals", string="Unpaid Lines")
    amount_planned = fields.Monetary(compute="_compute_totals", string="Planned")
    amount_paid = fields.Monetary(compute="_compute_totals", string="Paid")
    amount_unpaid = fields.Monetary(compute="_compute_totals", string="Unpaid")
    fee_amount = fields.Monetary(compute="_compute_totals", string="Fee")
    validated_date = fields.Datetime(readonly=True, copy=False)
    validated_by_id = fields.Many2one(
        "res.users", string="Validated By", readonly=True, copy=False
    )
    settled_date = fields.Datetime(readonly=True, copy=False)
    settled_by_id = fields.Many2one(
        "res.users", string="Settled By", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "batch_checksum_unique",
            "UNIQUE(batch_id, file_checksum)",
            "This result file was already imported for this batch.",
        ),
    ]

    def init(self):
        res = super().init()
        # One reconciliation per batch, whatever its state: a corrected file
        # replaces the draft's results, and two imports of the same batch at
        # the same moment cannot both create one (the second is refused).
        create_unique_index(
            self.env.cr,
            "social_payout_reconciliation_one_per_batch",
            self._table,
            ["batch_id"],
        )
        return res

    def write(self, vals):
        if "unpaid_policy" in vals:
            # who may not write these records learns nothing about them
            self.check_access("write")
            settled = self.filtered(lambda r: r.state == "settled")
            if settled:
                raise UserError(
                    self.env._(
                        "The treatment of unpaid money of %(names)s cannot change "
                        "after settlement.",
                        names=", ".join(settled.mapped("display_name")),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        settled = self.filtered(lambda r: r.state != "draft")
        if settled:
            raise UserError(
                self.env._(
                    "Only draft reconciliations can be deleted: %(names)s.",
                    names=", ".join(settled.mapped("display_name")),
                )
            )

    @api.depends("batch_id.name")
    def _compute_name(self):
        for reconciliation in self:
            reconciliation.name = reconciliation.batch_id.name

    def _compute_move_count(self):
        # Finance officers without accounting rights still see that entries exist.
        for reconciliation in self:
            reconciliation.move_count = len(reconciliation.sudo().move_ids)

    def _compute_totals(self):
        # Totals of the whole batch: the reconciliation itself is
        # access-checked, its results are summed whatever their commune.
        totals = {
            (reconciliation.id, status): (count, planned, paid, fee)
            for reconciliation, status, count, planned, paid, fee in self.env[
                "social.payout.result"
            ]
            .sudo()
            ._read_group(
                [("reconciliation_id", "in", self.ids)],
                ["reconciliation_id", "status"],
                ["__count", "planned_amount:sum", "amount_paid:sum", "fee_amount:sum"],
            )
        }
        for reconciliation in self:
            paid = totals.get((reconciliation.id, "paid"), (0, 0, 0, 0))
            unpaid = totals.get((reconciliation.id, "failed"), (0, 0, 0, 0))
            reconciliation.result_count = paid[0] + unpaid[0]
            reconciliation.paid_count = paid[0]
            reconciliation.unpaid_count = unpaid[0]
            reconciliation.amount_planned = paid[1] + unpaid[1]
            reconciliation.amount_paid = paid[2]
            reconciliation.amount_unpaid = paid[1] + unpaid[1] - paid[2]
            reconciliation.fee_amount = paid[3]

    def _check_finance(self):
        if not self.env.user.has_group(FINANCE_GROUP) and not self.env.su:
            raise AccessError(
                self.env._(
                    "Only the finance office can import, validate or settle "
                    "payout results."
                )
            )

    # ---------------------------------------------------------- navigation

    def action_print_xlsx(self):
        """The payout reports of the batch's month, as one workbook."""
        self.ensure_one()
        wizard = self.env["social.reconciliation.report.wizard"].create(
            {
                "date_from": self.period,
                "date_to": self.period,
                "program_id": self.program_id.id,
            }
        )
        return wizard.action_print_xlsx()

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"create": False}
        return action

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reconciliation"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
