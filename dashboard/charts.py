"""Charts: one description, drawn two ways.

A :class:`Chart` is tidy data plus what to draw: lines (one per series), ribbons
(a 5-95% band and a median per series), points with a mean line, a heat map, or a
network. :func:`vega` turns it into a Vega-Lite spec that the browser draws (fast:
the server only sends data, so a step plus redraw stays well under 150 ms), and
:func:`png` draws the same chart with matplotlib for the PNG download buttons.
Observed figures appear as a shaded band (the target's band) and a dashed line
(the observed value).

Both take the reader's language (``lang``): the chart's own texts (titles, legends)
are translated by its builder (dashboard/views.py), a network's roles here
(:data:`ROLE_LABELS`, in the legend and the tooltip), and here the numbers and dates
on the axes and in the tooltips follow the language. In Indonesian the Vega-Lite
spec carries a ``config.locale`` (d3's number and time locale definitions:
``1.500,5``, months Januari..Desember, Jan..Des) and the PNG writes the same month
names and separators; English specs carry no locale (Vega's default, American
English). vega-embed's menu of actions (the "..." beside a chart) is translated
through the spec's ``usermeta.embedOptions.i18n``, which vega-embed reads itself, so
dashboard/vue/live_chart.vue embeds the spec as it is.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ibusim.i18n import N_, check_language, gettext

WIDTH, HEIGHT = 330, 170
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
ONE_ROW = {"values": [{}]}  # data of the band and rule layers: drawn once, not once per data row
# d3-format / d3-time-format locale definitions (Vega's config.locale) of the languages other than English;
# the names are CLDR's, as Babel gives them (tests/test_dashboard_charts.py compares them), Sunday first.
LOCALES = {
    "id": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp ", ""]},
        "time": {
            "dateTime": "%A, %e %B %Y %X",
            "date": "%d/%m/%Y",
            "time": "%H.%M.%S",
            "periods": ["AM", "PM"],
            "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
            "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
            "months": [
                "Januari",
                "Februari",
                "Maret",
                "April",
                "Mei",
                "Juni",
                "Juli",
                "Agustus",
                "September",
                "Oktober",
                "November",
                "Desember",
            ],
            "shortMonths": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
        },
    },
}
SHORT_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ROLE_COLOURS = {
    "hub:telegram": "#000000",
    "hub:whatsapp": "#555555",
    "manager": "#d62728",
    "volunteer": "#ff7f0e",
    "member": "#1f77b4",
    "non-member": "#9ecae1",
}
# what the network chart's legend and tooltip call each role (model/communication.py's codes), translated where shown
ROLE_LABELS = {
    # TRANSLATORS: a role in the communication network chart's legend: the community's Telegram group (a hub)
    "hub:telegram": N_("Telegram group"),
    # TRANSLATORS: a role in the network chart's legend: the classes' WhatsApp groups (a hub)
    "hub:whatsapp": N_("WhatsApp groups"),
    # TRANSLATORS: a role in the network chart's legend
    "manager": N_("management team"),
    # TRANSLATORS: a role in the network chart's legend
    "volunteer": N_("volunteer"),
    # TRANSLATORS: a role in the network chart's legend: a registered mother
    "member": N_("member"),
    # TRANSLATORS: a role in the network chart's legend: a mother who has not registered (yet)
    "non-member": N_("not a member"),
}


def role_label(role: str, lang: str) -> str:
    """A network node's role as the legend shows it, in ``lang`` (an unknown code as it is)."""
    return gettext(lang)(ROLE_LABELS[role]) if role in ROLE_LABELS else str(role)


@dataclass
class Chart:
    """What to draw.

    ``data`` columns depend on ``kind``:

    * ``lines``: x, series, y
    * ``ribbons``: x, series, y (median), lo, hi
    * ``points``: x, y (one point per run), and a mean line over x
    * ``heatmap``: x, y, z (z in [0, 1])
    * ``network``: nodes (x, y, role) in ``data``, edges (x, y, x2, y2) in ``edges``
    """

    kind: str
    title: str
    data: pd.DataFrame
    x_title: str = ""
    y_title: str = ""
    band: tuple[float, float] | None = None  # observed band on y
    observed: float | None = None  # observed value on y
    x_band: list[tuple[float, float]] = field(default_factory=list)  # x ranges to shade (e.g. all targets inside)
    temporal: bool = False  # x holds dates
    y_format: str = ",.0f"
    edges: pd.DataFrame | None = None
    z_title: str = ""
    y_domain: tuple[float, float] | None = None  # fixed y range (e.g. [0, 1] for shares)

    @property
    def filename(self) -> str:
        """The PNG download name: the title as a slug."""
        slug = "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")
        while "--" in slug:
            slug = slug.replace("--", "-")
        return f"{slug or 'chart'}.png"


def _records(df: pd.DataFrame) -> list[dict]:
    out = df.replace({np.nan: None}).to_dict("records")
    return out


def vega(chart: Chart, lang: str = "en") -> tuple[dict, list[dict]]:
    """The chart as a Vega-Lite v5 spec (a plain dict) and the rows of its main data.

    No Altair validation on the hot path. The main data is the named dataset ``table`` (see
    dashboard/widgets.py). Numbers and dates are written as a reader of ``lang`` reads them:
    the spec's ``config.locale`` (:data:`LOCALES`) for a language other than English.
    """
    lang = check_language(lang)
    _ = gettext(lang)
    x_type = "temporal" if chart.temporal else "quantitative"
    x = {"field": "x", "type": x_type, "title": chart.x_title}
    y = {"field": "y", "type": "quantitative", "title": chart.y_title, "axis": {"format": chart.y_format}}
    if chart.y_domain is not None:
        y["scale"] = {"domain": list(chart.y_domain)}
    layers: list[dict] = []
    if chart.kind == "heatmap":
        spec_layers = [
            {
                "mark": "rect",
                "encoding": {
                    "x": {"field": "x", "type": "ordinal", "title": chart.x_title, "axis": {"format": ".3~g"}},
                    "y": {
                        "field": "y",
                        "type": "ordinal",
                        "title": chart.y_title,
                        "sort": "descending",
                        "axis": {"format": ".3~g"},
                    },
                    "color": {
                        "field": "z",
                        "type": "quantitative",
                        "title": chart.z_title,
                        "scale": {"domain": [0, 1], "scheme": "greens"},
                    },
                    "tooltip": [
                        {"field": "x", "title": chart.x_title or "x"},
                        {"field": "y", "title": chart.y_title or "y"},
                        {"field": "z", "format": ".0%", "title": chart.z_title or "z"},
                    ],
                },
            }
        ]
        return _wrap(chart, spec_layers, lang=lang), _records(chart.data)
    if chart.kind == "network":
        nodes = chart.data
        nodes = nodes.assign(role_label=[role_label(r, lang) for r in nodes["role"]])
        edges = chart.edges if chart.edges is not None else pd.DataFrame(columns=["x", "y", "x2", "y2"])
        present = set(nodes["role"])
        domain = [r for r in ROLE_COLOURS if r in present]
        ax = {"axis": None}
        spec_layers = [
            {
                "data": {"values": _records(edges)},
                "mark": {"type": "rule", "opacity": 0.25, "strokeWidth": 0.6},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", **ax},
                    "y": {"field": "y", "type": "quantitative", **ax},
                    "x2": {"field": "x2"},
                    "y2": {"field": "y2"},
                },
            },
            {
                "data": {"values": _records(nodes)},
                "mark": {"type": "circle", "opacity": 0.9},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative", **ax},
                    "y": {"field": "y", "type": "quantitative", **ax},
                    "size": {"field": "size", "type": "quantitative", "legend": None, "scale": {"range": [12, 400]}},
                    "color": {  # the legend shows the roles in the reader's words
                        "field": "role_label",
                        "type": "nominal",
                        "title": _("role"),
                        "scale": {
                            "domain": [role_label(r, lang) for r in domain],
                            "range": [ROLE_COLOURS[r] for r in domain],
                        },
                    },
                    "tooltip": [
                        {"field": "role_label", "title": _("role")},
                        # TRANSLATORS: the network chart's tooltip: how many people a node exchanged messages with
                        {"field": "degree", "title": _("connections")},
                    ],
                },
            },
        ]
        spec = _wrap(chart, spec_layers, named=False, lang=lang)
        spec["width"] = spec["height"] = 420
        return spec, []
    if chart.band is not None:
        layers.append(
            {
                "data": ONE_ROW,
                "mark": {"type": "rect", "color": "#2ca02c", "opacity": 0.15},
                "encoding": {"y": {"datum": chart.band[0], "type": "quantitative"}, "y2": {"datum": chart.band[1]}},
            }
        )
    if chart.observed is not None:
        layers.append(
            {
                "data": ONE_ROW,
                "mark": {"type": "rule", "color": "#2ca02c", "strokeDash": [5, 3]},
                "encoding": {"y": {"datum": chart.observed, "type": "quantitative"}},
            }
        )
    for lo, hi in chart.x_band:
        layers.append(
            {
                "data": ONE_ROW,
                "mark": {"type": "rect", "color": "#2ca02c", "opacity": 0.12},
                "encoding": {"x": {"datum": lo, "type": x_type}, "x2": {"datum": hi}},
            }
        )
    colour = {"field": "series", "type": "nominal", "title": None, "legend": {"orient": "bottom", "columns": 3}}
    tooltip = [
        # TRANSLATORS: a chart's tooltip: which line the pointer is on
        {"field": "series", "title": _("series")},
        {"field": "x", "type": x_type, "title": chart.x_title or (_("date") if chart.temporal else "x")},
        {"field": "y", "format": chart.y_format, "title": chart.y_title or "y"},
    ]
    if chart.kind == "lines":
        layers.append(
            {
                "mark": {"type": "line", "strokeWidth": 1.6},
                "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
            }
        )
    elif chart.kind == "ribbons":
        layers.append(
            {
                "mark": {"type": "area", "opacity": 0.25},
                "encoding": {
                    "x": x,
                    "y": {"field": "lo", "type": "quantitative", "title": chart.y_title},
                    "y2": {"field": "hi"},
                    "color": colour,
                },
            }
        )
        layers.append(
            {
                "mark": {"type": "line", "strokeWidth": 1.6},
                "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
            }
        )
    elif chart.kind == "points":
        layers.append(
            {
                "mark": {"type": "circle", "opacity": 0.45, "size": 28},
                "encoding": {"x": x, "y": y, "tooltip": tooltip[1:]},
            }
        )
        layers.append(
            {
                "mark": {"type": "line", "color": "#1f77b4", "point": True},
                "encoding": {"x": x, "y": {"aggregate": "mean", "field": "y", "type": "quantitative"}},
            }
        )
    else:
        raise ValueError(f"unknown chart kind {chart.kind!r}")
    data = chart.data
    if chart.temporal:  # epoch milliseconds: rows inserted by a changeset skip Vega-Lite's date parsing
        data = data.assign(x=pd.to_datetime(data["x"]).astype("datetime64[ms]").astype("int64"))
    return _wrap(chart, layers, lang=lang), _records(data)


def _wrap(chart: Chart, layers: list[dict], named: bool = True, lang: str = "en") -> dict:
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": chart.title, "fontSize": 12},
        "width": WIDTH,
        "height": HEIGHT,
        "layer": layers,
        # re-fit axes and labels when new rows arrive (the chart is embedded once, then updated)
        "autosize": {"type": "pad", "resize": True},
        "config": {"axis": {"labelFontSize": 10, "titleFontSize": 10}, "legend": {"labelFontSize": 10}},
    }
    if lang in LOCALES:
        spec["config"]["locale"] = LOCALES[lang]
        spec["usermeta"] = {"embedOptions": {"i18n": embed_texts(lang)}}  # read by vega-embed itself
    if named:
        spec["data"] = {"name": "table"}
    return spec


# the texts of vega-embed's menu of actions (the "..." beside a chart), by vega-embed's own keys
EMBED_TEXTS = {
    "CLICK_TO_VIEW_ACTIONS": N_("Click to view actions"),
    "COMPILED_ACTION": N_("View Compiled Vega"),
    "EDITOR_ACTION": N_("Open in Vega Editor"),
    "PNG_ACTION": N_("Save as PNG"),
    "SOURCE_ACTION": N_("View Source"),
    "SVG_ACTION": N_("Save as SVG"),
}


def embed_texts(lang: str) -> dict[str, str]:
    """vega-embed's ``i18n`` option in ``lang``: its menu of actions translated (a spec's ``usermeta.embedOptions``)."""
    _ = gettext(lang)
    return {key: _(msgid) for key, msgid in EMBED_TEXTS.items()}


def tick_text(value: float, d3_format: str, lang: str = "en") -> str:
    """A number as an axis of :func:`vega` shows it with ``d3_format`` (the subset the charts use), in ``lang``.

    ``,.0f``, ``.0%``, ``.2f``, ``,~g``, ``.3~g``: Python's format mini-language is d3's for these, except
    the ``~`` (trim trailing zeros), which ``g`` does anyway; the separators are then those of ``lang``
    (``1.500,5`` in Indonesian).
    """
    spec = d3_format.replace("~", "") or "g"
    text = format(float(value), spec)
    if check_language(lang) in LOCALES:
        number = LOCALES[lang]["number"]
        text = text.translate(str.maketrans({",": number["thousands"], ".": number["decimal"]}))
    return text


def month_tick(when, lang: str = "en") -> str:
    """A date on a time axis as Vega-Lite labels its ticks, in ``lang``: "2021", "Agu", "5 Agu".

    The year on 1 January, the short month name on the first of another month, else the day and the month.
    """
    when = pd.Timestamp(when)
    lang = check_language(lang)
    names = LOCALES[lang]["time"]["shortMonths"] if lang in LOCALES else SHORT_MONTHS_EN
    if when.day == 1:
        return str(when.year) if when.month == 1 else names[when.month - 1]
    return f"{when.day} {names[when.month - 1]}"


def png(chart: Chart, dpi: int = 110, lang: str = "en") -> bytes:
    """The same chart drawn with matplotlib (:func:`figure`), as PNG bytes (for the download buttons)."""
    fig = figure(chart, dpi, lang)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def figure(chart: Chart, dpi: int = 110, lang: str = "en"):
    """The chart as a matplotlib Figure (no pyplot state).

    The axes write numbers and month names as :func:`vega` does in ``lang`` (:func:`tick_text`,
    :func:`month_tick`); the legend's "observed" entries and a network's roles are translated.
    """
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    lang = check_language(lang)
    _ = gettext(lang)

    fig = Figure(figsize=(6.4, 4.0) if chart.kind != "network" else (6.4, 6.4), dpi=dpi)
    ax = fig.subplots()
    d = chart.data
    if chart.kind == "network":
        if chart.edges is not None and len(chart.edges):
            e = chart.edges
            ax.plot(np.vstack([e["x"], e["x2"]]), np.vstack([e["y"], e["y2"]]), color="grey", lw=0.4, alpha=0.3)
        present = set(d["role"])
        for role in [r for r in ROLE_COLOURS if r in present] + sorted(present - set(ROLE_COLOURS)):
            g = d[d["role"] == role]
            ax.scatter(
                g["x"],
                g["y"],
                s=np.clip(g["size"], 4, 300),
                color=ROLE_COLOURS.get(role, "grey"),
                label=role_label(role, lang),
                zorder=3,
            )
        ax.legend(fontsize=8)
        ax.set_axis_off()
    elif chart.kind == "heatmap":
        xs, ys = sorted(d["x"].unique()), sorted(d["y"].unique())
        z = d.pivot_table(index="y", columns="x", values="z").reindex(index=ys, columns=xs).to_numpy()
        im = ax.imshow(z, origin="lower", aspect="auto", cmap="Greens", vmin=0, vmax=1)
        ax.set_xticks(range(len(xs)), [tick_text(v, ".3g", lang) for v in xs], fontsize=8)
        ax.set_yticks(range(len(ys)), [tick_text(v, ".3g", lang) for v in ys], fontsize=8)
        fig.colorbar(im, ax=ax, label=chart.z_title)
    else:
        x_of = (lambda s: pd.to_datetime(s)) if chart.temporal else (lambda s: s)
        if chart.band is not None:
            ax.axhspan(*chart.band, color="#2ca02c", alpha=0.15, label=_("observed band"))
        if chart.observed is not None:
            ax.axhline(chart.observed, color="#2ca02c", ls="--", lw=1, label=_("observed"))
        for lo, hi in chart.x_band:
            ax.axvspan(x_of(lo), x_of(hi), color="#2ca02c", alpha=0.12)
        if chart.kind in ("lines", "ribbons"):
            for i, (name, g) in enumerate(d.groupby("series", sort=False)):
                c = PALETTE[i % len(PALETTE)]
                if chart.kind == "ribbons":
                    ax.fill_between(x_of(g["x"]), g["lo"], g["hi"], color=c, alpha=0.25)
                ax.plot(x_of(g["x"]), g["y"], color=c, lw=1.5, label=name)
        elif chart.kind == "points":
            ax.scatter(d["x"], d["y"], s=12, alpha=0.5)
            m = d.groupby("x")["y"].mean()
            ax.plot(m.index, m.to_numpy(), marker="o", color="#1f77b4")
        ax.legend(fontsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, pos: tick_text(v, chart.y_format, lang)))
        if chart.temporal:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, pos: month_tick(mdates.num2date(v), lang)))
        else:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, pos: tick_text(v, ".3~g", lang)))
    ax.set_title(chart.title, fontsize=10)
    if chart.kind != "network":
        ax.set_xlabel(chart.x_title, fontsize=9)
        ax.set_ylabel(chart.y_title, fontsize=9)
        if chart.y_domain is not None:
            ax.set_ylim(*chart.y_domain)
    fig.tight_layout()
    return fig


def nice_max(x: float) -> float:
    """Used to keep axes steady while a run plays (rounded up)."""
    if not x or math.isnan(x):
        return 1.0
    mag = 10 ** math.floor(math.log10(abs(x)))
    return math.ceil(x / mag) * mag
