"""Shareable reports (experiments/share.py, dashboard/share_view.py): what a planner receives and reads.

A tiny population (2,000 mothers: a run in about a second) keeps the runs short. The reports are checked
for what a reader sees: the changed parameters with their sources, the charts, the figures, the language
(an Indonesian report has Indonesian words and numbers and not the English headings), the paired
differences of a comparison; the PDF for its first bytes and its size (small enough for WhatsApp), never
for how long anything took.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import statistics

import pytest
from cli_helpers import main as cli_main
from share_helpers import DAY, DESIGN, SMALL

from ibusim.experiments import share
from ibusim.experiments.core import run_one
from ibusim.experiments.execution import spawn_seeds
from ibusim.i18n import error_text, gettext
from ibusim.model import outputs
from ibusim.model.parameters import PARAMS, ParameterError, provenance_word, text
from ibusim.model.scenarios import overrides
from ibusim.numbers import format_number

WHATSAPP_BYTES = 1_000_000  # a report must stay well below what a chat app sends as a document without fuss
needs_chromium = pytest.mark.skipif(share.find_chromium() is None, reason="no Chromium (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def report_en() -> str:
    return share.design_report("ipm", 1, "en", changes=DESIGN, today=DAY)


def plain(page: str) -> str:
    """The page's text as a reader sees it (tags removed, entities decoded)."""
    page = re.sub(r"<style>.*?</style>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# ----------------------------------------------------------------- one design
def test_two_designs_with_one_label_are_refused_in_indonesian():
    with pytest.raises(ParameterError) as e:
        share.comparison_report("ipm", "ipm", 1, 1, "id", labels=("A", "A"))
    assert str(e.value) == "the two designs need distinct, non-empty labels"
    assert error_text(e.value, "id") == "kedua rancangan perlu label yang berbeda dan tidak kosong"


def test_the_changed_parameters_are_listed_with_their_values_and_sources(report_en):
    changed = {**overrides("ipm"), **DESIGN}
    shown = plain(report_en)
    for name in changed:
        p = PARAMS[name]
        assert text(p, "label", "en") in shown, name
        assert p.source in shown, name
    assert "Rp 1,500,000" in shown  # the changed price, as an English reader writes it
    assert f"The {len(changed)} parameters in which this design differs" in shown
    # the scenario file's note on why interest_rate has its value
    assert "registrations: 15,000 since 2020" in shown
    unchanged = [n for n in PARAMS if n not in changed]
    assert not any(f"<b>{html.escape(text(n, 'label', 'en'))}</b>" in report_en for n in unchanged)


def test_the_report_holds_charts_figures_date_version_and_seed(report_en):
    from ibusim import __version__

    assert report_en.count("<svg") == len(share.CHART_SERIES)
    assert report_en.count("<polyline") == len(share.CHART_SERIES)
    shown = plain(report_en)
    for col in share.CHART_SERIES:
        assert outputs.label(col) in shown
    model = share.resolve("ipm", DESIGN)
    summary = run_one(model.params, 1)
    for o in share.OTHER_FIGURES:  # the numbers shown are the run's
        assert share.show_output(o, summary[o], "en") in shown
    assert "15,000" in shown and "13,500 – 16,500" in shown  # an observed figure with its band
    assert "November 30, 2026" in shown and f"ibusim {__version__}" in shown and "seed 1" in shown


def test_quotes_are_in_indonesian_with_a_translation_for_english_readers(report_en, report_id):
    from ibusim.model.targets import load

    t = load()["registered"]
    assert f"“{t.quote}” ({t.quote_en})" in plain(report_en)
    assert f"“{t.quote}”" in plain(report_id) and t.quote_en not in plain(report_id)


def test_an_indonesian_report_is_in_indonesian_with_indonesian_numbers(report_id, report_en):
    shown = plain(report_id)
    for word in ("Asumsi dan sumbernya", "Grafik", "simulasi", "data amatan", "30 November 2026"):
        assert word in shown
    for english in ("Assumptions", "Charts", "Simulated and observed", "Made on"):
        assert english not in shown
    assert 'lang="id"' in report_id and 'lang="en"' in report_en
    assert "Rp 1.500.000" in shown and "Rp 1,500,000" not in shown
    assert "15.000" in shown and "13.500 – 16.500" in shown and "91%" in shown
    assert "2.000 ibu disimulasikan" in shown
    # the figures' cells and the parameters' values (the sources quote English texts, so not the whole page)
    numbers = " ".join(
        re.findall(r'<td class="num"[^>]*>([^<]*)', report_id) + re.findall(r'"value">([^<]*)', report_id)
    )
    assert re.search(r"\d+,\d%", numbers)  # a decimal share has a comma in Indonesian
    assert not re.search(r"\d\.\d{1,2}\b|\b[1-9]\d{0,2},\d{3}\b", numbers)  # no English decimal point or thousands


def test_the_page_is_self_contained_small_and_made_for_a_phone(report_id):
    assert len(report_id.encode()) < WHATSAPP_BYTES / 4
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in report_id
    assert not re.search(r"<script|<img|<link|\bsrc=|\bhref=|url\(", report_id)  # nothing to fetch
    assert "@media (min-width:600px)" in report_id  # tables stack into one column below 600 px


def test_a_design_from_a_parameter_dict_equals_the_same_scenario(report_en):
    from ibusim.model.scenarios import load

    form = load("ipm", **DESIGN)  # what the dashboard's form holds: every parameter
    assert share.design_report(form, 1, "en", name="ipm", today=DAY) == report_en


@pytest.mark.parametrize("scenario, changes", [("ibusibuk", SMALL), ("ipm", {**SMALL, "start": "2021-01"})])
def test_a_design_the_observed_figures_do_not_measure_shows_none(scenario, changes):
    page = share.design_report(scenario, 1, "en", changes=changes, today=DAY)
    shown = plain(page)
    assert "No observed figures are shown for this design" in shown
    assert "outside band" not in shown and "Mothers registered since 2020" not in shown and "<rect" not in page
    for name in ("registered", "telegram", "instagram", *share.OTHER_FIGURES):  # its simulated figures, by name
        assert outputs.label(name) in shown


def test_bad_designs_are_refused_with_one_line():
    with pytest.raises(ParameterError, match="unknown scenario"):
        share.resolve("nosuch")
    with pytest.raises(ParameterError, match="n_mothers"):
        share.resolve("ipm", {"n_mothers": -5})
    with pytest.raises(ValueError, match="not available"):
        share.design_report("ipm", 1, "fr", changes=SMALL)


def test_every_label_the_report_shows_is_the_catalogues_and_is_translated():
    _ = gettext("id")
    for name, label in share.OUTPUT_LABELS.items():
        assert label == outputs.label(name)
    for name in (*share.CHART_SERIES, *share.OTHER_FIGURES):
        assert _(outputs.label(name)) != outputs.label(name), name
    for word in share.SOURCE_NAMES.values():
        assert _(word) != word
    for provenance in ("observed", "derived", "assumed"):  # the words come from model/parameters.py
        assert provenance_word(provenance, "id") != provenance_word(provenance, "en") == provenance


def test_a_chart_has_one_point_per_week_at_most_max_points():
    weeks = 500
    dates = [dt.date(2020, 1, 6) + dt.timedelta(weeks=w) for w in range(weeks)]
    svg = share.svg_chart("t", dates, [{"mid": list(range(weeks))}], "id", observed=(300.0, 250.0, 350.0))
    (points,) = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(points.split()) <= share.MAX_POINTS
    assert "<rect" in svg and "stroke-dasharray" in svg  # the observed band and value
    assert ">2021<" in svg and ">2029<" in svg


# ----------------------------------------------------------------- comparison
def test_a_comparison_shows_a_b_and_the_paired_differences(comparison):
    shown = plain(comparison)
    assert "B - A, berpasangan: median (interval 90%)" in shown
    assert shown.count("90%: ") >= 8
    # registrations: the median over the same 3 seeds of B - A, run independently here
    seeds = [int(s) for s in spawn_seeds(1, 3)]
    a = [run_one({"scenario": "ipm", **SMALL}, s)["registered"] for s in seeds]
    b = [run_one({"scenario": "ipm", **SMALL, "free_class": False}, s)["registered"] for s in seeds]
    diff = statistics.median(y - x for x, y in zip(a, b))
    assert diff < 0  # no free entry class, fewer registrations
    assert "-" + format_number(round(abs(diff)), "id", "count") in shown
    assert format_number(round(statistics.mean(a)), "id", "count") in shown
    assert f"B lebih rendah pada {sum(y < x for x, y in zip(a, b))} dari 3 seed" in shown
    assert ", ".join(map(str, seeds)) in shown
    # what B changes: the free entry class, with its source
    assert "Yang diubah oleh B" in shown and PARAMS["free_class"].source in shown
    assert comparison.count("<svg") == 4 and comparison.count("<polygon") >= 8  # bands of A and B
    assert len(comparison.encode()) < WHATSAPP_BYTES / 4


# ----------------------------------------------------------------- PDF
@needs_chromium
def test_the_pdf_is_a_small_pdf(report_id, comparison, tmp_path):
    for page in (report_id, comparison):
        path = share.to_pdf(page, tmp_path / "r.pdf")
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        assert 1_000 < len(data) < WHATSAPP_BYTES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]  # no temporary file left


def test_without_chromium_one_line_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv(share.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    assert share.find_chromium() is None
    with pytest.raises(share.ShareError) as e:
        share.to_pdf("<p>x</p>", tmp_path / "r.pdf")
    assert "\n" not in str(e.value) and "apt-get install -y chromium" in str(e.value)
    assert not (tmp_path / "r.pdf").exists()


def test_a_failed_print_is_one_line_and_leaves_no_file(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'first line' >&2\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv(share.CHROMIUM_ENV, str(fake))
    with pytest.raises(share.ShareError) as e:
        share.to_pdf("<p>x</p>", tmp_path / "out" / "r.pdf", lang="id")
    assert str(e.value) == "Chromium gagal mencetak PDF (status keluar 3): cannot open display"
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------- command line
def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """``ibusim share ...`` in process, through ibusim's own parser and error handling (cli_helpers.main)."""
    return cli_main(argv, capsys)


def test_cli_writes_the_report_in_the_chosen_language(tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["share", "--scenario", "ipm", "--seed", "2", "--set", "n_mothers=2000", "--lang", "id", "--out", str(out)]
    rc, printed, err = run_cli([*argv, "--no-pdf"], capsys)
    assert rc == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    page = plain((out / "report.html").read_text("utf-8"))
    assert "Asumsi dan sumbernya" in page and "seed acak 2" in page
    assert "report.html" in printed and "kB" in printed
    rc, _, err = run_cli([*argv, "--no-pdf"], capsys)  # the folder exists: never overwritten
    assert rc == 2 and err.count("\n") == 1


@needs_chromium
def test_cli_compare_set_writes_a_comparison_and_its_pdf(tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["share", "--set", "n_mothers=2000", "--compare-set", "free_class=false", "--replications", "2"]
    rc, printed, err = run_cli([*argv, "--lang", "en", "--out", str(out)], capsys)
    assert rc == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.pdf"]
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "report.pdf").stat().st_size < WHATSAPP_BYTES
    page = plain((out / "report.html").read_text("utf-8"))
    assert "B - A, paired: median (90% interval)" in page and "What B changes" in page


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--set", "nosuch=1"], "unknown parameter"),
        (["--compare-set", "free_class"], "--compare-set expects name=value"),
        (["--seed", "-1"], "--seed"),
        (["--replications", "0"], "--replications"),
        (["--set", "n_mothers=1,5"], "n_mothers"),
    ],
)
def test_cli_bad_input_is_one_line_and_status_2(extra, message, tmp_path, capsys):
    rc, _, err = run_cli(["share", *extra, "--no-pdf", "--out", str(tmp_path / "x")], capsys)
    assert rc == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_cli_errors_are_in_the_chosen_language(tmp_path, capsys):
    rc, _, err = run_cli(["share", "--set", "free_class", "--lang", "id", "--out", str(tmp_path / "x")], capsys)
    assert rc == 2 and "--set harus berbentuk nama=nilai, bukan 'free_class'" in err


def test_cli_without_chromium_stops_before_running(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(share.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    monkeypatch.setattr(share, "design_report", lambda *a, **k: pytest.fail("ran without a way to print"))
    rc, _, err = run_cli(["share", "--set", "n_mothers=2000", "--out", str(tmp_path / "x")], capsys)
    assert rc == 2 and "Chromium" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


# ----------------------------------------------------------------- dashboard
def test_share_buttons_give_the_current_designs_report_without_running_it_again(monkeypatch):
    import ipyvuetify as v
    import solara

    from ibusim.dashboard import share_view
    from ibusim.dashboard.session import Session

    session = Session("ipm", seed=3, changes=SMALL, lang="id")
    session.run_to_end()
    calls = []
    real = share.design_report
    monkeypatch.setattr(share_view, "design_report", lambda *a, **k: calls.append(k.get("model")) or real(*a, **k))
    page = share_view.report_html(session)
    assert calls == [session.model]  # the finished run on the page is reported, not run again
    fresh = share.design_report(dict(session.form), 3, "id", name="ipm")
    assert re.sub(r"Dibuat pada [^;]*;", "", page) == re.sub(r"Dibuat pada [^;]*;", "", fresh)
    assert share_view.report_html(session) is page and len(calls) == 1  # the PDF after the HTML: no new run
    assert share_view.filename(session, "pdf") == "ibusim-ipm-seed3-id.pdf"
    session.set_value("n_mothers", "2500")  # an edit not applied yet: the report is of the form, run afresh
    share_view.report_html(session)
    assert calls[-1] is None and len(calls) == 2

    _, rc = solara.render(share_view.ShareButtons(session), handle_error=False)
    labels = [w.children[-1] for w in rc.find(v.Btn).widgets]
    if share.find_chromium() is None:
        assert labels == ["Laporan (HTML)"]
    else:
        assert labels == ["Laporan (HTML)", "Laporan (PDF)"]
        assert share_view.report_pdf(session).startswith(b"%PDF-")
