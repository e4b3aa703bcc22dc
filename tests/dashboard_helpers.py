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


def classes(w) -> list[str]:
    """The CSS classes of a widget."""
    return (getattr(w, "class_", None) or "").split()


def switch_language(rc, name: str) -> None:
    """Choose ``name`` ("Bahasa Indonesia", "English") in the page's language switch."""
    import ipyvuetify as v

    (select,) = [w for w in rc.find(v.Select).widgets if "lang-switch" in classes(w)]
    select.v_model = name


def page_renderer():
    """A generator for fixtures: yields ``render(changes)`` giving (rc, session) of a whole page, closes them after.

    ``changes``: the session's parameter changes (e.g. ``{"n_mothers": 20000}``), applied, so that runs are fast.
    """
    import solara

    import ibusim.dashboard.app as app
    from ibusim.dashboard.session import Session

    made = []

    def render(changes: dict | None = None):
        sessions = []

        def factory():
            sessions.append(Session(changes=changes))
            return sessions[-1]

        orig = app.Session
        app.Session = factory
        try:
            _, rc = solara.render(app.Page(), handle_error=False)
        finally:
            app.Session = orig
        made.append(rc)
        (s,) = sessions
        return rc, s

    yield render
    for rc in made:
        rc.close()
