from odoo import api, fields, models

# The categories a person is paid under reveal health facts (HIV: k3_*, k8;
# disability: k6_*): the per-person list of categories, the one field by which
# a whole registry can be listed, grouped or exported by category, is readable
# by the "Sensitive data" group only, and every read or export is logged.
SENSITIVE_PARTNER_FIELDS = frozenset({"social_category_ids"})


# One file per concern (STYLE.md section 6): access to sensitive data.
class ResPartner(models.Model):
    _inherit = "res.partner"

    social_category_ids = fields.Many2many(
        groups="social_beneficiary.group_social_sensitive"
    )

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if not self.env.su:
            sensitive = SENSITIVE_PARTNER_FIELDS.intersection(fnames)
            if sensitive:
                self.env["social.sensitive.access.log"]._record_access(
                    self, sensitive, "read"
                )
        return result

    def export_data(self, fields_to_export):
        if not self.env.su:
            roots = {path.split("/")[0].split(".")[0] for path in fields_to_export}
            sensitive = SENSITIVE_PARTNER_FIELDS & roots
            if sensitive:
                # export reads values directly: check the field groups here
                self.check_field_access_rights("read", list(sensitive))
                self.env["social.sensitive.access.log"]._record_access(
                    self, sensitive, "export"
                )
        return super().export_data(fields_to_export)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # a search by category finds who has HIV as surely as reading it
        if not self.env.su and domain:
            fnames = {
                leaf[0].split(".")[0]
                for leaf in domain
                if isinstance(leaf, list | tuple) and isinstance(leaf[0], str)
            }
            sensitive = SENSITIVE_PARTNER_FIELDS & fnames
            if sensitive:
                self.check_field_access_rights("read", list(sensitive))
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        # Odoo does not check the groups of a many2many it groups by
        if not self.env.su:
            specs = [*groupby, *aggregates, *(order or "").split(",")]
            fnames = {spec.strip().split(":")[0].split(" ")[0] for spec in specs}
            sensitive = SENSITIVE_PARTNER_FIELDS & fnames
            if sensitive:
                self.check_field_access_rights("read", list(sensitive))
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )
