"""Decision support (dashboard/decision.py): the A/B table, its CSV, the panel's errors, the forecast's data.

The tables are built by plain functions, tested here on made-up runs (exact numbers) and on tiny
real comparisons and forecasts (3,000 mothers); the panel is rendered in-process with
solara.render, its background task polled with a generous timeout (never a duration asserted).
"""

from __future__ import annotations

import re

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from dashboard_helpers import wait_for

from ibusim.dashboard import decision
from ibusim.dashboard.session import Session
from ibusim.experiments import forecast as forecast_mod
from ibusim.model import outputs
from ibusim.model.parameters import ParameterError

POSTERIOR = "results/calibration-ipm"
TINY = {"n_mothers": 3000, "end": "2021-06"}
WAIT_S = 300


def made_up_runs(seed: int = 0, n: int = 7) -> pd.DataFrame:
    """Runs of A and B over ``n`` replications, B's rows shuffled (pairs are matched by replication)."""
    rng = np.random.default_rng(seed)
    a = pd.DataFrame(
        {
            "variant": "A",
            "replication": range(n),
            "registered": rng.normal(15000, 500, n),
            "completion": rng.uniform(0.85, 0.95, n),
            "total_income": rng.normal(4e8, 2e7, n),
        }
    )
    b = a.assign(
        variant="B",
        registered=a["registered"] - rng.normal(3000, 300, n),
        completion=a["completion"] + 0.02,
        total_income=a["total_income"] * 1.1,
    )
    return pd.concat([a, b.sample(frac=1, random_state=1)], ignore_index=True)


# ---------------------------------------------------------------- the table
def test_paired_differences_are_b_minus_a_per_replication():
    runs = made_up_runs()
    p = decision.paired(runs, ["A", "B"], "registered")
    a = runs[runs["variant"] == "A"].set_index("replication")["registered"]
    b = runs[runs["variant"] == "B"].set_index("replication")["registered"]
    assert list(p.index) == sorted(a.index)
    assert np.allclose(p["diff"], (b - a).loc[p.index])
    table = decision.comparison_table(runs, ["A", "B"], ("registered", "completion", "total_income"))
    row = table.set_index("outcome").loc["registered"]
    assert row["pairs"] == 7
    assert row["diff_median"] == pytest.approx((b - a).median())
    assert row["diff_low"] == pytest.approx((b - a).quantile(0.05))
    assert row["diff_high"] == pytest.approx((b - a).quantile(0.95))
    # a median of differences, not a difference of medians: the pairing matters
    assert table.set_index("outcome").loc["completion", "diff_median"] == pytest.approx(0.02)


def test_every_interval_contains_its_median():
    table = decision.comparison_table(made_up_runs(3, n=11), ["A", "B"], ("registered", "completion", "total_income"))
    for col in ("a", "b", "diff"):
        assert (table[f"{col}_low"] <= table[f"{col}_median"]).all()
        assert (table[f"{col}_median"] <= table[f"{col}_high"]).all()


def test_a_figure_missing_in_a_run_drops_that_pair_only():
    runs = made_up_runs()
    runs.loc[(runs["variant"] == "B") & (runs["replication"] == 2), "completion"] = np.nan
    table = decision.comparison_table(runs, ["A", "B"], ("completion",))
    assert table.loc[0, "pairs"] == 6


@pytest.mark.parametrize(
    "lang, share, diff, money",
    [("id", "91,5%", "+2,5 poin persen", "Rp 400.000.000"), ("en", "91.5%", "+2.5 pp", "Rp 400,000,000")],
)
def test_shares_money_and_labels_as_the_language_writes_them(lang, share, diff, money):
    runs = pd.DataFrame(
        {
            "variant": ["A", "A", "B", "B"],
            "replication": [0, 1, 0, 1],
            "completion": [0.915, 0.915, 0.94, 0.94],
            "total_income": [4e8, 4e8, 4.4e8, 4.4e8],
        }
    )
    rows = {r["outcome"]: r for r in decision.comparison_rows(decision.comparison_table(runs, ["A", "B"]), lang)}
    assert rows["completion"]["a"] == share and rows["completion"]["diff"] == diff
    assert rows["total_income"]["a"] == money
    assert rows["total_income"]["diff"].startswith("+Rp")
    expected = "Penyelesaian kelas berbayar" if lang == "id" else "Completion of paid classes"
    assert rows["completion"]["label"] == expected  # the catalogue's plain label, never the column name


def test_the_marked_labels_are_the_catalogues():
    """decision.py marks the labels it shows for translation; they must be the catalogues' own strings."""
    for name, label in decision.OUTPUT_LABELS.items():
        assert outputs.label(name) == label, name
    assert {k: v[0] for k, v in forecast_mod.FIGURES.items()} == decision.FIGURE_LABELS
    assert set(decision.OUTCOMES) | set(decision.SERIES) <= set(decision.OUTPUT_LABELS)


def test_csv_round_trip():
    runs = made_up_runs()
    table = decision.comparison_table(runs, ["A", "B"], ("registered", "completion", "total_income"))
    data = decision.table_csv(table, ["A: as designed", "B: x = 1"], "id")
    back = decision.read_table_csv(data)
    assert list(back["outcome"]) == list(table["outcome"])
    for col in table.columns:
        if col != "outcome":
            assert np.allclose(back[col].to_numpy(float), table[col].to_numpy(float)), col  # exact floats
    assert list(back["label"]) == [
        "Ibu terdaftar",
        "Penyelesaian kelas berbayar",
        "Pendapatan momfluencer, semua momfluencer",
    ]
    assert set(back["a_variant"]) == {"A: as designed"} and set(back["b_variant"]) == {"B: x = 1"}


# ---------------------------------------------------------------- B's change
def test_the_picker_finds_parameters_by_name_or_label():
    found = decision.search_params("free class", "en")
    assert "free_class" in found and all("free" in n or "free" in decision.param_label(n, "en").lower() for n in found)
    assert decision.search_params("zzzz", "en") == []
    assert {i["value"] for i in decision.picker_items("id")} == set(decision.PARAMS)


def test_b_is_read_as_the_language_writes_numbers():
    a, b = decision.comparison_variants({}, "follow_rate", "0,035", "id")
    assert b.changes == {"follow_rate": 0.035} and a.changes == {}
    _, b = decision.comparison_variants({}, "free_class", "tidak", "id")
    assert b.changes == {"free_class": False}
    with pytest.raises(ParameterError) as e:
        decision.comparison_variants({}, "free_class", "ya", "id")  # the baseline runs the free class
    assert "B sama dengan A" in str(e.value) and "\n" not in str(e.value)


def test_over_a_posterior_the_calibrated_values_come_from_the_draws():
    a, b = decision.comparison_variants(
        {"follow_rate": 0.02, "n_mothers": 3000}, "free_class", "false", "en", ("follow_rate",)
    )
    assert a.changes == {"n_mothers": 3000}
    assert b.changes == {"n_mothers": 3000, "free_class": False}
    _, b = decision.comparison_variants({"follow_rate": 0.02}, "follow_rate", "0.02", "en", ("follow_rate",))
    assert b.changes == {"follow_rate": 0.02}  # B's own change wins over the draws


# ---------------------------------------------------------------- a real, tiny comparison
@pytest.fixture(scope="module")
def tiny_comparison(tmp_path_factory):
    progress = []
    res = decision.run_comparison(
        TINY,
        "free_class",
        "false",
        "en",
        3,
        1,
        on_progress=lambda done, total: progress.append((done, total)),
        out=tmp_path_factory.mktemp("ab") / "out",
    )
    return res, progress


def test_a_tiny_comparison_pairs_the_same_seeds(tiny_comparison):
    res, progress = tiny_comparison
    runs = res["runs"]
    a, b = res["labels"]
    assert runs.groupby("variant")["seed"].apply(sorted).apply(tuple).nunique() == 1  # common seeds
    t = res["table"].set_index("outcome")
    ra = runs[runs["variant"] == a].set_index("replication")["registered"]
    rb = runs[runs["variant"] == b].set_index("replication")["registered"]
    assert t.loc["registered", "diff_median"] == pytest.approx((rb - ra).median())
    assert t.loc["registered", "diff_high"] < 0  # without the free entry class fewer mothers register
    assert progress[-1] == (6, 6) and [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_chart_axes_carry_the_plain_labels(tiny_comparison):
    res, _ = tiny_comparison
    for col in decision.SERIES:
        for lang in ("id", "en"):
            spec, rows = decision.fan_chart(res["series"], col, lang)
            titles = {lay["encoding"]["y"].get("title") for lay in spec["layer"] if "title" in lay["encoding"]["y"]}
            assert titles == {decision.output_label(col, lang)} and col not in str(titles)
            x_titles = {
                lay["encoding"]["x"]["title"] for lay in spec["layer"] if "field" in lay["encoding"].get("x", {})
            }
            assert x_titles == {"Tanggal" if lang == "id" else "Date"}
            assert {r["variant"] for r in rows} == set(res["labels"])
            separators = spec["config"]["locale"]["number"]
            assert (separators["thousands"], separators["decimal"]) == ((".", ",") if lang == "id" else (",", "."))
            assert all(r["lo0"] <= r["y"] <= r["hi0"] for r in rows)


# ---------------------------------------------------------------- the panel
def _alerts(rc, cls):
    return ["".join(map(str, w.children)) for w in rc.find(v.Alert).widgets if cls in (w.class_ or "").split()]


def _wait(predicate, what: str):
    return wait_for(predicate, WAIT_S, what)


def _field(rc, label):
    (w,) = [w for w in rc.find(v.TextField).widgets if w.label == label]
    return w


def _walk(w):
    """``w`` and every widget inside it (a table's rows are widgets inside the table's children)."""
    yield w
    for c in getattr(w, "children", None) or []:
        if isinstance(c, v.VuetifyWidget) or hasattr(c, "children"):
            yield from _walk(c)


def _cells(table, tag: str, cls: str | None = None) -> list[str]:
    """The main text of each ``tag`` cell (with class ``cls``) of ``table``."""
    out = []
    for w in _walk(table):
        if getattr(w, "tag", None) == tag and (cls is None or cls in (w.class_ or "").split()):
            first = w.children[0]
            out.append(first if isinstance(first, str) else "".join(map(str, first.children)))
    return out


def _tables(rc):
    return [w for w in rc.find(v.SimpleTable).widgets if "ab-table" in (w.class_ or "").split()]


def test_the_panel_shows_a_b_and_the_difference_and_a_failed_attempt_clears_them(monkeypatch, tmp_path):
    monkeypatch.setattr(decision, "RESULTS", tmp_path)
    session = Session(changes=TINY)
    _, rc = solara.render(decision.ComparisonPanel(session, "id"), handle_error=False)
    try:
        (picker,) = rc.find(v.Autocomplete).widgets
        assert picker.v_model == "free_class" and picker.label == "Yang diubah di B"
        _field(rc, "Jumlah seed acak").v_model = "2"
        rc.find(v.Btn, children=["Jalankan A/B"]).widget.click()
        (table,) = _wait(lambda: _tables(rc), "the A/B table")
        assert _cells(table, "th") == [
            "A: sesuai rancangan",
            "B: Kelas awal gratis 'Ibu untuk Ibu' = tidak",
            "Selisih B - A",
        ]
        assert _cells(table, "td", "ab-label")[0] == "Ibu terdaftar"  # the plain label, in Indonesian
        cells = {c: _cells(table, "td", c) for c in ("ab-a", "ab-b", "ab-diff")}
        assert len(cells["ab-diff"]) == len(decision.OUTCOMES) == len(cells["ab-a"]) == len(cells["ab-b"])
        assert cells["ab-diff"][0].startswith("-")  # registered: fewer without the free entry class
        share = cells["ab-a"][list(decision.OUTCOMES).index("volunteer_share")]
        assert re.fullmatch(r"\d{1,3}(,\d)?%", share), share  # a percentage, as Indonesians write it
        assert any(w.filename == "ibusim-ab.csv" for w in rc.find(v.VuetifyTemplate).widgets if hasattr(w, "filename"))
        # a new attempt that fails: only its error, no old table
        # the table shows before the task ends: edit and click once the button is enabled again
        _wait(lambda: not rc.find(v.Btn, children=["Jalankan A/B"]).widget.disabled, "the Run button enabled")
        (picker,) = rc.find(v.Autocomplete).widgets
        picker.v_model = "follow_rate"  # a number: the "to" is a text field again
        proposed = decision.first_b_value("follow_rate", session.form, "id")  # the form's value, to edit
        _wait(lambda: _field(rc, "menjadi").v_model == proposed, "the text field of a number")
        _field(rc, "menjadi").v_model = "abc"  # not a number
        _wait(lambda: _field(rc, "menjadi").v_model == "abc", "the text typed")
        rc.find(v.Btn, children=["Jalankan A/B"]).widget.click()
        (msg,) = _wait(lambda: _alerts(rc, "ab-error"), "the A/B error")
        assert "\n" not in msg and "follow_rate" in msg
        assert not _tables(rc)
    finally:
        rc.close()


def test_the_panel_refuses_bad_seed_counts_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(decision, "RESULTS", tmp_path)
    _, rc = solara.render(decision.ComparisonPanel(Session(changes=TINY), "en"), handle_error=False)
    try:
        _field(rc, "Seeds").v_model = "1"
        rc.find(v.Btn, children=["Run A/B"]).widget.click()
        (msg,) = _wait(lambda: _alerts(rc, "ab-error"), "the A/B error")
        assert msg == "Seeds = '1' must be a whole number from 2 to 200"
        assert not list(tmp_path.iterdir())  # nothing ran
    finally:
        rc.close()


# ---------------------------------------------------------------- the forecast
@pytest.fixture(scope="module")
def tiny_forecast(tmp_path_factory):
    progress = []
    res, series = decision.run_forecast(
        {"n_mothers": 3000},
        "id",
        POSTERIOR,
        3,
        counterfactual=True,
        on_progress=lambda done, total: progress.append((done, total)),
        out=tmp_path_factory.mktemp("fc") / "out",
    )
    return res, series, progress


def test_the_forecast_runs_the_design_over_the_posterior_to_2027(tiny_forecast):
    res, series, progress = tiny_forecast
    assert res.years == [2024, 2025, 2026, 2027] and res.observed_until == 2024
    assert res.labels == ["sesuai rancangan", "tanpa kelas awal gratis"]
    assert progress[-1] == (6, 6)
    assert (res.runs["particle"] >= 0).all()  # rows of the posterior, not the scenario's own values (-1)
    assert pd.Timestamp("2027-12-24") < pd.to_datetime(series["date"]).max() < pd.Timestamp("2028-01-08")  # to Dec 2027


def test_the_forecast_table_has_intervals_and_paired_differences(tiny_forecast):
    res, _, _ = tiny_forecast
    rows = decision.forecast_rows(res, "id")
    assert len(rows) == 2 * len(forecast_mod.FIGURES)
    first = [r for r in rows if r["variant"] == res.labels[0]]
    assert {r["label"] for r in first} == {decision.gettext("id")(v) for v in decision.FIGURE_LABELS.values()}
    t = res.table
    for r in rows:
        for y, cell in r["cells"].items():
            q = t[(t["variant"] == r["variant"]) & (t["year"] == y) & (t["figure"] == r["figure"])].iloc[0]
            if not np.isnan(q["median"]):
                assert q["p5"] <= q["median"] <= q["p95"]
            assert ("diff" in cell) == (r["variant"] != res.labels[0])
    share = next(r for r in first if r["figure"] == "financial_change")["cells"][2025]["median"]
    assert re.fullmatch(r"\d{1,3}(,\d)?%", share), share  # a percentage as Indonesians write it


def test_the_forecast_refuses_a_design_that_ends_after_the_years_forecast():
    with pytest.raises(ParameterError) as e:
        decision.run_forecast({"end": "2028-06"}, "en", None, 2)
    assert "ends in 2028" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(ParameterError) as e:
        decision.run_forecast({"free_class": False}, "en", None, 2, counterfactual=True)
    assert "no free entry class" in str(e.value)
