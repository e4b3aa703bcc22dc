"""Shareable reports of a design or a comparison: one self-contained HTML page, and its PDF.

    ibusim share --scenario ipm --seed 1 --lang id --out report/             # report.html and report.pdf
    ibusim share --scenario ipm --compare-set free_class=false --out cmp/    # A (the design) against B

A report is written for a planner who forwards it (e.g. by WhatsApp) and reads it on a phone:

* :func:`design_report` runs one design (a scenario, a parameter dict, or the dashboard's form) with one
  seed and shows the design's assumptions (every parameter that differs from the baseline: its label,
  value and unit, its provenance and source, and the scenario file's note on why it has that value), small
  charts of the weekly series with the observed figures' bands, and the simulated figures against the
  observed ones;
* :func:`comparison_report` runs two designs over the same seeds (``ibusim compare``'s code,
  experiments/compare.py) and shows A, B and the paired difference B - A (median and the 5-95% range of the
  differences over the seeds, i.e. a 90% interval, and the change in percent of A), with the parameters in
  which B differs from A;
* :func:`to_pdf` prints the page with headless Chromium (Debian's ``chromium-headless-shell`` if it is
  installed, as the browser tests use, else ``chromium``).

The page holds its own CSS and inline SVG charts (no scripts, fonts or images to fetch; about 30 kB for a
design, 60 kB for a comparison, and a PDF of 130-170 kB), is one column on a phone (390 px: each table row
becomes a block with the column's name before each value) and has two chart columns from 700 px, and says
when and with what it was made (date, ibusim version and commit, seed, language). The observed figures
(model/targets.toml) are Ibu Punya Mimpi's from April 2020 to December 2024: they are shown, with their
bands, only for a variant of the ``ipm`` preset over those dates; any other design shows its simulated
figures alone. Every word goes through the catalogue (:mod:`ibusim.i18n`) and every
number through :func:`ibusim.numbers.format_number`, so an Indonesian report reads ``Rp 1.500.000`` and
``91,0%``. Labels and units come from the parameter declarations (model/parameters.py ``text``) and the
output catalogue (model/outputs.py).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ibusim.i18n import N_, NAMES, check_language, gettext
from ibusim.model import outputs
from ibusim.model.parameters import DEFAULTS, PARAMS, Param, ParameterError, provenance_word, text
from ibusim.model.scenarios import PRESET_DIR, load, presets
from ibusim.model.targets import load as load_targets
from ibusim.numbers import LOCALES, format_number, kind_for

from .execution import OutputError, atomic_folder, check_new_folder, code_version

# The weekly series drawn, the first three with the observed figure they lead to (model/outputs.py).
CHART_SERIES = ("cum_registered", "n_telegram", "n_followers", "cum_paid_enrolled")
# Figures shown besides the observed ones (not targets): what a planner asks about.
OTHER_FIGURES = ("paid_enrolled", "dormant_share", "volunteer_share", "total_income")
# The output catalogue's labels this report shows, marked here so the catalogue translates them (the
# model's own declarations are English; tests/test_share.py checks each equals the label it stands for).
OUTPUT_LABELS = {
    "registered": N_("Mothers registered"),
    "provinces": N_("Provinces with members"),
    "paid_enrolled": N_("Enrolments in paid classes"),
    "dormant_share": N_("Dormant members as a share of registered mothers"),
    "volunteer_share": N_("Volunteers as a share of registered mothers"),
    "total_income": N_("Momfluencer income, all momfluencers"),
    "cum_registered": N_("Registered (cumulative)"),
    "cum_paid_enrolled": N_("Enrolled in paid classes (cumulative)"),
}
SOURCE_NAMES = {
    # TRANSLATORS: the source document marked 001 in the parameters' sources
    "001": N_("Rahmasari (2025), the article on Ibu Punya Mimpi"),
    # TRANSLATORS: the source document marked 000 in the parameters' sources
    "000": N_("the abstract of a netnography study of the IbuSibuk community"),
}
COLOURS = ("#1d4ed8", "#c2410c")  # A, B: blue and orange, told apart in grey print too (solid, dashed)
BAND = "#9ca3af"
MAX_POINTS = 120  # points per line in a chart: enough for a phone, and keeps the page small
# Debian's headless shell first: the same Blink and V8 without the browser's user interface; it
# starts faster (measured: a small page printed in 0.25 s instead of 0.65 s)
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "IBUSIM_CHROMIUM"
PDF_TIMEOUT_S = 180.0


class ShareError(OutputError):
    """A report that cannot be made (no Chromium, a failed print); the message is one line.

    An :class:`~ibusim.experiments.execution.OutputError`, so ``ibusim`` prints it as one line with status 2.
    """


# ----------------------------------------------------------------- designs
@dataclass
class Design:
    """A design to report on: its name, full parameters, and the scenario's notes on its values."""

    name: str  # the scenario's name, or "custom"
    scenario: str  # the scenario it starts from ("baseline" for a parameter dict)
    params: dict[str, Any]  # every parameter, validated
    notes: dict[str, str] = field(default_factory=dict)  # parameter -> the scenario file's comment on its value

    @property
    def changed(self) -> dict[str, Any]:
        """The parameters that differ from the baseline, in declaration order."""
        return {k: v for k, v in self.params.items() if v != DEFAULTS[k]}

    @property
    def is_ipm(self) -> bool:
        """Whether the observed figures measure this design: a variant of the IPM preset over IPM's dates."""
        ipm = load("ipm")
        same_dates = all(self.params[k] == ipm[k] for k in ("start", "end"))
        return Path(self.scenario).stem == "ipm" and same_dates


def scenario_notes(scenario: str | Path) -> dict[str, str]:
    """The comment lines just above each ``name = value`` of a scenario file's ``[params]`` (why that value)."""
    if str(scenario) == "baseline":
        return {}
    path = Path(scenario) if str(scenario).endswith(".toml") else PRESET_DIR / f"{scenario}.toml"
    if not path.is_file():
        return {}
    notes: dict[str, str] = {}
    comment: list[str] = []
    in_params = False
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("["):
            in_params, comment = s == "[params]", []
        elif s.startswith("#"):
            comment.append(s.lstrip("#").strip())
        elif not s:
            comment = []
        elif in_params and "=" in s:
            name = s.partition("=")[0].strip()
            if comment and name in PARAMS:
                notes[name] = " ".join(comment)
            comment = []
    return notes


def resolve(
    design: str | Path | dict[str, Any], changes: dict[str, Any] | None = None, name: str | None = None
) -> Design:
    """A scenario (preset name or ``.toml`` file), or a parameter dict, with ``changes`` on top -> Design.

    A dict may hold ``"scenario"`` (as ``run_one``'s parameters do) and any parameters; without it the
    dict's values are changes from the baseline (the dashboard's form holds every parameter, which is
    the same). ``name`` names a dict design in the report (e.g. the dashboard's preset); ParameterError
    (one line) on a bad scenario or value.
    """
    if isinstance(design, dict):
        rest = dict(design)
        scenario = str(rest.pop("scenario", "baseline"))
        rest.update(changes or {})
        params = load(scenario, **rest)
        label = name or (scenario if scenario != "baseline" else "custom")
    elif isinstance(design, (str, Path)):
        scenario = str(design)
        params = load(scenario, **(changes or {}))
        label = name or Path(scenario).stem
    else:
        raise ParameterError(
            f"a design is a scenario name, a .toml file or a parameter dict, not {type(design).__name__}"
        )
    if name and name in presets() and scenario == "baseline":
        scenario = name  # the dashboard's form, started from a preset: its notes and its observed figures
    preset = load(scenario)
    notes = {k: v for k, v in scenario_notes(scenario).items() if params[k] == preset[k]}  # notes on kept values
    return Design(label, scenario, params, notes)


def show_value(p: Param, value: Any, lang: str) -> str:
    """A parameter's value as a reader of ``lang`` reads it (``Rp 1.500.000``, ``0,2%``, ``ya``)."""
    _ = gettext(lang)
    if p.type == "bool":
        return _("yes") if value else _("no")
    if p.type in ("int", "float"):
        return format_number(value, lang, kind_for(p.unit, p.type))
    return str(value)


def show_unit(p: Param, lang: str) -> str:
    """The unit shown after a value; none where the value already says it (Rupiah, percentages, text)."""
    if p.type not in ("int", "float") or kind_for(p.unit, p.type) in ("money", "share") or p.unit in ("-", ""):
        return ""
    return text(p, "unit", lang)


def output_label(name: str, lang: str) -> str:
    """An output's label (model/outputs.py) in ``lang``."""
    return gettext(lang)(outputs.label(name))


def show_output(name: str, value: float, lang: str, *, signed: bool = False) -> str:
    """An output's value in ``lang``, in the kind of number its unit says (money, share, count, ratio)."""
    _ = gettext(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("not measured")
    form = outputs.format_of(outputs.unit(name))
    kind = {"share": "share", "rupiah": "money", "ratio": "rate", "number": "rate"}.get(form, "count")
    x = float(value)
    if kind == "count":
        x = round(x)
    textual = format_number(abs(x) if signed else x, lang, kind)
    if signed:
        textual = ("+" if x > 0 else "-" if x < 0 else "±") + textual
    if signed and kind == "share":  # a difference of two shares is in percentage points
        textual = _("{value} points").format(value=textual.removesuffix("%"))
    return textual


def _today(lang: str, when: dt.date) -> str:
    from babel.dates import format_date

    return format_date(when, format="long", locale=LOCALES[lang])


def _version() -> str:
    from ibusim import __version__

    return f"ibusim {__version__} ({code_version()})"


# ----------------------------------------------------------------- charts
def _nice_step(top: float) -> float:
    """A round tick step giving 3-5 ticks from 0 to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def _thin(n: int) -> np.ndarray:
    """At most MAX_POINTS indices of ``n`` points, the first and the last included."""
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int))


def svg_chart(
    title: str,
    dates: Sequence,
    lines: list[dict[str, Any]],
    lang: str,
    *,
    kind: str = "count",
    observed: tuple[float, float, float] | None = None,
) -> str:
    """A small line chart as inline SVG: each line a median (``mid``) with an optional band (``lo``, ``hi``).

    ``lines``: dicts with ``mid`` (and ``lo``, ``hi``: a 5-95% band over seeds), ``colour``, ``dash``.
    ``observed``: (value, low, high) of the observed figure, shaded across the chart with its value dashed.
    Ticks are written as ``lang`` writes numbers; the x axis is marked at each new year.
    """
    w, h, left, right, top, bottom = 340, 190, 56, 8, 8, 22
    pw, ph = w - left - right, h - top - bottom
    days = pd.to_datetime(pd.Series(list(dates))).to_numpy()
    idx = _thin(len(days))
    values = [np.asarray(line[k], dtype=float) for line in lines for k in ("mid", "lo", "hi") if k in line]
    ymax = max([float(np.nanmax(v)) for v in values if np.isfinite(v).any()] + [observed[2] if observed else 0, 1e-9])
    step = _nice_step(ymax * 1.05)
    ytop = step * math.ceil(ymax * 1.05 / step)
    t0, t1 = days[0], days[-1]
    span = max((t1 - t0) / np.timedelta64(1, "D"), 1.0)

    def x(i: int) -> float:
        return left + pw * ((days[i] - t0) / np.timedelta64(1, "D")) / span

    def y(v: float) -> float:
        return top + ph * (1 - v / ytop)

    out = [
        f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
    ]
    ticks = np.arange(0, ytop + step / 2, step)
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e5e7eb"/>')
        label = format_number(float(t), lang, kind)
        out.append(f'<text x="{left - 4}" y="{y(t) + 4:.1f}" text-anchor="end">{html.escape(label)}</text>')
    years = pd.DatetimeIndex(days).year
    for i in range(1, len(days)):
        if years[i] != years[i - 1]:
            out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{top + ph}" stroke="#e5e7eb"/>')
            if x(i) < w - right - 14:  # a year whose label would run off the right edge is left unlabelled
                out.append(f'<text x="{x(i):.1f}" y="{h - 6}" text-anchor="middle">{years[i]}</text>')
    if observed is not None:
        value, low, high = observed
        out.append(
            f'<rect x="{left}" y="{y(high):.1f}" width="{pw}" height="{max(y(low) - y(high), 1):.1f}" '
            f'fill="{BAND}" fill-opacity="0.3"/>'
        )
        out.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#111827" '
            'stroke-dasharray="2 3"/>'
        )
    for line in lines:
        colour, dash = line.get("colour", COLOURS[0]), line.get("dash", "")
        if "lo" in line and "hi" in line:
            lo, hi = np.asarray(line["lo"], float), np.asarray(line["hi"], float)
            upper = " ".join(f"{x(i):.1f},{y(hi[i]):.1f}" for i in idx)
            lower = " ".join(f"{x(i):.1f},{y(lo[i]):.1f}" for i in idx[::-1])
            out.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.18" stroke="none"/>')
        mid = np.asarray(line["mid"], float)
        points = " ".join(f"{x(i):.1f},{y(mid[i]):.1f}" for i in idx)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{extra}/>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#6b7280"/>')
    out.append("</svg>")
    return "".join(out)


# ----------------------------------------------------------------- page
CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;font-size:17px;
line-height:1.5;color:#111827;background:#fff}
main{max-width:760px;margin:0 auto;padding:16px}
h1{font-size:1.45rem;line-height:1.25;margin:.2rem 0 .4rem}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:2px solid #e5e7eb;padding-bottom:.2rem}
p,li{overflow-wrap:anywhere}
.meta{color:#374151;font-size:.95rem}
.note{background:#fef3c7;border-left:4px solid #d97706;padding:.5rem .75rem;margin:.75rem 0}
.charts{display:grid;grid-template-columns:1fr;gap:14px}
@media (min-width:700px){.charts{grid-template-columns:1fr 1fr}}
figure{margin:0;break-inside:avoid}
figcaption{font-weight:600;font-size:.95rem}
svg{width:100%;height:auto;display:block;font-size:11px;fill:#374151}
.legend{font-size:.9rem;margin:.3rem 0}
.swatch{display:inline-block;width:1.4em;height:.35em;vertical-align:middle;margin-right:.3em}
table{border-collapse:collapse;width:100%;font-size:.95rem}
thead{display:none}
tr{display:block;border-bottom:1px solid #d1d5db;padding:.45rem 0}
td{display:block;padding:.1rem 0;text-align:right}
td:first-child{text-align:left;font-weight:600}
td[data-label]:not(:first-child)::before{content:attr(data-label);float:left;text-align:left;font-weight:400;
color:#4b5563;padding-right:.6em;max-width:55%}
td::after{content:"";display:table;clear:both}
@media (min-width:600px){thead{display:table-header-group}tr{display:table-row;padding:0}
th,td{display:table-cell;padding:.4rem .45rem;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
td:first-child{font-weight:400}td[data-label]:not(:first-child)::before{content:none}
th{background:#f3f4f6}td.num{text-align:right}}
.ok{color:#166534;font-weight:600}
.out{color:#b91c1c;font-weight:600}
.small{font-size:.85rem;color:#4b5563}
.param{border:1px solid #e5e7eb;border-radius:8px;padding:.55rem .75rem;margin:.5rem 0;break-inside:avoid}
.param b{display:block}
.value{font-size:1.1rem}
.badge{display:inline-block;font-size:.8rem;padding:0 .45em;border-radius:1em;background:#e0e7ff;color:#1e3a8a}
.badge.observed{background:#dcfce7;color:#166534}
.badge.assumed{background:#fef3c7;color:#92400e}
footer{margin-top:2rem;color:#4b5563;font-size:.85rem}
@page{size:A4;margin:12mm}
@media print{body{font-size:11pt}main{max-width:none;padding:0}}
""".replace("\n", "")


def _page(lang: str, title: str, body: list[str]) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body><main>"
        + "".join(body)
        + "</main></body></html>"
    )


def _e(s: Any) -> str:
    return html.escape(str(s))


def _table(head: Sequence[str], rows: list[list[tuple[str, str]]], caption: str = "") -> str:
    """A table; each cell is (css class, already escaped html).

    On a phone (below 600 px) each row is a block: the first cell as its title, then one line per other
    cell with the column's name before it (``data-label``), so nothing is cut off or needs side-scrolling.
    """
    out = ["<table>"]
    if caption:
        out.append(f'<caption class="small">{caption}</caption>')
    out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>")
    for row in rows:
        cells = []
        for (c, v), h in zip(row, head):
            cls = f' class="{c}"' if c else ""
            cells.append(f'<td{cls} data-label="{_e(h)}">{v}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _header(lang: str, title: str, what: str, seeds: str, when: dt.date, params: dict[str, Any]) -> list[str]:
    _ = gettext(lang)
    facts = _("{start} to {end}, {n} mothers simulated").format(
        start=params["start"], end=params["end"], n=format_number(params["n_mothers"], lang, "count")
    )
    made = _("Made on {date} with {version}; {seeds}; language: {language}.").format(
        date=_today(lang, when), version=_version(), seeds=seeds, language=NAMES[lang]
    )
    return [
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(what)}<br>{_e(facts)}<br>{_e(made)}</p>',
    ]


def _assumptions(lang: str, design: Design, names: Sequence[str], base: dict[str, Any] | None = None) -> str:
    """Each parameter of ``names`` as a card: label, value and unit, what it was, provenance and source."""
    _ = gettext(lang)
    if not names:
        return f"<p>{_e(_('No parameter differs from the baseline.'))}</p>"
    base = DEFAULTS if base is None else base
    out = []
    for name in names:
        p = PARAMS[name]
        value = show_value(p, design.params[name], lang)
        unit = show_unit(p, lang)
        was = _("was {value}").format(value=show_value(p, base[name], lang))
        prov = provenance_word(p.provenance, lang)
        parts = [
            f"<b>{_e(text(p, 'label', lang))}</b>",
            f'<span class="value">{_e(value)}</span> {_e(unit)} <span class="small">({_e(was)})</span>',
            f'<div class="small">{_e(text(p, "help", lang))}</div>',
        ]
        note = design.notes.get(name)
        if note:
            parts.append(f'<div class="small"><i>{_e(_("Why this value:"))}</i> {_e(note)}</div>')
        parts.append(
            f'<div class="small"><span class="badge {p.provenance}">{_e(prov)}</span> '
            f"<i>{_e(_('Source of the declaration:'))}</i> {_e(p.source)}</div>"
        )
        out.append(f'<div class="param">{"".join(parts)}</div>')
    return "".join(out)


def _sources(lang: str) -> str:
    _ = gettext(lang)
    items = "".join(f"<li>{code}: {_e(_(name))}</li>" for code, name in SOURCE_NAMES.items())
    return f'<h2>{_e(_("Sources"))}</h2><ul class="small">{items}</ul>'


def _footer(lang: str) -> str:
    _ = gettext(lang)
    return (
        f"<footer>{_e(_('A simulation, not a measurement: the figures depend on the assumptions above.'))} "
        f"{_e(_('Made with ibusim, an agent-based simulation of online empowerment communities for mothers.'))}"
        "</footer>"
    )


def _legend(items: list[tuple[str, str, str]]) -> str:
    """A legend line: (colour, dash, label) per entry."""
    out = []
    for colour, dash, label in items:
        style = f"background:{colour}" if not dash else f"border-top:3px dashed {colour};height:0"
        out.append(f'<span><span class="swatch" style="{style}"></span>{_e(label)}</span>')
    return '<p class="legend">' + " &nbsp; ".join(out) + "</p>"


def _observed_of(col: str, targets) -> tuple[float, float, float] | None:
    tname = outputs.SERIES_TARGETS.get(col)
    if tname is None or tname not in targets:
        return None
    t = targets[tname]
    return (t.value, t.low, t.high)


def _observed_caveat(lang: str, design: Design) -> str:
    _ = gettext(lang)
    if design.is_ipm:
        return ""
    msg = _(
        "No observed figures are shown for this design: the figures observed in the sources are Ibu Punya Mimpi's, "
        "and they would not measure this design."
    )
    return f'<p class="note">{_e(msg)}</p>'


# ----------------------------------------------------------------- reports
def design_report(
    params_or_scenario: str | Path | dict[str, Any],
    seed: int = 1,
    lang: str = "en",
    *,
    changes: dict[str, Any] | None = None,
    name: str | None = None,
    model=None,
    today: dt.date | None = None,
) -> str:
    """The report of one design run with one seed, as a self-contained HTML page in ``lang``.

    ``params_or_scenario``: a preset name, a scenario ``.toml`` file, or a parameter dict (see
    :func:`resolve`); ``changes`` go on top. ``model``: a model of exactly this design and seed already
    run to its end (e.g. the dashboard's), used instead of running it again. ``name`` names the design.
    """
    lang = check_language(lang)
    _ = gettext(lang)
    design = resolve(params_or_scenario, changes, name)
    if model is None:
        from ibusim.model.resources import check as check_memory

        from .core import run_model

        check_memory(design.params)
        model = run_model("baseline", design.params, seed)
    df = model.dataframe()
    summary = model.summary()
    targets = load_targets()
    when = today or dt.date.today()

    title = _("ibusim report: design {name}").format(name=design.name)
    what = _("One run of the design, seed {seed}.").format(seed=seed)
    body = _header(lang, title, what, _("seed {seed}").format(seed=seed), when, design.params)
    body.append(_observed_caveat(lang, design))

    body.append(f"<h2>{_e(_('Charts'))}</h2>")
    legend = [(COLOURS[0], "", _("simulated"))]
    if design.is_ipm:
        legend.append(("#111827", "2 3", _("observed, with its band")))
    body.append(_legend(legend))
    figs = []
    for col in CHART_SERIES:
        label = output_label(col, lang)
        svg = svg_chart(
            label, df["date"], [{"mid": df[col].to_numpy(float), "colour": COLOURS[0]}], lang,
            observed=_observed_of(col, targets) if design.is_ipm else None,
        )  # fmt: skip
        figs.append(f"<figure><figcaption>{_e(label)}</figcaption>{svg}</figure>")
    body.append(f'<div class="charts">{"".join(figs)}</div>')

    if not design.is_ipm:  # simulated figures only, labelled by what they count (not by IPM's dates)
        names = [t.summary for t in targets.values()] + list(OTHER_FIGURES)
        rows = [[("", _e(output_label(o, lang))), ("num", _e(show_output(o, summary[o], lang)))] for o in names]
        body.append(f"<h2>{_e(_('Simulated figures'))}</h2>")
        body.append(_table((_("figure"), _("simulated")), rows))
        return _finish(lang, title, body, design)
    body.append(f"<h2>{_e(_('Simulated and observed figures'))}</h2>")
    rows = []
    for t in targets.values():
        sim = float(summary[t.summary])
        inside = t.inside(sim)
        verdict = _("inside band") if inside else _("outside band")
        band = f"{show_output(t.summary, t.low, lang)} – {show_output(t.summary, t.high, lang)}"
        quote = f'<div class="small">{_e(t.quoted(lang, ("“", "”")))} ({_e(t.source)})</div>'
        rows.append(
            [
                ("", _e(_(t.label)) + quote),
                ("num", _e(show_output(t.summary, t.value, lang)) + f'<div class="small">{_e(band)}</div>'),
                ("num", _e(show_output(t.summary, sim, lang))),
                ("ok" if inside else "out", _e(verdict)),
            ]
        )
    body.append(_table((_("figure"), _("observed (band)"), _("simulated"), _("match")), rows))
    rows = [[("", _e(output_label(o, lang))), ("num", _e(show_output(o, summary[o], lang)))] for o in OTHER_FIGURES]
    body.append(f"<h2>{_e(_('Other figures (no observed figure)'))}</h2>")
    body.append(_table((_("figure"), _("simulated")), rows))
    return _finish(lang, title, body, design)


def _finish(lang: str, title: str, body: list[str], design: Design) -> str:
    """A design report's last sections (its assumptions, the sources, the footer), then the page."""
    _ = gettext(lang)
    body.append(f"<h2>{_e(_('Assumptions and their sources'))}</h2>")
    changed = list(design.changed)
    intro = _("The {n} parameters in which this design differs from the baseline (the declared defaults).")
    body.append(f"<p>{_e(intro.format(n=len(changed)))}</p>")
    body.append(_assumptions(lang, design, changed))
    body.append(_sources(lang))
    body.append(_footer(lang))
    return _page(lang, title, body)


def comparison_report(
    a: str | Path | dict[str, Any],
    b: str | Path | dict[str, Any],
    replications: int = 5,
    seed: int = 1,
    lang: str = "en",
    *,
    labels: tuple[str, str] = ("A", "B"),
    names: tuple[str | None, str | None] = (None, None),
    executor: str = "sequential",
    workers: int | None = None,
    today: dt.date | None = None,
) -> str:
    """The report of design B against design A over the same seeds, as a self-contained HTML page in ``lang``.

    ``a`` and ``b`` as in :func:`resolve`. The runs are ``ibusim compare``'s (experiments/compare.py): each
    design runs ``replications`` seeds spawned from ``seed``, the same for both, so B - A is a paired
    difference, shown as its median with the 5-95% range over the seeds (a 90% interval), and in percent of
    A's mean.
    """
    from .compare import DEFAULT_OUTCOMES, SERIES, Variant, compare

    lang = check_language(lang)
    _ = gettext(lang)
    if labels[0] == labels[1] or not all(s.strip() for s in labels):
        raise ParameterError(N_("the two designs need distinct, non-empty labels"))
    da, db = resolve(a, name=names[0]), resolve(b, name=names[1])
    variants = [
        Variant(labels[0], "baseline", da.changed),
        Variant(labels[1], "baseline", db.changed),
    ]
    from ibusim.model.resources import check as check_memory

    for d in (da, db):
        check_memory(d.params)
    with tempfile.TemporaryDirectory(prefix="ibusim-share-") as tmp:
        table, folder = compare(
            variants, replications=replications, seed=seed, out=Path(tmp) / "compare", executor=executor,
            workers=workers,
        )  # fmt: skip
        series = pd.read_parquet(folder / "series.parquet")
        import json

        seeds = json.loads((folder / "variants.json").read_text())["seeds"]
    targets = load_targets()
    when = today or dt.date.today()

    title = _("ibusim report: {a} against {b}").format(a=f"{labels[0]} ({da.name})", b=f"{labels[1]} ({db.name})")
    what = _("Both designs run with the same {n} seeds, so each difference is paired, seed by seed.").format(
        n=replications
    )
    seeds_text = _("seeds {seeds} (from master seed {seed})").format(seeds=", ".join(map(str, seeds)), seed=seed)
    body = _header(lang, title, what, seeds_text, when, da.params)
    if db.params["n_mothers"] != da.params["n_mothers"] or db.params["start"] != da.params["start"]:
        other = _("Design {label}: {start} to {end}, {n} mothers simulated").format(
            label=labels[1],
            start=db.params["start"],
            end=db.params["end"],
            n=format_number(db.params["n_mothers"], lang, "count"),
        )
        body.append(f'<p class="meta">{_e(other)}</p>')
    body.append(_observed_caveat(lang, da))

    body.append(f"<h2>{_e(_('Charts'))}</h2>")
    legend = [
        (COLOURS[0], "", _("{label}: median and 5-95% over seeds").format(label=labels[0])),
        (COLOURS[1], "6 3", _("{label}: median and 5-95% over seeds").format(label=labels[1])),
    ]
    if da.is_ipm:
        legend.append(("#111827", "2 3", _("observed, with its band")))
    body.append(_legend(legend))
    figs = []
    for col in SERIES:
        lines = []
        dates = None
        for k, label in enumerate(labels):
            s = series[series["variant"] == label].pivot(index="week", columns="replication", values=col)
            if dates is None:
                first = series[(series["variant"] == label) & (series["replication"] == s.columns[0])]
                dates = first.sort_values("week")["date"].to_numpy()
            lines.append(
                {
                    "mid": s.median(axis=1).to_numpy(),
                    "lo": s.quantile(0.05, axis=1).to_numpy(),
                    "hi": s.quantile(0.95, axis=1).to_numpy(),
                    "colour": COLOURS[k],
                    "dash": "" if k == 0 else "6 3",
                }
            )
        label = output_label(col, lang)
        svg = svg_chart(label, dates, lines, lang, observed=_observed_of(col, targets) if da.is_ipm else None)
        figs.append(f"<figure><figcaption>{_e(label)}</figcaption>{svg}</figure>")
    body.append(f'<div class="charts">{"".join(figs)}</div>')

    heading = _("Figures: {a}, {b} and the difference {b} - {a}").format(a=labels[0], b=labels[1])
    body.append(f"<h2>{_e(heading)}</h2>")
    wide = table.set_index(["variant", "outcome"])
    rows = []
    for o in [o for o in DEFAULT_OUTCOMES if (labels[0], o) in wide.index]:
        ra, rb = wide.loc[(labels[0], o)], wide.loc[(labels[1], o)]

        def cell(r) -> str:
            rng = f"{show_output(o, r['p5'], lang)} – {show_output(o, r['p95'], lang)}"
            return _e(show_output(o, r["mean"], lang)) + f'<div class="small">{_e(rng)}</div>'

        diff = _e(show_output(o, rb["diff_median"], lang, signed=True))
        interval = _("90%: {low} to {high}").format(
            low=show_output(o, rb["diff_p5"], lang, signed=True), high=show_output(o, rb["diff_p95"], lang, signed=True)
        )
        base = ra["mean"]
        pct = (
            float(rb["diff_mean"] / base)
            if base and not math.isnan(base) and not math.isnan(rb["diff_mean"])
            else math.nan
        )
        pct_text = (
            _("not measured") if math.isnan(pct) else ("+" if pct > 0 else "") + format_number(pct, lang, "share")
        )
        lower = round(rb["share_lower"] * replications) if not math.isnan(rb["share_lower"]) else 0
        lower_text = _("{b} lower in {k} of {n} seeds").format(b=labels[1], k=lower, n=replications)
        rows.append(
            [
                ("", _e(output_label(o, lang))),
                ("num", cell(ra)),
                ("num", cell(rb)),
                ("num", diff + f'<div class="small">{_e(interval)}</div>'),
                ("num", _e(pct_text) + f'<div class="small">{_e(lower_text)}</div>'),
            ]
        )
    head = (
        _("figure"),
        _("{label}: mean (5-95%)").format(label=labels[0]),
        _("{label}: mean (5-95%)").format(label=labels[1]),
        _("{b} - {a}, paired: median (90% interval)").format(a=labels[0], b=labels[1]),
        _("change in % of {a}").format(a=labels[0]),
    )
    body.append(_table(head, rows))
    observed = _("Observed (Ibu Punya Mimpi): {figures}.").format(
        figures="; ".join(f"{_(t.label)} {show_output(t.summary, t.value, lang)}" for t in targets.values())
    )
    if da.is_ipm:
        body.append(f'<p class="small">{_e(observed)}</p>')

    body.append(f"<h2>{_e(_('What {b} changes').format(b=labels[1]))}</h2>")
    diff_names = [k for k in PARAMS if db.params[k] != da.params[k]]
    body.append(_assumptions(lang, db, diff_names, base=da.params))
    body.append(f"<h2>{_e(_('Assumptions of {a} and their sources').format(a=labels[0]))}</h2>")
    changed = list(da.changed)
    intro = _("The {n} parameters in which this design differs from the baseline (the declared defaults).")
    body.append(f"<p>{_e(intro.format(n=len(changed)))}</p>")
    body.append(_assumptions(lang, da, changed))
    body.append(_sources(lang))
    body.append(_footer(lang))
    return _page(lang, title, body)


# ----------------------------------------------------------------- PDF
def find_chromium() -> str | None:
    """The Chromium binary: ``$IBUSIM_CHROMIUM``, else the first of CHROMIUM_NAMES on the PATH, else None."""
    given = os.environ.get(CHROMIUM_ENV)
    if given:
        return given if Path(given).is_file() and os.access(given, os.X_OK) else None
    for n in CHROMIUM_NAMES:
        found = shutil.which(n)
        if found:
            return found
    return None


def no_chromium_message(lang: str = "en") -> str:
    """The one line said when there is no Chromium to print the PDF with."""
    _ = gettext(lang)
    return _(
        "no Chromium to print the PDF with: install it (Debian: apt-get install -y chromium) or set {env} to its path"
    ).format(env=CHROMIUM_ENV)


def to_pdf(page: str, path: str | Path, *, timeout_s: float = PDF_TIMEOUT_S, lang: str = "en") -> Path:
    """Print the HTML ``page`` to the PDF file ``path`` with headless Chromium; ShareError (one line) if it cannot.

    The page is written to a temporary folder with its own browser profile (so it never meets a running
    Chromium's), printed to a temporary file next to ``path`` and renamed, so a failure leaves no half file.
    """
    _ = gettext(lang)
    chromium = find_chromium()
    if chromium is None:
        raise ShareError(no_chromium_message(lang))
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="ibusim-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(page, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            err = proc.communicate(timeout=timeout_s)[1]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            message = _("Chromium did not print the PDF within {seconds} s")
            raise ShareError(message.format(seconds=format_number(timeout_s, lang, "count"))) from None
        finally:
            try:  # Chromium's helper processes share its group: none may outlive the print
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
            last = (err or b"").decode(errors="replace").strip().splitlines()[-1:] or ["-"]
            message = _("Chromium did not print the PDF (exit status {status}): {message}")
            raise ShareError(message.format(status=proc.returncode, message=last[0][:200]))
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        shutil.copyfile(out, part)
        part.replace(path)
    return path


# ----------------------------------------------------------------- the folder (``ibusim share``, ibusim/cli.py)


def write_share(
    scenario: str,
    seed: int,
    lang: str,
    *,
    changes: dict[str, Any] | None = None,
    b_changes: dict[str, Any] | None = None,
    replications: int = 5,
    out: str | Path | None = None,
    pdf: bool = True,
) -> Path:
    """Write a new folder with report.html (and report.pdf): the design, or with ``b_changes`` a comparison.

    The values are already validated (``ibusim share`` reads them, ibusim/cli.py). Without Chromium and with
    ``pdf``, ShareError (one line) before anything runs; an existing or unusable ``out`` is refused, never
    overwritten. Returns the folder.
    """
    from ibusim.model.parameters import show

    _ = gettext(lang)
    changes, b_changes = dict(changes or {}), dict(b_changes or {})
    if pdf and find_chromium() is None:
        raise ShareError(no_chromium_message(lang))
    stem = Path(str(scenario)).stem
    if out is not None and ("\0" in str(out) or not str(out).strip()):
        raise ParameterError(_("--out {out} is not a usable folder name").format(out=show(str(out))))
    out = Path(out) if out else Path("results") / f"share-{stem}-seed{seed}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    check_new_folder(out)
    if b_changes:
        a = {"scenario": scenario, **changes}
        b = {"scenario": scenario, **changes, **b_changes}
        what = ", ".join(f"{text(n, 'label', lang)} = {show_value(PARAMS[n], v, lang)}" for n, v in b_changes.items())
        page = comparison_report(a, b, replications, seed, lang, names=(stem, f"{stem}, {what}"))
    else:
        page = design_report(scenario, seed, lang, changes=changes)
    with atomic_folder(out) as tmp:
        (tmp / "report.html").write_text(page, encoding="utf-8")
        if pdf:
            to_pdf(page, tmp / "report.pdf", lang=lang)
    return out


__all__ = [
    "OutputError",
    "ShareError",
    "comparison_report",
    "design_report",
    "find_chromium",
    "resolve",
    "svg_chart",
    "to_pdf",
    "write_share",
]
