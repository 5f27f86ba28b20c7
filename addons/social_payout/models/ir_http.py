# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# The first group a user holds decides where they land (most specific first).
HOME_ACTIONS = [
    (
        "social_beneficiary.group_social_manager",
        "social_payout.social_payout_batch_action",
    ),
    ("social_beneficiary.group_social_finance", "social_payout.action_home_finance"),
    ("social_beneficiary.group_social_approver", "social_payout.action_home_approver"),
    (
        "social_beneficiary.group_social_commune_officer",
        "social_payout.action_home_commune_officer",
    ),
    ("social_beneficiary.group_social_auditor", "social_payout.action_home_auditor"),
]


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """A user without a home action of their own lands on their role's work
        (the batches to prepare, approve or transfer), not on Discuss."""
        info = super().session_info()
        if "home_action_id" in info and not info["home_action_id"]:
            action = self.env["res.users"]._social_home_action(self.env.user)
            if action:
                info["home_action_id"] = action.id
        return info


class ResUsers(models.Model):
    _inherit = "res.users"

    def _social_home_actions(self):
        """(group, action xmlid) pairs, most specific group first; addons that
        bring a role's main work (the auditor's reports) override this."""
        return list(HOME_ACTIONS)

    def _social_home_action(self, user):
        for group, xmlid in self._social_home_actions():
            if user.has_group(group):
                return self.env.ref(xmlid, raise_if_not_found=False)
        return False
