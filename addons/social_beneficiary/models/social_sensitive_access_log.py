from odoo import api, fields, models
from odoo.exceptions import AccessError


class SocialSensitiveAccessLog(models.Model):
    """Who read sensitive personal data (health-related categories), when.

    Rows are written by the suite itself (sudo) when a member of the
    "Sensitive data" group reads or exports such a field; nobody changes or
    deletes them, administrators included (only the superuser's code could).
    """

    _name = "social.sensitive.access.log"
    _description = "Sensitive Data Access Log"
    _order = "access_date desc, id desc"
    _rec_name = "access_date"

    access_date = fields.Datetime(
        string="Accessed On", required=True, readonly=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        "res.users", string="User", required=True, readonly=True, ondelete="restrict"
    )
    model = fields.Char(required=True, readonly=True)
    res_ids = fields.Text(string="Record IDs", readonly=True)
    record_count = fields.Integer(string="Records", readonly=True)
    field_names = fields.Char(string="Fields", required=True, readonly=True)
    operation = fields.Selection(
        [("read", "Read"), ("export", "Export")], required=True, readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The sensitive data access log is written by the system only."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._("The sensitive data access log cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        if not self.env.su:
            raise AccessError(
                self.env._("The sensitive data access log cannot be changed.")
            )

    @api.model
    def _record_access(self, records, field_names, operation):
        """One row for one call that returned sensitive fields of records."""
        if not records or not field_names:
            return
        self.sudo().create(
            {
                "user_id": self.env.uid,
                "model": records._name,
                "res_ids": ",".join(str(rid) for rid in records.ids),
                "record_count": len(records),
                "field_names": ",".join(sorted(field_names)),
                "operation": operation,
            }
        )
