"""What the dashboard's pages draw (dashboard/views.py): charts built from model output and sweep results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ibusim.dashboard import views
from ibusim.dashboard.charts import Chart
from ibusim.i18n import gettext
from ibusim.model import CommunityModel, outputs
from ibusim.model.communication import KINDS
from ibusim.model.parameters import PARAMS, PROGRAMME_LABELS, PROGRAMMES, text
from ibusim.model.targets import load as load_targets

TARGETS = load_targets()


@pytest.fixture(scope="module")
def small_run() -> CommunityModel:
    return CommunityModel("ipm", rng=3, n_mothers=20000, end="2022-06").run()


@pytest.fixture(scope="module")
def big_window() -> CommunityModel:
    """Two years of the IPM model, every channel monitored: a window of about a thousand people."""
    m = CommunityModel("ipm", rng=1, pattern_channels="all")
    for _ in range(104):
        m.step()
    return m


def flat(pairs) -> list[float]:
    return [float(x) for pair in pairs for x in pair]


def series_of(chart: Chart, label: str) -> np.ndarray:
    return chart.data.loc[chart.data["series"] == label, "y"].to_numpy()


# ---------------------------------------------------------------- programme design
def test_design_charts_are_the_six_series_with_the_observed_bands(small_run):
    df = small_run.dataframe()
    charts = views.design_charts(df)
    assert [c.title for c in charts] == [row[0] for row in views.DESIGN_SERIES]
    assert len(charts) == 6
    bands = {c.title: c.band for c in charts}
    for title, target in (("Registrations", "registered"), ("Telegram group", "telegram"), ("Instagram", "instagram")):
        t = TARGETS[target]
        chart = next(c for c in charts if c.title == title)
        assert chart.band == (t.low, t.high) and chart.observed == t.value
    assert [t for t, b in bands.items() if b is None] == [
        "Enrolments by programme",
        "Volunteers and managers",
        "Momfluencer income",
    ]
    for c in charts:
        assert c.kind == "lines" and c.temporal
        assert list(c.data.columns) == ["x", "series", "y"]
        assert len(c.data) == len(df) * c.data["series"].nunique()
    reg = charts[0]
    assert (series_of(reg, outputs.label("cum_registered")) == df["cum_registered"].to_numpy(dtype=float)).all()
    assert (charts[0].data["x"].iloc[: len(df)].to_numpy() == df["date"].to_numpy()).all()
    income = charts[5]
    assert np.allclose(income.data["y"].to_numpy(), df["cum_income"].to_numpy() / 1e6)


def test_design_lines_and_bands_come_from_the_output_catalogue(small_run):
    """Legend entries and bands come from the output catalogue (model/outputs.py).

    Lines carry the catalogue's labels (a programme's enrolments: its name); a chart of one
    series that shows an observed figure (outputs.SERIES_TARGETS) draws that target's band.
    """
    for chart, (title, _, columns, _) in zip(views.design_charts(small_run.dataframe()), views.DESIGN_SERIES):
        assert list(chart.data["series"].unique()) == [views.line_label(c) for c in columns], title
        target = outputs.SERIES_TARGETS.get(columns[0]) if len(columns) == 1 else None
        expected = (TARGETS[target].low, TARGETS[target].high) if target else None
        assert chart.band == expected, title
    assert views.line_label("n_telegram") == outputs.label("n_telegram")
    assert views.line_label("cum_income_m") == outputs.label("cum_income")
    assert views.line_label(f"cum_enrolled_{PROGRAMMES[0]}") == PROGRAMME_LABELS[PROGRAMMES[0]]


PROPER_NAMES = {"Instagram", *PROGRAMME_LABELS.values()}  # the same in both languages


def english_texts(chart: Chart) -> set[str]:
    """What a reader sees written on a chart: title, axis titles, legend entries."""
    words = {chart.title, chart.x_title, chart.y_title, chart.z_title}
    if "series" in chart.data:
        words |= set(chart.data["series"].unique())
    return {w for w in words if w}


@pytest.fixture(scope="module")
def ibusibuk_run() -> CommunityModel:
    """IbuSibuk's scenario, which starts in 2021, run for a few months."""
    return CommunityModel("ibusibuk", rng=1, n_mothers=5000, end="2021-06").run()


def test_design_charts_in_indonesian_have_no_english_title_axis_or_legend(small_run):
    df = small_run.dataframe()
    _ = gettext("id")
    english = views.design_charts(df, "en")
    indonesian = views.design_charts(df, "id")
    assert len(indonesian) == len(english) == len(views.DESIGN_SERIES)
    shown_en = set().union(*(english_texts(c) for c in english))
    for en, ind, (title, y_msgid, columns, _fmt) in zip(english, indonesian, views.DESIGN_SERIES, strict=True):
        assert ind.title == _(title) and ind.y_title == _(y_msgid).format(year=2020)
        assert list(ind.data["series"].unique()) == [views.line_label(c, "id") for c in columns]
        assert (english_texts(ind) & shown_en) <= PROPER_NAMES, ind.title  # nothing left in English
        assert ind.band == en.band and ind.data["y"].equals(en.data["y"])  # the same figures
    assert indonesian[0].title == "Pendaftaran" and indonesian[0].y_title == "ibu terdaftar"
    assert views.line_label("n_telegram", "id") == "Anggota grup Telegram"
    assert "terdaftar sejak 2020" == indonesian[3].y_title


def test_the_enrolment_axis_counts_from_the_runs_own_start(ibusibuk_run):
    """IbuSibuk starts in 2021: its axes say 2021, never IPM's 2020 (nor "since the start" with no week)."""
    df = ibusibuk_run.dataframe()
    for lang, enrolled, income in (
        ("en", "enrolled since 2021", "Rp million since 2021"),
        ("id", "terdaftar sejak 2021", "juta Rp sejak 2021"),
    ):
        charts = views.design_charts(df, lang)
        assert (charts[3].y_title, charts[5].y_title) == (enrolled, income)
        assert not any("2020" in c.y_title or "2020" in c.title for c in charts)
    assert views.y_title("enrolled since {year}", df.iloc[:0], "id") == "terdaftar sejak awal"


def test_sweep_charts_in_indonesian_use_the_labels_of_parameters_and_targets():
    res = pd.DataFrame(
        [results_row(ok, follow_rate=x, replication=r) for x in (0.01, 0.02) for r, ok in enumerate((True, False))]
    )
    _ = gettext("id")
    en = views.sweep_charts(res, ["follow_rate"], "en")
    ind = views.sweep_charts(res, ["follow_rate"], "id")
    x_label = text(PARAMS["follow_rate"], "label", "id")
    assert x_label != text(PARAMS["follow_rate"], "label", "en")
    assert (
        ind[0].title == "Porsi simulasi dengan semua target di dalam rentangnya" and ind[0].y_title == "porsi simulasi"
    )
    for chart, t in zip(ind[1:], TARGETS.values(), strict=True):
        assert chart.title == _(t.label) != t.label and chart.y_title == _(t.unit) != t.unit
    shown_en = set().union(*(english_texts(c) for c in en))
    assert all(c.x_title == x_label for c in ind)
    assert not set().union(*(english_texts(c) for c in ind)) & shown_en
    rows = [
        results_row(ok, follow_rate=a, enrol_rate=b) for a in (0.01, 0.02) for b in (0.1, 0.2) for ok in (True, False)
    ]
    heat = views.sweep_charts(pd.DataFrame(rows), ["follow_rate", "enrol_rate"], "id")
    assert (heat[0].x_title, heat[0].y_title) == (x_label, text(PARAMS["enrol_rate"], "label", "id"))
    assert heat[0].z_title == _("share inside") != "share inside"
    first = next(iter(TARGETS.values()))
    assert heat[1].title == f"{_(first.label)}: rata-ratanya di dalam rentang?"


def test_ribbons_y_title_is_the_columns_label_in_the_language():
    rows = [
        {
            "variant": "A",
            "replication": r,
            "week": w,
            "date": pd.Timestamp("2020-04-01") + pd.Timedelta(weeks=w),
            "cum_registered": w + r,
        }
        for w in range(3)
        for r in range(2)
    ]
    series = pd.DataFrame(rows)
    assert views.ribbons(series, "cum_registered", "t").y_title == outputs.label("cum_registered")
    assert views.ribbons(series, "cum_registered", "t", lang="id").y_title == "Terdaftar (kumulatif)"


def test_axis_formats_follow_the_catalogue():
    assert set(views.AXIS_FORMATS) == set(outputs.FORMATS)
    assert views.axis_format("share of respondents") == ".0%" and views.axis_format("mothers") == ",.0f"


def test_communication_charts_add_up_to_the_models_counters(small_run):
    df = small_run.dataframe()
    *per_kind, by_channel, monitors = views.communication_charts(df)
    assert len(per_kind) == len(KINDS)  # one panel (and one y scale) per kind of interactivity
    total = np.zeros(len(df))
    for k, chart in zip(KINDS, per_kind, strict=True):
        assert chart.title == views.KIND_TITLES[k]
        y = series_of(chart, views.KIND_LABELS[k])
        assert (y == df[f"new_{k}"].to_numpy(dtype=float)).all(), k
        assert y.sum() > 0, k  # every kind is there, the rare ones too
        total += y
    # the channels split the same events
    per_week = by_channel.data.groupby("x", sort=False)["y"].sum().to_numpy()
    assert np.array_equal(per_week, total)
    assert set(monitors.data["series"]) == {"degree centralisation", "density"}
    assert (series_of(monitors, "density") == df["comm_density"].to_numpy(dtype=float)).all()
    assert monitors.y_title != "0-1" and "centralisation" in monitors.y_title  # a plain axis label
    assert monitors.y_domain == (0.0, 1.0)


def test_communication_charts_in_indonesian(small_run):
    charts = views.communication_charts(small_run.dataframe(), "id")
    titles = [c.title for c in charts]
    assert titles[0].startswith("User to user") and "Interaktivitas per saluran" in titles
    assert charts[0].y_title == "kejadian per minggu"
    assert set(charts[-1].data["series"]) == {"sentralisasi derajat", "kepadatan"}
    assert {"platform belajar", "forum RUMII", "Telegram"} <= set(charts[-2].data["series"])  # channels by name


def test_monitors_and_consequences_are_written_in_the_readers_language():
    snap = {
        "pattern": "all-channel",
        "centralisation": 0.0608,
        "density": 0.00123,
        "n_window": 1234,
        "nodes": pd.DataFrame({"x": [0.0] * 300}),
        "week": 156,
        "consequences": {
            "community_ties": 1707,
            "opportunities_received": 34,
            "participant_mean_score": 0.3262,
            "participant_dormant_share": 0.4278,
        },
    }
    assert views.monitors_text(snap, "en") == (
        "pattern: all-channel; degree centralisation 0.06; density 0.0012 (1,234 people in the window; 300 drawn)"
    )
    assert views.monitors_text(snap, "id") == (
        "pola: semua saluran; sentralisasi derajat 0,06; kepadatan 0,0012 (1.234 orang dalam jendela waktu; "
        "300 digambar)"
    )
    assert views.consequences_text(snap, "en") == (
        "By week 156: community ties formed 1,707; opportunities received through ties 34; internalisation of "
        "those who take part in group talk 0.326; share of them dormant 42.8%."
    )
    assert views.consequences_text(snap, "id").startswith("Sampai minggu ke-156: ikatan komunitas terbentuk 1.707;")
    assert views.consequences_text(snap, "id").endswith("0,326; bagian dari mereka yang tidak aktif 42,8%.")


# ---------------------------------------------------------------- A/B ribbons
def test_ribbons_are_the_median_and_the_5_95_band_per_variant():
    rows = []
    for variant, shift in (("A", 0), ("B", 10)):
        for rep in range(5):
            for week in range(3):
                rows.append(
                    {
                        "variant": variant,
                        "replication": rep,
                        "week": week,
                        "date": pd.Timestamp("2020-04-01") + pd.Timedelta(weeks=week),
                        "cum_registered": shift + week * 100 + rep + 1,
                    }
                )
    series = pd.DataFrame(rows)
    chart = views.ribbons(series, "cum_registered", "Registrations", "registered")
    d = chart.data
    assert chart.kind == "ribbons" and chart.temporal and list(d.columns) == ["x", "series", "y", "lo", "hi"]
    assert len(d) == 6
    a0 = d[(d["series"] == "A") & (d["x"] == pd.Timestamp("2020-04-01"))].iloc[0]
    # values 1..5: median 3, linear quantiles 1 + 0.05 * 4 and 1 + 0.95 * 4
    assert (a0["y"], a0["lo"], a0["hi"]) == pytest.approx((3.0, 1.2, 4.8))
    b2 = d[(d["series"] == "B") & (d["x"] == pd.Timestamp("2020-04-15"))].iloc[0]
    assert (b2["y"], b2["lo"], b2["hi"]) == pytest.approx((213.0, 211.2, 214.8))
    t = TARGETS["registered"]
    assert chart.band == (t.low, t.high) and chart.observed == t.value
    assert views.ribbons(series, "cum_registered", "x").band is None


# ---------------------------------------------------------------- sweeps
def results_row(inside: bool, **extra) -> dict:
    """One run's outcomes: every target at its observed value, or every one below its band."""
    row = {t.summary: (t.value if inside else t.low - abs(t.low) - 1) for t in TARGETS.values()}
    return {**row, **extra}


def test_inside_all_needs_every_target_inside():
    good = results_row(True)
    one_out = {**good, "telegram": TARGETS["telegram"].high + 1}
    nan = {**good, "financial_change": float("nan")}
    edge = {t.summary: t.low for t in TARGETS.values()}
    res = pd.DataFrame([good, one_out, nan, edge, results_row(False)])
    assert views.inside_all(res).tolist() == [True, False, False, True, False]
    # targets that are not in the table are not checked
    assert views.inside_all(res[["registered"]]).tolist() == [True, True, True, True, False]


def test_sweep_charts_one_factor_shade_exactly_the_good_values():
    grid = [0.01, 0.02, 0.03, 0.04, 0.05]
    inside = {0.01: (False, False), 0.02: (True, True), 0.03: (True, False), 0.04: (False, False), 0.05: (True, True)}
    res = pd.DataFrame([results_row(ok, follow_rate=x, replication=r) for x in grid for r, ok in enumerate(inside[x])])
    charts = views.sweep_charts(res, ["follow_rate"])
    assert len(charts) == 1 + len(TARGETS)
    share = charts[0]
    # the x axis: the parameter's plain label, not its code name
    assert share.kind == "points" and share.x_title == text(PARAMS["follow_rate"], "label", "en") != "follow_rate"
    assert dict(zip(share.data["x"], share.data["y"])) == {0.01: 0.0, 0.02: 1.0, 0.03: 0.5, 0.04: 0.0, 0.05: 1.0}
    good = {x for x in grid if np.mean(inside[x]) >= 0.5}
    for x in grid:
        covered = any(lo <= x <= hi for lo, hi in share.x_band)
        assert covered == (x in good), x
    assert flat(share.x_band) == pytest.approx([0.015, 0.035, 0.045, 0.05])
    for chart, t in zip(charts[1:], TARGETS.values()):
        assert chart.title == t.label and chart.band == (t.low, t.high) and chart.x_band == share.x_band
        assert len(chart.data) == len(res)


def test_sweep_charts_two_factors_heatmap_is_the_share_inside():
    rows = []
    for a in (1.0, 2.0):
        for b in (10.0, 20.0, 30.0):
            for r in range(4):
                ok = (
                    r
                    < {(1.0, 10.0): 0, (1.0, 20.0): 1, (1.0, 30.0): 2, (2.0, 10.0): 3, (2.0, 20.0): 4, (2.0, 30.0): 0}[
                        (a, b)
                    ]
                )
                rows.append(results_row(ok, a=a, b=b, replication=r))
    charts = views.sweep_charts(pd.DataFrame(rows), ["a", "b"])
    heat = charts[0]
    assert heat.kind == "heatmap" and (heat.x_title, heat.y_title) == ("a", "b")
    z = {(x, y): v for x, y, v in heat.data[["x", "y", "z"]].itertuples(index=False)}
    assert z == {
        (1.0, 10.0): 0.0,
        (1.0, 20.0): 0.25,
        (1.0, 30.0): 0.5,
        (2.0, 10.0): 0.75,
        (2.0, 20.0): 1.0,
        (2.0, 30.0): 0.0,
    }
    assert len(charts) == 1 + len(TARGETS)
    assert all(c.kind == "heatmap" and set(c.data["z"]) <= {0.0, 1.0} for c in charts[1:])


def test_sweep_charts_of_no_results_are_empty():
    assert views.sweep_charts(pd.DataFrame(), ["follow_rate"]) == []


@pytest.mark.parametrize(
    "grid,good,expected",
    [
        ([1, 2, 3, 4], [], []),
        ([1, 2, 3, 4], [1, 2, 3, 4], [(1, 4)]),
        ([1, 2, 3, 4], [1], [(1, 1.5)]),
        ([1, 2, 3, 4], [4], [(3.5, 4)]),
        ([1, 2, 3, 4], [2, 3], [(1.5, 3.5)]),
        ([1, 2, 3, 4], [1, 3], [(1, 1.5), (2.5, 3.5)]),
        ([5.0], [5.0], [(5.0, 5.0)]),
        ([0, 10, 30], [10], [(5, 20)]),
    ],
)
def test_ranges(grid, good, expected):
    got = views._ranges([float(g) for g in grid], [float(g) for g in good])
    assert len(got) == len(expected) and flat(got) == pytest.approx(flat(expected))


# ---------------------------------------------------------------- the network
def test_network_snapshot_draws_at_most_max_nodes_and_only_their_edges(big_window):
    snap = views.network_snapshot(big_window)
    nodes, edges = snap["nodes"], snap["edges"]
    assert snap["n_window"] > views.MAX_NODES  # so the sample is a sample
    assert 0 < len(nodes) <= views.MAX_NODES
    assert len(edges) > 0
    drawn = set(zip(nodes["x"], nodes["y"]))
    assert set(zip(edges["x"], edges["y"])) <= drawn and set(zip(edges["x2"], edges["y2"])) <= drawn
    assert (nodes["size"] == 8 + 4 * nodes["degree"]).all()
    assert (nodes["degree"] >= 1).all()  # no one drawn without a drawn partner
    assert snap["week"] == 104 and snap["date"] == big_window.date.isoformat()
    assert snap["pattern"] == big_window.monitors["comm_pattern"]
    assert snap["centralisation"] == pytest.approx(float(big_window.monitors["comm_centralisation"]))
    small = views.network_snapshot(big_window, max_nodes=25)
    assert len(small["nodes"]) <= 25
    assert small["n_window"] == snap["n_window"]  # the monitors are of the whole window
    chart = views.network_chart(snap, "t")
    assert chart.kind == "network" and chart.edges is edges


def test_network_snapshot_of_an_empty_window():
    m = CommunityModel("ipm", rng=1, n_mothers=2000)
    snap = views.network_snapshot(m)
    assert len(snap["nodes"]) == 0 and len(snap["edges"]) == 0
    assert list(snap["nodes"].columns) == ["x", "y", "role", "degree", "size"]


def test_demonstration_admins_lead_is_a_wheel():
    snap = views.demonstration("Admins lead")
    assert snap["pattern"] == "wheel"
    assert snap["centralisation"] > 0.9


def test_demonstration_peers_talk_is_all_channel():
    snap = views.demonstration("Peers talk")
    assert snap["pattern"] == "all-channel"
    assert snap["centralisation"] < 0.2


def test_demonstration_runs_three_years_and_peers_talk_is_all_channel_over_seeds():
    assert views.DEMO_WEEKS == 156
    for seed in (1, 2, 3):
        snap = views.demonstration("Peers talk", seed=seed)
        assert snap["week"] == views.DEMO_WEEKS
        assert snap["pattern"] == "all-channel" and snap["centralisation"] < 0.2, (seed, snap["centralisation"])


def test_demonstration_texts_match_the_choices():
    assert set(views.DEMO) == set(views.DEMO_TEXT) == {"Admins lead", "Peers talk"}
    assert "wheel" in views.DEMO_TEXT["Admins lead"] and "all-channel" in views.DEMO_TEXT["Peers talk"]


def test_sweep_progress_in_both_languages():
    from ibusim.dashboard.app import sweep_progress

    state = {"total": 1200, "done": 1000, "failed": 0, "eta_s": 61.4}
    assert sweep_progress(state, pending=True) == "1,000 of 1,200 runs, about 61 s left"
    assert sweep_progress(state, pending=True, lang="id") == "1.000 dari 1.200 simulasi, sekitar 61 detik lagi"
    assert sweep_progress({**state, "failed": 2}, pending=False) == "1,002 of 1,200 runs, 2 failed"
    assert sweep_progress({**state, "failed": 2}, pending=False, lang="id") == "1.002 dari 1.200 simulasi, 2 gagal"
    assert sweep_progress({"total": 1, "done": 1}, pending=False) == "1 of 1 run"


def test_the_sweeps_parameters_are_listed_by_label_and_name_in_the_language():
    from ibusim.dashboard import sweeps
    from ibusim.dashboard.app import NO_FACTOR, factor_items

    for lang in ("en", "id"):
        items = factor_items(True, lang)
        assert items[0]["value"] == NO_FACTOR and [i["value"] for i in items[1:]] == sweeps.sweepable()
        follow = next(i for i in items if i["value"] == "follow_rate")
        assert follow["text"] == f"{text(PARAMS['follow_rate'], 'label', lang)} (follow_rate)"
    assert factor_items(True, "id")[0]["text"] == "(tidak ada)"
    assert factor_items(False, "id")[0]["value"] != NO_FACTOR
