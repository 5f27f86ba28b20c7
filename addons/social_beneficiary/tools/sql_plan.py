# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plans for the queries that read a whole area at once."""

from contextlib import contextmanager

from odoo.tools import SQL


@contextmanager
def set_based_plan(cr):
    """Run the queries of the block with hash joins and without JIT.

    Where PostgreSQL underestimates the rows (tables just loaded, which it
    has not analysed yet; the suite's area filter, ``social.area._sql_within``,
    did before it named its areas by id), it picks nested loops that visit
    an area's beneficiaries one by one, which turns this set-based work
    quadratic; and the costs of the plan switch on JIT compilation, which
    alone takes longer than the query. Measured on a province of 300,000
    beneficiaries, before the ids: counting them by commune 0.9-1.3 s,
    0.13-0.18 s here.
    A query that fails ends the transaction or its savepoint, which undoes
    the settings too."""
    cr.execute(SQL("SET LOCAL enable_nestloop TO off"))
    cr.execute(SQL("SET LOCAL jit TO off"))
    yield
    cr.execute(SQL("RESET enable_nestloop"))
    cr.execute(SQL("RESET jit"))
