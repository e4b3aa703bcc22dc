"""The rule interface (model/rule.py, model/rules.py): declarations match the code; streams are keyed by name."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from ibusim.model import CommunityModel, brands, community, metrics, states
from ibusim.model.parameters import PARAMS, PROGRAMMES
from ibusim.model.rule import Flow, Rule, State
from ibusim.model.rules import RULES

MODEL = Path(community.__file__).resolve().parent
SMALL = dict(n_mothers=4000, end="2021-06")
# names a placeholder in an f-string parameter name stands for: programmes and pay tiers
FAMILIES = (*PROGRAMMES, *(name for _, _, name in brands.TIERS))


def parameters_read(source: str) -> set[str]:
    """Every declared parameter ``source`` reads as ``p["name"]`` (also ``model.p[...]``, f-strings of a family)."""
    found = set()
    for key in re.findall(r'\bp\[f?"([^"]+)"\]', source):
        pattern = re.sub(r"\\\{[^}]*\\\}", "(?:" + "|".join(FAMILIES) + ")", re.escape(key))
        found |= {name for name in PARAMS if re.fullmatch(pattern, name)}
    return found


def rule_module(rule: Rule):
    return importlib.import_module(f"ibusim.model.{rule.name}")


def test_step_order_docstring_lists_the_rules():
    steps = re.findall(r"^\d+\.\s+``(\w+)``", community.__doc__, flags=re.M)
    assert steps == [r.name for r in RULES]
    assert re.search(r"^\d+\.\s+metrics\s", community.__doc__, flags=re.M), "the record comes last"


def test_each_rule_is_its_module_and_its_module_has_one_rule():
    for rule in RULES:
        mod = rule_module(rule)
        assert mod.RULE is rule, rule.name
        assert rule.step is mod.step, f"{rule.name}: RULE.step must be the module's step"
        assert (MODEL.parent / "tests" / f"test_{rule.name}.py").exists(), f"{rule.name} has no test module"
    assert len({r.name for r in RULES}) == len(RULES)


def test_each_rule_reads_exactly_the_parameters_its_module_reads():
    wrong = {}
    for rule in RULES:
        source = Path(rule_module(rule).__file__).read_text(encoding="utf-8")
        read = parameters_read(source)
        if set(rule.reads) != read:
            wrong[rule.name] = {
                "declared, not read": set(rule.reads) - read,
                "read, not declared": read - set(rule.reads),
            }
        assert len(set(rule.reads)) == len(rule.reads), f"{rule.name} declares a parameter twice"
    assert not wrong, wrong


def test_every_parameter_is_read_by_a_rule_or_by_the_model():
    rules = {name for rule in RULES for name in rule.reads}
    rule_files = {f"{rule.name}.py" for rule in RULES}
    model = set()
    for path in MODEL.glob("*.py"):
        if path.name not in rule_files | {"parameters.py", "scenarios.py", "docs.py"}:
            model |= parameters_read(path.read_text(encoding="utf-8"))
    # ties_per_side is read by the model; "capacity" and "population" are helpers the model and rules call
    unread = sorted(set(PARAMS) - rules - model)
    assert not unread, f"parameters nobody reads: {unread}"


def test_state_names_are_unique_and_not_model_attributes():
    names = [s.name for s in states.SHARED] + [s.name for r in RULES for s in r.owns]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    m = CommunityModel(rng=1, n_mothers=500, end="2020-05")
    for s in (*states.SHARED, *(s for r in RULES for s in r.owns)):
        arr = getattr(m, s.name)
        assert isinstance(arr, np.ndarray) and arr.shape == (m.n,) and arr.dtype == np.dtype(s.dtype), s.name


def test_flows_are_unique_and_metrics_derive_from_them():
    flows = [f.name for r in RULES for f in r.flows]
    assert len(flows) == len(set(flows))
    assert metrics.FLOWS == tuple(f"new_{f}" for f in flows)
    assert metrics.CUMULATIVES == tuple(f"cum_{f.name}" for r in RULES for f in r.flows if f.cumulative)
    assert all(metrics.LABELS[name] for name in (*metrics.FLOWS, *metrics.CUMULATIVES))


def test_each_step_returns_its_flows_and_declared_passes():
    """Every week each rule returns exactly its declared keys; a flow is an index array of mothers or a number."""
    seen = {}

    def spy(rule):
        def step(model, rng):
            out = rule.step(model, rng)
            assert set(out) == {f.name for f in rule.flows} | set(rule.passes), rule.name
            for f in rule.flows:
                v = out[f.name]
                if isinstance(v, np.ndarray):
                    assert f.unit == "mothers" and v.dtype.kind == "i", (rule.name, f.name)
                    assert np.unique(v).size == v.size, (rule.name, f.name)  # each mother moved once
                else:
                    assert isinstance(v, (int, float, np.integer, np.floating)), (rule.name, f.name)
                seen[f.name] = seen.get(f.name, 0) + (v.size if isinstance(v, np.ndarray) else v)
            return out

        return Rule(rule.name, rule.reads, step, rule.owns, rule.flows, rule.passes, rule.setup)

    class Spied(CommunityModel):
        rules = tuple(spy(r) for r in RULES)

    m = Spied(preset="ibusibuk", rng=3, n_mothers=20_000, end="2022-06").run()
    df = m.dataframe()
    assert seen["registered"] > 0 and seen["paid_enrolled"] > 0  # the check saw flows happen
    for name, total in seen.items():
        assert df[f"new_{name}"].sum() == pytest.approx(total), name


def dummy_step(model, rng):
    model.dummy_draws += rng.random(1000).size  # draws from its own stream, changes nothing else
    model.stream("dummy_extra").normal(size=10)  # and from an extra named stream
    return {}


DUMMY = Rule(name="dummy", reads=(), step=dummy_step, owns=(State("dummy_flag", bool, False, "unused"),))


def test_an_added_rule_and_stream_shift_no_other_series():
    class WithDummy(CommunityModel):
        rules = RULES[:3] + (DUMMY,) + RULES[3:]

        def __init__(self, *a, **kw):
            self.dummy_draws = 0
            super().__init__(*a, **kw)

    for preset in ("ipm", "ibusibuk"):
        a = CommunityModel(preset=preset, rng=5, **SMALL).run()
        b = WithDummy(preset=preset, rng=5, **SMALL).run()
        assert b.dummy_draws == 1000 * b.n_weeks
        assert_frame_equal(a.dataframe(), b.dataframe())
        np.testing.assert_array_equal(a.score, b.score)
        assert a.summary()["registered"] > 0


def test_streams_are_keyed_by_name():
    m = CommunityModel(rng=5, n_mothers=500, end="2020-05")
    assert m.stream("classes") is m.stream("classes")
    x = m.fresh_stream("survey").random(5)
    np.testing.assert_array_equal(x, m.fresh_stream("survey").random(5))
    assert not np.array_equal(x, m.fresh_stream("surveys").random(5))
    # the same name in another model with the same seed draws the same numbers
    np.testing.assert_array_equal(
        x, CommunityModel(rng=5, n_mothers=500, end="2020-05").fresh_stream("survey").random(5)
    )
    assert not np.array_equal(x, CommunityModel(rng=6, n_mothers=500, end="2020-05").fresh_stream("survey").random(5))


def test_flow_declaration_defaults():
    f = Flow("x", "X")
    assert (f.unit, f.cumulative, f.dtype) == ("mothers", False, int)
    s = State("y", np.int16, -1, "y")
    assert s.make(3).tolist() == [-1, -1, -1] and s.make(3).dtype == np.int16
    z = State("z", np.float32, 0.0, "zero-filled")
    assert z.make(3).tolist() == [0.0, 0.0, 0.0] and z.make(3).dtype == np.float32
    b = State("b", bool, False, "flags")
    assert b.make(2).tolist() == [False, False] and b.make(2).dtype == bool
