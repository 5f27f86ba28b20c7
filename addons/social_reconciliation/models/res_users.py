# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

AUDITOR = "social_beneficiary.group_social_auditor"


class ResUsers(models.Model):
    _inherit = "res.users"

    def _social_home_actions(self):
        """The auditor's work is the reports: with the results in, the auditor
        lands on the half-year summary instead of the list of batches."""
        return [
            (group, "social_reconciliation.social_payout_half_year_report_action")
            if group == AUDITOR
            else (group, xmlid)
            for group, xmlid in super()._social_home_actions()
        ]
