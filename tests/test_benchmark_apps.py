"""The benchmarks' baseline dashboard (benchmarks/reembed/app.py) still renders with today's dashboard.

benchmarks/dashboard_speed.py times the dashboard against this copy, which swaps in a chart view that
re-embeds every chart; when the dashboard's ChartView changes its signature the copy must follow, or the
benchmark fails after a minute of waiting in Chromium. This renders it in-process and takes a step.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import ipyvuetify as v
import solara

import ibusim.dashboard.app as dashboard_app

APP = Path(__file__).resolve().parent.parent / "benchmarks" / "reembed" / "app.py"


def test_the_reembed_baseline_renders_every_chart_and_steps():
    original = dashboard_app.ChartView
    spec = importlib.util.spec_from_file_location("reembed_app", APP)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)  # replaces the dashboard's ChartView with the re-embedding one
        _, rc = solara.render(module.Page(), handle_error=False)
        try:
            charts = rc.find(module.ReembedVegaLite).widgets
            assert len(charts) >= 3 and all(c.spec.get("data", {}).get("values") is not None for c in charts)
            before = [len(c.spec["data"]["values"]) for c in charts]
            rc.find(v.Btn, children=["Step"]).widget.click()
            after = [len(c.spec["data"]["values"]) for c in rc.find(module.ReembedVegaLite).widgets]
            assert sum(after) > sum(before)  # the step re-embedded the charts with the new week's rows
        finally:
            rc.close()
    finally:
        dashboard_app.ChartView = original
