"""End-to-end tests of the dashboard in Chromium: what a planner, a researcher and a teacher do.

* the Programme design tab gives the CLI's numbers for the same parameters and seed
  (``ibusim run --seed 3 --set follow_rate=0.05``), with the pending-edits notice;
* a small sweep on "Sweep vs observed" runs to the end and draws its charts;
* two browser sessions never share a model;
* bad text in a field (a number field, a share, the seed) gives a message and no crash;
* each step redraws every chart exactly once, with the new week's rows (how fast is
  benchmarks/dashboard_speed.py's question, not a test's);
* the Communication tab draws the current network and the guided demonstration;
* the About tab quotes every observed figure;
* the CSV and PNG downloads give real files.

Screenshots (the whole page, not just the first screen): ``tests/artifacts/dashboard-*.png``.
Each test asserts behaviour a user sees; the bugs they found were fixed in the dashboard.
Waits are on visible conditions with generous timeouts (both cores may be busy), never
fixed sleeps; text is entered with :func:`enter`, which retries until the server has it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

from browser_helpers import ENTER_CHECK_MS, enter, tall_screenshot

from ibusim.dashboard.session import to_text
from ibusim.model.outputs import fmt as catalogue_fmt
from ibusim.model.parameters import ParameterError, validate
from ibusim.model.scenarios import load as load_scenario

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips (or fails in CI) every test here
    expect = None

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
TARGETS = tomllib.loads((ROOT / "model" / "targets.toml").read_text(encoding="utf-8"))
N_WEEKS = 248  # April 2020 to December 2024, the ipm preset
FIRST_RENDER_MS = 180_000  # the first page of a worker's server imports the model: slow on a busy machine
LONG_MS = 240_000  # a whole run, a sweep, a demonstration: minutes when both cores are busy
TRACEBACK = "Traceback (most recent call last)"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
STEPS = 5


# ------------------------------------------------------------------ helpers


def label(name: str) -> str:
    """A parameter's plain English label: what the pending-edits notice names."""
    from ibusim.model.parameters import text

    return text(name, "label", "en")


def fmt(x: float, unit: str) -> str:
    """A figure as a target card shows it: the output catalogue's format ("after the survey" before it)."""
    return "after the survey" if x != x else catalogue_fmt(x, unit)


def open_dashboard(page, url: str, navigate: bool = True) -> None:
    """Load the page and wait until the design tab shows week 0 (the charts may still be embedding.

    :func:`wait_for_chart_rows` waits for them).
    """
    if navigate:
        page.goto(url)
    expect(page.locator(".run-progress")).to_have_text(f"Week 0 of {N_WEEKS} (2020-04-01)", timeout=FIRST_RENDER_MS)


def wait_for_chart_rows(page) -> list[int]:
    """Wait until every live chart has drawn data (``data-rows`` set); return the row counts."""
    page.wait_for_function(
        "() => { const c = [...document.querySelectorAll('.ibusim-live-chart')];"
        " return c.length > 0 && c.every(e => e.dataset.rows !== undefined); }"
    )
    return [int(r) for r in page.locator(".ibusim-live-chart").evaluate_all("els => els.map(e => e.dataset.rows)")]


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def param_input(page, role: str, name: str):
    """The text input of parameter ``name``: on a programme card, else found with the Advanced search."""
    field = page.locator(f".param-{name}")
    if not field.is_visible():
        button(page, "Advanced").click()
        search = page.locator(".advanced-search input")
        expect(search).to_be_visible()
        search.fill(name)
    expect(field).to_be_visible()
    return field.locator("input")


def refused(name: str) -> str:
    """The start of the message a field shows for bad text (model/parameters.py words the rest)."""
    return f"{name}: "


def cross_rule_message(**changes) -> str:
    """The message validate() gives for the ipm preset with ``changes`` (a cross-parameter rule)."""
    try:
        validate({**load_scenario("ipm"), **changes})
    except ParameterError as e:
        return str(e)
    raise AssertionError(f"{changes} break no rule")


def stop(proc: subprocess.Popen) -> None:
    """Kill ``proc`` (started with ``start_new_session=True``) and its group if it still runs."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def card_number(page, target: str):
    return page.locator(f".target-card.target-{target} .card-simulated")


def log_size(server) -> int:
    return len(server.log())


def assert_no_new_traceback(server, since: int) -> None:
    new = server.log()[since:]
    assert TRACEBACK not in new, (
        f"the server logged a traceback during this test:\n{new[new.index(TRACEBACK) :][:3000]}"
    )


def assert_page_alive(page) -> None:
    body = page.locator("body").inner_text()
    assert TRACEBACK not in body, f"the page shows a Python traceback:\n{body[:3000]}"


def wait_for_demo(page, n_monitors: int, old_text: str) -> str:
    """Wait until the guided demonstration shows a text other than ``old_text``; return it.

    The demonstration's monitors are the first of the Communication tab's ``n_monitors``
    network monitors (the current window's come after them).
    """
    return page.wait_for_function(
        """([n, old]) => {
        const m = [...document.querySelectorAll('.network-monitors')];
        const text = m.length === n ? m[0].innerText.trim() : '';
        return text && text !== old.trim() ? text : false;
    }""",
        arg=[n_monitors, old_text],
    ).json_value()


def ibusim_cli() -> str:
    return str(Path(sys.executable).parent / "ibusim")


CANVAS_SIZES = "() => [...document.querySelectorAll('.ibusim-live-chart canvas')].map(c => [c.width, c.height])"


def wait_for_full_run_rows(page) -> None:
    """Every design chart holds the whole run: 249 rows (weeks 0-248) per series."""
    page.wait_for_function(
        f"() => {{ const c = [...document.querySelectorAll('.ibusim-live-chart')];"
        f" return c.length === 6 && c.every(e => Number(e.dataset.rows) > 0"
        f" && Number(e.dataset.rows) % {N_WEEKS + 1} === 0); }}"
    )


# The tests run longest first: pytest-xdist hands them out in file order, so the two workers
# finish together. Scenario numbers refer to the issue.


# ------------------------------------------------------------------ 7 and 8 (and 1): communication, about
def test_communication_and_about_tabs(page, dashboard_server, open_tab, screenshot):
    """After a full run.

    Draw the current window's network (monitors agree with the weekly series), and switch the guided demonstration:
    a wheel when admins lead, an all-channel network when peers talk, the wheel again when switched back. Then the
    About tab quotes every observed figure (one page for the teachers' two tabs: a page load is the slowest step
    here).
    """
    mark = log_size(dashboard_server)
    open_dashboard(page, dashboard_server.url)
    button(page, "Run to end").click()
    expect(page.locator(".run-progress")).to_contain_text("finished", timeout=LONG_MS)
    panel = open_tab("Communication")
    expect(panel).to_contain_text(f"week {N_WEEKS}")
    monitors = page.locator(".network-monitors")
    expect(monitors).to_have_count(0)  # the demonstration waits for the class's prediction
    button(page, "Run the demonstration").click()
    expect(monitors).to_have_count(1, timeout=LONG_MS)  # both settings run; Admins lead is shown first
    expect(monitors.first).to_contain_text("pattern: wheel; degree centralisation 1.00")
    admins_text = monitors.first.inner_text()

    button(page, "Draw the current window").click()
    expect(monitors).to_have_count(2, timeout=LONG_MS)
    current = monitors.last
    expect(current).to_contain_text("pattern:")
    cards = page.locator(".comm-monitor")
    pattern_card = cards.filter(has_text="pattern").inner_text().split()[-1]
    centralisation_card = cards.filter(has_text="degree centralisation").inner_text().split()[-1]
    text = current.inner_text()
    assert text.startswith(f"pattern: {pattern_card}; degree centralisation {centralisation_card};"), text
    n_window, n_drawn = (
        int(x.replace(",", "")) for x in re.search(r"\(([\d,]+) people in the window; (\d+) drawn\)", text).groups()
    )
    assert 0 < n_drawn <= min(n_window, 300), text
    chart = current.locator("xpath=..").locator(".ibusim-live-chart canvas")
    expect(chart).to_have_count(1)
    assert chart.bounding_box()["width"] > 300

    button(page, "Peers talk").click()
    expect(panel).to_contain_text("Members answer each other")
    peers_text = wait_for_demo(page, 2, admins_text)
    assert peers_text.startswith("pattern: all-channel;"), peers_text
    peers = float(re.search(r"degree centralisation ([\d.]+)", peers_text).group(1))
    assert peers < 0.2, peers_text  # "centralisation near 0" (the demonstration's text)
    button(page, "Admins lead").click()
    assert wait_for_demo(page, 2, peers_text) == admins_text.strip()  # the same seed, the same demonstration

    tall_screenshot(page, screenshot, "dashboard-communication")
    assert_page_alive(page)

    about = open_tab("About")
    assert "Sejak 2020, telah terdaftar 15ribu ibu" in [t["quote"] for t in TARGETS.values()]
    for t in TARGETS.values():
        expect(about).to_contain_text(t["quote"])
        expect(about).to_contain_text(t["label"])
    expect(about).to_contain_text("How to cite")
    tall_screenshot(page, screenshot, "dashboard-about")
    assert_no_new_traceback(dashboard_server, mark)


# ------------------------------------------------------------------ 3: a sweep
def test_small_sweep_completes(page, dashboard_server, open_tab, screenshot):
    """One parameter, 2 levels, 1 replication.

    2 runs, progress to 2 of 2, one chart per target plus the share-inside chart, each with 2 points; the run folder
    it made is removed afterwards.
    """
    results = ROOT / "results"
    before = set(results.glob("dashboard-sweep-*"))
    mark = log_size(dashboard_server)
    created: Path | None = None
    try:
        open_dashboard(page, dashboard_server.url)
        panel = open_tab("Sweep vs observed")
        levels = panel.get_by_label("levels", exact=True)
        expect(levels).to_have_value("5")
        low, high = (
            panel.get_by_label("low", exact=True).input_value(),
            panel.get_by_label("high", exact=True).input_value(),
        )
        enter(levels, "2")
        enter(panel.get_by_label("Replications", exact=True), "1")
        button(page, "Run sweep").click()  # after the Enters: one websocket, handled in order

        done = page.locator(".sweep-done")
        expect(done).to_be_visible(timeout=LONG_MS)
        text = done.inner_text()
        m = re.match(r"(\d+) runs in (results/dashboard-sweep-[0-9-]+);", text)
        assert m, text
        created = ROOT / m.group(2)
        assert int(m.group(1)) == 2, text
        expect(page.locator(".sweep-progress")).to_have_text("2 of 2 runs")
        expect(page.locator(".sweep-error")).to_have_count(0)
        assert created.is_dir() and created not in before
        spec = tomllib.loads((created / "spec.toml").read_text())
        assert spec["experiment"]["replications"] == 1
        assert spec["factors"]["follow_rate"] == {"range": [float(low), float(high)], "levels": 2}

        charts = page.locator(".ibusim-live-chart")
        expect(charts).to_have_count(1 + len(TARGETS))
        rows = wait_for_chart_rows(page)
        assert rows == [2] * (1 + len(TARGETS)), rows  # 2 grid points; 2 runs per target
        tall_screenshot(page, screenshot, "dashboard-sweep-done")
        assert_page_alive(page)
        assert_no_new_traceback(dashboard_server, mark)
    finally:
        if created is None:  # the done text never came: remove what this test made, nothing else
            new = set(results.glob("dashboard-sweep-*")) - before
            created = next(iter(new)) if len(new) == 1 else None
        if created is not None and created.name.startswith("dashboard-sweep-") and created not in before:
            shutil.rmtree(created, ignore_errors=True)


# ------------------------------------------------------------------ 2 (and 1): design vs the CLI
def test_run_to_end_matches_the_cli(page, dashboard_server, page_errors, screenshot, tmp_path):
    """Edit a parameter and the seed, see the pending notice, reset, run to the end.

    Every card shows the figure ``ibusim run`` gives for the same parameters and seed.
    """
    seed, name, value = 3, "follow_rate", "0.05"
    out = tmp_path / "cli-run"
    cli = subprocess.Popen(
        [ibusim_cli(), "run", "--seed", str(seed), "--set", f"{name}={value}", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        check_run_to_end_matches_the_cli(page, dashboard_server, page_errors, screenshot, cli, out, seed, name, value)
    finally:
        stop(cli)  # a failing test must not leave the CLI running


def check_run_to_end_matches_the_cli(page, dashboard_server, page_errors, screenshot, cli, out, seed, name, value):
    mark = log_size(dashboard_server)
    open_dashboard(page, dashboard_server.url)
    notice = page.locator(".pending-notice")
    expect(notice).to_have_count(0)

    enter(
        page.get_by_label("Seed", exact=True),
        str(seed),
        then=lambda: expect(notice).to_have_text("Edits pending: press Reset to apply (seed)", timeout=ENTER_CHECK_MS),
    )
    enter(
        param_input(page, "Mothers", name),
        value,
        then=lambda: expect(notice).to_contain_text(label(name), timeout=ENTER_CHECK_MS),
    )
    expect(notice).to_contain_text(label(name))  # the notice names every pending edit, by its plain label
    expect(notice).to_contain_text("seed")
    expect(page.locator(".run-progress")).to_have_text(f"Week 0 of {N_WEEKS} (2020-04-01)")  # nothing applied yet

    button(page, "Reset").click()
    expect(notice).to_have_count(0)
    button(page, "Run to end").click()
    expect(page.locator(".run-progress")).to_have_text(
        f"Week {N_WEEKS} of {N_WEEKS} (2025-01-01): finished", timeout=LONG_MS
    )
    expect(button(page, "Step")).to_be_disabled()
    expect(button(page, "Run to end")).to_be_disabled()

    stdout, _ = cli.communicate(timeout=LONG_MS / 1000)
    assert cli.returncode == 0, stdout
    summary = json.loads((out / "summary.json").read_text())
    inside = {t["target"]: t["inside"] for t in summary["targets"]}
    for target, t in TARGETS.items():
        expected = fmt(float(summary["summary"][t["summary"]]), t["unit"])
        expect(card_number(page, target)).to_have_text(expected)
        verdict = page.locator(f".target-card.target-{target} .card-verdict")
        expect(verdict).to_have_text("inside band" if inside[target] else "outside band")
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["changes"]) == (seed, {name: float(value)}), manifest["changes"]

    tall_screenshot(page, screenshot, "dashboard-design-run-to-end")
    assert_page_alive(page)
    assert_no_new_traceback(dashboard_server, mark)
    assert not [e for e in page_errors if "pageerror" in e], page_errors


# ------------------------------------------------------------------ 6 and 9: one redraw per step, downloads
DRAWS = "() => window.ibusimDraws || 0"  # every LiveChart counts its redraws (dashboard/vue/live_chart.vue)


def test_each_step_redraws_every_chart_once_and_downloads(page, dashboard_server):
    """Five steps.

    After each, the week text shows the new week and every chart has redrawn exactly once, with one more row per
    series (a Vega changeset, not a re-embedding); then the CSV (one row per week run plus week 0) and a chart's PNG
    download. How fast a step is: benchmarks/dashboard_speed.py.
    """
    open_dashboard(page, dashboard_server.url)
    rows0 = wait_for_chart_rows(page)  # week 0: one row per series
    assert len(rows0) == 6 and all(r >= 1 for r in rows0), rows0
    step = button(page, "Step")
    draws = page.evaluate(DRAWS)
    for week in range(1, STEPS + 1):
        expected = [r * (week + 1) for r in rows0]
        expect(step).to_be_enabled()
        step.click()  # once: a repeated click would step twice
        page.wait_for_function(
            """([week, rows]) => {
            const w = document.querySelector('.run-progress');
            if (!w || !w.textContent.startsWith(`Week ${week} of`)) return false;
            const c = [...document.querySelectorAll('.ibusim-live-chart')];
            return c.length === rows.length && c.every((e, i) => e.dataset.rows === String(rows[i]));
        }""",
            arg=[week, expected],
        )
        now = page.evaluate(DRAWS)
        assert now - draws == len(rows0), f"step {week}: {now - draws} redraws of {len(rows0)} charts"
        draws = now

    with page.expect_download() as info:
        button(page, "CSV of this run").click()
    download = info.value
    assert download.suggested_filename == "ibusim-seed1.csv"
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0].startswith("# ibusim dashboard run: seed 1"), lines[0]
    table = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    header, data = table[0], table[1:]
    assert header[:2] == ["week", "date"], header[:5]
    assert len(data) == STEPS + 1, f"{len(data)} rows after {STEPS} weeks"
    assert [int(r[0]) for r in data] == list(range(STEPS + 1))

    with page.expect_download() as info:
        button(page, "PNG").first.click()
    png = Path(info.value.path()).read_bytes()
    assert png[:8] == PNG_MAGIC, png[:16]
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert width > 300 and height > 200, (width, height)
    assert info.value.suggested_filename == "registrations.png"


# ------------------------------------------------------------------ 4: sessions
def test_two_sessions_do_not_share_a_model(page, browser, dashboard_server):
    """A steps and changes its seed and a parameter.

    B, open at the same time, keeps week 0, seed 1, no pending edits, and its own numbers (those of a fresh model
    with its own seed).
    """
    from ibusim.model import CommunityModel

    other = browser.new_context(viewport=page.viewport_size)
    try:
        b = other.new_page()
        page.goto(dashboard_server.url)  # both sessions at once
        b.goto(dashboard_server.url)
        open_dashboard(page, dashboard_server.url, navigate=False)
        open_dashboard(b, dashboard_server.url, navigate=False)

        enter(page.get_by_label("Seed", exact=True), "5")
        button(page, "Reset").click()
        expect(page.locator(".pending-notice")).to_have_count(0)
        for week in range(1, 4):
            button(page, "Step").click()
            expect(page.locator(".run-progress")).to_contain_text(f"Week {week} of {N_WEEKS}")
        enter(param_input(page, "Mothers", "follow_rate"), "0.05")
        expect(page.locator(".pending-notice")).to_be_visible()

        expect(b.locator(".run-progress")).to_have_text(f"Week 0 of {N_WEEKS} (2020-04-01)")
        expect(b.get_by_label("Seed", exact=True)).to_have_value("1")
        expect(b.locator(".pending-notice")).to_have_count(0)
        ipm_value = to_text(load_scenario("ipm")["follow_rate"])
        expect(param_input(b, "Mothers", "follow_rate")).to_have_value(ipm_value)  # the ipm preset's value
        button(b, "Step").click()
        expect(b.locator(".run-progress")).to_contain_text(f"Week 1 of {N_WEEKS}")
        expect(page.locator(".run-progress")).to_contain_text(f"Week 3 of {N_WEEKS}")
        expect(page.get_by_label("Seed", exact=True)).to_have_value("5")

        # each page shows its own model's figures
        for pg, seed, weeks in ((page, 5, 3), (b, 1, 1)):
            m = CommunityModel("ipm", rng=seed)
            for _ in range(weeks):
                m.step()
            s = m.summary()
            for target in ("registered", "instagram"):
                expect(card_number(pg, target)).to_have_text(fmt(float(s[target]), TARGETS[target]["unit"]))
        assert_page_alive(page)
        assert_page_alive(b)
    finally:
        other.close()


def test_live_updated_charts_are_laid_out_like_fresh_ones(page, dashboard_server, open_tab):
    """Live-updated charts have the size of freshly embedded ones.

    After Run to end, each design chart (updated live since week 0) has the size the same
    chart gets when it is embedded afresh with the same data (switching tabs re-mounts them).
    """
    open_dashboard(page, dashboard_server.url)
    button(page, "Run to end").click()
    expect(page.locator(".run-progress")).to_contain_text("finished")
    wait_for_full_run_rows(page)
    live = page.evaluate(CANVAS_SIZES)
    open_tab("About")
    open_tab("Programme design")
    expect(page.locator(".run-progress")).to_contain_text("finished")  # the same session, re-mounted
    wait_for_full_run_rows(page)
    fresh = page.evaluate(CANVAS_SIZES)
    assert len(live) == len(fresh) == 6, (live, fresh)
    differ = [(i, a, b) for i, (a, b) in enumerate(zip(live, fresh)) if abs(a[0] - b[0]) > 2 or abs(a[1] - b[1]) > 2]
    assert not differ, f"(chart, live size, fresh size): {differ}"


def test_leaving_charts_before_vega_loads_gives_no_page_error(page, dashboard_server, open_tab, page_errors):
    """Charts left before Vega has loaded (a quick tab or mode switch on a slow machine) embed nothing.

    CI once saw six "undefined does not exist" page errors: a chart's embed ran after the chart was
    gone. Vega-Embed is held back here until the design tab's charts are gone, so the order is certain.
    """
    held, hold = [], [True]
    page.route("**/vega-embed@6/**", lambda route: held.append(route) if hold[0] else route.continue_())
    open_dashboard(page, dashboard_server.url)
    page.wait_for_function("() => document.querySelectorAll('.ibusim-live-chart').length === 6")
    open_tab("About")
    expect(page.locator(".ibusim-live-chart")).to_have_count(0)  # the six charts are gone, none embedded
    assert held, "the page asked for Vega-Embed"
    hold[0] = False
    for route in held:
        route.continue_()
    # once it is defined, the gone charts' embeds go on (RequireJS calls back in order, before any new chart's)
    page.wait_for_function("() => window.require && require.defined('vega-embed')")
    open_tab("Programme design")
    assert len(wait_for_chart_rows(page)) == 6  # the new charts embed as usual
    assert not page_errors, page_errors


def test_bad_seed_shows_a_message_and_no_crash(page, dashboard_server):
    server = dashboard_server
    mark = log_size(server)
    open_dashboard(page, server.url)
    seed = page.get_by_label("Seed", exact=True)
    field = page.locator(".v-input", has=page.get_by_label("Seed", exact=True))
    # either the message under the field or the crash: whichever comes first
    enter(
        seed,
        "-5",
        then=lambda: page.wait_for_function(
            "t => document.body.innerText.includes(t) || document.body.innerText.includes('is not allowed')",
            arg=TRACEBACK,
            timeout=ENTER_CHECK_MS,
        ),
    )
    assert_page_alive(page)
    expect(field).to_contain_text("seed = '-5' is not allowed")
    button(page, "Reset").click()
    expect(page.locator(".form-message")).to_contain_text("fix 1 field(s) first: seed = '-5' is not allowed")
    enter(seed, "4", then=lambda: expect(field).not_to_contain_text("is not allowed", timeout=ENTER_CHECK_MS))
    button(page, "Reset").click()
    expect(page.locator(".form-message")).to_have_count(0)
    button(page, "Step").click()
    expect(page.locator(".run-progress")).to_contain_text(f"Week 1 of {N_WEEKS}")
    assert_no_new_traceback(server, mark)


# ------------------------------------------------------------------ 5: bad values
def test_bad_values_show_a_message_and_keep_the_page_working(page, dashboard_server, page_errors):
    """Text in a number field and a share of 7.

    The message replaces the help under the field, the field turns red and the pending notice names it; Reset
    refuses with a form-level message and the old model still runs; a cross-parameter rule is refused too; once
    corrected, Reset and Step work.
    """
    mark = log_size(dashboard_server)
    open_dashboard(page, dashboard_server.url)
    message = page.locator(".form-message")
    week = page.locator(".run-progress")
    red = re.compile(r"\berror--text\b")

    for name, text in (("follow_rate", "abc"), ("share_long_distance", "7")):
        field = page.locator(f".param-{name}")
        enter(
            param_input(page, "Mothers", name),
            text,
            then=lambda: expect(field.locator(".v-messages")).to_contain_text(refused(name), timeout=ENTER_CHECK_MS),
        )
        expect(field).to_have_class(red)
        expect(page.locator(".pending-notice")).to_contain_text(label(name))
    button(page, "Reset").click()
    expect(message).to_contain_text(f"fix 2 field(s) first: {refused('follow_rate')}abc is not read")
    button(page, "Step").click()  # the old model still runs
    expect(week).to_contain_text(f"Week 1 of {N_WEEKS}")

    help_text = "Weekly chance an aware mother follows"
    enter(
        param_input(page, "Mothers", "follow_rate"),
        "0.03",
        then=lambda: expect(page.locator(".param-follow_rate .v-messages")).to_contain_text(
            help_text, timeout=ENTER_CHECK_MS
        ),
    )
    expect(page.locator(".param-follow_rate")).not_to_have_class(red)
    param_input(page, "Mothers", "share_long_distance")
    expect(page.locator(".param-share_long_distance .v-messages")).to_contain_text(refused("share_long_distance"))
    button(page, "Reset").click()
    expect(message).to_contain_text(f"fix 1 field(s) first: {refused('share_long_distance')}")
    # allowed alone, but not with share_migrated = 0.25: the cross-parameter rule
    share = page.locator(".param-share_long_distance")
    enter(
        share.locator("input"),
        "0.8",
        then=lambda: expect(share.locator(".v-messages")).not_to_contain_text(
            refused("share_long_distance"), timeout=ENTER_CHECK_MS
        ),
    )
    button(page, "Reset").click()
    expect(message).to_have_text(cross_rule_message(share_long_distance=0.8))
    enter(
        share.locator("input"),
        "0.3",
        then=lambda: expect(page.locator(".pending-notice")).to_contain_text(
            label("share_long_distance"), timeout=ENTER_CHECK_MS
        ),
    )
    button(page, "Reset").click()
    expect(message).to_have_count(0)
    expect(page.locator(".pending-notice")).to_have_count(0)
    expect(week).to_have_text(f"Week 0 of {N_WEEKS} (2020-04-01)")
    button(page, "Step").click()
    expect(week).to_contain_text(f"Week 1 of {N_WEEKS}")
    assert_page_alive(page)
    assert_no_new_traceback(dashboard_server, mark)
    assert not [e for e in page_errors if "pageerror" in e], page_errors


def test_correcting_the_field_clears_the_form_message(page, dashboard_server):
    open_dashboard(page, dashboard_server.url)
    field = param_input(page, "Mothers", "follow_rate")
    messages = page.locator(".param-follow_rate .v-messages")
    enter(field, "abc", then=lambda: expect(messages).to_contain_text(refused("follow_rate"), timeout=ENTER_CHECK_MS))
    button(page, "Reset").click()
    message = page.locator(".form-message")
    expect(message).to_contain_text("fix 1 field(s) first")
    # the server has taken the correction when the field shows its help text again
    enter(
        field,
        "0.05",
        then=lambda: expect(messages).not_to_contain_text(refused("follow_rate"), timeout=ENTER_CHECK_MS),
    )
    expect(message).to_have_count(0)


def open_file(page, tmp_path, name: str, text: str) -> None:
    """Choose a scenario file with the page's "Open scenario" button (a file input)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Open scenario (.toml)").click()
    chooser.value.set_files(str(path))


def test_opening_scenario_files(page, dashboard_server, page_errors, tmp_path):
    """A malformed scenario file gives its message beside the file controls and changes nothing.

    A good one fills the form (pending until Reset), and Reset runs it.
    """
    open_dashboard(page, dashboard_server.url)
    since = log_size(dashboard_server)
    open_file(page, tmp_path, "broken.toml", "[params]\nfollow_rate = 'lots'\n")
    message = page.locator(".file-message")
    expect(message).to_contain_text("scenario file 'broken.toml'")
    expect(message).to_contain_text("follow_rate")
    expect(page.locator(".pending-notice")).to_have_count(0)  # nothing changed
    open_file(
        page, tmp_path, "mine.toml", '[scenario]\nname = "mine"\n\n[params]\nfollow_rate = 0.041\nfree_class = false\n'
    )
    expect(message).to_contain_text("loaded mine.toml: press Reset to apply")
    expect(page.locator(".pending-notice")).to_contain_text(label("follow_rate"))
    expect(param_input(page, "Mothers", "follow_rate")).to_have_value("0.041")
    button(page, "Reset").click()
    expect(page.locator(".pending-notice")).to_have_count(0)
    button(page, "Step").click()
    expect(page.locator(".run-progress")).to_contain_text("Week 1 of")
    assert_no_new_traceback(dashboard_server, since)
    assert_page_alive(page)
    assert page_errors == []
