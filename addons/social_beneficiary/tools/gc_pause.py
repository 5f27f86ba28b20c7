# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Province-sized work on rows held in memory, without the cyclic collector.

Reading and checking a 100,000-row list keeps a few hundred thousand small
objects alive until the end; each of them counts towards Python's full
collections, which then walk every object of the server (some 0.2 s each, two
or three per list: a sixth of the check). Nothing that work creates needs the
cyclic collector (reference counting frees it), so the collector pauses while
it runs, and resumes as it was (Odoo's later versions ship the same helper,
``odoo.tools.gc.disable_gc``). The block must create no garbage cycles that
matter: they wait for the collector's next run.
"""

import contextlib
import gc


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector inside the block, if it runs."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
