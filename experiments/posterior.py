"""Posterior draws: a calibration's weighted particles turned into parameter sets to run.

    from ibusim.experiments.posterior import load_posterior, draws
    post = load_posterior("results/calibration-ipm")
    for d in draws(post, n=100, seed=1):
        run_one({"scenario": "ipm", **d.changes}, d.seed)

A calibration folder (``ibusim calibrate``, experiments/calibrate.py) holds
``posterior.csv``: one column per calibrated parameter and ``weight``, the
particles' importance weights (any positive scale). :func:`load_posterior` reads
and checks it (one-line :class:`PosteriorError` for a missing folder or file,
a parameter not declared in model/parameters.py, a weight that is not positive,
a NaN, a value out of the parameter's bounds); the folder's ``setup.json``, when
it names fixed changes (``ibusim calibrate --set``), adds them to every draw,
since the posterior holds only under them.

:func:`draws` resamples ``n`` particles with probability proportional to their
weights (with replacement) and pairs each with model seeds. Both come from
``seed`` through :func:`ibusim.experiments.execution.spawn_seeds`: the first
seed spawned drives the resampling, the second is the master of the model
seeds. The draws are reproducible and nested: the first ``k`` draws of ``n``
are the ``k`` draws of a request for ``k`` (numpy's weighted choice and
SeedSequence's spawning both extend a sequence without changing its start).

Everything that runs over a posterior (``ibusim forecast``, ``ibusim compare
--posterior``, ``ibusim sweep --posterior``) calls :func:`draws` and
:func:`tasks_over`, so every variant or design point sees the same parameter
sets with the same seeds (common random numbers): differences between them
are paired.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ibusim.i18n import N_, Localised, number
from ibusim.model.parameters import PARAMS, ParameterError, check, show
from ibusim.model.scenarios import load as load_scenario

from .execution import spawn_seeds

FILE = "posterior.csv"
SETUP = "setup.json"
WEIGHT = "weight"


class PosteriorError(ParameterError):
    """A posterior that cannot be used (one line naming the problem, in each reader's language: ``error_text``)."""


# TRANSLATORS: {problem} is the CSV reader's own words
M_NOT_CSV = N_("posterior '{path}' is not a readable CSV file ({problem})")


def _count(n: int) -> Localised:
    """A row, draw or particle number for a message, written as each reader writes it."""
    return number(int(n), "count", english=str(int(n)))


def _row(i: int) -> Localised:
    """Row ``i`` (counted from 0) of the CSV file as a reader counts it (from 1)."""
    return _count(i + 1)


def _g(x: float) -> Localised:
    """A value of the file for a message: ``{x:g}`` in English, as each reader writes it in another language."""
    return number(float(x), "rate", english=f"{float(x):g}")


@dataclass(frozen=True)
class Posterior:
    """A calibration's weighted particles: ``values`` (one column per parameter), weights summing to 1."""

    folder: Path
    values: pd.DataFrame
    weights: np.ndarray
    fixed: dict[str, Any] = field(default_factory=dict)  # the calibration's fixed changes (setup.json)
    scenario: str | None = None  # the scenario the calibration ran on (setup.json), if it says

    @property
    def params(self) -> list[str]:
        """The calibrated parameters, in the file's column order."""
        return list(self.values.columns)

    def effective_size(self) -> float:
        """Kish's effective sample size of the weights, 1 / sum(w^2)."""
        return float(1.0 / np.sum(self.weights**2))


@dataclass(frozen=True)
class Draw:
    """One posterior draw: its number, the particle (row of posterior.csv) drawn, its model seed, its changes."""

    draw: int
    particle: int
    replication: int  # the seed's number within the draw (0 .. seeds_per_draw - 1)
    seed: int
    changes: dict[str, Any]


def load_posterior(folder: str | Path) -> Posterior:
    """Read and check a calibration folder's ``posterior.csv`` (or that file itself); PosteriorError if unusable."""
    path = Path(folder)
    if path.is_dir():
        folder, path = path, path / FILE
    else:
        folder = path.parent
    if not folder.is_dir():
        raise PosteriorError(
            N_("posterior folder '{folder}' does not exist (give a calibration folder, e.g. results/calibration-ipm)"),
            folder=str(folder),
        )
    if not path.is_file():
        raise PosteriorError(N_("posterior '{path}' does not exist (ibusim calibrate writes it)"), path=str(path))
    try:
        df = pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as e:
        first = (str(e).strip().splitlines() or ["unreadable"])[0]
        raise PosteriorError(M_NOT_CSV, path=str(path), problem=first) from None
    if WEIGHT not in df.columns:
        raise PosteriorError(
            N_("posterior '{path}' has no '{weight}' column (columns: {columns})"),
            path=str(path),
            weight=WEIGHT,
            columns=", ".join(map(str, df.columns)),
        )
    params = [c for c in df.columns if c != WEIGHT]
    if not params:
        raise PosteriorError(
            N_("posterior '{path}' has no parameter columns, only '{weight}'"), path=str(path), weight=WEIGHT
        )
    unknown = [str(c) for c in params if c not in PARAMS]
    if unknown:
        raise PosteriorError(
            N_("posterior '{path}': unknown parameter(s) {names} (not in model/parameters.py)"),
            path=str(path),
            names=", ".join(map(show, unknown)),
        )
    if df.empty:
        raise PosteriorError(N_("posterior '{path}' has no particles (no rows)"), path=str(path))
    for c in df.columns:
        x = pd.to_numeric(df[c], errors="coerce")
        bad = x.isna() | ~np.isfinite(x.to_numpy(float, na_value=np.nan))
        if bad.any():
            row = int(np.nonzero(bad.to_numpy())[0][0])
            raise PosteriorError(
                N_("posterior '{path}': column '{column}' row {row} is {value}, not a finite number"),
                path=str(path),
                column=c,
                row=_row(row),
                value=show(df[c].iloc[row]),
            )
        df[c] = x.astype(float)
    w = df[WEIGHT].to_numpy(float)
    if (w <= 0).any():
        row = int(np.nonzero(w <= 0)[0][0])
        raise PosteriorError(
            N_("posterior '{path}': weight in row {row} is {weight}; weights must be > 0"),
            path=str(path),
            row=_row(row),
            weight=_g(w[row]),
        )
    values = df[params].copy()
    for c in params:
        p = PARAMS[c]
        if p.type not in ("int", "float"):
            raise PosteriorError(
                # TRANSLATORS: {type} is the parameter's type as the code names it (bool, choice, month, ...)
                N_("posterior '{path}': parameter '{name}' is {type}, not a number to calibrate"),
                path=str(path),
                name=c,
                type=p.type,
            )
        lo, hi = p.bounds
        out = (values[c] < lo) | (values[c] > hi)
        if out.any():
            row = int(np.nonzero(out.to_numpy())[0][0])
            raise PosteriorError(
                N_("posterior '{path}': {name} = {value} in row {row} is outside its bounds [{low}, {high}]"),
                path=str(path),
                name=c,
                value=_g(values[c].iloc[row]),
                row=_row(row),
                low=_g(lo),
                high=_g(hi),
            )
    fixed, scenario = _setup(folder)
    return Posterior(folder, values.reset_index(drop=True), w / w.sum(), fixed, scenario)


def as_posterior(posterior: Posterior | str | Path | None) -> Posterior | None:
    """A Posterior as given, one loaded from a folder or file (:func:`load_posterior`), or None for None."""
    if posterior is None or isinstance(posterior, Posterior):
        return posterior
    return load_posterior(posterior)


def _setup(folder: Path) -> tuple[dict[str, Any], str | None]:
    """The calibration's fixed changes and scenario from ``setup.json`` (none when it is absent or says none)."""
    path = folder / SETUP
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise PosteriorError(N_("'{path}' is not JSON"), path=str(path)) from None
    if not isinstance(data, dict):
        return {}, None
    fixed = data.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise PosteriorError(N_("'{path}': 'fixed' must be an object of parameter changes"), path=str(path))
    unknown = [k for k in fixed if k not in PARAMS]
    if unknown:
        raise PosteriorError(
            N_("'{path}': unknown fixed parameter(s) {names}"), path=str(path), names=", ".join(map(show, unknown))
        )
    try:
        fixed = {k: check(PARAMS[k], v) for k, v in fixed.items()}
    except ParameterError as e:
        raise PosteriorError(N_("'{path}': {problem}"), path=str(path), problem=e) from None
    scenario = data.get("scenario")
    return fixed, scenario if isinstance(scenario, str) else None


def _value(name: str, x: float) -> Any:
    """A particle's value as its parameter's type (integers rounded), checked against the bounds."""
    p = PARAMS[name]
    return check(p, int(round(x)) if p.type == "int" else float(x))


def draws(posterior: Posterior | str | Path | None, n: int, seed: int = 1, seeds_per_draw: int = 1) -> list[Draw]:
    """``n`` parameter sets resampled by weight, each with ``seeds_per_draw`` model seeds (reproducible in ``seed``).

    Returns ``n * seeds_per_draw`` :class:`Draw` objects, draw-major; ``Draw.changes`` holds the
    calibration's fixed changes and the particle's values, to merge over a scenario. With
    ``posterior=None`` every draw is the scenario's own values (no changes, particle -1) with the
    same seeds: seed noise only.
    """
    post = as_posterior(posterior)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise PosteriorError(N_("draws = {n} must be an integer >= 1"), n=show(n))
    if not isinstance(seeds_per_draw, int) or isinstance(seeds_per_draw, bool) or seeds_per_draw < 1:
        raise PosteriorError(N_("seeds per draw = {n} must be an integer >= 1"), n=show(seeds_per_draw))
    pick_seed, model_master = (int(s) for s in spawn_seeds(seed, 2))
    if post is None:
        rows = np.full(n, -1)
    else:
        rows = np.random.default_rng(pick_seed).choice(len(post.weights), size=n, replace=True, p=post.weights)
    seeds = spawn_seeds(model_master, n * seeds_per_draw).reshape(n, seeds_per_draw)
    particles: dict[int, dict[str, Any]] = {}  # each particle's changes, converted once
    out = []
    for d, row in enumerate(rows.tolist()):
        if row not in particles:
            values = {} if post is None else {c: _value(c, post.values.at[row, c]) for c in post.params}
            particles[row] = {**(post.fixed if post is not None else {}), **values}
        changes = particles[row]
        for r in range(seeds_per_draw):
            out.append(Draw(d, int(row), r, int(seeds[d, r]), changes))
    return out


def check_draws(scenario: str, base: dict[str, Any], sample: list[Draw]) -> None:
    """Refuse (one line) draws that are not valid over ``scenario`` with ``base`` changes (cross-parameter rules)."""
    seen = set()
    for d in sample:
        if d.particle in seen:
            continue
        seen.add(d.particle)
        try:
            load_scenario(scenario, **{**d.changes, **base})
        except ParameterError as e:
            raise PosteriorError(
                N_("posterior draw {draw} (particle {particle}) over '{scenario}': {problem}"),
                draw=_count(d.draw),
                particle=_count(d.particle),
                scenario=scenario,
                problem=e,
            ) from None


def tasks_over(sample: list[Draw], params: dict[str, Any], **keep: Any) -> list[dict[str, Any]]:
    """One run task per draw: ``params`` (scenario and changes) over the draw's values, the draw's seed.

    The explicit changes in ``params`` win over a draw's (a comparison that sets a calibrated
    parameter means it). ``replication`` numbers the runs across draws, so paired differences line
    up; ``keep`` is copied into every task (e.g. ``point``).
    """
    per = max(d.replication for d in sample) + 1 if sample else 1
    scenario = params.get("scenario", "ipm")
    rest = {k: v for k, v in params.items() if k != "scenario"}
    return [
        {
            **keep,
            "replication": d.draw * per + d.replication,
            "draw": d.draw,
            "particle": d.particle,
            "seed": d.seed,
            "params": {"scenario": scenario, **d.changes, **rest},
        }
        for d in sample
    ]


def describe(post: Posterior) -> str:
    """One line: the folder, particles, parameters and the effective sample size."""
    return (
        f"posterior {post.folder}: {len(post.weights)} particles (effective {post.effective_size():.0f}) of "
        f"{len(post.params)} parameters: {', '.join(post.params)}"
        + (f"; fixed: {', '.join(f'{k}={v}' for k, v in post.fixed.items())}" if post.fixed else "")
    )
