# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The suite's tunable settings (system parameters) and its job channel."""

# the queue_job channel of the suite's background work (imports, generation,
# result import and validation): give it its capacity in the server configuration
JOB_CHANNEL = "root.social"


def int_param(env, key, default, minimum=0):
    """A whole-number system parameter, at least ``minimum``; a value that is
    not a whole number counts as ``default``."""
    value = env["ir.config_parameter"].sudo().get_param(key, default)
    try:
        return max(int(value), minimum)
    except (TypeError, ValueError):
        return default
