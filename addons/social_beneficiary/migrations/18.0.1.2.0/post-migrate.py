"""1.2.0: the bảo trợ xã hội program stops payment after 3 months uncollected.

The setting comes from ``data/social_program_data.xml``, which is ``noupdate``:
a database installed before the setting existed keeps the field's default (0,
no stop) on update. This sets 3 (Nghị định 20/2021/NĐ-CP; Thông tư 02/2021)
where BTXH still has that default, and leaves any other value, chosen by the
unit, alone.
"""

from odoo import SUPERUSER_ID, api

# the setting as the module data sets it on a new database
BTXH_UNCOLLECTED_MONTHS = 3


def set_btxh_uncollected_stop(env):
    """Set the BTXH stop where it is still 0; return the programs changed."""
    program = env.ref("social_beneficiary.program_btxh", raise_if_not_found=False)
    if not program or program.suspend_after_unpaid_months:
        return program.browse() if program else env["social.program"]
    program.write({"suspend_after_unpaid_months": BTXH_UNCOLLECTED_MONTHS})
    return program


def migrate(cr, version):
    if not version:
        return
    set_btxh_uncollected_stop(api.Environment(cr, SUPERUSER_ID, {}))
