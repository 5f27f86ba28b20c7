"""The form in which the commune officer records the chairman's decision to
suspend an allowance or to resume it (the checks live in the allowance)."""

from odoo import api, fields, models

from ..models.social_allowance_suspension import SUSPENSION_REASONS


class SocialAllowanceDecisionWizard(models.TransientModel):
    _name = "social.allowance.decision.wizard"
    _description = "Suspension or Resumption Decision"

    mode = fields.Selection(
        [("suspend", "Suspend"), ("resume", "Resume")], required=True
    )
    allowance_ids = fields.Many2many(
        "social.allowance", string="Allowance Decisions", required=True
    )
    pending = fields.Boolean(compute="_compute_pending")
    reason = fields.Selection(SUSPENSION_REASONS)
    note = fields.Text()
    month_from = fields.Date(string="Payment Stops From", help="First month not paid.")
    decision_ref = fields.Char(string="Decision Number")
    decision_date = fields.Date()
    decision_signer = fields.Char(string="Signed By")
    resume_month = fields.Date(
        string="Payment Resumes From", help="First month paid again."
    )
    back_pay = fields.Boolean(
        string="Pay the Stopped Months",
        help="The decision pays the months payment was stopped: the next batch "
        "pays them once, as arrears.",
    )

    @api.depends("allowance_ids")
    def _compute_pending(self):
        for wizard in self:
            wizard.pending = any(wizard.allowance_ids.mapped("payment_stopped_pending"))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ids = []
        for item in values.get("allowance_ids") or []:
            if isinstance(item, int):
                ids.append(item)
            elif isinstance(item, list | tuple) and item and item[0] == 6:
                ids.extend(item[2])
        allowances = self.env["social.allowance"].browse(ids).exists()
        today = fields.Date.context_today(self)
        opened = allowances.open_suspension_id[:1]
        if "month_from" in fields_list and not values.get("month_from"):
            values["month_from"] = opened.month_from or today.replace(day=1)
        if "reason" in fields_list and not values.get("reason") and opened:
            values["reason"] = opened.reason
        if "resume_month" in fields_list and not values.get("resume_month"):
            values["resume_month"] = today.replace(day=1)
        return values

    def action_apply(self):
        self.ensure_one()
        allowances = self.allowance_ids
        if self.mode == "suspend":
            allowances._suspend_by_decision(
                {
                    "decision_ref": self.decision_ref,
                    "decision_date": self.decision_date,
                    "decision_signer": self.decision_signer,
                    "reason": self.reason,
                    "note": self.note,
                    "month_from": self.month_from,
                }
            )
        else:
            allowances._resume_by_decision(
                {
                    "resume_decision_ref": self.decision_ref,
                    "resume_decision_date": self.decision_date,
                    "resume_decision_signer": self.decision_signer,
                    "resume_month": self.resume_month,
                    "back_pay": self.back_pay,
                }
            )
        return {"type": "ir.actions.act_window_close"}
