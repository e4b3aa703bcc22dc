"""Bad input at scale (issue 9 requirement 10, issue 13): the command line in-process, fed generated input.

Every input gives exit status 2 with exactly one line ``ibusim: error: ...`` on stderr, or a valid
run (``params --search`` finding nothing: status 1 and one line): never a traceback, never a hang. No
language is chosen (``LANG=C``, no ``IBUSIM_LANG``), so messages are English and ``--set`` numbers are read
strictly; tests/test_cli.py covers ``--lang``. Generated inputs: ``run`` (``--scenario`` files, ``--set``,
``--seed``), ``params``, ``sweep`` (spec files), and the argument parsing of ``compare`` and
``calibrate``; unknown names, wrong types, NaN/inf/huge/negative/empty values, unicode, long
strings, broken or binary TOML, wrong nesting, malformed ``--set``.

Valid runs are kept tiny, after validation: every model is built with 100 mothers for one month
(``core.build_model`` is replaced), a sweep of more than 4 runs, ``compare`` and ``calibrate`` stop
at the point where they would start running (:class:`Accepted`), so the file takes well under a
minute.

Examples: each property test runs ``IBUSIM_FUZZ_EXAMPLES`` examples (default 170; 6 tests, so
1,020 in all in CI). More::

    IBUSIM_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -n 2 tests/test_bad_input.py

The last tests plant a traceback, a hang and a two-line error to show the check catches each,
and the named examples of issues 13 and 14 are regression tests.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import os
import signal
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ibusim import cli
from ibusim.experiments import calibrate, compare, core, sweep
from ibusim.model import resources
from ibusim.model.parameters import PARAMS
from ibusim.model.scenarios import load, toml_value

EXAMPLES = int(os.environ.get("IBUSIM_FUZZ_EXAMPLES") or 170)
CPU_SECONDS = 20.0  # an example using more CPU than this is a hang
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


class Accepted(Exception):
    """Raised where a valid compare, calibrate or large sweep would start its runs: the input was accepted."""


class Hang(Exception):
    """An example used more than CPU_SECONDS of CPU."""


# ---------------------------------------------------------------- the check
def invoke(argv: list[str], cpu_seconds: float = CPU_SECONDS) -> tuple[int | str, str, str]:
    """``cli.main(argv)`` with stdout/stderr captured; status "accepted" where a run would start.

    A CPU timer (SIGVTALRM, so the sweep's own SIGALRM time limit is left alone) raises Hang.
    """
    out, err = io.StringIO(), io.StringIO()

    def on_timer(signum, frame):
        raise Hang(f"more than {cpu_seconds} s of CPU")

    old = signal.signal(signal.SIGVTALRM, on_timer)
    signal.setitimer(signal.ITIMER_VIRTUAL, cpu_seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli.main([str(a) for a in argv])
            except SystemExit as e:
                status = e.code
            except Accepted:
                status = "accepted"
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)
    return status, out.getvalue(), err.getvalue()


def check_cli(argv: list, files: dict[str, str | bytes] | None = None, cpu_seconds: float = CPU_SECONDS):
    """The property: one line and status 2, or a valid run; a traceback or a hang fails showing the input."""
    shown = f"argv = {argv!r}" + "".join(f"\n{name}: {content[:3000]!r}" for name, content in (files or {}).items())
    try:
        status, out, err = invoke(argv, cpu_seconds)
    except Hang:
        pytest.fail(f"hang: more than {cpu_seconds} s of CPU for\n{shown}", pytrace=False)
    except Exception:
        pytest.fail(f"traceback for\n{shown}\n{traceback.format_exc()}", pytrace=False)
    if status == 2:
        lines = err.splitlines()
        ok = len(lines) == 1 and lines[0].startswith("ibusim: error: ") and len(lines[0]) > len("ibusim: error: ")
        assert ok and "Traceback" not in err, f"status 2 without exactly one error line for\n{shown}\nstderr: {err!r}"
    elif status == 1 and argv and argv[0] == "params" and "--search" in argv:  # nothing found: one line, no output
        lines = err.splitlines()
        ok = len(lines) == 1 and lines[0].startswith("ibusim: no parameter matches ") and out == ""
        assert ok and "Traceback" not in err, f"status 1 without exactly one line for\n{shown}\nstderr: {err!r}"
    else:
        assert status in (0, "accepted"), f"status {status!r} for\n{shown}\nstderr: {err[-3000:]}"
        assert "Traceback" not in err, f"a traceback on stderr for\n{shown}\nstderr: {err[-3000:]}"
    return status, out, err


# ---------------------------------------------------------------- tiny runs, after validation
_tiny_build = core.build_model


def tiny_build_model(scenario="ipm", changes=None, seed=1):
    """The model as validated, then built with 100 mothers for one month."""
    start = load(scenario, **(changes or {}))["start"]
    return _tiny_build(scenario, {**(changes or {}), "n_mothers": 100, "end": start}, seed)


_real_run_sweep = sweep.run_sweep


def small_sweep_only(spec, folder, **kw):
    """A real (tiny, sequential) sweep up to 4 runs; beyond that the spec was accepted."""
    if spec.n_points() * spec.replications > 4:
        raise Accepted
    return _real_run_sweep(spec, folder, **{**kw, "executor": "sequential", "progress": False})


def _accepted(*a, **k):
    raise Accepted


@pytest.fixture(scope="module", autouse=True)
def tiny(tmp_path_factory):
    """Module-wide: tiny models, stubs where runs would start, a scratch working folder."""
    with pytest.MonkeyPatch.context() as mp:
        # no language chosen anywhere: English messages, numbers read strictly (test_cli.py covers --lang)
        for var in ("IBUSIM_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            mp.delenv(var, raising=False)
        mp.setenv("LANG", "C")
        mp.setattr(core, "build_model", tiny_build_model)
        mp.setattr(sweep, "run_sweep", small_sweep_only)
        mp.setattr(compare, "compare", _accepted)
        mp.setattr(calibrate, "run", _accepted)
        mp.chdir(tmp_path_factory.mktemp("fuzz"))
        yield


_counter = itertools.count()


def scratch() -> Path:
    """A new folder for one example (inside the module's working folder)."""
    d = Path(f"ex{next(_counter)}")
    d.mkdir()
    return d


# ---------------------------------------------------------------- strategies
NAMES = sorted(PARAMS)
NUMERIC = [n for n, p in PARAMS.items() if p.type in ("int", "float")]
name_st = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(lambda n: n + " "),
    st.sampled_from(NAMES).map(lambda n: " " + n.upper()),
    st.sampled_from(["ties_per_mother", "n_mother", "", " ", "=", "__class__", "scenario"]),
    st.text(max_size=30),
)
number_text = st.one_of(
    st.integers().map(str),
    st.integers(min_value=10**20, max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "1e999",
            "-0",
            "1__0",
            "1_0",
            "_1",
            "1_",
            "\u0661\u0662",  # Arabic-Indic 12
            "\uff11\uff12\uff13",  # full-width 123
            "500.000",
            "1.500.000",
            "0,05",
            "1e5",
            "0x10",
            "9" * 5000,
            "",
            " ",
            "true",
            "2020-04",
            "1/2",
            "\x00",
        ]
    ),
)
value_text = st.one_of(number_text, st.text(max_size=40), st.sampled_from(["true", "false", "yes", "2021-13", "ipm"]))
set_item = st.one_of(
    st.tuples(name_st, st.sampled_from(["=", " = ", "==", ""]), value_text).map("".join),
    st.text(max_size=50),
)
seed_text = st.one_of(number_text, st.integers(min_value=0, max_value=2**70).map(str))

# TOML values of every kind (as text, so that NaN, inf, dates and nesting can be written)
toml_scalar = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(["2020-04", "2024-12", "2019-01", "network", "alumnae", "", "\u0661\u0662"]),
)
toml_value_text = st.one_of(
    toml_scalar.map(lambda v: _toml(v)),
    st.lists(toml_scalar, max_size=4).map(lambda vs: "[" + ", ".join(_toml(v) for v in vs) + "]"),
    st.sampled_from(["{ a = 1 }", "1979-05-27", "07:32:00", "1979-05-27T07:32:00Z", "[[1], [2]]", '"""x"""']),
)


def _toml(v) -> str:
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return toml_value(v)


def _key(name: str) -> str:
    return name if name and all(c.isalnum() or c in "_-" for c in name) and name.isascii() else json.dumps(name)


def _valid_value(name: str):
    """Values inside the declaration, as TOML (so that generated files also reach valid runs)."""
    p = PARAMS[name]
    if p.type == "int":
        return st.integers(int(p.bounds[0]), int(p.bounds[1])).map(str)
    if p.type == "float":
        return st.floats(p.bounds[0], p.bounds[1]).map(repr)
    if p.type == "bool":
        return st.sampled_from(["true", "false"])
    if p.type == "month":
        return st.sampled_from(['"2020-04"', '"2020-05"', '"2021-01"'])
    return st.sampled_from([json.dumps(c) for c in p.choices])


valid_param_line = st.sampled_from(NAMES).flatmap(lambda n: _valid_value(n).map(lambda v: f"{n} = {v}"))
param_line = st.one_of(
    valid_param_line,
    valid_param_line,
    st.tuples(st.one_of(st.sampled_from(NAMES), name_st), toml_value_text).map(lambda kv: f"{_key(kv[0])} = {kv[1]}"),
)
scenario_text = st.one_of(
    st.builds(
        lambda head, lines, extra: head + "[params]\n" + "\n".join(lines) + "\n" + extra,
        st.sampled_from(
            ["", '[scenario]\nname = "x"\ndescription = "fuzz"\n', "[scenario]\nname = 1\n", "scenario = 3\n"]
        ),
        st.lists(param_line, max_size=5, unique_by=lambda s: s.split(" = ")[0]),
        st.sampled_from(["", "", "", "", "[other]\na = 1\n", "[params.nested]\nx = 1\n", "params = 3\n"]),
    ),
    st.lists(param_line, max_size=3).map(lambda lines: "\n".join(lines) + "\n"),  # no [params] table
    st.text(max_size=200),  # broken text
    st.binary(max_size=200),  # binary
    st.just(""),
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


# ---------------------------------------------------------------- property tests
@FUZZ
@given(
    scenario=st.one_of(st.sampled_from(["ipm", "ibusibuk", "baseline", "nope", "", "x.toml"]), st.just(None)),
    text=scenario_text,
    sets=st.lists(set_item, max_size=4),
    seed=st.one_of(st.none(), seed_text),
)
def test_run_with_generated_scenarios_sets_and_seeds(scenario, text, sets, seed):
    d = scratch()
    files = {}
    if scenario is None:
        scenario = str(write(d, "s.toml", text))
        files["s.toml"] = text
    argv = ["run", "--scenario", scenario, "--out", d / "out"]
    for s in sets:
        argv += ["--set", s]
    if seed is not None:
        argv += ["--seed", seed]
    check_cli(argv, files)


@FUZZ
@given(
    text=scenario_text,
    extra=st.lists(
        st.one_of(
            st.just("--json"),
            st.just("--markdown"),
            st.just("--no-help"),
            st.tuples(st.just("--search"), st.text(max_size=20)),
        ),
        max_size=2,
    ),
)
def test_params_with_generated_scenario_files(text, extra):
    d = scratch()
    argv = ["params", "--scenario", str(write(d, "s.toml", text))]
    for e in extra:
        argv += list(e) if isinstance(e, tuple) else [e]
    status, out, _ = check_cli(argv, {"s.toml": text})
    if status == 0 and "--json" in argv and "--markdown" not in argv:
        json.loads(out)  # machine-readable whenever it succeeds


# specs: mostly well-formed tables with generated values, so validation gets deep
TINY_FIXED = '[fixed]\nn_mothers = 100\nend = "2020-05"\n'
factor_table = st.builds(
    lambda name, body: f"[factors.{_key(name)}]\n{body}\n",
    st.one_of(st.sampled_from(NUMERIC + ["free_class", "mixing", "start"]), name_st),
    st.one_of(
        st.lists(toml_value_text, max_size=3).map(lambda vs: f"values = [{', '.join(vs)}]"),
        st.tuples(toml_value_text, toml_value_text).map(lambda ab: f"range = [{ab[0]}, {ab[1]}]"),
        st.tuples(toml_value_text, toml_value_text, toml_value_text).map(
            lambda abc: f"range = [{abc[0]}, {abc[1]}]\nlevels = {abc[2]}"
        ),
        st.sampled_from(["values = [true, false]", "range = [0.001, 0.01]\nlevels = 2", "range = [1, 3]", "x = 1"]),
        st.sampled_from(["range = [0.001, 0.01]", "range = [0, 1]\nlevels = 2", "values = [0.1, 0.2]"]),
        st.sampled_from(["range = [0.001, 0.01]", "range = [0.2, 0.3]", "values = [1, 2]"]),
    ),
)
GOOD_EXP = {
    "name": st.sampled_from(['"fuzz"', '"a.b-c_d"', '"caf\u00e9"']),
    "scenario": st.sampled_from(['"ipm"', '"baseline"', '"ibusibuk"']),
    "design": st.sampled_from(['"full_factorial"', '"latin_hypercube"', '"sobol"', '"morris"']),
    "samples": st.integers(1, 3).map(str),
    "replications": st.integers(1, 2).map(str),
    "seed": st.integers(0, 2**63 - 1).map(str),
    "outcomes": st.sampled_from(['["registered"]', '["registered", "income_gini"]', '["completion"]']),
    "timeseries": st.sampled_from(['["cum_registered"]', "[]"]),
}
good_exp_line = st.sampled_from(sorted(GOOD_EXP)).flatmap(lambda k: GOOD_EXP[k].map(lambda v: f"{k} = {v}"))
exp_line = st.one_of(
    good_exp_line,
    good_exp_line,
    good_exp_line,
    st.tuples(
        st.sampled_from(
            [
                "name",
                "description",
                "scenario",
                "design",
                "samples",
                "replications",
                "seed",
                "outcomes",
                "timeseries",
                "run_time_limit_s",
                "run_memory_limit_mb",
                "colour",
            ]
        ),
        st.one_of(
            toml_value_text,
            st.sampled_from(
                [
                    '"full_factorial"',
                    '"latin_hypercube"',
                    '"sobol"',
                    '"morris"',
                    '"../../escape"',
                    '".hidden"',
                    '["registered"]',
                    '["income_gini", "nope"]',
                    '["cum_registered"]',
                    "1",
                    "2",
                    "100000000",
                ]
            ),
        ),
    ).map(lambda kv: f"{kv[0]} = {kv[1]}"),
)
spec_structured = st.builds(
    lambda exp, fixed, factors, extra: "[experiment]\n" + "\n".join(exp) + "\n" + fixed + "".join(factors) + extra,
    st.lists(exp_line, max_size=5, unique_by=lambda s: s.split(" = ")[0]),
    st.one_of(st.just(TINY_FIXED), st.lists(param_line, max_size=3).map(lambda ls: "[fixed]\n" + "\n".join(ls) + "\n")),
    st.lists(factor_table, max_size=3, unique_by=lambda s: s.split("]")[0]),
    st.sampled_from(["", "", "", "", "", "[other]\n", "factors = 3\n", "[experiment.inner]\na = 1\n"]),
)
spec_text = st.one_of(spec_structured, spec_structured, spec_structured, st.text(max_size=200), st.binary(max_size=200))


@FUZZ
@given(text=spec_text)
def test_sweep_with_generated_specs(text):
    d = scratch()
    check_cli(
        ["sweep", str(write(d, "spec.toml", text)), "--executor", "sequential", "--quiet", "--out", d / "o"],
        {"spec.toml": text},
    )


variant = st.one_of(
    st.builds(
        lambda label, scen, items: f"{label}={scen}" + (":" + ",".join(items) if items is not None else ""),
        st.one_of(st.sampled_from(["a", "b", ""]), st.text(max_size=8)),
        st.sampled_from(["ipm", "baseline", "nope", "", "x.toml"]),
        st.one_of(st.none(), st.lists(st.one_of(set_item, st.just("")), max_size=3)),
    ),
    st.text(max_size=30),
)


@FUZZ
@given(
    variants=st.lists(variant, min_size=1, max_size=3),
    reps=st.one_of(st.none(), seed_text),
    seed=st.one_of(st.none(), seed_text),
)
def test_compare_argument_parsing(variants, reps, seed):
    argv = ["compare", *variants, "--executor", "sequential"]
    if reps is not None:
        argv += ["--replications", reps]
    if seed is not None:
        argv += ["--seed", seed]
    check_cli(argv)


names_list = st.one_of(
    st.none(),
    st.sampled_from(
        ["", ",", "interest_rate,,", " ", "interest_rate", "interest_rate, dropout_rate", "n_mothers", "nope"]
    ),
    st.lists(st.one_of(st.sampled_from(NAMES), st.text(max_size=10)), max_size=3).map(",".join),
)


@FUZZ
@given(
    params=names_list,
    targets=names_list,
    hold=names_list,
    sets=st.lists(set_item, max_size=2),
    numbers=st.lists(
        st.tuples(
            st.sampled_from(["--population", "--generations", "--min-epsilon", "--ppc-runs", "--seed"]), seed_text
        ),
        max_size=2,
    ),
)
def test_calibrate_argument_parsing(params, targets, hold, sets, numbers):
    argv = ["calibrate"]
    for opt, v in (("--params", params), ("--targets", targets), ("--hold-out", hold)):
        if v is not None:
            argv += [opt, v]
    for s in sets:
        argv += ["--set", s]
    for opt, v in numbers:
        argv += [opt, v]
    check_cli(argv)


@FUZZ
@given(
    argv=st.lists(
        st.one_of(
            st.sampled_from(
                ["run", "params", "sweep", "compare", "calibrate", "--set", "--seed", "--scenario", "--out", "-h"]
            ),
            st.text(max_size=20),
        ),
        max_size=6,
    )
)
def test_arbitrary_argument_lists(argv):
    if "dashboard" in argv or "sensitivity" in argv:
        return  # a server, or a real sensitivity sweep: not for in-process fuzzing
    if argv and argv[0] in ("run", "sweep"):  # a new folder for anything it writes
        argv = [*argv, "--out", str(scratch() / "o")]
    check_cli(argv)


# ---------------------------------------------------------------- the check catches what it must
def test_the_check_catches_a_planted_traceback(monkeypatch):
    from ibusim.model import parameters

    def broken(name, text):
        raise KeyError(name)

    monkeypatch.setattr(parameters, "parse_value", broken)
    with pytest.raises(pytest.fail.Exception, match="traceback for"):
        check_cli(["run", "--set", "n_mothers=100", "--out", scratch() / "o"])


def test_the_check_catches_a_planted_hang(monkeypatch):
    from ibusim.model import parameters

    def spin(name, text):
        while True:
            pass

    monkeypatch.setattr(parameters, "parse_value", spin)
    with pytest.raises(pytest.fail.Exception, match="hang"):
        check_cli(["run", "--set", "n_mothers=100", "--out", scratch() / "o"], cpu_seconds=0.5)


def test_the_check_catches_a_two_line_error(monkeypatch):
    from ibusim.model import parameters

    def two_lines(name, text):
        print("ibusim: error: first", file=__import__("sys").stderr)
        raise parameters.ParameterError("second")

    monkeypatch.setattr(parameters, "parse_value", two_lines)
    with pytest.raises(AssertionError, match="exactly one error line"):
        check_cli(["run", "--set", "n_mothers=100", "--out", scratch() / "o"])


def test_a_valid_generated_run_really_runs():
    status, out, _ = check_cli(["run", "--set", "interest_rate=0.001", "--out", scratch() / "o"])
    assert status == 0 and "100 mothers" in out  # tiny, after validation


# ---------------------------------------------------------------- regression: the examples of issues 13 and 14
def one_line(argv, *fragments, files=None) -> str:
    status, _, err = check_cli(argv, files)
    assert status == 2, (argv, err)
    for f in fragments:
        assert f in err, (f, err)
    return err


def spec_file(body: str) -> str:
    return str(write(scratch(), "spec.toml", '[experiment]\nname = "t"\n' + body))


def test_huge_integer_in_a_sweep_spec_fixed_table():
    err = one_line(
        ["sweep", spec_file("[fixed]\nn_mothers = " + "9" * 400 + "\n"), "--executor", "sequential"], "n_mothers"
    )
    assert "an integer of 400 digits" in err and len(err) < 400


def test_scenario_file_with_a_5000_digit_integer():
    one_line(
        ["params", "--scenario", str(write(scratch(), "s.toml", "[params]\nn_mothers = " + "9" * 5000 + "\n"))],
        "too large",
    )


def test_huge_integers_on_the_command_line():
    one_line(["run", "--set", "n_mothers=" + "9" * 400], "n_mothers")
    one_line(["run", "--set", "interest_rate=" + "9" * 5000], "interest_rate")
    one_line(["run", "--seed", "9" * 5000], "seed")


def test_designs_too_large_are_refused_before_anything_is_allocated(monkeypatch):
    from ibusim.experiments import spec as spec_mod

    monkeypatch.setattr(spec_mod.Spec, "points", lambda self: pytest.fail("points() built for a refused design"))
    fits = [
        n for n in NUMERIC if PARAMS[n].type == "float" and PARAMS[n].bounds[0] <= 0.001 and PARAMS[n].bounds[1] >= 0.01
    ]
    four = "".join(f"[factors.{n}]\nrange = [0.001, 0.01]\nlevels = 100000\n" for n in fits[-4:])
    err = one_line(["sweep", spec_file(TINY_FIXED + four)], "100,000,000,000,000,000,000 runs", "maximum 100,000")
    assert "levels" in err
    sobol = 'design = "sobol"\nsamples = 100000000\n' + TINY_FIXED + "[factors.interest_rate]\nrange = [0.001, 0.01]\n"
    one_line(["sweep", spec_file(sobol)], "300,000,000 runs")
    one_line(["sweep", spec_file("replications = 1000000\n" + TINY_FIXED)], "1,000,000 runs")


def test_a_model_too_large_for_memory_is_refused_before_it_is_built(monkeypatch):
    monkeypatch.setattr(resources, "available", lambda: 4 * 2**30)  # a 4 GB machine
    monkeypatch.setattr(core, "build_model", lambda *a, **k: pytest.fail("built a model that does not fit"))
    err = one_line(["run", "--set", "n_mothers=5000000", "--set", "ties_per_side=25"], "needs about 9.5 GB", "4.0 GB")
    assert "at most 2,097,152 mothers at ties_per_side = 25" in err and "ties_per_side = 10 at 5,000,000" in err
    one_line(["sweep", spec_file("[fixed]\nn_mothers = 5000000\nties_per_side = 25\n")], "largest run", "would fit")
    one_line(["compare", "a=ipm:n_mothers=5000000,ties_per_side=25"], "would fit")
    limit = spec_file("run_memory_limit_mb = 500\n[fixed]\nn_mothers = 1000000\nties_per_side = 25\n")
    one_line(["sweep", limit], "needs about 1,953 MB, over run_memory_limit_mb = 500")
    one_line(["calibrate", "--set", "n_mothers=5000000", "--set", "ties_per_side=25"], "would fit")
    # the old name of the parameter is named, with the new one suggested
    one_line(["run", "--set", "ties_per_mother=50"], "unknown parameter 'ties_per_mother'", "ties_per_side")


def test_resources_estimate_matches_its_documented_fit():
    assert resources.estimate({"n_mothers": 1_000_000, "ties_per_side": 25}) == 1_000_000 * (48 + 80 * 25)
    need = resources.check({"n_mothers": 1000, "ties_per_side": 5}, free=10**9)
    assert need == 1000 * 448
    assert resources.check({"n_mothers": 1000, "ties_per_side": 5}, free=None) > 0  # whatever the machine
    with pytest.raises(Exception, match="x 4 at once"):
        resources.check({"n_mothers": 1_000_000, "ties_per_side": 5}, copies=4, free=10**9)


@pytest.mark.parametrize("params", [",", "", "interest_rate,,", " ", ",interest_rate"])
def test_calibrate_with_an_empty_or_malformed_parameter_list_answers_at_once(params):
    one_line(["calibrate", "--params", params], "--params")


def test_calibrate_targets_and_hold_out_lists_are_checked_the_same_way():
    one_line(["calibrate", "--targets", "registrations,,"], "--targets")
    one_line(["calibrate", "--hold-out", ""], "--hold-out")


def test_accepted_set_name_with_spaces_reads_as_written(monkeypatch):
    """Decision: spaces around the name and the value are ignored, as in a scenario file's ``name = value``."""
    assert cli._parse_sets(["survey_response_base =0.0", " free_class = false "]) == {
        "survey_response_base": 0.0,
        "free_class": False,
    }
    status, out, _ = check_cli(["run", "--set", "survey_response_base =0.0", "--out", scratch() / "o"])
    assert status == 0
    # but a space inside a name is a different (unknown) name, and a name given twice is refused
    one_line(["run", "--set", "survey response_base=0.0"], "unknown parameter")
    one_line(["run", "--set", "interest_rate=0.001", "--set", "interest_rate =0.002"], "twice")


def test_compare_variant_with_trailing_commas_is_refused():
    """Decision: an empty item in name=value,... is a typo to point out, as in calibrate --params."""
    one_line(["compare", "a=ipm:free_class=false,,", "b=ipm"], "'a'", "must be name=value")
    one_line(["compare", "a=ipm:free_class=false,"], "must be name=value")
    status, _, _ = check_cli(["compare", "a=ipm:free_class=false", "b=ipm"])
    assert status == "accepted"


@pytest.mark.parametrize("text", ["", "# nothing\n", '[scenario]\nname = "empty"\n'])
def test_empty_scenario_file_is_refused(text):
    one_line(["run", "--scenario", str(write(scratch(), "empty.toml", text))], "no [params] table", "baseline")


@pytest.mark.parametrize(
    "argv,fragment",
    [
        (["run", "--seed", "\u0661\u0662"], "seed"),
        (["run", "--seed", "\uff11\uff12\uff13"], "seed"),
        (["run", "--seed", "1__0"], "seed"),
        (["run", "--set", "n_mothers=1__000"], "not an integer"),
        (["run", "--set", "n_mothers=\uff11\uff12\uff13\uff14"], "ASCII"),
        (["run", "--set", "interest_rate=0.\u0665"], "ASCII"),
        (["run", "--set", "start=\uff12\uff10\uff12\uff10-04"], "start"),
        (["run", "--set", "jika_ibu_menjadi_price=500.000"], "500000"),
        (["run", "--set", "n_mothers=1.500.000"], "thousands"),
        (["run", "--set", "interest_rate=0,05"], "0.05"),
        (["calibrate", "--min-epsilon", "nan"], "min-epsilon"),
        (["compare", "a=ipm", "--replications", "\u0663"], "replications"),
    ],
    ids=[
        "arabic-seed",
        "fullwidth-seed",
        "double-underscore-seed",
        "double-underscore-int",
        "fullwidth-int",
        "arabic-in-float",
        "fullwidth-month",
        "indonesian-thousands",
        "indonesian-millions",
        "decimal-comma",
        "nan-epsilon",
        "arabic-replications",
    ],
)
def test_lenient_numbers_are_refused_saying_how_to_write_them(argv, fragment):
    one_line(argv, fragment)


def test_single_underscores_between_digits_are_still_read():
    assert cli._parse_sets(["n_mothers=1_000"]) == {"n_mothers": 1000}


@pytest.mark.parametrize("name", ["../../escape", "a/b", ".hidden", "..", "a\\b", "", " padded "])
def test_spec_names_are_confined_to_a_folder_under_results(name):
    path = write(scratch(), "spec.toml", f"[experiment]\nname = {json.dumps(name)}\n{TINY_FIXED}")
    one_line(["sweep", str(path)], "plain name")


def test_sobol_outcome_undefined_in_a_pilot_run_is_refused_before_the_sweep():
    from ibusim.experiments.spec import SpecError, check_outcomes_defined, parse_spec

    spec = parse_spec(
        {
            "experiment": {"design": "sobol", "samples": 2, "outcomes": ["registered", "completion"]},
            "fixed": {"n_mothers": 100, "end": "2020-05"},
            "factors": {"interest_rate": {"range": [0.001, 0.01]}},
        }
    )
    calls = []

    def runner(params, seed):
        calls.append((params, seed))
        return {"registered": 3.0, "completion": math.nan}

    with pytest.raises(SpecError, match="completion") as e:
        check_outcomes_defined(spec, runner)
    assert "registered" not in str(e.value).split("(")[0] and len(calls) == 1
    assert calls[0][1] == int(spec.seeds(1)[0, 0])  # the sweep's first run, not another
    check_outcomes_defined(spec, lambda p, s: {"registered": 3.0, "completion": 0.5})  # defined: no error


def test_income_figures_are_defined_without_income():
    """Issue 14 item 6: IPM has no momfluencer income, and the figures are 0, not NaN."""
    from ibusim.experiments.core import run_one

    s = run_one({"scenario": "ipm", "n_mothers": 300, "end": "2020-06"}, 1)
    for k in ("income_gini", "income_p50", "income_p90", "income_per_creator_month"):
        assert s[k] == 0.0, k


def test_params_json_is_machine_readable_with_bounds_samplers_can_trust():
    status, out, _ = check_cli(["params", "--json"])
    data = json.loads(out)
    rows = {r["name"]: r for r in data["parameters"]}
    assert set(rows) == set(PARAMS) and data["scenario"] == "ipm"
    t = rows["ties_per_side"]
    assert t["type"] == "int" and t["bounds"] == [1, 25] and t["default"] == 5 and t["constraints"] == []
    assert rows["share_migrated"]["constraints"] == ["share_long_distance + share_migrated <= 1"]
    assert rows["interest_rate"]["prior"]["distribution"] == "log-uniform" and rows["interest_rate"]["set_by_scenario"]
    assert rows["mixing"]["choices"] == ["network", "homogeneous"] and rows["mixing"]["bounds"] is None
    for r in rows.values():
        assert {"unit", "provenance", "source", "help", "value", "default"} <= set(r)


def test_params_search_and_help_text():
    status, out, _ = check_cli(["params", "--search", "TELEGRAM"])
    assert "telegram_rate" in out and "n_mothers" not in out and "Weekly chance" in out
    assert "parameters matching 'TELEGRAM'" in out
    status, out, err = check_cli(["params", "--search", "no-such-word-anywhere"])
    assert status == 1 and out == "" and err == "ibusim: no parameter matches 'no-such-word-anywhere'\n"
    one_line(["params", "--search", " "], "--search")
