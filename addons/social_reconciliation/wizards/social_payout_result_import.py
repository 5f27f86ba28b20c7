# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.social_beneficiary.tools.tabular_file import uploaded_content


class SocialPayoutResultImport(models.TransientModel):
    _name = "social.payout.result.import"
    _description = "Import Provider Results"

    batch_id = fields.Many2one(
        "social.payout.batch",
        required=True,
        domain="[('state', '=', 'transferred')]",
    )
    file = fields.Binary(string="Result File", required=True)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        content = uploaded_content(self.env, self.file)
        batch = self.batch_id
        if batch.line_count > batch._job_threshold():
            # a province's file is checked and written in the background
            batch._enqueue_result_import(content, self.filename or "")
            return {
                "type": "ir.actions.act_window",
                "res_model": batch._name,
                "res_id": batch.id,
                "views": [(False, "form")],
                "target": "current",
            }
        reconciliation = self.env["social.payout.reconciliation"]._import_result_file(
            batch, content, self.filename or ""
        )
        return reconciliation._get_form_action()
