"""Experiment specs: what a sweep varies, how, and how often.

An experiment is a TOML file::

    [experiment]
    name = "free-class"               # also the default run folder: results/sweep-<name>
    description = "..."               # what it asks, in English
    description_id = "..."            # optional: the same in Bahasa Indonesia
    scenario = "ipm"                  # base scenario (preset name or a scenario .toml)
    design = "full_factorial"         # full_factorial | latin_hypercube | sobol | morris
    samples = 16                      # LHS: points; Sobol: base samples N; Morris: trajectories
    replications = 3                  # runs per design point, each with its own seed
    seed = 12345                      # master seed
    outcomes = ["registered", "completion"]   # summary() keys kept (default: the targets)
    timeseries = ["cum_registered", "n_telegram"]   # optional: weekly series kept, one partition per point
    run_time_limit_s = 600            # optional per-run limits (0: none); a run over one is recorded
    run_memory_limit_mb = 4096        # as failed with the reason, and the sweep goes on

    [fixed]                           # parameter changes applied to every run
    n_mothers = 60000

    [factors.free_class]              # a factor: a list of values ...
    values = [true, false]

    [factors.free_class_size]         # ... or a range (numbers only)
    range = [50, 500]
    levels = 4                        # full factorial only: evenly spaced levels

    [posterior]                       # optional: every design point over the same posterior draws
    folder = "results/calibration-ipm"  # a calibration folder (posterior.csv); relative to the working folder
    draws = 40                        # parameter sets drawn by weight (experiments/posterior.py)

The description is what people read (the results page's heading, ...): whoever shows it calls
:meth:`Spec.describe` with the reader's language, which gives ``description_id`` to an Indonesian
reader and ``description`` to an English one, falling back to the one given when a spec gives only
one (a spec with only ``description`` shows it to everyone). Two flat keys rather than a
``[description]`` table: an older spec stays valid as it is, and each is a plain string.

With ``[posterior]``, each design point runs over the same ``draws`` parameter sets,
each with ``replications`` seeds, and the same seeds at every point (common random
numbers: differences between points are paired); a factor or a ``[fixed]`` change
wins over a draw's value. ``ibusim sweep --posterior FOLDER --draws N`` adds the same
table to the spec kept in the run folder (:func:`with_posterior`), so a rerun with the
same options resumes it and one with other options is refused.

Designs come from scipy.stats.qmc (Latin hypercube) and SALib (Sobol/Saltelli,
Morris); the full factorial is the Cartesian product. Seeds: one per (design
point, replication), spawned from the master seed with numpy's SeedSequence, so
results do not depend on the executor, the number of workers or the order in
which runs finish.

Every problem in a spec (unknown parameter, empty range, bad design name,
replications < 1, ...) raises :class:`SpecError` with one line naming it: ``str(e)`` in
English, :func:`ibusim.i18n.error_text` in the reader's language (the TOML's keys, tables,
parameter names and paths stay as written; numbers are written as that reader writes them).

Limits: a design of more than :data:`MAX_RUNS` runs (points x replications) is refused
before anything is allocated, with the number of runs it would be; a design point whose
model would not fit in the machine's available memory, or needs more than the spec's
``run_memory_limit_mb``, is refused (model/resources.py's estimate);
``name`` must be a plain name (it names the folder ``results/sweep-<name>``, so no path
separators, no leading dot).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ibusim.i18n import N_, Localised, TranslatableError, gettext
from ibusim.model import resources
from ibusim.model.parameters import PARAMS, ParameterError, check, show
from ibusim.model.scenarios import load as load_scenario
from ibusim.model.scenarios import read_toml
from ibusim.model.targets import load as load_targets

DESIGNS = ("full_factorial", "latin_hypercube", "sobol", "morris")
MAX_RUNS = 100_000  # design points x replications; at a few seconds a run, days of computing
SEED_MAX = 2**63 - 1


class SpecError(TranslatableError):
    """A bad experiment spec (one line), a ValueError.

    Raised with an English msgid and its fields (see :class:`ibusim.i18n.TranslatableError`): ``str(e)`` is
    the English line, :func:`ibusim.i18n.error_text` the line in the reader's language. The problems found
    in a spec file read ``experiment spec '<path>': <problem>`` (:data:`M_SPEC`), the problem being itself
    a translatable error (an embedded ParameterError is shown in the reader's language too).
    """


# TRANSLATORS: {path} is the spec file; {problem} is one of the messages below, already translated
M_SPEC = N_("experiment spec '{path}': {problem}")
# TRANSLATORS: the start of a line naming a problem in an experiment spec file (e.g. "... is not valid TOML")
M_SPEC_WHAT = N_("experiment spec '{path}'")
M_NO_FILE = N_("experiment spec '{path}' does not exist")
M_HAS_POSTERIOR = N_(
    "experiment spec '{path}' has a [posterior] table already (folder {folder}); drop --posterior or the table"
)


@dataclass(frozen=True)
class Factor:
    """One factor of a design: explicit values, or a numeric range (with levels for a full factorial)."""

    name: str
    values: tuple | None = None  # explicit values
    low: float | None = None  # or a range
    high: float | None = None
    levels: int | None = None

    @property
    def is_range(self) -> bool:
        """True for a range factor, False for explicit values."""
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
        """The full-factorial levels (or the explicit values)."""
        if not self.is_range:
            return list(self.values)
        x = np.linspace(self.low, self.high, self.levels or 2)
        return [int(round(v)) for v in x] if PARAMS[self.name].type == "int" else [float(v) for v in x]


@dataclass(frozen=True)
class Spec:
    """A validated experiment spec (see the module docstring for the TOML it comes from)."""

    name: str
    description: str  # in English (or whatever the spec's author wrote); see describe()
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
    run_time_limit_s: float | None = None  # per-run limits (None: the sweep's default; 0: no limit)
    run_memory_limit_mb: float | None = None
    posterior: str | None = None  # calibration folder whose posterior draws every point runs over (None: none)
    draws: int | None = None  # posterior draws (with ``posterior``)
    description_id: str = ""  # the description in Bahasa Indonesia ("" when the spec gives none)

    def describe(self, lang: str = "en") -> str:
        """The description for a reader of ``lang`` ("id" or "en"), else the one the spec gives ("" if none)."""
        own = self.description_id if lang == "id" else self.description
        return own or self.description or self.description_id

    def salib_problem(self) -> dict:
        """The SALib problem dict of the range factors."""
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

    def n_points(self) -> int:
        """How many design points :meth:`points` gives, computed without building them."""
        d = len(self.factors)
        if not d:
            return 1
        if self.design == "full_factorial":
            return math.prod(len(f.values) if not f.is_range else (f.levels or 2) for f in self.factors)
        if self.design == "sobol":  # Saltelli without second order: N (d + 2)
            return self.samples * (d + 2)
        if self.design == "morris":  # trajectories of d + 1 points
            return self.samples * (d + 1)
        return self.samples

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
        from .execution import spawn_seeds

        return spawn_seeds(self.seed, n_points * self.replications).reshape(n_points, self.replications)


def _bad(path, msg: str, **fields) -> SpecError:
    """``experiment spec '<path>': <msg>``: ``msg`` an English msgid (``N_``) filled with ``fields``."""
    return SpecError(M_SPEC, path=str(path), problem=TranslatableError(msg, **fields))


def _what(path) -> Localised:
    """``experiment spec '<path>'`` in each language, to start read_toml's lines."""
    return Localised(f"experiment spec '{path}'", lambda lang: gettext(lang)(M_SPEC_WHAT).format(path=path))


def _read_toml(text: str, path) -> dict:
    """The spec's TOML, each failure a SpecError (read_toml's translatable line)."""
    try:
        return read_toml(text, _what(path))
    except ParameterError as e:
        raise SpecError(e.msgid, **e.fields) from None


def _count_field(n: int) -> Localised:
    """A count for a message: ``12,345`` in English, ``12.345`` in Indonesian (huge numbers by :func:`_count`)."""
    from ibusim.numbers import format_number

    english = _count(n)
    return Localised(english, lambda lang: format_number(n, lang, "count") if n.bit_length() <= 128 else english)


def _value_field(name: str, x) -> Localised:
    """A value of parameter ``name`` for a message: ``str(x)`` in English, as a reader of ``lang`` writes it."""
    from ibusim.numbers import format_number, kind_for

    p = PARAMS[name]
    return Localised(str(x), lambda lang: format_number(x, lang, kind_for(p.unit, p.type)))


def load_spec(path: str | Path) -> Spec:
    """Read and validate an experiment spec."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(M_NO_FILE, path=str(path))
    try:
        with open(path, encoding="utf-8", newline="") as fh:  # keep the bytes' line endings
            text = fh.read()
    except UnicodeDecodeError:
        raise _bad(path, N_("is not UTF-8 text")) from None
    data = _read_toml(text, path)
    return parse_spec(data, path, text)


def parse_spec(data: dict, path: str | Path = "<spec>", text: str = "") -> Spec:
    """Validate a spec's parsed TOML (``path`` names it in errors, ``text`` is kept); SpecError on any problem."""
    unknown = set(data) - {"experiment", "fixed", "factors", "posterior"}
    if unknown:
        raise _bad(
            path, N_("unknown table(s) {names} (allowed: experiment, fixed, factors, posterior)"), names=sorted(unknown)
        )
    exp = data.get("experiment", {})
    if not isinstance(exp, dict):
        raise _bad(path, N_("[experiment] must be a table"))
    allowed = {"name", "description", "scenario", "design", "samples", "replications", "seed", "outcomes", "timeseries"}
    allowed |= {"description_id", "run_time_limit_s", "run_memory_limit_mb"}
    extra = set(exp) - allowed
    if extra:
        raise _bad(
            path,
            N_("unknown key(s) {keys} in [experiment] (allowed: {allowed})"),
            keys=sorted(extra),
            allowed=", ".join(sorted(allowed)),
        )
    for key in ("name", "description", "description_id", "scenario", "design"):
        if key in exp and not isinstance(exp[key], str):
            raise _bad(path, N_("{key} = {value} must be a string"), key=key, value=show(exp[key]))
    name = exp.get("name", Path(path).stem)
    if not _plain_name(name):
        raise _bad(
            path,
            N_(
                "name = {value} must be a plain name (it names the folder results/sweep-<name>): "
                "letters, digits, '-', '_', '.', no path separators, not starting with '.'"
            ),
            value=show(name),
        )
    design = exp.get("design", "full_factorial")
    if design not in DESIGNS:
        raise _bad(path, N_("design {value} is not one of {allowed}"), value=show(design), allowed=", ".join(DESIGNS))
    reps = exp.get("replications", 1)
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
        raise _bad(path, N_("{key} = {value} must be an integer >= 1"), key="replications", value=show(reps))
    samples = exp.get("samples", 8)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise _bad(path, N_("{key} = {value} must be an integer >= 1"), key="samples", value=show(samples))
    seed = exp.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= SEED_MAX:
        raise _bad(path, N_("seed = {value} must be an integer in [0, 2**63 - 1]"), value=show(seed))
    scenario = exp.get("scenario", "ipm")
    fixed = data.get("fixed", {})
    if not isinstance(fixed, dict):
        raise _bad(path, N_("[fixed] must be a table of name = value lines"))
    not_params = [show(k) for k in fixed if k not in PARAMS]
    if not_params:
        raise _bad(
            path,
            N_("unknown parameter(s) {names} in [fixed] (the scenario goes in [experiment])"),
            names=", ".join(not_params),
        )
    try:
        load_scenario(scenario, **fixed)
    except ParameterError as e:
        raise SpecError(M_SPEC, path=str(path), problem=e) from None

    factors = []
    raw = data.get("factors", {})
    if not isinstance(raw, dict):
        raise _bad(path, N_("[factors] must hold one table per parameter"))
    for fname, f in raw.items():
        if fname not in PARAMS:
            raise _bad(path, N_("unknown parameter {name} in [factors]"), name=show(fname))
        if fname in fixed:
            raise _bad(path, N_("parameter '{name}' is both fixed and a factor"), name=fname)
        if not isinstance(f, dict) or ("values" in f) == ("range" in f):
            raise _bad(
                path, N_("factor '{name}' needs exactly one of values = [...] or range = [low, high]"), name=fname
            )
        p = PARAMS[fname]
        try:
            if "values" in f:
                vals = f["values"]
                if not isinstance(vals, list) or not vals:
                    raise _bad(path, N_("factor '{name}': values must be a non-empty list"), name=fname)
                factors.append(Factor(fname, values=tuple(check(p, v) for v in vals)))
            else:
                rng_ = f["range"]
                if p.type not in ("int", "float"):
                    raise _bad(path, N_("factor '{name}' is {type}: give values, not a range"), name=fname, type=p.type)
                if not isinstance(rng_, list) or len(rng_) != 2:
                    raise _bad(path, N_("factor '{name}': range must be [low, high]"), name=fname)
                lo, hi = (check(p, v) for v in rng_)
                if not lo < hi:
                    raise _bad(
                        path,
                        N_("factor '{name}': empty range [{low}, {high}] (low must be below high)"),
                        name=fname,
                        low=_value_field(fname, lo),
                        high=_value_field(fname, hi),
                    )
                levels = f.get("levels")
                if levels is not None and (not isinstance(levels, int) or isinstance(levels, bool) or levels < 2):
                    raise _bad(path, N_("factor '{name}': levels must be an integer >= 2"), name=fname)
                factors.append(Factor(fname, low=float(lo), high=float(hi), levels=levels))
        except ParameterError as e:
            raise _bad(path, N_("factor '{name}': {problem}"), name=fname, problem=e) from None
        extra = set(f) - {"values", "range", "levels"}
        if extra:
            raise _bad(
                path,
                N_("factor '{name}': unknown key(s) {keys} (allowed: values, range, levels)"),
                name=fname,
                keys=sorted(extra),
            )
    if design in ("sobol", "morris"):
        if not factors:
            raise _bad(path, N_("design '{design}' needs at least one factor"), design=design)
        cat = [f.name for f in factors if not f.is_range]
        if cat:
            raise _bad(
                path, N_("design '{design}' needs ranges; factor(s) {names} give values"), design=design, names=cat
            )
    if design == "latin_hypercube" and not factors:
        raise _bad(path, N_("design '{design}' needs at least one factor"), design=design)

    known = summary_keys()
    outcomes = exp.get("outcomes", [t.summary for t in load_targets().values()])
    if not isinstance(outcomes, list) or not outcomes or not all(isinstance(o, str) for o in outcomes):
        raise _bad(path, N_("outcomes must be a non-empty list of summary names"))
    bad = [show(o) for o in outcomes if o not in known]
    if bad:
        raise _bad(
            path,
            N_("unknown outcome(s) {names} (allowed: {allowed})"),
            names=", ".join(bad),
            allowed=", ".join(sorted(known)),
        )
    series = exp.get("timeseries", [])
    if not isinstance(series, list) or not all(isinstance(c, str) for c in series):
        raise _bad(path, N_('timeseries must be a list of series names (e.g. ["cum_registered", "n_telegram"])'))
    from ibusim.model.metrics import reporters

    columns = set(reporters()) - {"date"}
    bad_series = [show(c) for c in series if c not in columns]
    if bad_series:
        raise _bad(
            path,
            N_(
                "unknown series {names} in timeseries (allowed: the weekly columns of "
                "'ibusim run', e.g. cum_registered, n_telegram, n_followers)"
            ),
            names=bad_series,
        )
    posterior, draws = _posterior(path, data.get("posterior"))
    spec = Spec(
        name=name,
        description=str(exp.get("description", "")),
        description_id=str(exp.get("description_id", "")),
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
        run_time_limit_s=_limit(path, exp, "run_time_limit_s"),
        run_memory_limit_mb=_limit(path, exp, "run_memory_limit_mb"),
        posterior=posterior,
        draws=draws,
    )
    # the size first: nothing is allocated for a design too large to run
    per_point = reps * (draws or 1)
    runs = spec.n_points() * per_point
    if runs > MAX_RUNS:
        counts = dict(points=_count_field(spec.n_points()), reps=_count_field(reps), runs=_count_field(runs))
        counts["maximum"] = _count_field(MAX_RUNS)
        if draws:
            msg = N_(
                "the design is {points} points x {reps} replications x {draws} posterior draws = {runs} runs, "
                "more than the maximum {maximum}: use fewer levels, samples, replications or draws"
            )
            raise _bad(path, msg, draws=_number(draws, str(draws), "count"), **counts)
        msg = N_(
            "the design is {points} points x {reps} replications = {runs} runs, "
            "more than the maximum {maximum}: use fewer levels, samples, replications or draws"
        )
        raise _bad(path, msg, **counts)
    # every design point as a whole must be a valid parameter set (cross-parameter rules) that fits in memory
    base = load_scenario(scenario, **fixed)
    largest, largest_bytes = None, -1
    for i, point in enumerate(spec.points()):
        try:
            full = load_scenario("baseline", **{**base, **point})
        except ParameterError as e:
            raise _bad(
                path, N_("design point {i} ({point}) is not valid: {problem}"), i=i, point=point, problem=e
            ) from None
        if resources.estimate(full) > largest_bytes:
            largest, largest_bytes = full, resources.estimate(full)
    try:
        resources.check(largest)
    except ParameterError as e:
        raise _bad(path, N_("its largest run: {problem}"), problem=e) from None
    limit = spec.run_memory_limit_mb
    if limit and largest_bytes > limit * 2**20:  # every run would fail on its memory limit
        raise _bad(
            path,
            N_(
                "its largest run (n_mothers = {mothers}, ties_per_side = {ties}) "
                "needs about {mb} MB, over run_memory_limit_mb = {limit}"
            ),
            mothers=_count_field(largest["n_mothers"]),
            ties=largest["ties_per_side"],
            mb=_number(round(largest_bytes / 2**20), f"{largest_bytes / 2**20:,.0f}", "count"),
            limit=_number(limit, f"{limit:g}", "rate"),
        )
    return spec


def _posterior(path, table) -> tuple[str | None, int | None]:
    """The ``[posterior]`` table: (folder, draws), checked (the folder's posterior is read); (None, None) without it."""
    if table is None:
        return None, None
    if not isinstance(table, dict):
        raise _bad(path, N_('[posterior] must be a table with folder = "..." and draws = N'))
    extra = set(table) - {"folder", "draws"}
    if extra:
        raise _bad(path, N_("unknown key(s) {keys} in [posterior] (allowed: draws, folder)"), keys=sorted(extra))
    folder = table.get("folder")
    if not isinstance(folder, str) or not folder.strip() or "\0" in folder:
        raise _bad(path, N_("[posterior] folder = {value} must name a calibration folder"), value=show(folder))
    draws = table.get("draws", 40)
    if not isinstance(draws, int) or isinstance(draws, bool) or not 1 <= draws <= MAX_RUNS:
        raise _bad(
            path,
            N_("[posterior] draws = {value} must be an integer in [1, {maximum}]"),
            value=show(draws),
            maximum=_count_field(MAX_RUNS),
        )
    from .posterior import load_posterior

    try:
        load_posterior(folder)
    except ParameterError as e:
        raise _bad(path, N_("[posterior]: {problem}"), problem=e) from None
    return folder, draws


def with_posterior(spec: Spec, folder: str | Path, draws: int | None = None) -> Spec:
    """``spec`` with a ``[posterior]`` table added to its text (``ibusim sweep --posterior``), parsed again.

    The run folder keeps the new text, so a rerun with the same options resumes the sweep. A spec that
    has a ``[posterior]`` table already is refused (one place says which posterior).
    """
    if spec.posterior is not None:
        raise SpecError(M_HAS_POSTERIOR, path=spec.name, folder=repr(spec.posterior))
    text = spec.source + ("" if spec.source.endswith("\n") or not spec.source else "\n")
    text += f"\n[posterior]  # added by ibusim sweep --posterior\nfolder = {json.dumps(str(folder))}\n"
    text += f"draws = {int(draws if draws is not None else 40)}\n"
    data = _read_toml(text, spec.name)
    data.setdefault("experiment", {}).setdefault("name", spec.name)  # the name the spec had from its file name
    return parse_spec(data, spec.name, text)


def _count(n: int) -> str:
    """A count with thousands separators (a number too large for that by its size)."""
    return f"{n:,}" if n.bit_length() <= 128 else show(n)


def _number(x: float | int, english: str, kind: str) -> Localised:
    """A number for a message: ``english`` in English, ``format_number(x, lang, kind)`` in another language."""
    from ibusim.numbers import format_number

    return Localised(english, lambda lang: format_number(x, lang, kind))


def _plain_name(name) -> bool:
    """A name that can stand as one folder name under results/."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= 100
        and not name.startswith(".")
        and name.strip() == name
        and not any(c in name for c in "/\\:")
        and name.isprintable()
    )


def _limit(path, exp: dict, key: str) -> float | None:
    """A per-run limit from [experiment]: a finite number >= 0 (0: no limit), or None when not given."""
    x = exp.get(key)
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= 1e12:  # a huge int: no OverflowError
        raise _bad(path, N_("{key} = {value} must be a number in [0, 1e12] (0: no limit)"), key=key, value=show(x))
    return float(x)


_SUMMARY_KEYS: set[str] | None = None


def summary_keys() -> set[str]:
    """The names ``run_one`` returns (from a tiny model)."""
    global _SUMMARY_KEYS
    if _SUMMARY_KEYS is None:
        from ibusim.model import CommunityModel

        _SUMMARY_KEYS = set(CommunityModel(preset="baseline", rng=0, n_mothers=100, end="2020-04").summary())
    return _SUMMARY_KEYS


def is_nan(x) -> bool:
    """True for a float NaN."""
    return isinstance(x, float) and math.isnan(x)


def check_outcomes_defined(spec: Spec, runner=None) -> None:
    """Refuse outcomes that are undefined (NaN) in a pilot run of the design's first point.

    A Sobol or Morris index needs its outcome in every run; without this check an outcome that is
    NaN (e.g. a share of nobody) fails only after the whole sweep. The pilot is one run of point 0
    with the sweep's first seed (``runner(params, seed)``, default ``core.run_one``), so the sweep
    itself repeats it; it cannot prove an outcome defined at every other point.
    """
    from .core import run_one

    point = spec.points()[0]
    seed = int(spec.seeds(1)[0, 0])
    result = (runner or run_one)({"scenario": spec.scenario, **spec.fixed, **point}, seed)
    undefined = [o for o in spec.outcomes if is_nan(result.get(o, math.nan))]
    if undefined:
        raise _bad(
            spec.name,
            N_(
                "outcome(s) {names} are undefined (NaN) in a pilot run of design point 0 ({point}); "
                "a sensitivity index needs an outcome defined in every run: choose others"
            ),
            names=", ".join(undefined),
            point=point,
        )
