"""Session set-up shared by every addon's tests (run through pytest-odoo)."""

import logging

import pytest


class _TestFrameworkImportedEarly(logging.Filter):
    """pytest-odoo imports odoo.tests before it turns Odoo's test mode on, which
    Odoo reports as an error with a stack: expected here, so left out."""

    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_TestFrameworkImportedEarly())


@pytest.fixture(scope="session", autouse=True)
def _manifests_parsed_before_tours(load_registry):
    """Parse every addon manifest once, in the main thread.

    Odoo's HTTP server otherwise parses them on the browser's first requests,
    several threads at once, and CPython 3.11.7 can fail compiling in
    parallel threads (gh-106905): a tour would then fail for no reason of ours.
    """
    from odoo import http

    assert http.root.statics
    yield


@pytest.fixture(scope="session", autouse=True)
def _chromium_time_to_start(load_registry):
    """Odoo gives headless Chromium 10 s to open its DevTools port, then skips
    the tour. On a busy two-core machine it can need longer, and a skipped tour
    fails a CI run: give it a minute."""
    from odoo.tests import common

    common.CHECK_BROWSER_ITERATIONS = max(
        common.CHECK_BROWSER_ITERATIONS, int(60 / common.CHECK_BROWSER_SLEEP)
    )
    yield
