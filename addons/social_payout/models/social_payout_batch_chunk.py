# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SocialPayoutBatchChunk(models.Model):
    """What one chunk of a background generation did: the beneficiaries it
    read and its counts, written by the chunk's job alone.

    The chunks of a batch run side by side; under Odoo's repeatable read a
    second chunk writing the batch's row while the first one's write is
    committed fails. Each writes its own row here instead, the batch's
    progress adds them up, and the last job of the generation reads them."""

    _name = "social.payout.batch.chunk"
    _description = "Chunk of a Background Generation"
    _order = "batch_id, sequence"
    _log_access = False

    batch_id = fields.Many2one(
        "social.payout.batch", required=True, index=True, ondelete="cascade"
    )
    run = fields.Char(
        required=True, help="The generation the chunk belongs to (one per start)."
    )
    sequence = fields.Integer(required=True)
    beneficiary_count = fields.Integer(string="Beneficiaries Read")
    stats = fields.Json(string="Counts")

    _sql_constraints = [
        (
            "batch_run_sequence_uniq",
            "unique(batch_id, run, sequence)",
            "A chunk of a generation is recorded once.",
        ),
    ]
