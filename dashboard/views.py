"""What each page shows, as :class:`~ibusim.dashboard.charts.Chart` descriptions built from model output.

The chart builders are pure functions of data frames (the model's weekly series, a
sweep's results table, a comparison's series), so the same charts come out of the
dashboard, the tests and a notebook; :func:`network_snapshot` reads a model it is
given. The one exception is :func:`demonstration`, which builds and runs a model of
its own (the guided demonstration of the Communication tab). Line labels and which
series shows which observed figure come from the output catalogue (model/outputs.py).

Every builder takes the reader's language (``lang``, "en" by default): titles, axis
titles and legend entries are translated (the catalogue's labels and units, the
parameters' labels, the strings marked here), and a chart's numbers and dates follow
the language when it is drawn (:func:`ibusim.dashboard.charts.vega`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ibusim.i18n import N_, check_language, gettext
from ibusim.model import outputs
from ibusim.model.communication import CHANNELS, EVENT_TYPES, KINDS
from ibusim.model.parameters import PARAMS, PROGRAMME_LABELS, PROGRAMMES, text
from ibusim.model.targets import load as load_targets
from ibusim.numbers import format_number

from .charts import Chart

KIND_LABELS = {"u2u": N_("user-to-user"), "u2d": N_("user-to-document"), "u2s": N_("user-to-system")}
# the channels' names in the legend of "Interactivity by channel" (model/communication.py CHANNELS)
CHANNEL_LABELS = {
    "telegram": N_("Telegram"),
    "whatsapp": N_("WhatsApp"),
    "rumii": N_("RUMII forum"),
    "instagram": N_("Instagram"),
    "zoom": N_("Zoom"),
    "learning_platform": N_("learning platform"),
    "happy_hour": N_("Happy Hour meetups"),
    "alumni_group": N_("alumni group"),
    "team": N_("team's group"),
}
# one panel per kind (about 60,000 user-to-document events a week would flatten the other two on one scale)
KIND_TITLES = {
    "u2u": N_("User-to-user: people talking with people"),
    "u2d": N_("User-to-document: reading materials and posts"),
    "u2s": N_("User-to-system: Zoom and the learning platform"),
}

# Programme design: (title, y title, series columns, y format), English msgids. A chart of one series that shows
# an observed figure (outputs.SERIES_TARGETS) draws that target's band; lines are labelled by line_label. A y
# title with {year} counts from the run's first year (2020 for IPM, 2021 for IbuSibuk; SINCE_START without data).
DESIGN_SERIES = (
    (N_("Registrations"), N_("mothers registered"), ("cum_registered",), ",.0f"),
    (N_("Telegram group"), N_("members"), ("n_telegram",), ",.0f"),
    (N_("Instagram"), N_("followers"), ("n_followers",), ",.0f"),
    (
        N_("Enrolments by programme"),
        # TRANSLATORS: a chart's y axis; {year} is the first year of the run (2020)
        N_("enrolled since {year}"),
        ("cum_free_class_graduates", *(f"cum_enrolled_{p}" for p in PROGRAMMES)),
        ",.0f",
    ),
    (N_("Volunteers and managers"), N_("people"), ("n_volunteers", "n_managers", "n_momfluencers"), ",.0f"),
    (
        N_("Momfluencer income"),
        # TRANSLATORS: a chart's y axis; {year} is the first year of the run (2020)
        N_("Rp million since {year}"),
        ("cum_income_m",),
        ",.1f",
    ),
)
SINCE_START = {  # the y titles above for a run with no week yet
    "enrolled since {year}": N_("enrolled since the start"),
    "Rp million since {year}": N_("Rp million since the start"),
}


def line_label(column: str, lang: str = "en") -> str:
    """A design chart's legend entry in ``lang``: the catalogue's label (a programme's enrolments by its name)."""
    if column.startswith("cum_enrolled_") and column[len("cum_enrolled_") :] in PROGRAMME_LABELS:
        return PROGRAMME_LABELS[column[len("cum_enrolled_") :]]  # a proper name, the same in every language
    return outputs.label("cum_income" if column == "cum_income_m" else column, lang)


def y_title(msgid: str, df: pd.DataFrame, lang: str = "en") -> str:
    """A design chart's y title in ``lang``, a ``{year}`` filled with the year of the run's first date."""
    _ = gettext(lang)
    if "{year}" not in msgid:
        return _(msgid)
    if df.empty:
        return _(SINCE_START[msgid])
    return _(msgid).format(year=pd.Timestamp(df["date"].iloc[0]).year)


# a chart axis's d3 number format for each of the catalogue's formats (outputs.format_of)
AXIS_FORMATS = {"share": ".0%", "rupiah": ",.0f", "ratio": ".3~g", "number": ".3~g", "count": ",.0f", "text": ""}


def axis_format(unit: str) -> str:
    """The d3 axis format of a unit, following the output catalogue's format for it."""
    return AXIS_FORMATS[outputs.format_of(unit)]


def series_target(columns: tuple[str, ...]) -> str | None:
    """The observed target a chart of ``columns`` shows (one series with a target), else None."""
    return outputs.SERIES_TARGETS.get(columns[0]) if len(columns) == 1 else None


def _long(df: pd.DataFrame, columns: list[tuple[str, str]], x: str = "date") -> pd.DataFrame:
    parts = [
        pd.DataFrame({"x": df[x].to_numpy(), "series": label, "y": df[col].to_numpy(dtype=float)})
        for col, label in columns
    ]
    return pd.concat(parts, ignore_index=True)


def design_charts(df: pd.DataFrame, lang: str = "en") -> list[Chart]:
    """The live time series of the Programme design page in ``lang``, observed bands included (DESIGN_SERIES order)."""
    _ = gettext(lang)
    df = df.assign(cum_income_m=df["cum_income"] / 1e6)
    targets = load_targets()
    charts = []
    for title, y_msgid, columns, fmt in DESIGN_SERIES:
        target = series_target(columns)
        t = targets.get(target) if target else None
        charts.append(
            Chart(
                "lines",
                _(title),
                _long(df, [(c, line_label(c, lang)) for c in columns]),
                y_title=y_title(y_msgid, df, lang),
                temporal=True,
                y_format=fmt,
                band=(t.low, t.high) if t else None,
                observed=t.value if t else None,
            )
        )
    return charts


def communication_charts(df: pd.DataFrame, lang: str = "en") -> list[Chart]:
    """Interactivity per week: one panel per kind (McMillan), then by channel; the pattern monitors.

    Each kind has its own chart and y scale, so user-to-user and user-to-system stay visible beside the
    far more frequent user-to-document events.
    """
    _ = gettext(lang)
    per_week = _("events per week")
    charts = [
        Chart(
            "lines",
            _(KIND_TITLES[k]),
            _long(df, [(f"new_{k}", _(KIND_LABELS[k]))]),
            y_title=per_week,
            temporal=True,
            y_format=",~g",  # a few events a week: ticks at 0.5 would all read "1" with whole numbers
        )
        for k in KINDS
    ]
    by_channel = []
    for c in CHANNELS:
        cols = [f"new_{k}_{c}" for k, ch in EVENT_TYPES if ch == c]
        by_channel.append(
            pd.DataFrame(
                {
                    "x": df["date"].to_numpy(),
                    "series": _(CHANNEL_LABELS[c]),
                    "y": df[cols].sum(axis=1).to_numpy(dtype=float),
                }
            )
        )
    monitors = _long(df, [("comm_centralisation", _("degree centralisation")), ("comm_density", _("density"))])
    return [
        *charts,
        Chart(
            "lines",
            _("Interactivity by channel"),
            pd.concat(by_channel, ignore_index=True),
            y_title=per_week,
            temporal=True,
            y_format=",~g",
        ),
        Chart(
            "lines",
            _("Telegram communication pattern"),
            monitors,
            # TRANSLATORS: the y axis of the centralisation and density chart
            y_title=_("centralisation and density (1 = the most possible)"),
            temporal=True,
            y_format=".2f",
            y_domain=(0.0, 1.0),
        ),
    ]


def ribbons(series: pd.DataFrame, column: str, title: str, target: str | None = None, lang: str = "en") -> Chart:
    """Median and 5-95% band per variant over replications (``series``: variant, replication, week, date, column).

    ``title`` is shown as given (translate it first); the y title is the column's label in ``lang``
    (the output catalogue's; the column's name when the catalogue has none).
    """
    g = series.groupby(["variant", "week"], sort=False)[column]
    d = pd.DataFrame({"y": g.median(), "lo": g.quantile(0.05), "hi": g.quantile(0.95)}).reset_index()
    dates = series.drop_duplicates("week").set_index("week")["date"]
    d = d.assign(x=d["week"].map(dates).to_numpy(), series=d["variant"])
    t = load_targets().get(target) if target else None
    return Chart(
        "ribbons",
        title,
        d[["x", "series", "y", "lo", "hi"]],
        temporal=True,
        y_title=outputs.label(column, lang) if column in outputs.catalogue() else column,
        band=(t.low, t.high) if t else None,
        observed=t.value if t else None,
    )


def inside_all(results: pd.DataFrame) -> pd.Series:
    """Per run: every target inside its band."""
    targets = load_targets()
    ok = pd.Series(True, index=results.index)
    for name, t in targets.items():
        if t.summary in results:
            ok &= results[t.summary].between(t.low, t.high)
    return ok


def factor_title(name: str, lang: str = "en") -> str:
    """A swept parameter's axis title: its plain label in ``lang`` (the name itself if it is no parameter)."""
    return text(PARAMS[name], "label", lang) if name in PARAMS else name


def sweep_charts(results: pd.DataFrame, factors: list[str], lang: str = "en") -> list[Chart]:
    """The charts of a sweep's results in ``lang``, with the observed bands.

    One factor: each target against the swept parameter; two factors: the share of runs
    with every target inside its band over the grid. Axes are titled with the parameters'
    labels, the targets' labels and units in ``lang``.
    """
    _ = gettext(lang)
    targets = load_targets()
    if results.empty:
        return []
    res = results.assign(all_inside=inside_all(results).astype(float))
    charts = []
    all_title = _("Share of runs with every target inside its band")
    if len(factors) == 2:
        fx, fy = factors
        x_title, fy_title = factor_title(fx, lang), factor_title(fy, lang)
        z = res.groupby([fx, fy])["all_inside"].mean().reset_index()
        charts.append(
            Chart(
                "heatmap",
                all_title,
                z.rename(columns={fx: "x", fy: "y", "all_inside": "z"}).astype(float),
                x_title=x_title,
                y_title=fy_title,
                # TRANSLATORS: the colour scale of a heat map: the share of runs with every figure inside its band
                z_title=_("share inside"),
            )
        )
        for name, t in targets.items():
            if t.summary not in res:
                continue
            m = res.groupby([fx, fy])[t.summary].apply(lambda s: float(t.inside(float(s.mean())))).reset_index()
            charts.append(
                Chart(
                    "heatmap",
                    # TRANSLATORS: a heat map's title; {figure} is an observed figure, e.g. Instagram followers
                    _("{figure}: mean inside the band?").format(figure=_(t.label)),
                    m.rename(columns={fx: "x", fy: "y", t.summary: "z"}).astype(float),
                    x_title=x_title,
                    y_title=fy_title,
                    # TRANSLATORS: the colour scale of a heat map: 1 where the mean is inside the band, 0 outside
                    z_title=_("inside"),
                )
            )
        return charts
    fx = factors[0]
    x_title = factor_title(fx, lang)
    share = res.groupby(fx)["all_inside"].mean()
    good = [float(v) for v, s in share.items() if s >= 0.5]
    x_band = _ranges(sorted(share.index.astype(float)), good)
    charts.append(
        Chart(
            "points",
            all_title,
            pd.DataFrame({"x": share.index.astype(float), "y": share.to_numpy()}),
            x_title=x_title,
            y_title=_("share of runs"),
            y_format=".0%",
            x_band=x_band,
            y_domain=(0.0, 1.0),
        )
    )
    for name, t in targets.items():
        if t.summary not in res:
            continue
        charts.append(
            Chart(
                "points",
                _(t.label),
                pd.DataFrame({"x": res[fx].astype(float), "y": res[t.summary]}),
                x_title=x_title,
                y_title=_(t.unit),
                band=(t.low, t.high),
                observed=t.value,
                x_band=x_band,
                y_format=axis_format(t.unit),
            )
        )
    return charts


def _ranges(grid: list[float], good: list[float]) -> list[tuple[float, float]]:
    """Contiguous runs of ``good`` grid values, widened to halfway to their neighbours."""
    out, start, prev = [], None, None
    g = np.asarray(grid, dtype=float)
    for i, v in enumerate(g):
        if v in good:
            if start is None:
                start = i
            prev = i
        elif start is not None:
            out.append((start, prev))
            start = None
    if start is not None:
        out.append((start, prev))
    half = lambda i, j: (g[i] + g[j]) / 2  # noqa: E731
    return [(float(half(max(a - 1, 0), a)), float(half(b, min(b + 1, len(g) - 1)))) for a, b in out]


MAX_NODES = 300  # drawn nodes: the hubs and team first, then members at random


def network_snapshot(model, max_nodes: int = MAX_NODES, seed: int = 0) -> dict:
    """The window's communication graph on the monitored channels, sampled and laid out once.

    Returns nodes (x, y, role, degree, size), edges (x, y, x2, y2) and the monitors of
    the whole window (not of the sample). The layout is computed here, when a snapshot
    is taken, never per frame.
    """
    import networkx as nx

    from ibusim.model.communication import PATTERN_CHANNELS

    g = model.communication_graph(PATTERN_CHANNELS[model.p["pattern_channels"]], max_nodes=max_nodes)
    g.remove_nodes_from(list(nx.isolates(g)))  # sampled people whose partners were not drawn
    pos = nx.spring_layout(g, seed=seed, iterations=50) if g.number_of_nodes() else {}
    deg = dict(g.degree())
    nodes = pd.DataFrame(
        [
            {"x": float(p[0]), "y": float(p[1]), "role": g.nodes[v]["role"], "degree": deg[v], "size": 8 + 4 * deg[v]}
            for v, p in pos.items()
        ],
        columns=["x", "y", "role", "degree", "size"],
    )
    edges = pd.DataFrame(
        [
            {"x": float(pos[a][0]), "y": float(pos[a][1]), "x2": float(pos[b][0]), "y2": float(pos[b][1])}
            for a, b in g.edges()
        ],
        columns=["x", "y", "x2", "y2"],
    )
    mon = model.monitors
    from ibusim.model import interaction

    return {
        "consequences": interaction.summary(model),
        "nodes": nodes,
        "edges": edges,
        "week": model.week,
        "date": model.date.isoformat(),
        "centralisation": float(mon["comm_centralisation"]),
        "density": float(mon["comm_density"]),
        "pattern": mon["comm_pattern"],
        "n_window": int(mon.get("comm_nodes", 0)),
    }


def network_chart(snap: dict, title: str) -> Chart:
    """A network snapshot as a chart description."""
    return Chart("network", title, snap["nodes"], edges=snap["edges"])


# The guided demonstration: the same community, facilitators leading vs peers talking.
DEMO = {  # one pattern everywhere (purpose_patterns off), so that the lead share alone sets it
    "Admins lead": {"purpose_patterns": False, "admin_lead": 1.0},
    "Peers talk": {"purpose_patterns": False, "admin_lead": 0.0},
}
DEMO_TEXT = {
    "Admins lead": N_(
        "Every message in a discussion goes to the admin who posted the prompting question, as in IPM's "
        'guided Telegram discussions ("dipandu oleh seorang admin ... dengan pertanyaan pemantik"). '
        "All lines run through one hub: a **wheel** (Bavelas 1950; Leavitt 1951), degree centralisation "
        "near 1. Fast and orderly for simple tasks; the centre is a bottleneck and the members' "
        "satisfaction is lowest at the rim."
    ),
    "Peers talk": N_(
        "Members answer each other instead of the admin. Many people talk to many: an **all-channel** "
        "network, centralisation near 0. Slower to coordinate, but richer user-to-user interactivity "
        "(McMillan 2002), which the theory links to belonging and internalisation."
    ),
}
DEMO_CONSEQUENCES = N_(
    "In the model the pattern has consequences (model/interaction.py): people who exchange messages may form "
    "a lasting **community tie**; ties keep members and carry **opportunities** (referrals, customers); "
    "a member to whom several people respond **internalises** more than one answered by the admin alone, "
    "whose replies are limited by the team's capacity. Compare the two settings below (same seed)."
)
# what the demonstration reports after its run: summary key -> (label, number kind of ibusim.numbers)
CONSEQUENCES = {
    "community_ties": (N_("community ties formed"), "count"),
    "opportunities_received": (N_("opportunities received through ties"), "count"),
    "participant_mean_score": (N_("internalisation of those who take part in group talk"), "rate"),
    "participant_dormant_share": (N_("share of them dormant"), "share"),
}


DEMO_WEEKS = 156  # three years: enough members in the window that a few chatty leaders no longer dominate it
# (at 104 weeks "Peers talk" measured centralisation 0.11-0.22 over seeds 1-5, at 156 weeks 0.06-0.09)


def demonstration(label: str, seed: int = 1, weeks: int = DEMO_WEEKS, preset: str = "ipm") -> dict:
    """Run ``preset`` for ``weeks`` weeks with the demo's setting; return its network snapshot.

    Unlike the rest of this module it runs a model (built and run by the experiments' execution layer).
    """
    from ibusim.experiments.core import run_model

    return network_snapshot(run_model(preset, DEMO[label], seed, weeks=weeks))


def fixed(x: float, lang: str, decimals: int) -> str:
    """A number between -1000 and 1000 with exactly ``decimals`` decimals, as a reader of ``lang`` writes it.

    ``0.06`` in English, ``0,06`` in Indonesian (the monitors keep their width as a run goes on).
    """
    text = f"{float(x):.{decimals}f}"
    return text.replace(".", ",") if check_language(lang) == "id" else text


def consequences_text(snap: dict, lang: str = "en") -> str:
    """One line of what the pattern did by the snapshot's week: ties, opportunities, internalisation, dormancy."""
    _ = gettext(lang)
    c = snap["consequences"]
    parts = []
    for key, (label, kind) in CONSEQUENCES.items():
        value = c[key]
        text = (
            "-" if value != value else (fixed(value, lang, 3) if kind == "rate" else format_number(value, lang, kind))
        )
        parts.append(f"{_(label)} {text}")
    return _("By week {week}: {figures}.").format(week=snap["week"], figures="; ".join(parts))


def monitors_text(snap: dict, lang: str = "en") -> str:
    """A network snapshot's monitors in one line: pattern, centralisation, density, people in the window."""
    from .classroom import pattern_label

    _ = gettext(lang)
    pattern = snap["pattern"]
    return _("pattern: {pattern}; degree centralisation {c}; density {d} ({n} people in the window; {m} drawn)").format(
        pattern=pattern_label(pattern, lang),
        c=fixed(snap["centralisation"], lang, 2),
        d=fixed(snap["density"], lang, 4),
        n=format_number(snap["n_window"], lang, "count"),
        m=format_number(len(snap["nodes"]), lang, "count"),
    )
