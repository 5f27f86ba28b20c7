from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _social_set_vietnamese_defaults(self):
        """A paying unit is in Vietnam and keeps its books in đồng: a company
        without a country (a fresh database) gets Vietnam and VND before any
        accounting exists, so the chart of accounts is loaded in VND and no
        foreign sample data comes with it."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        vnd = self.env.ref("base.VND", raise_if_not_found=False)
        has_books = "account.move" in self.env and bool(
            self.env["account.move"].sudo().search_count([], limit=1)
        )
        for company in self.filtered(lambda c: not c.country_id):
            vals = {"country_id": vietnam.id}
            if not has_books and vnd:
                vals["currency_id"] = vnd.id
            company.write(vals)
        return True
