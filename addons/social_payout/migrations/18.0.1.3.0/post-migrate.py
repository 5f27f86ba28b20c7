"""1.3.0: the chunks of a generation run side by side (a start, the chunks,
an end), no longer one after the other in a chain.

A generation queued before the update and not finished waits for a job of
the chain (``_job_generate_chunk``) that 1.3.0 no longer has: those jobs are
cancelled and their batch is marked failed, with a note in its chatter, so
that the officer starts the generation again (every action on a busy batch
is refused)."""

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError


def stop_chained_generations(env):
    env.cr.execute(
        "UPDATE queue_job SET state = 'cancelled'"
        " WHERE model_name = 'social.payout.batch'"
        " AND method_name = '_job_generate_chunk'"
        " AND state NOT IN ('done', 'cancelled', 'failed')"
    )
    busy = env["social.payout.batch"].search(
        [("job_task", "=", "generate"), ("job_state", "in", ("queued", "running"))]
    )
    for batch in busy:
        batch._job_failed(UserError(env._("the suite was updated while it ran")))
    return busy


def migrate(cr, version):
    if not version:
        return
    stop_chained_generations(api.Environment(cr, SUPERUSER_ID, {}))
