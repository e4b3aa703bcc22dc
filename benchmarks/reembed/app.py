"""The dashboard with Solara's own chart widget instead of LiveChart (benchmarks/dashboard_speed.py).

Every chart is a copy of solara.widgets.VegaLite (vegalite_reembed.vue: the same
Vue code, plus a redraw counter) given the whole spec with inline data, so each
step re-embeds every chart (parse, compile, SVG render, after Solara's 100 ms
debounce): what the dashboard did before LiveChart.
"""

import os

import solara
import traitlets
from solara.widgets import VegaLite

import ibusim.dashboard.app as app
from ibusim.dashboard import charts


class ReembedVegaLite(VegaLite):
    """Solara's VegaLite, re-embedding the chart on every change (the benchmark's baseline)."""

    template_file = os.path.join(os.path.dirname(os.path.realpath(__file__)), "vegalite_reembed.vue")
    spec = traitlets.Dict().tag(sync=True)


@solara.component
def ChartView(chart, png=None, lang: str = "en"):
    """The chart re-embedded whole on every change (the dashboard's ChartView's signature, without the PNG)."""
    spec, values = charts.vega(chart, lang)
    if spec.get("data", {}).get("name") == "table":
        spec = {**spec, "data": {"values": values}}
    with solara.Column(gap="0px", style={"min-width": "350px"}):
        ReembedVegaLite.element(spec=spec)


app.ChartView = ChartView
Page = app.Page
