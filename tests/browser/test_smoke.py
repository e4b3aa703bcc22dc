"""Smoke test: the dashboard renders in a real browser, every tab opens, nothing is broken.

Screenshots: tests/artifacts/tab-<name>.png, one per tab (spaces become "-").
"""

from __future__ import annotations

import re
import time

TABS = ("Programme design", "Sweep vs observed", "Communication", "About")
CDN_FAILURE = "Could not load URL"  # solara.server.cdn_helper: an asset not in the offline cache
TRACEBACK = "Traceback (most recent call last)"
JS_BREAKAGE = re.compile(r"is not defined|is not a function|Failed to load")


def cdn_failures(log: str) -> str:
    """The assets the server failed to fetch from the CDN, as a message ("" when none)."""
    urls = dict.fromkeys(re.findall(CDN_FAILURE + r": '([^']+)'", log))
    if not urls and CDN_FAILURE in log:
        urls = {"(see the server log)": None}
    if not urls:
        return ""
    return (
        f"the server could not serve {len(urls)} browser assets from its offline cache "
        f"(fill it: .venv/bin/python scripts/solara_assets.py): {', '.join(urls)}"
    )


def wait_for_first_render(page, dashboard_server, timeout_s: float = 240) -> None:
    """Wait until the first tab shows.

    Fails at once if the server cannot serve an asset (the page then stays blank for ever).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    first_tab = page.get_by_role("tab", name=TABS[0], exact=True)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            first_tab.wait_for(state="visible", timeout=1000)
            return
        except PlaywrightTimeout:
            pass
        failures = cdn_failures(dashboard_server.log())
        assert not failures, f"the dashboard page cannot render: {failures}"
        assert time.monotonic() < deadline, (
            f"the dashboard did not show its tab {TABS[0]!r} within {timeout_s:.0f} s; see {dashboard_server.log_path}"
        )


def test_every_tab_renders(page, dashboard_server, page_errors, screenshot, open_tab):
    page.goto(dashboard_server.url)
    # HTTP 200 arrives long before the widgets (they come over the websocket): wait on them
    wait_for_first_render(page, dashboard_server)

    seen = {}
    for name in TABS:
        panel = open_tab(name)
        seen[name] = panel.inner_text().strip()
        screenshot(f"tab-{name}")
        body = page.locator("body").inner_text()
        assert TRACEBACK not in body, f"tab {name!r} shows a Python traceback:\n{body[:3000]}"
    assert len(set(seen.values())) == len(TABS), "two tabs show the same panel: a tab did not switch"

    log = dashboard_server.log()
    assert not cdn_failures(log), cdn_failures(log)
    assert TRACEBACK not in log, f"the server logged a traceback; see {dashboard_server.log_path}"
    # a missing asset or a broken widget shows up as a JavaScript error
    assert not [e for e in page_errors if JS_BREAKAGE.search(e)], page_errors
