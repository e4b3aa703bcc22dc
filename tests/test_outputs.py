"""The output catalogue (model/outputs.py): every series column and summary key, formats, targets."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from ibusim.model import CommunityModel, outputs
from ibusim.model import targets as targets_mod
from ibusim.model.outputs import FORMATS, KINDS, SERIES_TARGETS, catalogue, fmt, format_of, label, show, unit
from ibusim.model.rules import RULES

CATALOGUE = catalogue()
TARGETS = targets_mod.load()


@pytest.fixture(scope="module")
def tiny():
    """A real run, small and short: its columns and summary keys are those of any run."""
    m = CommunityModel(rng=1, n_mothers=2000, end="2020-08").run()
    return m.dataframe(), m.summary()


def test_every_series_column_has_an_entry_in_the_same_order(tiny):
    df, _ = tiny
    series = [name for name, o in CATALOGUE.items() if o.kind != "summary"]
    assert [c for c in df.columns if c not in CATALOGUE] == []
    assert series == list(df.columns)


def test_every_summary_key_has_an_entry(tiny):
    _, summary = tiny
    assert [k for k in summary if k not in CATALOGUE] == []
    # a "summary" entry is a key no series column has: none is left over
    assert [n for n, o in CATALOGUE.items() if o.kind == "summary" and n not in summary] == []


def test_the_kinds_follow_the_naming_convention():
    for name, o in CATALOGUE.items():
        assert o.kind in KINDS and o.format in FORMATS, name
        if o.kind == "stock":
            assert name.startswith("n_"), name
        if o.kind == "flow":
            assert name.startswith("new_"), name
        if o.kind == "cumulative":
            assert name.startswith("cum_") and f"new_{name[4:]}" in CATALOGUE, name


def test_flows_take_their_label_and_unit_from_the_rules():
    flows = [f for rule in RULES for f in rule.flows]
    assert flows
    for f in flows:
        assert (label(f"new_{f.name}"), unit(f"new_{f.name}")) == (f.label, f.unit)
        if f.cumulative:
            assert label(f"cum_{f.name}") == f"{f.label} (cumulative)" and unit(f"cum_{f.name}") == f.unit
        else:
            assert f"cum_{f.name}" not in CATALOGUE


def test_labels_are_plain_words_not_code_names():
    for name, o in CATALOGUE.items():
        assert o.label.strip() and o.unit.strip(), name
        assert o.label != name and "_" not in o.label, (name, o.label)
        assert o.label[0].isupper() or o.label[0].isdigit() or o.kind in ("flow", "cumulative"), (name, o.label)


def test_unknown_name_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no_such_output"):
        label("no_such_output")
    with pytest.raises(KeyError, match="no_such_output"):
        unit("no_such_output")


# ---------------------------------------------------------------- formats
@pytest.mark.parametrize(
    "value,unit_,text",
    [
        (0.91, "share", "91.0%"),
        (0.5504, "share of respondents", "55.0%"),
        (1, "share", "100.0%"),
        (1_500_000, "Rp", "Rp1,500,000"),
        (67149.4, "Rp per month", "Rp67,149"),
        (-2500, "Rp", "-Rp2,500"),
        (15_000, "mothers", "15,000"),
        (14719.6, "mothers", "14,720"),
        (np.int64(3991), "members", "3,991"),
        (31, "provinces", "31"),
        (0.8312, "index (0-1)", "0.831"),
        (0.0048, "index (0-1)", "0.0048"),
        (4.2, "ratio to the founders'", "4.2"),
        (1250.4, "ratio", "1,250"),
        (0.004, "number", "0.004"),
        (120_000, "number", "120,000"),
        (5000, "number", "5000"),
        (1e-5, "number", "1e-05"),
        (True, "number", "True"),
        ("2024-12", "number", "2024-12"),
        ("wheel", "text", "wheel"),
    ],
)
def test_fmt(value, unit_, text):
    assert fmt(value, unit_) == text


@pytest.mark.parametrize("unit_", ["share", "Rp", "mothers", "ratio", "number", "index (0-1)"])
def test_missing_values_are_n_a(unit_):
    assert fmt(math.nan, unit_) == fmt(np.float64("nan"), unit_) == fmt(None, unit_) == "n/a"


def test_format_follows_the_unit():
    assert [format_of(u) for u in ("share of registered", "Rp", "index (0-1)", "score (0-1)", "text", "followers")] == [
        "share",
        "rupiah",
        "ratio",
        "ratio",
        "text",
        "count",
    ]


def test_show_formats_by_the_outputs_unit():
    assert show("completion", 0.919) == "91.9%"
    assert show("total_income", 469_604_845.2) == "Rp469,604,845"
    assert show("registered", 14719) == "14,719"
    assert show("comm_pattern", "all-channel") == "all-channel"
    assert show("financial_change", math.nan) == "n/a"


# ---------------------------------------------------------------- languages
def _indonesian_catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    from ibusim.i18n import catalogue_path

    with open(catalogue_path("id"), "rb") as f:
        return {m.id: m.string for m in read_po(f, locale="id") if m.id and not m.fuzzy}


def test_every_output_has_an_indonesian_label_and_unit():
    translated = _indonesian_catalogue()
    for name, o in CATALOGUE.items():
        assert translated.get(o.label), f"{name}: no Indonesian for {o.label!r}"
        assert translated.get(o.unit), f"{name}: no Indonesian for its unit {o.unit!r}"
        shown = label(name, "id")
        assert shown == translated[o.label] and shown != o.label, (name, shown)
        assert unit(name, "id") == translated[o.unit]
    assert label("cum_registered", "id") == "Terdaftar (kumulatif)"
    assert unit("registered", "id") == "ibu"


def test_english_stays_the_default_and_the_msgid():
    for name, o in CATALOGUE.items():
        assert label(name) == label(name, "en") == o.label
        assert unit(name) == unit(name, "en") == o.unit
    with pytest.raises(ValueError, match="not available"):
        label("registered", "fr")


@pytest.mark.parametrize(
    "value,unit_,text",
    [
        (0.91, "share", "91%"),
        (0.5504, "share of respondents", "55%"),
        (1_500_000, "Rp", "Rp 1.500.000"),
        (-2500, "Rp", "-Rp 2.500"),
        (14719.6, "mothers", "14.720"),
        (0.8312, "index (0-1)", "0,831"),
        (4.2, "ratio to the founders'", "4,2"),
        (1250.4, "ratio", "1.250"),
        (0.004, "number", "0,004"),
        ("wheel", "text", "wheel"),
        (math.nan, "mothers", "t/a"),
        (None, "share", "t/a"),
    ],
)
def test_fmt_in_indonesian(value, unit_, text):
    assert fmt(value, unit_, "id") == text


def test_show_and_output_fmt_take_a_language():
    assert show("registered", 14719, "id") == "14.719" and show("registered", 14719) == "14,719"
    assert CATALOGUE["completion"].fmt(0.919, "id") == "91,9%"


# ---------------------------------------------------------------- targets
def test_every_target_belongs_to_its_summary_key():
    for t in TARGETS.values():
        assert CATALOGUE[t.summary].target == t.name
    with_target = {n for n, o in CATALOGUE.items() if o.target}
    assert with_target == {t.summary for t in TARGETS.values()} | set(SERIES_TARGETS)


def test_series_targets_agree_with_targets_toml(tiny):
    df, summary = tiny
    assert set(SERIES_TARGETS.values()) <= set(TARGETS)
    assert {"cum_registered": "registered", "n_telegram": "telegram", "n_followers": "instagram"}.items() <= (
        SERIES_TARGETS.items()
    )
    for col, name in SERIES_TARGETS.items():
        t = TARGETS[name]
        assert CATALOGUE[col].target == name
        # the series shows the target's figure: its last week is the summary value
        last, final = float(df[col].iloc[-1]), float(summary[t.summary])
        assert last == final or (math.isnan(last) and math.isnan(final)), col
        # and in the same kind of unit
        assert format_of(CATALOGUE[col].unit) == format_of(t.unit), col


def test_target_units_format_like_the_catalogue():
    for t in TARGETS.values():
        assert format_of(t.unit) == CATALOGUE[t.summary].format, t.name


def test_table_has_a_header_for_every_column():
    summary = {t.summary: t.value for t in TARGETS.values()}
    head = targets_mod.table(summary).splitlines()[0].split()
    assert head == ["figure", "observed", "band", "simulated", "inside"]


def test_no_module_keeps_its_own_number_formatter():
    """The old per-module helpers are gone: their callers use outputs.fmt."""
    root = Path(outputs.__file__).resolve().parents[1]
    for rel in ("model/targets.py", "model/parameters.py", "experiments/report.py", "experiments/compare.py"):
        text = (root / rel).read_text(encoding="utf-8")
        assert not re.search(r"^def _fmt\(|^    def fmt\(", text, re.M), rel
        assert "SERIES_TARGETS = {" not in text, rel
