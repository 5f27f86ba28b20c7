# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models


class SocialPayoutSubmitWizard(models.TransientModel):
    """Shows what the preparer should check before submitting: lines without an
    account, representatives that fell back to the beneficiary, accounts changed
    since last month, beneficiaries without a registration."""

    _name = "social.payout.submit.wizard"
    _description = "Confirm Payout Batch Submission"

    batch_ids = fields.Many2many("social.payout.batch", required=True)
    warning_html = fields.Html(compute="_compute_warning_html", sanitize=False)
    warning_line_ids = fields.Many2many(
        "social.payout.line", compute="_compute_warning_html", string="Lines to Check"
    )

    @api.depends("batch_ids")
    def _compute_warning_html(self):
        titles = {
            "missing_account": self.env._(
                "Lines with no account for a bank or e-wallet payment"
            ),
            "representative": self.env._(
                "Guardians or proxies not valid for the month (paid to the beneficiary)"
            ),
            "account_changed": self.env._("Accounts changed since last month"),
            "no_registration": self.env._(
                "Beneficiaries without a payment registration (cash)"
            ),
        }
        for wizard in self:
            warnings = wizard.batch_ids._get_submit_warnings()
            parts = []
            lines = self.env["social.payout.line"]
            for key, found in warnings.items():
                if not found:
                    continue
                lines |= found
                parts.append(
                    Markup("<li>{}: <b>{}</b>{}</li>").format(
                        titles[key],
                        len(found),
                        "+" if len(found) >= 200 else "",
                    )
                )
            wizard.warning_line_ids = lines
            wizard.warning_html = Markup("<ul>{}</ul>").format(Markup("").join(parts))

    def action_confirm(self):
        self.ensure_one()
        self.batch_ids.action_submit()
        return {"type": "ir.actions.act_window_close"}
