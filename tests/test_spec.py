"""Experiment specs (experiments/spec.py): TOML parsing, designs, seeds, and one-line SpecErrors."""

from __future__ import annotations

import itertools
import pickle
import textwrap
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import qmc

from ibusim.experiments.spec import DESIGNS, SpecError, load_spec, parse_spec, summary_keys
from ibusim.experiments.sweep import tasks
from ibusim.i18n import TranslatableError, error_text
from ibusim.model.parameters import PARAMS

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def spec_of(design: str, factors: str, samples: int = 8, seed: int = 42, replications: int = 2):
    return parse_spec(
        tomllib.loads(
            textwrap.dedent(f"""
        [experiment]
        design = "{design}"
        samples = {samples}
        seed = {seed}
        replications = {replications}
        outcomes = ["registered"]
        """)
            + textwrap.dedent(factors)
        )
    )


TWO_RANGES = """
    [factors.wom_rate]
    range = [0.1, 0.5]
    [factors.free_class_size]
    range = [50, 300]
    """
THREE_RANGES = (
    TWO_RANGES
    + """
    [factors.media_reach]
    range = [0.0, 0.4]
    """
)


# ---------------------------------------------------------------- example specs
@pytest.mark.parametrize(
    "name, points, reps, design", [("free_class", 6, 3, "full_factorial"), ("brand_budget", 16, 2, "latin_hypercube")]
)
def test_example_specs_load(name, points, reps, design):
    spec = load_spec(ROOT / "experiments" / f"{name}.toml")
    assert spec.design == design and spec.replications == reps
    assert len(spec.points()) == points
    assert len(tasks(spec)) == points * reps
    assert set(spec.outcomes) <= summary_keys()
    assert spec.source == (ROOT / "experiments" / f"{name}.toml").read_text(encoding="utf-8")


SHIPPED = sorted((ROOT / "experiments").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_specs_describe_themselves_in_both_languages(path):
    spec = load_spec(path)
    assert spec.description and spec.description_id and spec.description != spec.description_id
    assert spec.describe("en") == spec.description and spec.describe("id") == spec.description_id


def test_kept_copies_of_the_example_analyses_are_their_specs():
    """The committed run folders keep the spec as given: a rerun of experiments/report.py resumes them."""
    for folder in sorted((ROOT / "results").glob("sensitivity-*")):
        kept = (folder / "spec.toml").read_bytes()
        assert kept in [p.read_bytes() for p in SHIPPED], folder.name


def test_description_in_the_readers_language_falling_back_to_the_one_given(tmp_path):
    both = load_spec(write(tmp_path, '[experiment]\ndescription = "Free class"\ndescription_id = "Kelas gratis"\n'))
    assert (both.describe("en"), both.describe("id")) == ("Free class", "Kelas gratis")
    english = load_spec(write(tmp_path, '[experiment]\ndescription = "Free class"\n'))  # as before: still valid
    assert english.description_id == "" and english.describe("id") == english.describe("en") == "Free class"
    indonesian = load_spec(write(tmp_path, '[experiment]\ndescription_id = "Kelas gratis"\n'))
    assert indonesian.describe("en") == indonesian.describe("id") == "Kelas gratis"
    assert load_spec(write(tmp_path, "[experiment]\n")).describe("id") == ""
    with pytest.raises(SpecError, match=r"description_id = 3 must be a string"):
        load_spec(write(tmp_path, "[experiment]\ndescription_id = 3\n"))


def test_brand_budget_points_lie_in_their_ranges_with_integer_brands():
    pts = load_spec(ROOT / "experiments" / "brand_budget.toml").points()
    assert all(500000 <= p["brand_budget"] <= 20000000 for p in pts)
    assert all(type(p["n_brands"]) is int and 1 <= p["n_brands"] <= 20 for p in pts)
    assert all(type(p["brand_budget"]) is float for p in pts)


# ---------------------------------------------------------------- full factorial
def test_full_factorial_with_values_is_the_cartesian_product_first_factor_slowest():
    spec = spec_of(
        "full_factorial",
        """
        [factors.free_class]
        values = [true, false]
        [factors.free_class_size]
        values = [50, 150, 300]
        """,
    )
    expected = [{"free_class": a, "free_class_size": b} for a, b in itertools.product([True, False], [50, 150, 300])]
    assert spec.points() == expected


def test_full_factorial_range_with_levels_is_evenly_spaced():
    spec = spec_of(
        "full_factorial",
        """
        [factors.wom_rate]
        range = [0.1, 0.4]
        levels = 4
        [factors.free_class_size]
        range = [50, 300]
        levels = 3
        """,
    )
    pts = spec.points()
    assert len(pts) == 12
    assert sorted({p["wom_rate"] for p in pts}) == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert sorted({p["free_class_size"] for p in pts}) == [50, 175, 300]
    assert all(type(p["free_class_size"]) is int and type(p["wom_rate"]) is float for p in pts)


def test_full_factorial_range_without_levels_uses_both_ends():
    spec = spec_of("full_factorial", "[factors.wom_rate]\nrange = [0.1, 0.4]\n")
    assert spec.points() == [{"wom_rate": 0.1}, {"wom_rate": 0.4}]


def test_no_factors_is_one_point():
    spec = parse_spec({"experiment": {"replications": 3, "outcomes": ["registered"]}, "fixed": {"n_mothers": 3000}})
    assert spec.points() == [{}]
    ts = tasks(spec)
    assert [(t["point"], t["replication"]) for t in ts] == [(0, 0), (0, 1), (0, 2)]
    assert all(t["params"] == {"scenario": "ipm", "n_mothers": 3000} for t in ts)


# ---------------------------------------------------------------- Latin hypercube
def test_latin_hypercube_is_scipy_qmc_scaled_to_the_ranges():
    spec = spec_of("latin_hypercube", TWO_RANGES, samples=10, seed=5)
    u = qmc.LatinHypercube(d=2, seed=5).random(10)
    pts = spec.points()
    assert len(pts) == 10
    assert [p["wom_rate"] for p in pts] == pytest.approx(list(0.1 + u[:, 0] * 0.4))
    assert [p["free_class_size"] for p in pts] == [int(round(v)) for v in 50 + u[:, 1] * 250]


def test_latin_hypercube_puts_one_point_in_each_stratum():
    spec = spec_of("latin_hypercube", THREE_RANGES, samples=16, seed=9)
    u = spec.unit_samples()
    assert u.shape == (16, 3)
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 16).astype(int)) == list(range(16))


def test_latin_hypercube_maps_a_value_list_onto_its_values():
    spec = spec_of(
        "latin_hypercube",
        """
        [factors.wom_rate]
        range = [0.1, 0.5]
        [factors.mixing]
        values = ["network", "homogeneous"]
        """,
        samples=20,
    )
    mix = [p["mixing"] for p in spec.points()]
    assert set(mix) == {"network", "homogeneous"}
    assert mix.count("network") == 10  # stratified: half the strata each


# ---------------------------------------------------------------- Sobol / Saltelli
@pytest.mark.parametrize("n, factors, d", [(8, TWO_RANGES, 2), (16, THREE_RANGES, 3), (3, THREE_RANGES, 3)])
def test_sobol_has_n_times_d_plus_2_points(n, factors, d):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib: n = 3 is not a power of 2
        pts = spec_of("sobol", factors, samples=n).points()
    assert len(pts) == n * (d + 2)


def test_sobol_is_salib_saltelli_scaled_to_the_ranges():
    from SALib.sample import sobol

    spec = spec_of("sobol", THREE_RANGES, samples=8, seed=13)
    problem = {
        "num_vars": 3,
        "names": ["wom_rate", "free_class_size", "media_reach"],
        "bounds": [[0.1, 0.5], [50, 300], [0.0, 0.4]],
    }
    assert spec.salib_problem() == problem
    direct = sobol.sample(dict(problem), 8, calc_second_order=False, seed=13)
    pts = spec.points()
    np.testing.assert_allclose([p["wom_rate"] for p in pts], direct[:, 0])
    np.testing.assert_allclose([p["media_reach"] for p in pts], direct[:, 2], atol=1e-12)
    assert [p["free_class_size"] for p in pts] == [int(round(v)) for v in direct[:, 1]]


# ---------------------------------------------------------------- Morris
def test_morris_trajectories_move_one_factor_at_a_time_on_a_four_level_grid():
    n, d = 5, 3
    spec = spec_of(
        "morris",
        """
        [factors.wom_rate]
        range = [0.1, 0.4]
        [factors.media_reach]
        range = [0.0, 0.3]
        [factors.live_boost]
        range = [0.0, 3.0]
        """,
        samples=n,
        seed=3,
    )
    u = spec.unit_samples()
    assert u.shape == (n * (d + 1), d)
    assert len(spec.points()) == n * (d + 1)
    assert set(np.round(u.ravel() * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}
    for t in range(n):
        traj = u[t * (d + 1) : (t + 1) * (d + 1)]
        moved = [int(np.sum(~np.isclose(a, b))) for a, b in zip(traj, traj[1:])]
        assert moved == [1] * d
        assert sorted(int(np.argmax(~np.isclose(a, b))) for a, b in zip(traj, traj[1:])) == list(range(d))


# ---------------------------------------------------------------- determinism of every design
DESIGN_FACTORS = {
    "full_factorial": "[factors.wom_rate]\nrange = [0.1, 0.5]\nlevels = 3\n"
    "[factors.free_class]\nvalues = [true, false]\n",
    "latin_hypercube": TWO_RANGES,
    "sobol": TWO_RANGES,
    "morris": TWO_RANGES,
}


@pytest.mark.parametrize("design", DESIGNS)
def test_points_and_seeds_are_deterministic_in_the_master_seed(design):
    a, b = spec_of(design, DESIGN_FACTORS[design], seed=77), spec_of(design, DESIGN_FACTORS[design], seed=77)
    assert a.points() == b.points()
    assert tasks(a) == tasks(b)
    other = spec_of(design, DESIGN_FACTORS[design], seed=78)
    assert [t["seed"] for t in tasks(other)] != [t["seed"] for t in tasks(a)]
    if design != "full_factorial":  # sampled designs move with the master seed; the grid does not
        assert other.points() != a.points()
    else:
        assert other.points() == a.points()


@pytest.mark.parametrize("design", DESIGNS)
def test_seeds_are_spawned_from_the_master_seed_one_per_point_and_replication(design):
    spec = spec_of(design, DESIGN_FACTORS[design], seed=2024, replications=3)
    ts = tasks(spec)
    n = len(spec.points())
    assert len(ts) == n * 3
    children = np.random.SeedSequence(2024).spawn(n * 3)
    for t in ts:
        child = children[t["point"] * 3 + t["replication"]]
        assert t["seed"] == int(child.generate_state(1, np.uint32)[0])
        assert type(t["seed"]) is int
    assert len({t["seed"] for t in ts}) == len(ts)  # unique per (point, replication)
    assert sorted((t["point"], t["replication"]) for t in ts) == [(i, r) for i in range(n) for r in range(3)]


def test_seeds_array_matches_tasks():
    spec = spec_of("full_factorial", DESIGN_FACTORS["full_factorial"], replications=4)
    seeds = spec.seeds(len(spec.points()))
    assert seeds.shape == (6, 4)
    assert {(t["point"], t["replication"]): t["seed"] for t in tasks(spec)} == {
        (i, r): int(seeds[i, r]) for i in range(6) for r in range(4)
    }


def test_task_params_are_scenario_fixed_then_factors():
    spec = parse_spec(
        {
            "experiment": {"scenario": "ibusibuk", "outcomes": ["registered"]},
            "fixed": {"n_mothers": 3000, "end": "2021-01"},
            "factors": {"free_class": {"values": [True, False]}},
        }
    )
    ts = tasks(spec)
    assert [t["params"] for t in ts] == [
        {"scenario": "ibusibuk", "n_mothers": 3000, "end": "2021-01", "free_class": True},
        {"scenario": "ibusibuk", "n_mothers": 3000, "end": "2021-01", "free_class": False},
    ]
    assert [t["factors"] for t in ts] == [{"free_class": True}, {"free_class": False}]


def test_defaults():
    spec = parse_spec({"experiment": {}}, "some/where/my-exp.toml")
    assert (spec.name, spec.scenario, spec.design, spec.replications, spec.seed) == (
        "my-exp",
        "ipm",
        "full_factorial",
        1,
        1,
    )
    from ibusim.model.targets import load as load_targets

    assert spec.outcomes == tuple(t.summary for t in load_targets().values())


# ---------------------------------------------------------------- malformed specs: SpecError, one line
GOOD_HEAD = """
[experiment]
name = "bad"
outcomes = ["registered"]
"""

MALFORMED = {
    "unknown parameter": (GOOD_HEAD + "[factors.no_such_param]\nvalues = [1, 2]\n", "no_such_param"),
    "unknown fixed parameter": (GOOD_HEAD + "[fixed]\nno_such_param = 3\n", "no_such_param"),
    "empty range (equal ends)": (GOOD_HEAD + "[factors.wom_rate]\nrange = [0.3, 0.3]\n", "empty range"),
    "empty range (reversed)": (GOOD_HEAD + "[factors.wom_rate]\nrange = [0.5, 0.1]\n", "empty range"),
    "empty values": (GOOD_HEAD + "[factors.wom_rate]\nvalues = []\n", "wom_rate"),
    "bad design name": ('[experiment]\ndesign = "grid_search"\n', "grid_search"),
    "replications 0": ("[experiment]\nreplications = 0\n", "replications"),
    "replications negative": ("[experiment]\nreplications = -2\n", "replications"),
    "replications not an int": ("[experiment]\nreplications = 1.5\n", "replications"),
    "replications bool": ("[experiment]\nreplications = true\n", "replications"),
    "samples 0": (
        '[experiment]\ndesign = "latin_hypercube"\nsamples = 0\n[factors.wom_rate]\nrange = [0.1, 0.2]\n',
        "samples",
    ),
    "negative seed": ("[experiment]\nseed = -1\n", "seed"),
    "unknown outcome": ('[experiment]\noutcomes = ["registered", "happiness"]\n', "happiness"),
    "empty outcomes": ("[experiment]\noutcomes = []\n", "outcomes"),
    "range for a bool": (GOOD_HEAD + "[factors.free_class]\nrange = [0, 1]\n", "free_class"),
    "range for a choice": (GOOD_HEAD + "[factors.mixing]\nrange = [0, 1]\n", "mixing"),
    "factor also fixed": (
        GOOD_HEAD + "[fixed]\nwom_rate = 0.2\n[factors.wom_rate]\nvalues = [0.1, 0.3]\n",
        "both fixed and a factor",
    ),
    "values out of bounds": (GOOD_HEAD + "[factors.wom_rate]\nvalues = [0.5, 2.0]\n", "wom_rate"),
    "range out of bounds": (GOOD_HEAD + "[factors.n_mothers]\nrange = [10, 5000]\n", "n_mothers"),
    "fixed out of bounds": (GOOD_HEAD + "[fixed]\nwom_rate = 7\n", "wom_rate"),
    "non-integer for an int": (GOOD_HEAD + "[factors.free_class_size]\nvalues = [50, 75.5]\n", "free_class_size"),
    "wrong type in values": (GOOD_HEAD + '[factors.free_class]\nvalues = ["yes", "no"]\n', "free_class"),
    "range not a pair": (GOOD_HEAD + "[factors.wom_rate]\nrange = [0.1, 0.2, 0.3]\n", "range"),
    "values and range": (GOOD_HEAD + "[factors.wom_rate]\nvalues = [0.1]\nrange = [0.1, 0.2]\n", "wom_rate"),
    "neither values nor range": (GOOD_HEAD + "[factors.wom_rate]\nlevels = 3\n", "wom_rate"),
    "levels < 2": (GOOD_HEAD + "[factors.wom_rate]\nrange = [0.1, 0.2]\nlevels = 1\n", "levels"),
    "unknown factor key": (GOOD_HEAD + "[factors.wom_rate]\nrange = [0.1, 0.2]\nstep = 0.1\n", "step"),
    "unknown experiment key": ("[experiment]\nrepetitions = 3\n", "repetitions"),
    "unknown table": ("[experiment]\n[parameters]\nn_mothers = 3000\n", "parameters"),
    "unknown scenario": ('[experiment]\nscenario = "atlantis"\n', "atlantis"),
    "missing scenario file": ('[experiment]\nscenario = "nowhere/s.toml"\n', "nowhere/s.toml"),
    "fixed end before start": ('[experiment]\n[fixed]\nend = "2019-01"\n', "end"),
    "sobol with a value list": (
        '[experiment]\ndesign = "sobol"\n[factors.free_class]\nvalues = [true, false]\n',
        "free_class",
    ),
    "morris without factors": ('[experiment]\ndesign = "morris"\n', "morris"),
    "latin hypercube without factors": ('[experiment]\ndesign = "latin_hypercube"\n', "latin_hypercube"),
    "bad TOML": ('[experiment\nname = "x"\n', "not valid TOML"),
    "bad TOML value": ("[experiment]\nreplications = three\n", "not valid TOML"),
    "factors not tables": (GOOD_HEAD + "[factors]\nwom_rate = 0.3\n", "wom_rate"),
}


def assert_one_line(err: SpecError, path: Path, fragment: str) -> None:
    msg = str(err)
    assert "\n" not in msg and msg.strip() == msg and msg, repr(msg)
    assert str(path) in msg
    assert fragment in msg, msg


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_spec_raises_one_line_spec_error_naming_the_problem(case, tmp_path):
    text, fragment = MALFORMED[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert_one_line(e.value, path, fragment)


def test_missing_spec_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert_one_line(e.value, path, "does not exist")


def test_spec_error_is_a_value_error():
    assert issubclass(SpecError, ValueError)


def test_scenario_in_fixed_is_a_spec_error(tmp_path):
    path = write(tmp_path, '[experiment]\n[fixed]\nscenario = "ibusibuk"\n')
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert_one_line(e.value, path, "scenario")


def test_spec_file_that_is_not_utf8_is_a_spec_error(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('[experiment]\nname = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert_one_line(e.value, path, "UTF-8")


@pytest.mark.parametrize(
    "factors, fragment",
    [
        ('[factors.end]\nvalues = ["2021-01", "2019-06"]\n', "end"),
        ("[factors.share_migrated]\nvalues = [0.1, 0.9]\n", "share_migrated"),  # + share_long_distance > 1
    ],
    ids=["end-before-start", "shares-over-1"],
)
def test_design_points_that_break_cross_parameter_rules_are_a_spec_error(tmp_path, factors, fragment):
    """Each factor value may be valid alone while a design point is not; the spec is rejected up front."""
    path = write(tmp_path, GOOD_HEAD + factors)
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert_one_line(e.value, path, fragment)


def test_every_declared_numeric_parameter_accepts_its_own_bounds_as_a_range():
    """A range at the declared bounds is valid for every int/float parameter, or a one-line SpecError.

    The error comes when an end of it breaks a cross-parameter rule (e.g. share_contributors = 1 with the default
    share_leaders): a one-line SpecError naming the parameter, never another exception.
    """
    accepted = 0
    for name, p in PARAMS.items():
        if p.type not in ("int", "float"):
            continue
        lo, hi = p.bounds
        try:
            spec = parse_spec({"experiment": {"outcomes": ["registered"]}, "factors": {name: {"range": [lo, hi]}}})
        except SpecError as e:
            assert "\n" not in str(e) and name in str(e), str(e)
            continue
        assert [pt[name] for pt in spec.points()] == [lo, hi]
        accepted += 1
    assert accepted > 100


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("samples", [1, 4])
def test_n_points_is_the_number_of_points_without_building_them(design, samples):
    """The size check of a design (MAX_RUNS) uses n_points(), so it must equal len(points()) for every design."""
    factors = (
        TWO_RANGES if design != "full_factorial" else TWO_RANGES + "\n[factors.free_class]\nvalues = [true, false]\n"
    )
    spec = spec_of(design, factors, samples=samples)
    assert spec.n_points() == len(spec.points())


def test_a_design_over_the_maximum_names_its_size_and_allocates_nothing(tmp_path, monkeypatch):
    from ibusim.experiments import spec as spec_mod

    monkeypatch.setattr(spec_mod.Spec, "points", lambda self: pytest.fail("points() built for a refused design"))
    path = write(tmp_path, GOOD_HEAD + "replications = 3\n[factors.wom_rate]\nrange = [0.001, 0.01]\nlevels = 40000\n")
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert_one_line(e.value, path, "40,000 points x 3 replications = 120,000 runs")
    assert_one_line(e.value, path, f"maximum {spec_mod.MAX_RUNS:,}")


# ---------------------------------------------------------------- errors in the reader's language
@pytest.mark.parametrize("case", MALFORMED)
def test_every_malformed_spec_error_has_an_indonesian_line(case, tmp_path):
    text, _ = MALFORMED[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as e:
        load_spec(path)
    indonesian = error_text(e.value, "id")
    assert "\n" not in indonesian and indonesian != str(e.value)
    assert indonesian.startswith(f"spesifikasi eksperimen '{path}'"), indonesian
    assert error_text(e.value, "en") == str(e.value)


@pytest.mark.parametrize(
    "text, english, indonesian",
    [
        (
            "[experiment]\nrepetitions = 3\n",
            "unknown key(s) ['repetitions'] in [experiment] (allowed: description, description_id, design, name, "
            "outcomes, replications, run_memory_limit_mb, run_time_limit_s, samples, scenario, seed, timeseries)",
            "kunci ['repetitions'] di [experiment] tidak dikenal (yang boleh: description, description_id, design, "
            "name, outcomes, replications, run_memory_limit_mb, run_time_limit_s, samples, scenario, seed, timeseries)",
        ),
        (
            GOOD_HEAD + "[factors.wom_rate]\nrange = [0.5, 0.1]\n",
            "factor 'wom_rate': empty range [0.5, 0.1] (low must be below high)",
            "faktor 'wom_rate': rentang kosong dari 0,5 sampai 0,1 (low harus lebih kecil dari high)",
        ),
        (
            '[experiment]\ndesign = "morris"\n',
            "design 'morris' needs at least one factor",
            "desain 'morris' memerlukan paling sedikit satu faktor",
        ),
        (
            GOOD_HEAD + "[factors.wom_rate]\nvalues = [0.5, 2.0]\n",
            "factor 'wom_rate': parameter 'wom_rate' = 2.0 is not allowed: expected float in [0, 1]",
            "faktor 'wom_rate': parameter 'wom_rate' = 2 tidak diperbolehkan: seharusnya bilangan antara 0 dan 1",
        ),
        (
            "[experiment]\nreplications = 1000000\n",
            "the design is 1 points x 1,000,000 replications = 1,000,000 runs, more than the maximum 100,000: "
            "use fewer levels, samples, replications or draws",
            "desain ini 1 titik x 1.000.000 replikasi = 1.000.000 simulasi, lebih dari batas 100.000: "
            "kurangi levels, samples, replications atau draws",
        ),
        (
            '[experiment\nname = "x"\n',
            None,  # read_toml's own line: the start and the TOML problem
            None,
        ),
    ],
    ids=["unknown-key", "empty-range", "design-needs-factors", "embedded-parameter-error", "too-many-runs", "toml"],
)
def test_spec_errors_are_english_as_before_and_indonesian_on_demand(tmp_path, text, english, indonesian):
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as e:
        load_spec(path)
    if english is None:
        assert str(e.value).startswith(f"experiment spec '{path}' is not valid TOML: ")
        assert error_text(e.value, "id").startswith(f"spesifikasi eksperimen '{path}' bukan TOML yang sah: ")
        return
    assert str(e.value) == f"experiment spec '{path}': {english}"
    assert error_text(e.value, "id") == f"spesifikasi eksperimen '{path}': {indonesian}"


def test_a_spec_error_crosses_processes_with_its_indonesian_line(tmp_path):
    path = write(tmp_path, GOOD_HEAD + "[factors.n_mothers]\nrange = [5000, 1000]\n")
    with pytest.raises(SpecError) as e:
        load_spec(path)
    again = pickle.loads(pickle.dumps(e.value))
    assert type(again) is SpecError and isinstance(again, ValueError)
    assert (
        str(again)
        == str(e.value)
        == f"experiment spec '{path}': factor 'n_mothers': empty range [5000, 1000] (low must be below high)"
    )
    assert error_text(again, "id") == error_text(e.value, "id")
    assert error_text(again, "id").endswith("rentang kosong dari 5.000 sampai 1.000 (low harus lebih kecil dari high)")


def test_the_old_translatable_spec_error_name_is_spec_error():
    from ibusim.experiments.sweep import TranslatableSpecError

    assert TranslatableSpecError is SpecError and issubclass(SpecError, TranslatableError)
    assert error_text(SpecError("choose two different parameters"), "id") == "pilih dua parameter yang berbeda"
