"""The dashboard's decision support: an A/B comparison of two designs and a forecast, over seeds or a posterior.

**A/B comparison** (:func:`ComparisonPanel`): design A is the form, design B the form with one parameter
changed (a searchable picker: type part of a parameter's name or label; the value is typed as the page's
language writes numbers, ``parse_value(name, text, lang)``, starting from the form's value; a true/false
parameter is chosen from "yes"/"no" in the page's language, :func:`first_b_value`). Both run through ``ibusim
compare``'s code (:func:`ibusim.experiments.compare.compare`) over the same seeds, or over the same posterior
draws (experiments/posterior.py) when a calibration folder is chosen: the calibrated parameters then come from
the draws, not from the form (B's change wins if it is one of them; what it ran over is said in the page's
language, :func:`posterior_line`). The table shows, per outcome, A and B side by side and the paired
difference B - A (run by run: same seed, same draw), each as a median with its 90% interval (5-95% over the
runs), every number in the page's language (shares as percentages, money in Rupiah, differences of shares in
percentage points, "Rp" never wrapped away from its number) and every outcome under its plain label from the
output catalogue (model/outputs.py), on the chart axes too. A and B are named in the page's language at every
render (:func:`variant_labels`), so a language switch renames them in the table and the charts. The table
downloads as CSV. A new attempt clears the old results first, so a failed one shows only its error.

**Forecast** (:func:`ForecastPanel`): the form's design run to December 2027 over posterior draws
(``ibusim forecast``'s code, :func:`ibusim.experiments.forecast.forecast`), optionally with the
counterfactual "no free entry class", in the background with a progress bar; what it ran over (the
posterior's particles and calibrated parameters by their plain labels, :func:`posterior_line`), fan charts
(median, 50% and 90% bands) of the weekly series and a table of the yearly figures with their intervals,
the years in equal columns and each figure's label on a row of its own so that 2027 fits a phone.

The table building is plain Python (:func:`comparison_table`, :func:`comparison_rows`,
:func:`table_csv`, :func:`forecast_rows`, :func:`fan_chart`), tested without a browser; the
components only call it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import solara

from ibusim.experiments import compare as compare_mod
from ibusim.experiments import forecast as forecast_mod
from ibusim.experiments.compare import Variant
from ibusim.i18n import N_, error_text, gettext
from ibusim.model import outputs
from ibusim.model.parameters import PARAMS, ParameterError, month_to_date, parse_value, text
from ibusim.model.scenarios import load as load_scenario
from ibusim.model.targets import load as load_targets
from ibusim.numbers import format_number

from .session import field_text
from .widgets import LiveChart, keep_money_together

RESULTS = Path("results")
OUTCOMES = compare_mod.DEFAULT_OUTCOMES  # the table's rows: the observed figures, then a few others
SERIES = compare_mod.SERIES  # the charts: weekly series per variant
LOW, HIGH = 0.05, 0.95  # the 90% interval
DEFAULT_REPLICATIONS = "5"
DEFAULT_COMPARE_DRAWS = "10"
DEFAULT_FORECAST_DRAWS = "20"  # 20 runs of about 2 s each: about a minute on a busy machine
MAX_RUNS = 200  # per variant: the page is not the place for a long experiment (ibusim compare / forecast is)
UNTIL = forecast_mod.DEFAULT_UNTIL
WORKERS = 2
CHART_WIDTH = 260  # pixels of plot: the chart and its axes fit a phone's column
NONE = ""  # the posterior choice "none": common seeds only

# The output catalogue's labels (model/outputs.py) and the forecast's figure labels
# (experiments/forecast.py) that these tables show, marked here so that scripts/i18n_extract.py
# collects them (those modules write them unmarked); tests/test_dashboard_decision.py checks that
# they are the same strings.
OUTPUT_LABELS = {
    "registered": N_("Mothers registered"),
    "completion": N_("Completion of paid classes"),
    "financial_change": N_("Impact survey: financial change"),
    "parenting_change": N_("Impact survey: parenting change"),
    "telegram": N_("Telegram group members"),
    "instagram": N_("Instagram followers"),
    "provinces": N_("Provinces with members"),
    "scholars": N_("Business scholarship recipients"),
    "paid_enrolled": N_("Enrolments in paid classes"),
    "dormant_share": N_("Dormant members as a share of registered mothers"),
    "volunteer_share": N_("Volunteers as a share of registered mothers"),
    "total_income": N_("Momfluencer income, all momfluencers"),
    "cum_registered": N_("Registered (cumulative)"),
    "n_telegram": N_("Telegram group members"),
    "n_followers": N_("Instagram followers"),
    "cum_paid_enrolled": N_("Enrolled in paid classes (cumulative)"),
}
FIGURE_LABELS = {
    "registrations": N_("Registrations in the year"),
    "registered": N_("Registered so far"),
    "telegram": N_("Telegram members (December)"),
    "instagram": N_("Instagram followers (December)"),
    "paid_enrolled": N_("Paid enrolments in the year"),
    "completion": N_("Completion of paid classes ending in the year"),
    "volunteers": N_("Volunteers (December)"),
    "financial_change": N_("Impact survey (December): financial change"),
    "parenting_change": N_("Impact survey (December): parenting change"),
}
KIND_OF_FORMAT = {"share": "share", "rupiah": "money", "count": "count", "ratio": "rate", "number": "rate"}


# ------------------------------------------------------------------ numbers and labels
def output_label(name: str, lang: str) -> str:
    """The plain label of an output (model/outputs.py) in ``lang``."""
    return gettext(lang)(outputs.label(name))


def kind_of(name: str) -> str:
    """The kind of number (ibusim.numbers: money, count, share, rate) of an output."""
    return KIND_OF_FORMAT.get(outputs.get(name).format, "rate")


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def show_value(kind: str, x: Any, lang: str) -> str:
    """``x`` as a reader of ``lang`` reads a number of ``kind`` (a missing value as "n/a")."""
    _ = gettext(lang)
    if _missing(x):
        return _("n/a")
    return format_number(float(x), lang, kind)


def show_difference(kind: str, x: Any, lang: str) -> str:
    """A difference with its sign; of shares in percentage points (``+2,5 pp``), else in the kind's format."""
    _ = gettext(lang)
    if _missing(x):
        return _("n/a")
    x = float(x)
    sign = "-" if x < 0 else "+"
    if kind == "share":
        # TRANSLATORS: a difference of two percentages, in percentage points
        return _("{value} pp").format(value=sign + format_number(abs(100 * x), lang, "rate", decimals=1))
    return sign + format_number(abs(x), lang, kind)


def param_label(name: str, lang: str) -> str:
    """A parameter's plain label in ``lang`` (its name when it has none yet)."""
    return text(name, "label", lang) or name


def picker_items(lang: str) -> list[dict[str, str]]:
    """The "B changes" picker's choices: the label and the name, so that typing either finds it."""
    items = []
    for name in PARAMS:
        label = param_label(name, lang)
        items.append({"text": name if label == name else f"{label} ({name})", "value": name})
    return items


def first_b_value(name: str, form: dict[str, Any], lang: str) -> str:
    """What the "to" field proposes when B's parameter is chosen: the other of yes/no, else the form's value.

    A true/false value is ``"true"`` or ``"false"`` (the yes/no list's values, read in either language);
    any other value is written as a reader of ``lang`` types it, ready to be edited.
    """
    value = form.get(name, PARAMS[name].default)
    if PARAMS[name].type == "bool":
        return "false" if value else "true"
    return field_text(name, value, lang)


def retype_b_value(name: str, typed: str, old: str, new: str) -> str:
    """The "to" text typed for a reader of ``old`` rewritten for a reader of ``new`` (``0,035`` -> ``0.035``).

    Text that does not read in ``old`` (or a true/false value, the same in both) is left as it is.
    """
    if name not in PARAMS or PARAMS[name].type == "bool" or old == new:
        return typed
    try:
        value = parse_value(name, typed, old)
    except ParameterError:
        return typed
    return field_text(name, value, new)


def search_params(query: str, lang: str) -> list[str]:
    """The parameters whose name or label (in ``lang``) contains every word of ``query`` (any case)."""
    words = query.lower().split()
    return [i["value"] for i in picker_items(lang) if all(w in i["text"].lower() for w in words)]


# ------------------------------------------------------------------ the comparison's variants and runs
def posterior_folders(results: Path | None = None) -> list[str]:
    """Calibration folders under ``results`` holding a posterior (``posterior.csv``)."""
    root = Path(results or RESULTS)
    if not root.is_dir():
        return []
    return sorted(str(p.parent) for p in root.glob("*/posterior.csv"))


def comparison_variants(
    changes: dict[str, Any], name: str, value_text: str, lang: str, calibrated: tuple[str, ...] = ()
) -> tuple[Variant, Variant]:
    """Variants A (the form) and B (the form with ``name`` = ``value_text``), as ``lang`` writes the value.

    ``calibrated``: parameters a posterior's draws supply; they are left out of the form's changes
    (B's own change is kept). ParameterError (one line, in ``lang``) on bad input.
    """
    _ = gettext(lang)
    if name not in PARAMS:
        raise ParameterError(_("unknown parameter {name}: choose one in the list").format(name=repr(name)))
    value = parse_value(name, value_text, lang)
    keep = {k: v for k, v in changes.items() if k not in calibrated}
    a_label, b_label = variant_labels(name, value, lang)
    a = Variant(a_label, "baseline", keep)
    b = Variant(b_label, "baseline", {**keep, name: value})
    load_scenario("baseline", **b.changes)  # the cross-parameter rules
    if name not in calibrated and changes.get(name, PARAMS[name].default) == value:
        raise ParameterError(
            _("B is the same as A ({label} is already {value})").format(
                label=param_label(name, lang), value=shown_value(name, value, lang)
            )
        )
    return a, b


def shown_value(name: str, value: Any, lang: str) -> str:
    """A value of ``name`` as the page shows it in ``lang``: yes/no translated, numbers as the reader writes them."""
    _ = gettext(lang)
    if PARAMS[name].type == "bool":
        return _("yes") if value else _("no")
    return field_text(name, value, lang)


def variant_labels(name: str, value: Any, lang: str) -> list[str]:
    """The names of A and B in ``lang`` (B: the parameter's label and its value), for the table and the charts.

    Made again at every render from the run's parameter and value, so that they follow a language switch.
    """
    _ = gettext(lang)
    return [
        _("A: as designed"),
        _("B: {label} = {value}").format(label=param_label(name, lang), value=shown_value(name, value, lang)),
    ]


def parse_count(textvalue: str, what: str, low: int, high: int, lang: str) -> int:
    """A whole number typed in ``lang`` within [low, high]; ParameterError naming ``what`` otherwise."""
    _ = gettext(lang)
    from ibusim.numbers import NumberError, parse_number

    try:
        n = parse_number(str(textvalue), lang, "count", integer=True)
    except NumberError:
        n = None
    if n is None or not low <= n <= high:
        raise ParameterError(
            _("{what} = {text} must be a whole number from {low} to {high}").format(
                what=what, text=repr(str(textvalue)), low=low, high=high
            )
        )
    return int(n)


class CountingPool(ProcessPoolExecutor):
    """Worker processes (the experiments' forkserver) that report each finished run to ``on_run``.

    Passed as the executor of :func:`~ibusim.experiments.execution.run_many` (through ``compare`` and
    ``forecast``), which submits batches of runs: ``on_run(n)`` is called with each batch's size.
    """

    def __init__(self, workers: int, on_run: Callable[[int], None]):
        from ibusim.experiments.execution import forkserver_context

        super().__init__(max_workers=workers, mp_context=forkserver_context())
        self._on_run = on_run

    def submit(self, fn, /, *args, **kwargs):
        """Submit a batch; its size goes to ``on_run`` when it is done."""
        future = super().submit(fn, *args, **kwargs)
        n = len(args[0]) if args and isinstance(args[0], list) else 1
        future.add_done_callback(lambda f: f.cancelled() or self._on_run(n))
        return future


def _progress_counter(total: int, on_progress: Callable[[int, int], None] | None) -> Callable[[int], None]:
    """A callback for :class:`CountingPool`: adds finished runs (from any thread), reports ``(done, total)``."""
    done = [0]
    lock = threading.Lock()

    def ran(n: int) -> None:
        with lock:
            done[0] += n
            now = done[0]
        if on_progress:
            on_progress(now, total)

    return ran


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def run_comparison(
    changes: dict[str, Any],
    name: str,
    value_text: str,
    lang: str,
    replications: int,
    seed: int,
    posterior: str | None = None,
    draws: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = WORKERS,
    out: Path | None = None,
) -> dict[str, Any]:
    """Run A and B (``ibusim compare``'s code); return runs, series, table, labels, folder and what was run.

    Without ``posterior``: ``replications`` common seeds. With it: ``draws`` posterior draws, one seed
    each, the same for A and B. ``on_progress(done, total)`` is called as runs finish.
    """
    from ibusim.experiments import posterior as post_mod

    post = post_mod.as_posterior(posterior) if posterior else None
    calibrated = tuple(post.params) + tuple(post.fixed) if post is not None else ()
    a, b = comparison_variants(changes, name, value_text, lang, calibrated)
    total = 2 * (draws if post is not None else replications)
    ran = _progress_counter(total, on_progress)
    folder = Path(out) if out else RESULTS / f"dashboard-ab-{_stamp()}"
    with CountingPool(workers, ran) as pool:
        if post is not None:
            _, folder = compare_mod.compare(
                [a, b],
                replications=1,
                seed=seed,
                out=folder,
                executor=pool,
                workers=workers,
                posterior=post,
                draws=draws,
            )
        else:
            _, folder = compare_mod.compare(
                [a, b], replications=replications, seed=seed, out=folder, executor=pool, workers=workers
            )
    runs = pd.read_parquet(folder / "runs.parquet")
    labels = [a.label, b.label]
    return {
        "b_name": name,  # B's parameter and value: the page names A and B from them in its language
        "b_value": b.changes[name],
        "runs": runs,
        "series": pd.read_parquet(folder / "series.parquet"),
        "table": comparison_table(runs, labels),
        "labels": labels,
        "folder": folder,
        "posterior": posterior_line(post.folder, lang) if post is not None else None,
        "posterior_folder": str(post.folder) if post is not None else None,
    }


# ------------------------------------------------------------------ the comparison's table
def paired(runs: pd.DataFrame, labels: list[str], outcome: str) -> pd.DataFrame:
    """One row per replication (seed, or draw and seed): A's and B's figure and the difference B - A."""
    a = runs[runs["variant"] == labels[0]].set_index("replication")[outcome]
    b = runs[runs["variant"] == labels[1]].set_index("replication")[outcome]
    both = pd.DataFrame({"a": a, "b": b}).dropna()
    return both.assign(diff=both["b"] - both["a"])


def comparison_table(runs: pd.DataFrame, labels: list[str], outcomes: tuple[str, ...] = OUTCOMES) -> pd.DataFrame:
    """Per outcome: A's, B's and the paired difference's median and 90% interval (5-95% over the pairs).

    ``runs``: compare's runs.parquet (variant, replication, one column per outcome). Only the
    replications where both A and B have the figure count (a survey figure can be missing).
    """
    rows = []
    for o in outcomes:
        if o not in runs.columns:
            continue
        p = paired(runs, labels, o)
        row: dict[str, Any] = {"outcome": o, "pairs": len(p)}
        for col in ("a", "b", "diff"):
            x = p[col]
            row[f"{col}_median"] = x.median() if len(x) else math.nan
            row[f"{col}_low"] = x.quantile(LOW) if len(x) else math.nan
            row[f"{col}_high"] = x.quantile(HIGH) if len(x) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _interval(low: str, high: str, x: Any, y: Any, sep: str = " - ") -> str:
    """``low - high``; empty when the interval is missing (no run measured it)."""
    return "" if _missing(x) and _missing(y) else f"{low}{sep}{high}"


def comparison_rows(table: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """The table as a reader of ``lang`` sees it: label; A, B and B - A, each a median and an interval."""
    out = []
    for r in table.itertuples():
        kind = kind_of(r.outcome)
        row = {"outcome": r.outcome, "label": output_label(r.outcome, lang)}
        for col in ("a", "b"):
            row[col] = show_value(kind, getattr(r, f"{col}_median"), lang)
            low, high = getattr(r, f"{col}_low"), getattr(r, f"{col}_high")
            row[f"{col}_interval"] = _interval(show_value(kind, low, lang), show_value(kind, high, lang), low, high)
        row["diff"] = show_difference(kind, r.diff_median, lang)
        row["diff_interval"] = _interval(
            show_difference(kind, r.diff_low, lang),
            show_difference(kind, r.diff_high, lang),
            r.diff_low,
            r.diff_high,
            " ... ",
        )
        out.append(row)
    return out


def table_csv(table: pd.DataFrame, labels: list[str], lang: str) -> bytes:
    """The comparison table as CSV: label and unit in ``lang``, the variants, then the numbers as they are.

    The numbers are plain (a point before the decimals, shares as fractions) so that any program
    reads them back; :func:`read_table_csv` does.
    """
    _ = gettext(lang)
    out = table.assign(
        label=[output_label(o, lang) for o in table["outcome"]],
        unit=[_(outputs.unit(o)) for o in table["outcome"]],
        a_variant=labels[0],
        b_variant=labels[1],
    )
    cols = ["outcome", "label", "unit", "a_variant", "b_variant", "pairs"]
    cols += [f"{c}_{q}" for c in ("a", "b", "diff") for q in ("median", "low", "high")]
    buf = io.StringIO()
    out[cols].to_csv(buf, index=False)  # floats written in full (shortest exact form)
    return buf.getvalue().encode("utf-8")


def read_table_csv(data: bytes) -> pd.DataFrame:
    """A CSV of :func:`table_csv` read back."""
    return pd.read_csv(io.BytesIO(data))


# ------------------------------------------------------------------ charts
def number_locale(lang: str) -> dict[str, Any]:
    """Vega's (d3-format's) number locale for ``lang``: the separators of ibusim.numbers, Rupiah."""
    from ibusim.numbers import SEPARATORS

    thousands, decimal = SEPARATORS[lang]
    return {"decimal": decimal, "thousands": thousands, "grouping": [3], "currency": ["Rp ", ""]}


def _epoch_ms(dates) -> list[int]:
    return pd.to_datetime(pd.Series(list(dates))).astype("datetime64[ms]").astype("int64").tolist()


def fan_chart(
    series: pd.DataFrame,
    column: str,
    lang: str,
    cut: str | None = None,
    bands: tuple[tuple[float, float], ...] = ((0.05, 0.95),),
) -> tuple[dict, list[dict]]:
    """A Vega-Lite spec and its rows: per variant the median of ``column`` and its bands over the runs.

    ``series``: variant, replication, date and ``column`` per week. The title and the y axis are the
    output's label in ``lang``; ``cut`` (an ISO date) draws a dotted line (the end of the observed
    years). The rows are the named dataset ``table`` (dashboard/widgets.py's LiveChart).
    """
    _ = gettext(lang)
    g = series.groupby(["variant", "date"], sort=False)[column]
    d = pd.DataFrame({"y": g.median()})
    for i, (lo, hi) in enumerate(bands):
        d[f"lo{i}"] = g.quantile(lo)
        d[f"hi{i}"] = g.quantile(hi)
    d = d.reset_index()
    label = output_label(column, lang)
    kind = kind_of(column)
    y_format = ".0%" if kind == "share" else ",.0f"
    colour = {"field": "variant", "type": "nominal", "title": None, "legend": {"orient": "bottom", "columns": 1}}
    # the last year's label centred on its tick, not pushed left into the one before ("20272028" at 260 px)
    x = {"field": "x", "type": "temporal", "title": _("Date"), "axis": {"labelFlush": False, "labelOverlap": "greedy"}}
    layers: list[dict] = []
    for i, _band in enumerate(bands):
        layers.append(
            {
                "mark": {"type": "area", "opacity": 0.18 + 0.12 * i},
                "encoding": {
                    "x": x,
                    "y": {"field": f"lo{i}", "type": "quantitative", "title": label, "axis": {"format": y_format}},
                    "y2": {"field": f"hi{i}"},
                    "color": colour,
                },
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "strokeWidth": 1.6},
            "encoding": {
                "x": x,
                "y": {"field": "y", "type": "quantitative", "title": label, "axis": {"format": y_format}},
                "color": colour,
                "tooltip": [
                    {"field": "variant", "title": _("Design")},
                    {"field": "x", "type": "temporal", "title": _("Date")},
                    {"field": "y", "format": y_format, "title": _("median")},
                ],
            },
        }
    )
    target = outputs.get(column).target
    t = load_targets().get(target) if target else None
    if t is not None:
        layers.insert(
            0,
            {
                "data": {"values": [{}]},
                "mark": {"type": "rect", "color": "#2ca02c", "opacity": 0.15},
                "encoding": {"y": {"datum": t.low, "type": "quantitative"}, "y2": {"datum": t.high}},
            },
        )
    if cut is not None:
        layers.append(
            {
                "data": {"values": [{}]},
                "mark": {"type": "rule", "color": "grey", "strokeDash": [2, 3]},
                "encoding": {"x": {"datum": _epoch_ms([cut])[0], "type": "temporal"}},
            }
        )
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": label, "fontSize": 12},
        "width": CHART_WIDTH,
        "height": 170,
        "data": {"name": "table"},
        "layer": layers,
        "autosize": {"type": "pad", "resize": True},
        "config": {
            "axis": {"labelFontSize": 10, "titleFontSize": 10},
            "legend": {"labelFontSize": 10},
            "locale": {"number": number_locale(lang)},  # axis numbers as the page's language writes them
        },
    }
    d["x"] = _epoch_ms(d["date"])
    rows = d.drop(columns=["date"]).astype({"variant": str}).to_dict("records")
    return spec, rows


@solara.component
def FanChart(spec: dict, rows: list[dict]):
    """A chart of :func:`fan_chart` (scrolls sideways rather than overflow a narrow column)."""
    with solara.Column(style={"max-width": "100%", "overflow-x": "auto"}):
        LiveChart.element(spec=spec, values=rows)


# ------------------------------------------------------------------ the comparison panel
@solara.component
def PickParameter(lang: str, value: str, on_value: Callable[[str], None]):
    """The "B changes" picker: type part of a parameter's name or label to filter the list."""
    _ = gettext(lang)
    items = solara.use_memo(lambda: picker_items(lang), [lang])
    solara.v.Autocomplete(
        label=_("B changes"),
        items=items,
        v_model=value,
        on_v_model=lambda v: on_value(v) if v else None,
        hint=_("type part of a name or label to search"),
        persistent_hint=True,
        dense=True,
        class_="ab-param",
        # the widest in its row (a label with its name is long); the chosen label wraps rather than being cut
        style_="flex: 3 1 320px; min-width: 220px; max-width: 100%",
    )


def _table(header, body: list, name: str) -> None:
    """A fixed-layout table (classes ``{name}-table`` in ``{name}-scroll``) that scrolls sideways if it must."""
    with solara.Div(style={"overflow-x": "auto", "max-width": "100%"}, classes=[f"{name}-scroll"]):
        solara.v.SimpleTable(
            dense=True,
            class_=f"{name}-table",
            style_="table-layout: fixed; width: 100%",
            children=[solara.v.Html(tag="thead", children=[header]), solara.v.Html(tag="tbody", children=body)],
        )


def _cell(main: str, sub: str, cls: str, wrap: bool = False):
    """A table cell: the median (bold) over its interval (small). ``wrap``: break lines at spaces."""
    return solara.v.Html(
        tag="td",
        class_=cls,
        style_="padding: 2px 4px; vertical-align: top; white-space: " + ("normal" if wrap else "nowrap"),
        children=[  # "Rp" stays on the line of its number when the cell wraps
            solara.v.Html(tag="div", children=[keep_money_together(main)], style_="font-weight: 600; font-size: 0.9em"),
            solara.v.Html(tag="div", children=[keep_money_together(sub)], style_="font-size: 0.75em; color: #555"),
        ],
    )


@solara.component
def ComparisonTable(rows: list[dict[str, str]], labels: list[str], lang: str):
    """A, B and B - A side by side, every outcome on the page (no pages), as narrow as a phone.

    Each outcome takes two rows: its label across the table, then three equal columns (A, B and the
    difference), so that the difference stays in sight on a 390-pixel screen.
    """
    _ = gettext(lang)
    head = [keep_money_together(labels[0]), keep_money_together(labels[1]), _("Difference B - A")]
    th = "padding: 2px 4px; text-align: left; vertical-align: bottom; font-size: 0.8em; white-space: normal"
    header = solara.v.Html(
        tag="tr",
        children=[
            solara.v.Html(tag="th", children=[h], class_=f"ab-head-{i}", style_=th) for i, h in enumerate(head, 1)
        ],
    )
    body = []
    for r in rows:
        body.append(
            solara.v.Html(
                tag="tr",
                class_="ab-label-row",
                children=[
                    solara.v.Html(
                        tag="td",
                        attributes={"colspan": 3},
                        class_="ab-label",
                        children=[r["label"]],
                        style_="padding: 6px 4px 0; font-size: 0.85em; color: #333; border-bottom: none",
                    )
                ],
            )
        )
        body.append(
            solara.v.Html(
                tag="tr",
                class_=f"ab-row ab-row-{r['outcome']}",
                children=[
                    _cell(r["a"], r["a_interval"], "ab-a", wrap=True),
                    _cell(r["b"], r["b_interval"], "ab-b", wrap=True),
                    _cell(r["diff"], r["diff_interval"], "ab-diff", wrap=True),
                ],
            )
        )
    _table(header, body, "ab")


@solara.component
def ComparisonPanel(session, lang: str):
    """The A/B comparison: A is the form, B changes one parameter; side by side with the paired differences."""
    _ = gettext(lang)
    name, set_name = solara.use_state("free_class")
    # a true/false value is "true" or "false" whatever the language (the yes/no list shows it translated)
    value, set_value = solara.use_state(first_b_value("free_class", session.form, lang))
    reps, set_reps = solara.use_state(DEFAULT_REPLICATIONS)
    draws, set_draws = solara.use_state(DEFAULT_COMPARE_DRAWS)
    folders = solara.use_memo(posterior_folders, [])
    posterior, set_posterior = solara.use_state(NONE)
    error, set_error = solara.use_state("")
    result, set_result = solara.use_state(None)
    progress, set_progress = solara.use_state((0, 0))

    def run():
        set_result(None)  # a new attempt clears the old results, whatever happens next
        set_error("")
        set_progress((0, 0))
        try:
            if posterior:
                n_draws = parse_count(draws, _("Posterior draws"), 2, MAX_RUNS, lang)
                n_reps = 1
            else:
                n_draws = None
                n_reps = parse_count(reps, _("Seeds"), 2, MAX_RUNS, lang)
            from ibusim.experiments import posterior as post_mod

            post = post_mod.as_posterior(posterior) if posterior else None
            calibrated = tuple(post.params) + tuple(post.fixed) if post is not None else ()
            comparison_variants(session.changes(), name, value, lang, calibrated)
        except ParameterError as e:
            set_error(error_text(e, lang))
            return
        try:
            res = run_comparison(
                session.changes(),
                name,
                value,
                lang,
                n_reps,
                session.seed,
                posterior=posterior or None,
                draws=n_draws,
                on_progress=lambda done, total: set_progress((done, total)),
            )
        except Exception as e:  # noqa: BLE001 - shown on the page, never raised into it
            set_error(_("The comparison failed: {reason}").format(reason=error_text(e, lang).strip().splitlines()[0]))
            return
        set_result(res)

    def pick(n: str) -> None:
        set_name(n)
        set_value(first_b_value(n, session.form, lang))

    typed_for = solara.use_ref(lang)  # the language the "to" text was typed for

    def retype() -> None:  # after a language switch, the number typed is rewritten for the new reader
        if typed_for.current != lang:
            set_value(retype_b_value(name, value, typed_for.current, lang))
            typed_for.current = lang

    solara.use_effect(retype, [lang])

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)
    with solara.Column(classes=["comparison-panel"], style={"max-width": "100%"}):
        solara.Markdown(
            "### "
            + _("A/B comparison")
            + "\n\n"
            + _(
                "Design **A** is the form; **B** changes one parameter. Both run over the same seeds, or over the "
                "same draws of a calibration's posterior, so each difference B - A is paired run by run. Each cell: "
                "the median, and under it the 90% interval (5-95% of the runs)."
            )
        )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-end"}):
            PickParameter(lang, name, pick)
            to_style = "flex: 1 1 150px; min-width: 140px; max-width: 100%"
            if name in PARAMS and PARAMS[name].type == "bool":  # yes or no, in the page's words (not "false")
                solara.v.Select(
                    label=_("to"),
                    items=[{"text": _("yes"), "value": "true"}, {"text": _("no"), "value": "false"}],
                    v_model=value if value in ("true", "false") else None,
                    on_v_model=set_value,
                    dense=True,
                    class_="ab-value",
                    style_=to_style,
                )
            else:
                solara.InputText(
                    _("to"),
                    value=value,
                    on_value=set_value,
                    continuous_update=True,
                    classes=["ab-value"],
                    style=to_style,
                )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-end"}):
            choices = [NONE, *folders]
            solara.v.Select(
                label=_("Over"),
                items=[{"text": _("common seeds only"), "value": NONE}]
                + [{"text": _("posterior: {folder}").format(folder=f), "value": f} for f in folders],
                v_model=posterior if posterior in choices else NONE,
                on_v_model=set_posterior,
                dense=True,
                class_="ab-posterior",
                style_="min-width: 200px; max-width: 100%",
            )
            if posterior:
                solara.InputText(_("Posterior draws"), value=draws, on_value=set_draws, continuous_update=True)
            else:
                solara.InputText(_("Seeds"), value=reps, on_value=set_reps, continuous_update=True)
            solara.Button(_("Run A/B"), on_click=task, disabled=task.pending, color="primary", classes=["ab-run"])
        if error:
            solara.Error(error, classes=["ab-error"])
        if task.pending:
            done, total = progress
            solara.Text(
                _("running A and B: {done} of {total} runs").format(done=done, total=total or "...")
                if total
                else _("running A and B ..."),
                classes=["ab-progress"],
            )
            solara.ProgressLinear(100 * done / total if total else True)
        if result is not None and not error:
            if result.get("posterior_folder"):  # what it ran over, in the page's language
                solara.Text(
                    posterior_line(result["posterior_folder"], lang), style={"font-size": "0.8em"}, classes=["ab-over"]
                )
            # A and B named in the page's language, whichever it was when they ran
            names = variant_labels(result["b_name"], result["b_value"], lang)
            ComparisonTable(comparison_rows(result["table"], lang), names, lang)
            solara.FileDownload(
                table_csv(result["table"], names, lang),
                filename="ibusim-ab.csv",
                label=_("CSV of the table"),
                mime_type="text/csv",
            )
            with solara.Row(style={"flex-wrap": "wrap"}):
                series = result["series"].assign(
                    variant=result["series"]["variant"].map(dict(zip(result["labels"], names)))
                )
                for col in SERIES:
                    spec, rows = fan_chart(series, col, lang)
                    FanChart(spec, rows).key(col)
            solara.Text(_("folder: {folder}").format(folder=result["folder"]), classes=["ab-folder"])


# ------------------------------------------------------------------ the forecast
def forecast_variants(changes: dict[str, Any], lang: str, counterfactual: bool, calibrated=()) -> list[Variant]:
    """The form's design and, with ``counterfactual``, the same without the free entry class."""
    _ = gettext(lang)
    keep = {k: v for k, v in changes.items() if k not in calibrated}
    designed, without = forecast_names(lang)
    out = [Variant(designed, "baseline", keep)]
    if counterfactual:
        if not load_scenario("baseline", **keep)["free_class"]:
            raise ParameterError(_("the design has no free entry class already: nothing to take away"))
        out.append(Variant(without, "baseline", {**keep, "free_class": False}))
    return out


def forecast_names(lang: str) -> list[str]:
    """The forecast's variants in ``lang``, in their order: the design, and the design without the free class."""
    _ = gettext(lang)
    return [_("as designed"), _("no free entry class")]


def run_forecast(
    changes: dict[str, Any],
    lang: str,
    posterior: str | None,
    draws: int,
    seed: int = 1,
    counterfactual: bool = False,
    until: int = UNTIL,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = WORKERS,
    out: Path | None = None,
):
    """Run the forecast of the form's design (``ibusim forecast``'s code); return the Forecast and its series."""
    from ibusim.experiments import posterior as post_mod

    _ = gettext(lang)
    post = post_mod.as_posterior(posterior) if posterior else None
    calibrated = tuple(post.params) + tuple(post.fixed) if post is not None else ()
    variants = forecast_variants(changes, lang, counterfactual, calibrated)
    end = month_to_date(load_scenario("baseline", **variants[0].changes)["end"]).year
    if end >= until:
        raise ParameterError(
            _("the design's run ends in {year}: a forecast to {until} needs an end before {until}").format(
                year=end, until=until
            )
        )
    total = draws * len(variants)
    ran = _progress_counter(total, on_progress)
    folder = Path(out) if out else RESULTS / f"dashboard-forecast-{_stamp()}"
    with CountingPool(workers, ran) as pool:
        result = forecast_mod.forecast(
            variants, post, draws=draws, seed=seed, until=until, out=folder, executor=pool, workers=workers
        )
    series = pd.read_parquet(folder / "series.parquet")
    return result, series


def forecast_rows(result, lang: str) -> list[dict[str, Any]]:
    """The forecast table as a reader of ``lang`` sees it: per variant and figure, a cell per year.

    A cell: the median, the 90% interval (5-95%) and, for a variant after the first, the paired
    difference from the first (median and 90% interval).
    """
    _ = gettext(lang)
    t = result.table
    rows = []
    for variant in result.labels:
        d = t[t["variant"] == variant].set_index(["figure", "year"])
        for fig, (_label, unit) in forecast_mod.FIGURES.items():
            kind = "share" if unit == "share" else "count"
            cells = {}
            for y in result.years:
                r = d.loc[(fig, y)]
                cell = {
                    "median": show_value(kind, r["median"], lang),
                    "interval": f"{show_value(kind, r['p5'], lang)} - {show_value(kind, r['p95'], lang)}",
                }
                if variant != result.labels[0]:
                    cell["diff"] = _("{diff} ({low} ... {high})").format(
                        diff=show_difference(kind, r["diff_median"], lang),
                        low=show_difference(kind, r["diff_p5"], lang),
                        high=show_difference(kind, r["diff_p95"], lang),
                    )
                cells[y] = cell
            rows.append({"variant": variant, "figure": fig, "label": _(FIGURE_LABELS[fig]), "cells": cells})
    return rows


def posterior_line(folder: str | Path | None, lang: str) -> str:
    """What a forecast ran over, in ``lang``: the folder, its particles and the calibrated parameters by their labels.

    The page's counterpart of ``experiments.posterior.describe`` (which names the parameters by code, in English).
    """
    _ = gettext(lang)
    if not folder:
        return _("no posterior: seed noise only")
    from ibusim.experiments import posterior as post_mod

    post = post_mod.as_posterior(folder)
    labels = ", ".join(text(PARAMS[name], "label", lang) if name in PARAMS else name for name in post.params)
    line = _("posterior {folder}: {n} particles (effective sample size {eff}) of {k} calibrated parameters: {labels}")
    line = line.format(
        folder=folder,
        n=format_number(len(post.weights), lang, "count"),
        eff=format_number(round(post.effective_size()), lang, "count"),
        k=len(post.params),
        labels=labels,
    )
    if post.fixed:
        held = ", ".join(
            f"{text(PARAMS[k], 'label', lang)} = {field_text(k, v, lang)}" if k in PARAMS else f"{k} = {v}"
            for k, v in post.fixed.items()
        )
        # TRANSLATORS: after the forecast's posterior: parameters the calibration did not vary, with their values
        line += "; " + _("held fixed: {values}").format(values=held)
    return line


@solara.component
def ForecastTable(rows: list[dict[str, Any]], years: list[int], observed_until: int, lang: str):
    """Years across; each figure's label across the table, then a cell per year: the median over its 90% interval.

    As :func:`ComparisonTable`, the labels take rows of their own and the year columns share the width
    equally, so that 2027 stays in sight on a 390-pixel screen with nothing to scroll sideways.
    """
    _ = gettext(lang)
    n = len(years)
    th = "padding: 2px 4px; text-align: left; vertical-align: bottom; font-size: 0.8em; white-space: normal"
    head = [_("{year} (fitted)").format(year=y) if y == observed_until else str(y) for y in years]
    header = solara.v.Html(
        tag="tr", children=[solara.v.Html(tag="th", children=[h], class_="fc-year", style_=th) for h in head]
    )

    def across(children, cls: str, style: str):
        return solara.v.Html(
            tag="tr",
            class_=cls,
            children=[solara.v.Html(tag="td", attributes={"colspan": n}, children=children, style_=style)],
        )

    body = []
    for variant in dict.fromkeys(r["variant"] for r in rows):
        body.append(across([variant], "fc-variant", "font-weight: 600; padding: 8px 4px 2px"))
        for r in (r for r in rows if r["variant"] == variant):
            body.append(
                across(
                    [r["label"]],
                    f"fc-label fc-label-{r['figure']}",
                    "padding: 6px 4px 0; font-size: 0.85em; color: #333; border-bottom: none",
                )
            )
            tds = []
            for y in years:
                c = r["cells"][y]
                sub = c["interval"] + (f"; {_('difference')} {c['diff']}" if "diff" in c else "")
                tds.append(_cell(c["median"], sub, "fc-cell", wrap=True))
            body.append(solara.v.Html(tag="tr", class_=f"fc-row fc-row-{r['figure']}", children=tds))
    _table(header, body, "fc")


@solara.component
def ForecastPanel(session, lang: str):
    """The 2025-2027 forecast of the form's design over a posterior, with the optional no-free-class counterfactual."""
    _ = gettext(lang)
    folders = solara.use_memo(posterior_folders, [])
    posterior, set_posterior = solara.use_state(folders[0] if folders else NONE)
    draws, set_draws = solara.use_state(DEFAULT_FORECAST_DRAWS)
    counterfactual, set_counterfactual = solara.use_state(False)
    error, set_error = solara.use_state("")
    result, set_result = solara.use_state(None)
    progress, set_progress = solara.use_state((0, 0))

    def run():
        set_result(None)
        set_error("")
        set_progress((0, 0))
        try:
            n = parse_count(draws, _("Posterior draws") if posterior else _("Seeds"), 2, MAX_RUNS, lang)
            res = run_forecast(
                session.changes(),
                lang,
                posterior or None,
                n,
                seed=session.seed,
                counterfactual=counterfactual,
                on_progress=lambda done, total: set_progress((done, total)),
            )
        except ParameterError as e:
            set_error(error_text(e, lang))
            return
        except Exception as e:  # noqa: BLE001 - shown on the page, never raised into it
            set_error(_("The forecast failed: {reason}").format(reason=error_text(e, lang).strip().splitlines()[0]))
            return
        set_result(res)

    task = solara.lab.use_task(run, dependencies=None, raise_error=False)
    with solara.Column(classes=["forecast-panel"], style={"max-width": "100%"}):
        solara.Markdown(
            "### "
            + _("Forecast to {until}").format(until=UNTIL)
            + "\n\n"
            + _(
                "The design in the form, run to December {until} over draws of a calibration's posterior (the "
                "calibrated parameters come from the draws). Each cell: the median and its 90% credible interval "
                "over the runs; the bands of the charts are the 50% and 90% intervals. The forecast assumes every "
                "programme goes on as scheduled."
            ).format(until=UNTIL)
        )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-end"}):
            solara.v.Select(
                label=_("Over"),
                items=[{"text": _("no posterior: seed noise only"), "value": NONE}]
                + [{"text": _("posterior: {folder}").format(folder=f), "value": f} for f in folders],
                v_model=posterior,
                on_v_model=set_posterior,
                dense=True,
                class_="fc-posterior",
                style_="min-width: 200px; max-width: 100%",
            )
            solara.InputText(
                _("Posterior draws") if posterior else _("Seeds"),
                value=draws,
                on_value=set_draws,
                continuous_update=True,
                classes=["fc-draws"],
            )
            with solara.Div(classes=["fc-counterfactual"]):
                solara.Checkbox(
                    label=_("also without the free entry class"), value=counterfactual, on_value=set_counterfactual
                )
            solara.Button(_("Run forecast"), on_click=task, disabled=task.pending, color="primary", classes=["fc-run"])
        if error:
            solara.Error(error, classes=["fc-error"])
        if task.pending:
            done, total = progress
            solara.Text(
                _("forecasting: {done} of {total} runs").format(done=done, total=total)
                if total
                else _("forecasting ..."),
                classes=["fc-progress"],
            )
            solara.ProgressLinear(100 * done / total if total else True)
        if result is not None and not error:
            res, series = result
            # the variants named in the page's language, whichever it was when they ran
            names = dict(zip(res.labels, forecast_names(lang)))
            series = series.assign(variant=series["variant"].map(names))
            table_rows = [{**r, "variant": names[r["variant"]]} for r in forecast_rows(res, lang)]
            over = posterior_line(res.info.get("posterior"), lang)
            solara.Text(over, style={"font-size": "0.8em"}, classes=["fc-over"])
            with solara.Row(style={"flex-wrap": "wrap"}):
                for col in forecast_mod.SERIES:
                    spec, rows = fan_chart(
                        series, col, lang, cut=f"{res.observed_until + 1}-01-01", bands=((0.05, 0.95), (0.25, 0.75))
                    )
                    FanChart(spec, rows).key(col)
            ForecastTable(table_rows, res.years, res.observed_until, lang)
            solara.Text(_("folder: {folder}").format(folder=res.folder), classes=["fc-folder"])
