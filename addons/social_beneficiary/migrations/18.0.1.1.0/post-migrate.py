from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Databases installed before 1.1.0 get the official areas on update."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["social.area"]._load_official_areas()
