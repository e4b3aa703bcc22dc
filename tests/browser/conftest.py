"""Browser tests: the real dashboard (``ibusim dashboard``) driven by Debian's Chromium.

Fixtures
--------
``dashboard_server`` / ``dashboard_url`` (session)
    ``ibusim dashboard`` on a free port of 127.0.0.1, started once per pytest-xdist
    worker (each worker gets its own port) and stopped with its whole process group.
    Its log is written as it runs to ``tests/artifacts/dashboard-server[-gwN].log``.
``browser`` (session)
    playwright's sync API on Debian's Chromium, as its headless shell
    (``/usr/bin/chromium-headless-shell``: the same Blink and V8 without the browser's user
    interface, as playwright itself uses for headless runs; measured, a quarter less Chromium
    CPU than ``/usr/bin/chromium`` over the same tests). Never ``playwright install``.
``page`` (function)
    a fresh context (viewport 1400x900) and page; a failing test leaves
    ``tests/artifacts/<test>-failure.png``.
``page_errors`` (function)
    uncaught JavaScript errors and console errors of ``page``, as strings.
``screenshot`` (function)
    ``screenshot("tab-About")`` saves ``tests/artifacts/tab-About.png`` and returns its path.
``open_tab`` (function)
    ``panel = open_tab("About")`` clicks a top-level tab, waits until the server has
    swapped the panel (the tabs are lazy: a round trip) and its text stopped changing,
    and returns the panel's locator.

Every test under tests/browser is marked ``browser`` (``pytest -m "not browser"`` skips them).
Without Chromium or playwright they skip locally and fail when ``CI`` is true: set up with
``bash scripts/setup.sh --test``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_TIMEOUT_S = 240  # ~4 s idle; minutes while other work keeps both cores busy
TIMEOUT_MS = 60_000  # every playwright wait and expect(): websocket updates on a busy machine
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
SETUP_HINT = "run: bash scripts/setup.sh --test"

try:
    from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    PLAYWRIGHT_MISSING = ""
except ImportError as e:  # the test extra is not installed
    PLAYWRIGHT_MISSING = f"playwright is not importable ({e})"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives the dashboard in Chromium (tests/browser; needs setup.sh --test)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)  # read by the page fixture's teardown
    return report


def unavailable(reason: str) -> None:
    """Fail in CI (a browser test that silently skips proves nothing), skip locally."""
    message = f"browser tests cannot run: {reason}; {SETUP_HINT}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def worker_suffix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"-{worker}" if worker else ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(proc: subprocess.Popen, grace_s: float = 10) -> None:
    """SIGTERM, then SIGKILL, the group ``proc`` leads (the ibusim CLI and its solara child)."""
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            break
        except subprocess.TimeoutExpired:
            continue
    # the leader may exit before its children do: kill what is left of the group
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@dataclass
class DashboardServer:
    url: str
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        """The server's output so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")


def ibusim_executable() -> str:
    beside = Path(sys.executable).parent / "ibusim"
    if beside.exists():
        return str(beside)
    pytest.fail(f"no ibusim command beside {sys.executable}; {SETUP_HINT}", pytrace=False)


def wait_until_serving(proc: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
            pytest.fail(
                f"ibusim dashboard exited with status {proc.returncode} before serving; log {log_path}:\n{tail}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    pytest.fail(
        f"ibusim dashboard did not answer {url} within {SERVER_START_TIMEOUT_S} s; log {log_path}", pytrace=False
    )


@contextmanager
def serve_dashboard(log_path: Path) -> Iterator[DashboardServer]:
    """``ibusim dashboard`` on a free port, logging to ``log_path``, stopped on exit."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()  # the OS picks it, so two xdist workers never share one
    url = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="false", PYTHONUNBUFFERED="1")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [ibusim_executable(), "dashboard", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # its own process group, so stopping it stops solara too
    try:
        wait_until_serving(proc, url, log_path)
        yield DashboardServer(url=url, log_path=log_path, process=proc)
    finally:
        stop_process_group(proc)


@pytest.fixture(scope="session")
def dashboard_server() -> Iterator[DashboardServer]:
    with serve_dashboard(ARTIFACTS / f"dashboard-server{worker_suffix()}.log") as server:
        yield server


@pytest.fixture(scope="session")
def dashboard_url(dashboard_server: DashboardServer) -> str:
    return dashboard_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    if PLAYWRIGHT_MISSING:
        unavailable(PLAYWRIGHT_MISSING)
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing (Debian: apt-get install -y chromium-headless-shell)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-")


@pytest.fixture
def page(browser: "Browser", request: pytest.FixtureRequest) -> Iterator["Page"]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    request.node.page_errors = errors  # for the page_errors fixture
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=ARTIFACTS / f"{safe_name(request.node.name)}-failure.png", full_page=True)
            except Exception:  # the page or browser may be what failed
                pass
        context.close()


@pytest.fixture
def page_errors(page: "Page", request: pytest.FixtureRequest) -> list[str]:
    return request.node.page_errors


@pytest.fixture
def screenshot(page: "Page") -> Callable[[str], Path]:
    def save(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{safe_name(name)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save


# solara.lab.Tabs is a v-tabs whose v-tabs-items is its own child; the first .v-tabs in the
# document is the dashboard's top level (tabs nested in a panel come later)
TOP_TABS = ".v-tabs >> nth=0"
ACTIVE_PANEL = ":scope > .v-tabs-items > .v-window__container > .v-window-item--active"


def wait_until_text_settles(page: "Page", locator: "Locator", quiet_ms: int = 700, max_ms: int = TIMEOUT_MS) -> str:
    """Wait until ``locator``'s text is non-empty and unchanged for ``quiet_ms``; return it.

    Widgets arrive over the websocket after the click that asked for them, in several
    messages; there is no "done" event, so wait for the page to stop changing. Gives up
    quietly after ``max_ms`` (a live view may never settle); fails if the text stays empty.
    """
    deadline = time.monotonic() + max_ms / 1000
    last, stable_since = None, time.monotonic()
    while True:
        text = locator.inner_text().strip()
        now = time.monotonic()
        if text != last:
            last, stable_since = text, now
        elif text and (now - stable_since) * 1000 >= quiet_ms:
            return text
        if now > deadline:
            assert text, f"{locator} stayed empty for {max_ms} ms"
            return text
        page.wait_for_timeout(100)


@pytest.fixture
def open_tab(page: "Page") -> Callable[[str], "Locator"]:
    def open_(name: str) -> "Locator":
        tabs = page.locator(TOP_TABS)
        tab = tabs.locator(":scope > .v-tabs-bar").get_by_role("tab", name=name, exact=True)
        panel = tabs.locator(ACTIVE_PANEL)
        tab.wait_for(state="visible")
        if tab.get_attribute("aria-selected") != "true":
            previous = panel.element_handle()
            tab.click()
            expect(tab).to_have_attribute("aria-selected", "true")  # at once, in the browser
            # the panel changes only when the server answers (solara.lab.Tabs(lazy=True))
            page.wait_for_function(
                "el => !el.isConnected || !el.classList.contains('v-window-item--active')", arg=previous
            )
        # and the slide transition ends
        expect(tabs.locator(":scope > .v-tabs-items > .v-window__container--is-active")).to_have_count(0)
        panel.wait_for(state="visible")
        wait_until_text_settles(page, panel)
        return panel

    return open_
