# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts in đồng as the suite writes them in messages, summaries and documents."""

from odoo.tools import formatLang


def format_vnd(env, amount, lang=None):
    """Whole đồng grouped the way the reader's language groups them (800.000 in
    Vietnamese, 800,000 in English).

    ``lang`` (a ``res.lang`` record, installed or not) forces a language: the
    printed documents follow Vietnamese even where its translations are not
    loaded, which ``formatLang`` (installed languages only) cannot do.
    """
    value = round(amount or 0)
    if lang is None:
        return formatLang(env, value, digits=0)
    return f"{value:,}".replace(",", lang.thousands_sep or ".")
