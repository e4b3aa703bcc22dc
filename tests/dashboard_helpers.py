"""Helpers shared by the dashboard's in-process tests (test_dashboard_*.py)."""

from __future__ import annotations

import time


def wait_for(predicate, timeout: float, what: str = "condition"):
    """Poll ``predicate`` until it is truthy and return its value (background tasks re-render the tree meanwhile).

    An exception a tree being re-rendered raises counts as "not yet". ``timeout`` is generous and never asserted as a
    duration: after it, AssertionError naming ``what``.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (AssertionError, IndexError, AttributeError, ValueError):  # a tree being re-rendered
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
