"""Experiment specs: what a sweep varies, how, and how often.

An experiment is a TOML file::

    [experiment]
    name = "free-class"               # also the default run folder: results/sweep-<name>
    description = "..."
    scenario = "ipm"                  # base scenario (preset name or a scenario .toml)
    design = "full_factorial"         # full_factorial | latin_hypercube | sobol | morris
    samples = 16                      # LHS: points; Sobol: base samples N; Morris: trajectories
    replications = 3                  # runs per design point, each with its own seed
    seed = 12345                      # master seed
    outcomes = ["registered", "completion"]   # summary() keys kept (default: the targets)
    timeseries = ["cum_registered", "n_telegram"]   # optional: weekly series kept, one partition per point

    [fixed]                           # parameter changes applied to every run
    n_mothers = 60000

    [factors.free_class]              # a factor: a list of values ...
    values = [true, false]

    [factors.free_class_size]         # ... or a range (numbers only)
    range = [50, 500]
    levels = 4                        # full factorial only: evenly spaced levels

Designs come from scipy.stats.qmc (Latin hypercube) and SALib (Sobol/Saltelli,
Morris); the full factorial is the Cartesian product. Seeds: one per (design
point, replication), spawned from the master seed with numpy's SeedSequence, so
results do not depend on the executor, the number of workers or the order in
which runs finish.

Every problem in a spec (unknown parameter, empty range, bad design name,
replications < 1, ...) raises :class:`SpecError` with one line naming it.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ibusim.model.parameters import PARAMS, ParameterError, check
from ibusim.model.scenarios import load as load_scenario
from ibusim.model.targets import load as load_targets

DESIGNS = ("full_factorial", "latin_hypercube", "sobol", "morris")


class SpecError(ValueError):
    """A bad experiment spec (one line)."""


@dataclass(frozen=True)
class Factor:
    name: str
    values: tuple | None = None  # explicit values
    low: float | None = None  # or a range
    high: float | None = None
    levels: int | None = None

    @property
    def is_range(self) -> bool:
        return self.values is None

    def scale(self, u: np.ndarray) -> list:
        """Map unit-interval samples to parameter values."""
        p = PARAMS[self.name]
        if self.is_range:
            x = self.low + u * (self.high - self.low)
            return [int(round(v)) for v in x] if p.type == "int" else [float(v) for v in x]
        k = len(self.values)
        return [self.values[min(int(v * k), k - 1)] for v in u]

    def grid(self) -> list:
        if not self.is_range:
            return list(self.values)
        x = np.linspace(self.low, self.high, self.levels or 2)
        return [int(round(v)) for v in x] if PARAMS[self.name].type == "int" else [float(v) for v in x]


@dataclass(frozen=True)
class Spec:
    name: str
    description: str
    scenario: str
    design: str
    samples: int
    replications: int
    seed: int
    outcomes: tuple[str, ...]
    fixed: dict = field(default_factory=dict)
    factors: tuple[Factor, ...] = ()
    source: str = ""  # the TOML text, kept in the run folder
    timeseries: tuple[str, ...] = ()  # DataCollector columns kept per week (empty: none)

    def salib_problem(self) -> dict:
        return {
            "num_vars": len(self.factors),
            "names": [f.name for f in self.factors],
            "bounds": [[f.low, f.high] for f in self.factors],
        }

    def unit_samples(self) -> np.ndarray:
        """Design points in the unit hypercube (rows), deterministic in the master seed."""
        d = len(self.factors)
        if self.design == "latin_hypercube":
            from scipy.stats import qmc

            return qmc.LatinHypercube(d=d, seed=self.seed).random(self.samples)
        problem = {"num_vars": d, "names": [f.name for f in self.factors], "bounds": [[0.0, 1.0]] * d}
        if self.design == "sobol":
            from SALib.sample import sobol

            return sobol.sample(problem, self.samples, calc_second_order=False, seed=self.seed)
        if self.design == "morris":
            from SALib.sample import morris

            return morris.sample(problem, self.samples, num_levels=4, seed=self.seed)
        raise AssertionError(self.design)

    def points(self) -> list[dict[str, Any]]:
        """The design points: one dict of factor values each (before replication)."""
        if not self.factors:
            return [{}]
        if self.design == "full_factorial":
            grids = [f.grid() for f in self.factors]
            return [dict(zip((f.name for f in self.factors), combo)) for combo in itertools.product(*grids)]
        u = self.unit_samples()
        columns = [f.scale(u[:, j]) for j, f in enumerate(self.factors)]
        return [dict(zip((f.name for f in self.factors), row)) for row in zip(*columns)]

    def seeds(self, n_points: int) -> np.ndarray:
        """Seed of run (point i, replication r) at [i, r]: spawned from the master seed."""
        children = np.random.SeedSequence(self.seed).spawn(n_points * self.replications)
        return np.array([c.generate_state(1, np.uint32)[0] for c in children], dtype=np.int64).reshape(
            n_points, self.replications
        )


def _bad(path, msg) -> SpecError:
    return SpecError(f"experiment spec '{path}': {msg}")


def load_spec(path: str | Path) -> Spec:
    """Read and validate an experiment spec."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"experiment spec '{path}' does not exist")
    try:
        with open(path, encoding="utf-8", newline="") as fh:  # keep the bytes' line endings
            text = fh.read()
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise _bad(path, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise _bad(path, f"not valid TOML: {e}") from None
    return parse_spec(data, path, text)


def parse_spec(data: dict, path: str | Path = "<spec>", text: str = "") -> Spec:
    unknown = set(data) - {"experiment", "fixed", "factors"}
    if unknown:
        raise _bad(path, f"unknown table(s) {sorted(unknown)} (allowed: experiment, fixed, factors)")
    exp = data.get("experiment", {})
    if not isinstance(exp, dict):
        raise _bad(path, "[experiment] must be a table")
    allowed = {"name", "description", "scenario", "design", "samples", "replications", "seed", "outcomes", "timeseries"}
    extra = set(exp) - allowed
    if extra:
        raise _bad(path, f"unknown key(s) {sorted(extra)} in [experiment] (allowed: {', '.join(sorted(allowed))})")
    name = str(exp.get("name", Path(path).stem))
    design = exp.get("design", "full_factorial")
    if design not in DESIGNS:
        raise _bad(path, f"design '{design}' is not one of {', '.join(DESIGNS)}")
    reps = exp.get("replications", 1)
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
        raise _bad(path, f"replications = {reps!r} must be an integer >= 1")
    samples = exp.get("samples", 8)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise _bad(path, f"samples = {samples!r} must be an integer >= 1")
    seed = exp.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise _bad(path, f"seed = {seed!r} must be a non-negative integer")
    scenario = str(exp.get("scenario", "ipm"))
    fixed = data.get("fixed", {})
    if not isinstance(fixed, dict):
        raise _bad(path, "[fixed] must be a table of name = value lines")
    not_params = [k for k in fixed if k not in PARAMS]
    if not_params:
        raise _bad(path, f"unknown parameter(s) {not_params} in [fixed] (the scenario goes in [experiment])")
    try:
        load_scenario(scenario, **fixed)
    except ParameterError as e:
        raise _bad(path, str(e)) from None

    factors = []
    raw = data.get("factors", {})
    if not isinstance(raw, dict):
        raise _bad(path, "[factors] must hold one table per parameter")
    for fname, f in raw.items():
        if fname not in PARAMS:
            raise _bad(path, f"unknown parameter '{fname}' in [factors]")
        if fname in fixed:
            raise _bad(path, f"parameter '{fname}' is both fixed and a factor")
        if not isinstance(f, dict) or ("values" in f) == ("range" in f):
            raise _bad(path, f"factor '{fname}' needs exactly one of values = [...] or range = [low, high]")
        p = PARAMS[fname]
        try:
            if "values" in f:
                vals = f["values"]
                if not isinstance(vals, list) or not vals:
                    raise _bad(path, f"factor '{fname}': values must be a non-empty list")
                factors.append(Factor(fname, values=tuple(check(p, v) for v in vals)))
            else:
                rng_ = f["range"]
                if p.type not in ("int", "float"):
                    raise _bad(path, f"factor '{fname}' is {p.type}: give values, not a range")
                if not isinstance(rng_, list) or len(rng_) != 2:
                    raise _bad(path, f"factor '{fname}': range must be [low, high]")
                lo, hi = (check(p, v) for v in rng_)
                if not lo < hi:
                    raise _bad(path, f"factor '{fname}': empty range [{lo}, {hi}] (low must be below high)")
                levels = f.get("levels")
                if levels is not None and (not isinstance(levels, int) or levels < 2):
                    raise _bad(path, f"factor '{fname}': levels must be an integer >= 2")
                factors.append(Factor(fname, low=float(lo), high=float(hi), levels=levels))
        except ParameterError as e:
            raise _bad(path, f"factor '{fname}': {e}") from None
        extra = set(f) - {"values", "range", "levels"}
        if extra:
            raise _bad(path, f"factor '{fname}': unknown key(s) {sorted(extra)} (allowed: values, range, levels)")
    if design in ("sobol", "morris"):
        if not factors:
            raise _bad(path, f"design '{design}' needs at least one factor")
        cat = [f.name for f in factors if not f.is_range]
        if cat:
            raise _bad(path, f"design '{design}' needs ranges; factor(s) {cat} give values")
    if design == "latin_hypercube" and not factors:
        raise _bad(path, "design 'latin_hypercube' needs at least one factor")

    known = summary_keys()
    outcomes = exp.get("outcomes", [t.summary for t in load_targets().values()])
    if not isinstance(outcomes, list) or not outcomes:
        raise _bad(path, "outcomes must be a non-empty list of summary names")
    bad = [o for o in outcomes if o not in known]
    if bad:
        raise _bad(path, f"unknown outcome(s) {bad} (allowed: {', '.join(sorted(known))})")
    series = exp.get("timeseries", [])
    if not isinstance(series, list) or not all(isinstance(c, str) for c in series):
        raise _bad(path, 'timeseries must be a list of series names (e.g. ["cum_registered", "n_telegram"])')
    from ibusim.model.metrics import reporters

    columns = set(reporters()) - {"date"}
    bad_series = [c for c in series if c not in columns]
    if bad_series:
        raise _bad(
            path,
            f"unknown series {bad_series} in timeseries (allowed: the weekly columns of "
            "'ibusim run', e.g. cum_registered, n_telegram, n_followers)",
        )
    spec = Spec(
        name=name,
        description=str(exp.get("description", "")),
        scenario=scenario,
        design=design,
        samples=samples,
        replications=reps,
        seed=seed,
        outcomes=tuple(outcomes),
        fixed=dict(fixed),
        factors=tuple(factors),
        source=text,
        timeseries=tuple(dict.fromkeys(series)),
    )
    # every design point as a whole must be a valid parameter set (cross-parameter rules)
    base = load_scenario(scenario, **fixed)
    for i, point in enumerate(spec.points()):
        try:
            load_scenario("baseline", **{**base, **point})
        except ParameterError as e:
            raise _bad(path, f"design point {i} ({point}) is not valid: {e}") from None
    return spec


_SUMMARY_KEYS: set[str] | None = None


def summary_keys() -> set[str]:
    """The names ``run_one`` returns (from a tiny model)."""
    global _SUMMARY_KEYS
    if _SUMMARY_KEYS is None:
        from ibusim.model import CommunityModel

        _SUMMARY_KEYS = set(CommunityModel(preset="baseline", rng=0, n_mothers=100, end="2020-04").summary())
    return _SUMMARY_KEYS


def is_nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)
