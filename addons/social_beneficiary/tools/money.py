# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts in đồng as the suite writes them in messages and summaries (the
printed documents use QWeb's monetary widget, which formats the same way)."""

from odoo.tools import formatLang


def format_vnd(env, amount, currency=None):
    """An amount with its currency symbol, grouped the way the reader's
    language groups it: Odoo's ``formatLang`` with the currency, so 800.000 ₫
    in Vietnamese and 800,000 ₫ in English.

    ``currency`` is the record's currency (a batch's, a reconciliation's:
    their company's); without one, VND, the currency the law sets every
    amount of the registry in.
    """
    return formatLang(env, amount or 0, currency_obj=currency or env.ref("base.VND"))
