"""The forecast panel's texts and table (dashboard/decision.py), in this process.

What the forecast ran over is said in the page's language with the parameters' plain labels (never their
code names), and the forecast table keeps every year in sight on a phone: each figure's label on a row of
its own, the years in equal columns. (Named test_decision_view.py: a tests/test_decision.py would clash with
tests/browser/test_decision.py under pytest's default import mode.)
"""

from __future__ import annotations

import ipyvuetify as v
import pandas as pd
import pytest
import solara

from ibusim.dashboard import decision
from ibusim.experiments import posterior as post_mod
from ibusim.model.parameters import PARAMS, text

POSTERIOR = "results/calibration-ipm"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_posterior_is_described_with_plain_labels_in_the_pages_language(lang):
    post = post_mod.load_posterior(POSTERIOR)
    line = decision.posterior_line(POSTERIOR, lang)
    assert "\n" not in line and line.startswith(f"posterior {POSTERIOR}: ")
    for name in post.params:
        assert text(PARAMS[name], "label", lang) in line
        assert name not in line.split(": ", 1)[1]  # no code name after the folder
    words = {"id": ("partikel", "dikalibrasi"), "en": ("particles", "calibrated")}[lang]
    assert all(w in line for w in words)
    if post.fixed:
        assert {"id": "; dibuat tetap: ", "en": "; held fixed: "}[lang] in line
    assert (
        decision.posterior_line(None, lang)
        == {
            "id": "tanpa posterior: hanya variasi seed acak",
            "en": "no posterior: seed noise only",
        }[lang]
    )


def rows(years, variants=("as designed",), figures=("registrations", "completion")):
    return [
        {
            "variant": variant,
            "figure": f,
            "label": f"label of {f}",
            "cells": {y: {"median": "1", "interval": "0 - 2"} for y in years},
        }
        for variant in variants
        for f in figures
    ]


def html(widget):
    """Every Html widget under ``widget`` (the table's rows and cells), depth first."""
    out = [widget] if isinstance(widget, v.Html) else []
    for c in getattr(widget, "children", None) or []:
        if not isinstance(c, str):
            out.extend(html(c))
    return out


def test_the_forecast_table_gives_each_year_an_equal_column_and_each_label_its_own_row():
    years = [2024, 2025, 2026, 2027]
    _, rc = solara.render(decision.ForecastTable(rows(years), years, 2024, "id"), handle_error=False)
    try:
        table = rc.find(v.SimpleTable).widget
        assert "table-layout: fixed" in table.style_ and "width: 100%" in table.style_
        parts = html(table)
        head = [h.children[0] for h in parts if h.tag == "th"]
        assert head == ["2024 (dikalibrasi)", "2025", "2026", "2027"]  # no label column to squeeze the years
        labels = [h for h in parts if h.tag == "tr" and "fc-label" in (h.class_ or "")]
        assert [tr.class_.split()[-1] for tr in labels] == ["fc-label-registrations", "fc-label-completion"]
        for tr in labels:
            (td,) = tr.children
            assert td.attributes == {"colspan": len(years)}  # across the table
        cells = [h for h in parts if h.tag == "td" and h.class_ == "fc-cell"]
        assert len(cells) == 2 * len(years)
        assert all("white-space: normal" in c.style_ for c in cells)  # an interval wraps rather than widen it
    finally:
        rc.close()


def test_the_fan_charts_last_year_is_not_pushed_into_the_one_before():
    dates = pd.date_range("2024-01-07", "2027-12-26", freq="7D")
    series = pd.DataFrame({"variant": "a", "replication": 0, "date": dates, "cum_registered": range(len(dates))})
    spec, _rows = decision.fan_chart(series, "cum_registered", "id", cut="2025-01-01")
    for layer in spec["layer"]:
        x = layer["encoding"].get("x")
        if x and "field" in x:
            assert x["axis"]["labelFlush"] is False and x["axis"]["labelOverlap"] == "greedy"
