"""The null model: a minimal aggregate difference-equation model of awareness, registration, classes, outcomes.

Issue 11 asks what the agent-based model predicts that a model without individuals cannot. This is
that model: a handful of stocks (no mothers, no ties, no roles, no provinces), stepped weekly over
the same weeks as the ABM (April 2020 to December 2024: 248 weeks), with the same COVID-19 lockdown
input. Week ``t`` (``c_t`` the lockdown level of model/timeline.py, ``k`` the preset's ``covid_push``)::

    A[t+1] = A[t] + (p (1 + k c_t) + q A[t] / M) (M - A[t])     aware mothers (Bass 1969)
    R[t+1] = R[t] + r (1 + k c_t) (A[t] - R[t])                  registered (cumulative)
    instagram = A[T]                 every aware mother follows (Instagram is how she heard)
    telegram  = tau A[T]             a share of the aware sit in the open Telegram group
    completion = c, financial_change = phi_f, parenting_change = phi_p     shares, one each
    scholars  = scholarship_batches x scholarship_batch_size              built in (the preset's)
    provinces = sum_k 1 - (1 - w_k) ** R[T]      expected provinces with a member when the R[T]
                members are spread over provinces in proportion to w_k = women x internet penetration
                (docs/sources/provinces.csv); no parameter

Fixed, not fitted: ``M`` (the preset's ``market_size``, docs/sources/market.md), ``q`` (Sultan,
Farley and Lehmann 1990: mean yearly imitation 0.38, so 0.38/52 a week), ``k`` and the lockdown
levels (the ABM's own input). Fitted (:data:`PARAMS`): ``p``, ``r``, ``tau``, ``c``, ``phi_f``,
``phi_p``, each only if a fitted figure depends on it, by least squares on the band-scaled distance
(simulated minus observed over the band's half-width, the calibration's distance) to the targets of
model/targets.py whose role is ``fitted``. It is deterministic and takes microseconds, so the fit is
exact where the figures allow.

:func:`compare_table` puts it beside the ABM's runs (e.g. :func:`ibusim.experiments.secondary.evaluate`'s
data frame) for every figure and secondary pattern: what each gets, and what only the ABM can say.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ibusim.i18n import N_, gettext

SOURCES = Path(__file__).resolve().parent.parent / "docs" / "sources"
Q_YEARLY = 0.38  # Sultan, Farley and Lehmann 1990: mean imitation coefficient q (background.md)


@dataclass(frozen=True)
class NullParam:
    """One fitted parameter of the null model: bounds, start, the outputs it moves, provenance."""

    name: str
    low: float
    high: float
    start: float
    moves: tuple[str, ...]  # summary keys that depend on it
    log: bool  # fitted on a log scale
    meaning: str


_COUNTS = ("registered", "instagram", "telegram", "provinces")
_RATIOS = ("telegram_per_registered", "registered_per_follower", "registered_share_of_market")
PARAMS: tuple[NullParam, ...] = (
    NullParam("p", 1e-9, 1e-2, 1e-5, _COUNTS + _RATIOS, True, N_("weekly external awareness (Bass innovation)")),
    NullParam(
        "r", 1e-5, 1.0, 1e-2, _COUNTS[:1] + ("provinces",) + _RATIOS, True, N_("weekly registration of the aware")
    ),
    NullParam("tau", 0.0, 1.0, 0.5, ("telegram", "telegram_per_registered"), False, N_("Telegram members per aware")),
    NullParam("c", 0.0, 1.0, 0.5, ("completion",), False, N_("completion of paid classes")),
    NullParam("phi_f", 0.0, 1.0, 0.5, ("financial_change",), False, N_("survey share with a financial change")),
    NullParam("phi_p", 0.0, 1.0, 0.5, ("parenting_change",), False, N_("survey share with a parenting change")),
)


@dataclass(frozen=True)
class Inputs:
    """What the null model takes from the ABM's scenario, unchanged: calendar, market, COVID, scholarship."""

    weeks: int
    years: np.ndarray  # calendar year of each week
    covid: np.ndarray  # lockdown level of each week
    covid_push: float
    market: float
    q: float  # weekly imitation
    scholars: float
    weights: np.ndarray  # province weights (sum 1)


def province_weights(path: Path | None = None) -> np.ndarray:
    """Each province's share of women online: female population x internet penetration (provinces.csv)."""
    path = path or SOURCES / "provinces.csv"
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    w = np.array([float(r["female_population"]) * float(r["internet_penetration"]) for r in rows])
    return w / w.sum()


def inputs(scenario: str = "ipm") -> Inputs:
    """The null model's fixed inputs, read from the ABM's scenario ``scenario`` (a preset or file)."""
    from ibusim.model import timeline
    from ibusim.model.scenarios import load

    p = load(scenario)
    weeks = timeline.n_weeks(p["start"], p["end"])
    years = np.array([timeline.date_of(w, p["start"]).year for w in range(weeks)])
    return Inputs(
        weeks=weeks,
        years=years,
        covid=timeline.covid_levels(p["start"], weeks),
        covid_push=float(p["covid_push"]),
        market=float(p["market_size"]),
        q=Q_YEARLY / 52,
        scholars=float(p["scholarship_batches"] * p["scholarship_batch_size"]),
        weights=province_weights(),
    )


def trajectory(theta: dict[str, float], inp: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Aware ``A`` and cumulative registered ``R`` at the start of every week and at the end (weeks + 1 values)."""
    push = 1.0 + inp.covid_push * inp.covid
    a = np.zeros(inp.weeks + 1)
    r = np.zeros(inp.weeks + 1)
    for t in range(inp.weeks):  # a recurrence over weeks (each depends on the last), not over mothers
        a[t + 1] = a[t] + min(1.0, theta["p"] * push[t] + inp.q * a[t] / inp.market) * (inp.market - a[t])
        r[t + 1] = r[t] + min(1.0, theta["r"] * push[t]) * (a[t] - r[t])
    return a, r


def outputs(theta: dict[str, float], inp: Inputs) -> dict[str, float]:
    """The null model's figures, by the ABM's ``summary()`` keys, plus its yearly registrations."""
    a, r = trajectory(theta, inp)
    reg, aware = r[-1], a[-1]
    tg = theta["tau"] * aware
    new = np.diff(r)
    out = {
        "registered": reg,
        "instagram": aware,
        "telegram": tg,
        "completion": theta["c"],
        "financial_change": theta["phi_f"],
        "parenting_change": theta["phi_p"],
        "scholars": inp.scholars,
        "provinces": float(np.sum(1.0 - (1.0 - inp.weights) ** reg)),
        "telegram_per_registered": tg / reg if reg else math.nan,
        "registered_per_follower": reg / aware if aware else math.nan,
        "registered_share_of_market": reg / inp.market,
    }
    for y in range(int(inp.years.min()), int(inp.years.max()) + 1):
        out[f"registered_{y}"] = float(new[inp.years == y].sum())
    y21, y22 = out.get("registered_2021", 0.0), out.get("registered_2022", math.nan)
    out["registrations_2022_vs_2021"] = y22 / y21 if y21 else math.nan
    return out


@dataclass
class NullFit:
    """A fitted null model: parameter values, which were fitted, its figures, and the distance."""

    theta: dict[str, float]
    fitted_params: list[str]
    targets: list[str]  # the targets fitted (names in model/targets.toml)
    outputs: dict[str, float]
    distance: float  # root mean square of the band-scaled residuals
    inputs: Inputs = field(repr=False)
    skipped: list[str] = field(default_factory=list)  # fitted targets whose figure the null model lacks


def fitted_targets() -> dict[str, Any]:
    """The targets whose role is ``fitted`` (``role`` defaults to fitted when the file gives none)."""
    from ibusim.model.targets import load

    return {n: t for n, t in load().items() if getattr(t, "role", "fitted") == "fitted"}


def fit(targets: dict[str, Any] | None = None, scenario: str = "ipm") -> NullFit:
    """Fit the null model to ``targets`` (default: the fitted targets) by least squares; deterministic.

    Residual of a target: (null figure - value) / half the band's width. Parameters no fitted
    figure depends on stay at their start values and are not counted as fitted.
    """
    from scipy.optimize import least_squares

    inp = inputs(scenario)
    targets = fitted_targets() if targets is None else targets
    probe = outputs({q.name: q.start for q in PARAMS}, inp)
    used = {n: t for n, t in targets.items() if t.summary in probe}
    skipped = sorted(set(targets) - set(used))
    keys = {t.summary for t in used.values()}
    free = [q for q in PARAMS if keys & set(q.moves)]
    theta0 = {q.name: q.start for q in PARAMS}

    def unpack(x: np.ndarray) -> dict[str, float]:
        th = dict(theta0)
        th.update({q.name: (10**v if q.log else v) for q, v in zip(free, x)})
        return th

    def residuals(x: np.ndarray) -> np.ndarray:
        out = outputs(unpack(x), inp)
        return np.array([(out[t.summary] - t.value) / ((t.high - t.low) / 2) for t in used.values()])

    def scale(q: NullParam, v: float) -> float:
        return math.log10(v) if q.log else v

    if free:
        x0 = np.array([scale(q, q.start) for q in free])
        lo = np.array([scale(q, q.low) for q in free])
        hi = np.array([scale(q, q.high) for q in free])
        sol = least_squares(residuals, x0, bounds=(lo, hi), x_scale="jac")
        theta = unpack(sol.x)
    else:
        theta = theta0
    res = residuals(np.array([scale(q, theta[q.name]) for q in free])) if used else np.zeros(0)
    dist = float(np.sqrt(np.mean(res**2))) if res.size else 0.0
    return NullFit(theta, [q.name for q in free], list(used), outputs(theta, inp), dist, inp, skipped)


# ---------------------------------------------------------------- comparison with the ABM

# what the null model cannot say about each secondary pattern (it has no individuals)
CANNOT = {
    "posted_share_telegram": N_("no individuals: who posts is not a stock"),
    "posted_share_registered": N_("no individuals: who posts is not a stock"),
    "top1_share_telegram": N_("no individuals: no distribution of posts"),
    "repeat_share": N_("no individuals: a mother's second class is not tracked"),
    "free_completion": N_("no free-class stage (one more free share would fit it, not predict it)"),
    "volunteer_share": N_("no roles (one more free share would fit it, not predict it)"),
}


# the roles of model/targets.toml and the verdicts, English keys translated where shown
ROLES = {"fitted": N_("fitted"), "predicted": N_("predicted"), "check": N_("check"), "secondary": N_("secondary")}
M_CANNOT_SAY = N_("ABM only (null cannot say)")
M_NEITHER_CANNOT = N_("neither (null cannot say; ABM misses)")
VERDICTS = (N_("both"), N_("ABM only"), N_("null only"), N_("neither"), M_CANNOT_SAY, M_NEITHER_CANNOT)
M_NOT_A_TEST = N_("not a test (source not found)")
M_FIXED_M = N_("no: the preset's `market_size` (docs/sources/market.md)")
M_FIXED_Q = N_("no: {q}/52, Sultan, Farley and Lehmann 1990")
M_FIXED_K = N_("no: the preset's `covid_push` (the ABM's input)")


def _fmt(x: float, unit: str, lang: str = "en") -> str:
    """A share, ratio or count as a reader of ``lang`` writes it (English: as the validation page always has)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return gettext(lang)("n/a")
    if lang != "en":
        from ibusim.numbers import format_number

        kind, decimals = {"share": ("share", 1), "ratio": ("rate", 2)}.get(unit, ("count", 0))
        return format_number(float(x), lang, kind, decimals=decimals)
    if unit == "share":
        return f"{100 * x:.1f}%"
    if unit == "ratio":
        return f"{x:.2f}"
    return f"{x:,.0f}"


def _g(x: float, lang: str) -> str:
    """Four significant digits, with the decimal comma in Indonesian."""
    return f"{x:.4g}" if lang == "en" else f"{x:.4g}".replace(".", ",")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _abm(values, inside) -> tuple[tuple[float, float, float] | str, float]:
    v = np.asarray(values, np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return "n/a", math.nan
    q05, med, q95 = np.quantile(v, [0.05, 0.5, 0.95])
    return (med, q05, q95), float(np.mean([inside(x) for x in v]))


def _interval(stats, unit: str, lang: str = "en") -> str:
    """``median [5%, 95%]`` in ``unit``, or n/a."""
    if stats == "n/a":
        return gettext(lang)("n/a")
    med, q05, q95 = stats
    return f"{_fmt(med, unit, lang)} [{_fmt(q05, unit, lang)}, {_fmt(q95, unit, lang)}]"


def _verdict(abm_in: float, null_in: bool | None) -> str:
    """Which model gets the figure: an English key of :data:`VERDICTS`."""
    abm_ok = not math.isnan(abm_in) and abm_in >= 0.5
    if null_in is None:
        return M_CANNOT_SAY if abm_ok else M_NEITHER_CANNOT
    if abm_ok and null_in:
        return "both"
    if abm_ok:
        return "ABM only"
    if null_in:
        return "null only"
    return "neither"


def compare_table(abm_runs_df, fit_result: NullFit | None = None, lang: str = "en") -> list[str]:
    """Markdown: each figure and secondary pattern, the ABM's runs against the fitted null model.

    ``abm_runs_df``: one row per ABM run with the targets' ``summary()`` keys and the secondary
    patterns as columns (:func:`ibusim.experiments.secondary.evaluate` gives both). A column the frame
    lacks is left out. The ABM "gets" a figure when at least half its runs land in the band; the null
    model, deterministic, gets it or not. ``lang``: the reader's language ("en" or "id").
    """
    from ibusim.model.targets import load

    from . import secondary

    _ = gettext(lang)
    fr = fit_result or fit()
    header = (N_("figure or pattern"), N_("role"), N_("observed (band)"), N_("ABM median [5%, 95%]"))
    header += (N_("ABM runs inside"), N_("null model"), N_("verdict"))
    lines = [_row([_(h) for h in header]), "|---|---|---|---|---|---|---|"]

    def share_text(share: float) -> str:
        return f"{100 * share:.0f}%" if lang == "en" else _fmt(share, "share", lang).replace(",0%", "%")

    for name, t in load().items():
        if t.summary not in abm_runs_df:
            continue
        role = getattr(t, "role", "fitted")
        unit = "share" if t.unit.startswith("share") else ("ratio" if abs(t.value) < 10 else "count")
        stats, share = _abm(abm_runs_df[t.summary], t.inside)
        null = fr.outputs.get(t.summary)
        null_in = None if null is None else t.inside(null)
        null_txt = _("cannot") if null is None else _fmt(null, unit, lang)
        if null is not None and t.summary == "scholars":
            null_txt += " " + _("(built in)")
        observed = f"{_fmt(t.value, unit, lang)} ({_fmt(t.low, unit, lang)}-{_fmt(t.high, unit, lang)})"
        lines.append(
            _row(
                [_(t.label), _(ROLES.get(role, role)), observed, _interval(stats, unit, lang), share_text(share)]
                + [null_txt, _(_verdict(share, null_in))]
            )
        )
    for p in secondary.PATTERNS:
        if p.name not in abm_runs_df:
            continue
        stats, share = _abm(abm_runs_df[p.name], p.inside)
        band = _("no band") if p.low is None else f"{_fmt(p.low, p.unit, lang)}-{_fmt(p.high, p.unit, lang)}"
        if p.name in fr.outputs:
            null = fr.outputs[p.name]
            null_txt, null_in = _fmt(null, p.unit, lang), p.inside(null)
        else:
            reason = _(CANNOT.get(p.name, N_("not in the null model")))
            null_txt, null_in = _("cannot: {reason}").format(reason=reason), None
        if not p.counted:
            verdict, share_txt = _(M_NOT_A_TEST), "-"
        else:
            verdict, share_txt = _(_verdict(share, null_in)), share_text(share)
        observed = f"{_(p.observed)} ({band})"
        stats_txt = _interval(stats, p.unit, lang)
        lines.append(_row([_(p.label), _(ROLES["secondary"]), observed, stats_txt, share_txt, null_txt, verdict]))
    return lines


def parameter_table(fit_result: NullFit, lang: str = "en") -> list[str]:
    """Markdown: the null model's parameters, fitted values and meaning, then its fixed inputs, in ``lang``."""
    _ = gettext(lang)
    lines = [_row([_("parameter"), _("value"), _("fitted"), _("meaning")]), "|---|---|---|---|"]
    for q in PARAMS:
        v = fit_result.theta[q.name]
        fitted = _("yes") if q.name in fit_result.fitted_params else _("no (no fitted figure depends on it)")
        lines.append(f"| `{q.name}` | {_g(v, lang)} | {fitted} | {_(q.meaning)} |")
    inp = fit_result.inputs
    market = f"{inp.market:,.0f}" if lang == "en" else _fmt(inp.market, "count", lang)
    q_source = _(M_FIXED_Q).format(q=_g(Q_YEARLY, lang))
    lines += [
        _row(["`M`", market, _(M_FIXED_M), _("market")]),
        _row(["`q`", _g(inp.q, lang), q_source, _("weekly imitation")]),
        _row(["`k`", _g(inp.covid_push, lang), _(M_FIXED_K), _("lockdown multiplier")]),
    ]
    return lines


def main() -> None:  # pragma: no cover - prints the fit shown in docs/VALIDATION.md
    """Fit the null model to the fitted targets and print its parameters and figures."""
    fr = fit()
    print("\n".join(parameter_table(fr)))
    print(f"targets fitted: {', '.join(fr.targets)}; skipped: {', '.join(fr.skipped) or 'none'}")
    print(f"distance (rms band-scaled): {fr.distance:.3g}")
    for k, v in fr.outputs.items():
        print(f"  {k}: {v:.6g}")


if __name__ == "__main__":  # pragma: no cover
    main()
