"""Secondary patterns: what the model is never fitted to, measured on finished runs (pattern-oriented modelling).

Pattern-oriented modelling (Grimm et al. 2005, *Science* 310:987-991) tests a model on patterns other than
the ones it was fitted to, at several levels (individuals, the community, time). Each pattern here is
declared once (:data:`PATTERNS`): its name and label, how it is measured on a finished model (a pure,
vectorised function of the model's arrays), the observed value or range with a band and what the band
stands for, and its source with a quote. None of them is a calibration target, and nothing is tuned to
them: :func:`evaluate` runs the model at given parameter sets and seeds and reports what it gets and what
it misses.

    >>> from ibusim.experiments import secondary
    >>> df = secondary.evaluate([{"scenario": "ipm"}], seeds=range(1, 21), executor="processes")
    >>> for row in secondary.table(df):
    ...     print(row)

The posting patterns read each mother's cumulative count of messages sent in the group chats and the
forum, ``model.posts``. A model without that state (before it was added) is measured by
:class:`PostsCounter`, which sums the same messages from the week's message edges
(``model.messages.last()``) after every step; ``posts_from_model`` in the results says which was used.

Sources are in docs/sources/background.md (section "Secondary patterns", with the quotes); the patterns,
their measures and the measured tables in docs/VALIDATION.md.

The table and the results page's section (:func:`table`, :func:`results_section`) are written in English or
Bahasa Indonesia (``lang``): headings, sentences, table headers, the patterns' labels and observed values
(English msgids marked with ``N_``, Indonesian in the catalogue) and verdicts through ``gettext(lang)``,
numbers through :func:`ibusim.numbers.format_number`; the English is exactly what it always was. Citations
(author, year) stay as written; the null model's tables come from :mod:`.nullmodel`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from ibusim.i18n import N_, gettext

from .execution import DEFAULT_LIMITS, Limits, run_many

# ---------------------------------------------------------------- pure measures (arrays in, a number out)


def posted_share(posts: np.ndarray, members: np.ndarray) -> float:
    """Share of ``members`` (mother ids) who sent at least one message (``posts`` per mother); NaN if none."""
    members = np.asarray(members, np.int64)
    if members.size == 0:
        return math.nan
    return float(np.count_nonzero(np.asarray(posts)[members]) / members.size)


def top_share(posts: np.ndarray, members: np.ndarray, top: float = 0.01) -> float:
    """Share of the messages of ``members`` written by the ``top`` share of them who wrote most.

    The top group is the ``ceil(top * len(members))`` members with most messages (at least one member);
    NaN when the members wrote nothing (or there are none).
    """
    p = np.asarray(posts)[np.asarray(members, np.int64)].astype(np.float64)
    total = p.sum()
    if p.size == 0 or total == 0:
        return math.nan
    k = max(1, math.ceil(top * p.size))
    return float(np.partition(p, p.size - k)[p.size - k :].sum() / total)


def completion_share(completed: float, dropped: float) -> float:
    """Completed / (completed + dropped out); NaN when nobody finished or left."""
    n = completed + dropped
    return float(completed / n) if n else math.nan


def repeat_share(done: np.ndarray, members: np.ndarray) -> float:
    """Among ``members`` who completed at least one paid programme, the share who completed two or more.

    ``done`` holds one bit per paid programme completed (model/progress.py); NaN without alumnae.
    """
    k = np.bitwise_count(np.asarray(done)[np.asarray(members, np.int64)])
    alumnae = np.count_nonzero(k)
    return float(np.count_nonzero(k >= 2) / alumnae) if alumnae else math.nan


def year_ratio(new: np.ndarray, years: np.ndarray, later: int, earlier: int) -> float:
    """Sum of the weekly flow ``new`` in year ``later`` over its sum in year ``earlier`` (NaN if that is 0)."""
    new, years = np.asarray(new, np.float64), np.asarray(years)
    den = new[years == earlier].sum()
    return float(new[years == later].sum() / den) if den else math.nan


def year_total(new: np.ndarray, years: np.ndarray, year: int) -> float:
    """Sum of the weekly flow ``new`` over the weeks of ``year``."""
    return float(np.asarray(new, np.float64)[np.asarray(years) == year].sum())


# ---------------------------------------------------------------- posts of a model without ``model.posts``

# the message channels of group chats and the forum (model/communication.py's CHANNELS)
POST_CHANNELS = ("telegram", "whatsapp", "rumii", "alumni_group", "team")


class PostsCounter:
    """Each mother's messages sent in group chats and the forum, summed from the week's message edges.

    For a model without ``model.posts``: call :meth:`add` after every step. The week's distinct
    (sender, receiver, channel) edges carry every message of the chat groups; the forum's few draws of a
    sender to herself, which the model drops, are not counted. ``channels``: the message channels
    counted (default :data:`POST_CHANNELS`).
    """

    def __init__(self, model, channels: tuple[str, ...] = POST_CHANNELS):
        from ibusim.model.communication import CHANNELS

        self.n = model.n
        self.posts = np.zeros(model.n, np.int64)
        self._on = np.zeros(len(CHANNELS), bool)
        self._on[[CHANNELS.index(c) for c in channels]] = True

    def add(self, model) -> None:
        """Add the messages of the week just run."""
        s, _, ch, k = model.messages.last()
        keep = self._on[ch] & (s < self.n)  # senders that are mothers (not the hubs)
        self.posts += np.bincount(s[keep], weights=k[keep], minlength=self.n).astype(np.int64)


def run_counting_posts(model) -> np.ndarray:
    """Run ``model`` to its end and return each mother's posts (``model.posts``, or counted)."""
    if hasattr(model, "posts"):
        model.run()
        return np.asarray(model.posts)
    counter = PostsCounter(model)
    while model.running:
        model.step()
        counter.add(model)
    return counter.posts


# ---------------------------------------------------------------- the patterns


@dataclass(frozen=True)
class Pattern:
    """One secondary pattern: how it is measured, what is observed, where it comes from.

    ``low``/``high`` bound the band counted as a match (``None``: no band, the pattern is shown but
    not counted, e.g. when no source was found); ``measure(m)`` reads the measured dict of a run
    (:func:`measure`). ``label`` and ``observed`` are English msgids (shown through ``gettext(lang)``).
    """

    name: str
    label: str
    unit: str  # "share" or "ratio"
    observed: str  # the observed value or range, in words
    low: float | None
    high: float | None
    band: str  # what the band stands for
    source: str  # full citation
    quote: str  # verbatim (original language), with a translation when not English
    sourced: bool = True

    def inside(self, x: float) -> bool:
        """Whether a simulated value is inside the band (never for NaN or an unbanded pattern)."""
        if self.low is None or self.high is None or x is None or math.isnan(x):
            return False
        return self.low <= x <= self.high

    @property
    def counted(self) -> bool:
        """Whether the pattern is a test (it has a source and a band)."""
        return self.sourced and self.low is not None


VAN_MIERLO = (
    "van Mierlo T (2014). The 1% rule in four digital health social networks: an observational study. "
    "J Med Internet Res 16(2):e33. doi:10.2196/jmir.2966"
)
VAN_MIERLO_QUOTE = (
    '"During the study period, 63,990 actors created 578,349 posts. Less than 25% of actors made one or more '
    "posts. The applicability of the 1% rule was confirmed as Lurkers, Contributors, and Superusers accounted "
    'for a weighted average of 1.3% (n=4668), 24.0% (n=88,732), and 74.7% (n=276,034) of content."'
)

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "posted_share_telegram",
        N_("Telegram group members who ever posted"),
        "share",
        N_("under 25% of members ever post"),
        0.0,
        0.25,
        "the source's bound itself ('less than 25%'), over four moderated health support networks",
        VAN_MIERLO,
        VAN_MIERLO_QUOTE,
    ),
    Pattern(
        "posted_share_registered",
        N_("Registered members who ever posted"),
        "share",
        N_("under 25% of members ever post"),
        0.0,
        0.25,
        "the source's bound itself; its actors are the networks' registered members",
        VAN_MIERLO,
        VAN_MIERLO_QUOTE,
    ),
    Pattern(
        "top1_share_telegram",
        N_("Posts written by the top 1% of Telegram group members"),
        "share",
        N_("74.7% (superusers, 1% of actors)"),
        0.60,
        0.90,
        "assumed ±15 points around the weighted average: the abstract gives no per-network spread",
        VAN_MIERLO,
        VAN_MIERLO_QUOTE,
    ),
    Pattern(
        "free_completion",
        N_("Completion of the free entry class"),
        "share",
        N_("between open-course (median 12.6%) and cohort-paid (85-91%) levels"),
        0.126,
        0.91,
        "the range between Jordan's MOOC median and IPM's own paid completion (001: 91%)",
        "Jordan K (2015). Massive open online course completion rates revisited: assessment, length and "
        "attrition. IRRODL 16(3):341-358. Ahearn A (2019). Moving from 5% to 85% completion rates for online "
        "courses. EdSurge, 6 Jun 2019",
        '"Completion rates (defined as the percentage of enrolled students who completed the course) vary from '
        '0.7% to 52.1%, with a median value of 12.6%." (Jordan); "2U reports completion rates of up to 88 '
        "percent for their online degree programs. Harvard Business School's online programs claim similar "
        'success, with completion rates of 85 percent." (Ahearn)',
    ),
    Pattern(
        "repeat_share",
        N_("Alumnae who completed a second paid programme"),
        "share",
        N_("7-41% of open-course learners take another course (analogue)"),
        0.07,
        0.41,
        "analogue range from open MOOCs (edX): 7-38% return the next year, at most 41% register for two "
        "courses in a year; paid cohorts for mothers may differ",
        "Reich J, Ruipérez-Valiente JA (2019). The MOOC pivot. Science 363(6423):130-131. "
        "doi:10.1126/science.aav7958. Ho AD et al. (2014). HarvardX and MITx: the first year of open online "
        "courses. HarvardX and MITx Working Paper No. 1",
        '"Second-year retention rates have declined with every cohort, from 38% in the first cohort to 7% in '
        'the 2016–2017 cohort." (Reich and Ruipérez-Valiente); "In total, there were 841,687 registrations from '
        '597,692 unique users across the first year of HarvardX and MITx courses." (Ho et al.)',
    ),
    Pattern(
        "registrations_2022_vs_2021",
        N_("Registrations in 2022 over 2021 (the lockdown-era peak)"),
        "ratio",
        N_("below 1: online learning grew in the lockdowns and fell back after"),
        0.0,
        1.0,
        "a stated expectation from analogues (no IPM yearly figures): 2022's registrations below 2021's",
        "Coursera (2020). 2020 Impact Report: serving the world through learning. University Herald (30 Jan "
        "2024). Online learning faces post-pandemic decline: analyzing the shift in enrollment (NCES data)",
        '"Since mid-March, over 21 million learners have joined Coursera, a 353% increase from the same period '
        'last year." (Coursera 2020); "53 percent of U.S. students were enrolled in at least one online course '
        'during this period, marking a decrease from the 59 percent recorded in the fall of 2021." '
        "(University Herald)",
    ),
    Pattern(
        "volunteer_share",
        N_("Volunteers among registered members (end of 2024)"),
        "share",
        N_("about 1% (~100 ambassadors among ~10,000 in a comparable programme): source not found"),
        None,
        None,
        "no band: the comparable programme's figure has no public source (searched in Indonesian and English)",
        "source not found",
        "",
        sourced=False,
    ),
)
BY_NAME = {p.name: p for p in PATTERNS}


def summary_keys() -> list[str]:
    """The ``summary()`` keys of every target (model/targets.py): each run returns them too, for comparisons."""
    from ibusim.model.targets import load

    return list(dict.fromkeys(t.summary for t in load().values()))


def measure(model, posts: np.ndarray | None = None) -> dict[str, float]:
    """Every pattern's value on a finished ``model`` (``posts``: per-mother posts; default ``model.posts``)."""
    from ibusim.model import channels
    from ibusim.model.states import Role

    posts = np.asarray(model.posts if posts is None else posts)
    tg = channels.telegram_group(model)
    mem = model.member_idx
    df = model.dataframe()
    years = pd.to_datetime(df["date"]).dt.year.to_numpy()
    new_reg = df["new_registered"].to_numpy()
    out = {
        "posted_share_telegram": posted_share(posts, tg),
        "posted_share_registered": posted_share(posts, mem),
        "top1_share_telegram": top_share(posts, tg, 0.01),
        "free_completion": completion_share(
            float(df["new_free_class_graduates"].sum()), float(df["new_dropped_free"].sum())
        ),
        "repeat_share": repeat_share(model.done, mem),
        "registrations_2022_vs_2021": year_ratio(new_reg, years, 2022, 2021),
        "volunteer_share": model.n_role(Role.VOLUNTEER) / model.registered if model.registered else math.nan,
    }
    out.update({f"registered_{y}": year_total(new_reg, years, y) for y in range(2020, 2025)})
    return out


def run_patterns(params: dict[str, Any], seed: int) -> dict[str, float]:
    """Runner for :func:`~ibusim.experiments.execution.run_many`: one run's patterns and its target figures."""
    from .core import build_model

    params = dict(params)
    model = build_model(params.pop("scenario", "ipm"), params, seed)
    from_model = hasattr(model, "posts")
    posts = run_counting_posts(model)
    summary = model.summary()
    return {
        **measure(model, posts),
        **{k: float(summary[k]) for k in summary_keys()},
        "posts_from_model": float(from_model),
    }


def evaluate(
    param_sets: Iterable[dict[str, Any]],
    seeds: Iterable[int],
    executor: str = "sequential",
    workers: int | None = None,
    scheduler: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    runner: Callable[[dict, int], dict] = run_patterns,
) -> pd.DataFrame:
    """Run every parameter set at every seed; one row per run, one column per pattern (plus target figures).

    ``param_sets``: dicts of parameter changes, each optionally with ``"scenario"`` (default ``"ipm"``);
    ``seeds``: the seeds, the same for every set (common random numbers). Columns ``set`` (index into
    ``param_sets``) and ``seed`` come first. A failed run raises RuntimeError with its reason.
    """
    sets = [dict(p) for p in param_sets]
    seeds = [int(s) for s in seeds]
    tasks = [{"params": p, "seed": s, "set": i} for i, p in enumerate(sets) for s in seeds]
    return _run(tasks, runner, executor=executor, workers=workers, scheduler=scheduler, limits=limits)


def _run(tasks: list[dict], runner: Callable[[dict, int], dict], **execution: Any) -> pd.DataFrame:
    """Run tasks (``params``, ``seed``, ``set``) through run_many; one row per run, sorted; RuntimeError on failure."""
    results = run_many(tasks, runner, **execution)
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(results)} runs failed; first: {failed[0]['reason']}")
    rows = [{"set": r["set"], "seed": r["seed"], **r["outcomes"]} for r in results]
    return pd.DataFrame(rows).sort_values(["set", "seed"], ignore_index=True)


# ---------------------------------------------------------------- the table

# the verdicts of :func:`summarise` (English keys) as the table shows them
VERDICTS = {
    "gets": N_("gets"),
    "misses": N_("misses"),
    "not measured": N_("not measured"),
    "not a test (source not found)": N_("not a test (source not found)"),
    "not a test (no band)": N_("not a test (no band)"),
}


def _fmt(x: float, unit: str, lang: str = "en") -> str:
    """A share as a percentage with one decimal, a ratio with two, as a reader of ``lang`` writes them."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return gettext(lang)("n/a")
    if lang == "en":  # as the page has always written it
        return f"{100 * x:.1f}%" if unit == "share" else f"{x:.2f}"
    from ibusim.numbers import format_number

    return format_number(float(x), lang, "share" if unit == "share" else "rate", decimals=1 if unit == "share" else 2)


def summarise(values: pd.Series, pattern: Pattern) -> dict[str, Any]:
    """Median, 5% and 95% quantiles, the share of runs inside the band and the verdict for one pattern.

    The verdict is an English key of :data:`VERDICTS` ("gets", "misses", ...), translated where it is shown.
    """
    v = values.dropna().to_numpy(np.float64)
    if v.size == 0:
        return {"median": math.nan, "q05": math.nan, "q95": math.nan, "inside": math.nan, "verdict": "not measured"}
    inside = float(np.mean([pattern.inside(x) for x in v]))
    if not pattern.counted:
        verdict = "not a test (source not found)" if not pattern.sourced else "not a test (no band)"
    else:
        verdict = "gets" if inside >= 0.5 else "misses"
    q05, med, q95 = np.quantile(v, [0.05, 0.5, 0.95])
    return {
        "median": med,
        "q05": q05,
        "q95": q95,
        "inside": inside if pattern.counted else math.nan,
        "verdict": verdict,
    }


def table(df: pd.DataFrame, patterns: Iterable[Pattern] = PATTERNS, lang: str = "en") -> list[str]:
    """Markdown rows: pattern, source, observed and band, simulated median [5%, 95%], share inside, verdict.

    A pattern "gets" when at least half the runs are inside its band (the same rule as the dashboard's
    sweep: a majority of runs), otherwise it "misses"; one without a source or band is shown, not counted.
    In ``lang``: headers, labels, observed values and verdicts translated, numbers as its readers write them.
    """
    from ibusim.numbers import format_number

    _ = gettext(lang)
    lines = [
        _("| pattern | source | observed (band) | simulated median [5%, 95%] | runs inside | verdict |"),
        "|---|---|---|---|---|---|",
    ]
    for p in patterns:
        if p.name not in df:
            continue
        s = summarise(df[p.name], p)
        band = _("no band") if p.low is None else f"{_fmt(p.low, p.unit, lang)}-{_fmt(p.high, p.unit, lang)}"
        cite = p.source.split(". ")[0] if p.sourced else _("source not found")
        if math.isnan(s["inside"]):
            inside = "-"
        elif lang == "en":
            inside = f"{100 * s['inside']:.0f}%"
        else:
            inside = format_number(float(s["inside"]), lang, "share", decimals=0)
        lines.append(
            f"| {_(p.label)} | {cite} | {_(p.observed)} ({band}) | {_fmt(s['median'], p.unit, lang)} "
            f"[{_fmt(s['q05'], p.unit, lang)}, {_fmt(s['q95'], p.unit, lang)}] | {inside} | "
            f"{_(VERDICTS[s['verdict']])} |"
        )
    return lines


def results_section(
    folder: str | Path = "results/calibration-ipm", draws: int = 20, executor: str = "processes", lang: str = "en"
) -> list[str]:
    """results/README.md's section: the secondary patterns and the null model at posterior draws, in ``lang``.

    The runs are ``draws`` draws of the calibration in ``folder`` (experiments/posterior.py, each with
    its own seed), or the ``ipm`` preset at seeds 1..``draws`` when the folder has no posterior.
    """
    from . import nullmodel
    from .posterior import draws as posterior_draws

    folder = Path(folder)
    has_posterior = (folder / "posterior.csv").exists()
    sample = posterior_draws(folder if has_posterior else None, draws, seed=1)
    tasks = [{"params": {"scenario": "ipm", **d.changes}, "seed": d.seed, "set": d.draw} for d in sample]
    df = _run(tasks, run_patterns, executor=executor)
    return section(df, nullmodel.fit(), folder, draws, has_posterior, lang)


def section(df: pd.DataFrame, fit, folder: str | Path, draws: int, posterior: bool, lang: str = "en") -> list[str]:
    """The lines of :func:`results_section` from its runs ``df`` and the null model's ``fit``, in ``lang``.

    ``posterior``: whether the runs are ``draws`` posterior draws from ``folder`` (else the ``ipm`` preset
    at ``draws`` seeds).
    """
    from ibusim.numbers import format_number, format_output

    from . import nullmodel

    _ = gettext(lang)
    n = str(draws) if lang == "en" else format_number(int(draws), lang, "count")
    if posterior:
        where = _("{draws} draws of the posterior in `{folder}` (each with its own seed)")
    else:
        where = _("the `ipm` preset at {draws} seeds (no posterior in `{folder}`)")
    where = where.format(draws=n, folder=folder)
    distance = f"{fit.distance:.3g}" if lang == "en" else format_output(float(fit.distance), "ratio", lang)
    return [
        _("## Secondary patterns (never fitted)"),
        "",
        _("Measured on {where}; sources, quotes and measures in [docs/VALIDATION.md](../docs/VALIDATION.md).").format(
            where=where
        ),
        "",
        *table(df, lang=lang),
        "",
        _("## The null model against the agent-based model"),
        "",
        _(
            "A minimal aggregate difference-equation model (`experiments/nullmodel.py`) fitted to the same figures; "
            "root mean square band-scaled distance {distance}."
        ).format(distance=distance),
        "",
        *nullmodel.parameter_table(fit, lang=lang),
        "",
        *nullmodel.compare_table(df, fit, lang=lang),
        "",
    ]


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - the command behind docs/VALIDATION.md
    """Measure the patterns at a preset (default ``ipm``), seeds 1-20, on worker processes; print the tables.

    Prints the secondary-pattern table, the null model's fit and the null-vs-ABM comparison;
    ``--csv FILE`` also writes the runs (one row per run).
    """
    import argparse

    from . import nullmodel

    ap = argparse.ArgumentParser(prog="python -m ibusim.experiments.secondary")
    ap.add_argument("--scenario", default="ipm")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--executor", default="processes")
    ap.add_argument("--csv")
    a = ap.parse_args(argv)
    df = evaluate([{"scenario": a.scenario}], range(1, a.seeds + 1), executor=a.executor)
    if a.csv:
        df.to_csv(a.csv, index=False)
    print("\n".join(table(df)))
    fr = nullmodel.fit(scenario=a.scenario)
    print()
    print("\n".join(nullmodel.parameter_table(fr)))
    print(f"null model: targets fitted {', '.join(fr.targets)}; rms band-scaled distance {fr.distance:.3g}")
    print()
    print("\n".join(nullmodel.compare_table(df, fr)))
    years = [c for c in df if c.startswith("registered_2")]
    print()
    print("| registrations | " + " | ".join(c[-4:] for c in years) + " |")
    print("|---|" + "---|" * len(years))
    print("| ABM median | " + " | ".join(f"{df[c].median():,.0f}" for c in years) + " |")
    print("| null model | " + " | ".join(f"{fr.outputs.get(c, float('nan')):,.0f}" for c in years) + " |")


if __name__ == "__main__":  # pragma: no cover
    main()
