"""Targets (model/targets.toml, model/targets.py): sound declarations and the comparison table."""

from __future__ import annotations

import math
import re
import tomllib

import numpy as np
import pytest
from source_quotes import SOURCE_IDS, quoted

from ibusim.model import CommunityModel
from ibusim.model import targets as targets_mod

TARGETS = targets_mod.load()
FIELDS = {"label", "value", "band", "unit", "quote", "quote_en", "source", "summary", "band_reason", "role"}
OPTIONAL = {"per", "fit_band", "fit_band_reason", "noise_sd"}
PATTERN_FIELDS = {"label", "statistic", "band", "unit", "source", "reason"}


@pytest.fixture(scope="module")
def short_summary():
    """The summary keys exist from the first week on; a short run is enough."""
    return CommunityModel(rng=1, n_mothers=2000, end="2020-12").run().summary()


def test_the_eight_observed_figures_are_declared():
    assert set(TARGETS) == {
        "registered",
        "completion",
        "financial_change",
        "parenting_change",
        "telegram",
        "instagram",
        "provinces",
        "scholars",
    }


def test_every_target_has_exactly_the_declared_fields():
    data = tomllib.loads(targets_mod.TARGETS_FILE.read_text(encoding="utf-8"))
    for name, t in data.items():
        assert FIELDS <= set(t) <= FIELDS | OPTIONAL, name
        assert ("per" in t) == ("fit_band" in t) == ("fit_band_reason" in t), name
        assert len(t["band"]) == 2, name
        for key in ("label", "unit", "quote", "quote_en", "source", "summary", "band_reason"):
            assert isinstance(t[key], str) and t[key].strip(), (name, key)


@pytest.mark.parametrize("t", TARGETS.values(), ids=list(TARGETS))
def test_value_is_inside_its_band(t):
    assert t.low < t.high
    assert t.low <= t.value <= t.high
    assert t.inside(t.value) and t.inside(t.low) and t.inside(t.high)
    assert not t.inside(math.nan)
    assert not t.inside(t.low - abs(t.low) * 0.01 - 1e-9) and not t.inside(t.high + abs(t.high) * 0.01 + 1e-9)
    if t.unit.startswith("share"):
        assert 0 <= t.low and t.high <= 1


@pytest.mark.parametrize("t", [pytest.param(t, id=t.name) for t in TARGETS.values()])
def test_quote_is_verbatim_in_its_source(t):
    """The quote (fragments around an elision '...', in order) is in one passage of docs/sources/<source>-*.md."""
    assert t.source in SOURCE_IDS, t.source
    assert all(f.strip() for f in t.quote.split("...")), "an elision '...' at the start or end of a quote"
    assert quoted(t.quote, t.source), f"{t.name}: {t.quote!r} is not in a passage of docs/sources/{t.source}-*.md"


@pytest.mark.parametrize("t", TARGETS.values(), ids=list(TARGETS))
def test_quote_has_an_english_translation_with_its_numbers(t):
    """quote_en translates the quote: not a copy, the same figures (38,6 as 38.6), the same elisions."""
    assert t.quote_en.strip() and t.quote_en != t.quote
    numbers = [n.replace(",", ".") for n in re.findall(r"\d+(?:,\d+)?", t.quote)]
    assert numbers and all(n in t.quote_en for n in numbers), (t.quote, t.quote_en)
    assert t.quote.count("...") == t.quote_en.count("...")


def test_english_readers_see_the_translation_next_to_the_quote():
    t = TARGETS["registered"]
    assert t.quoted("id") == '"Sejak 2020, telah terdaftar 15ribu ibu"'
    english = '"Sejak 2020, telah terdaftar 15ribu ibu" (Since 2020, 15 thousand mothers have registered)'
    assert t.quoted("en") == english
    assert t.quoted("en", ("\u201c", "\u201d")).startswith("\u201cSejak 2020") and t.quote_en in t.quoted("en")
    rows = targets_mod.compare({x.summary: x.value for x in TARGETS.values()})
    assert [r["quote_en"] for r in rows] == [x.quote_en for x in TARGETS.values()]


def test_a_target_without_quote_en_is_refused_in_one_line(tmp_path, monkeypatch):
    data = targets_mod.TARGETS_FILE.read_text(encoding="utf-8")
    copy = tmp_path / "targets.toml"
    copy.write_text(data.replace('quote_en = "91% completed their learning"\n', ""), encoding="utf-8")
    monkeypatch.setattr(targets_mod, "TARGETS_FILE", copy)
    with pytest.raises(ValueError, match=r"^targets.toml: target 'completion' has no quote_en [^\n]*$"):
        targets_mod.load()


@pytest.mark.parametrize("t", TARGETS.values(), ids=list(TARGETS))
def test_summary_key_exists(t, short_summary):
    assert t.summary in short_summary
    float(short_summary[t.summary])


def test_compare_gives_one_row_per_target(short_summary):
    rows = targets_mod.compare(short_summary)
    assert [r["target"] for r in rows] == list(TARGETS)
    for r in rows:
        t = TARGETS[r["target"]]
        sim = float(short_summary[t.summary])
        assert r["observed"] == t.value and (r["low"], r["high"]) == (t.low, t.high)
        assert r["simulated"] == sim or (math.isnan(sim) and math.isnan(r["simulated"]))
        assert r["inside"] == t.inside(sim)


def test_compare_flags_inside_and_outside():
    inside = {t.summary: t.value for t in TARGETS.values()}
    assert all(r["inside"] for r in targets_mod.compare(inside))
    outside = {t.summary: t.high * 2 + 1 for t in TARGETS.values()}
    assert not any(r["inside"] for r in targets_mod.compare(outside))
    nan = {t.summary: math.nan for t in TARGETS.values()}
    assert not any(r["inside"] for r in targets_mod.compare(nan))


def test_table_prints_a_row_per_target():
    summary = {t.summary: t.value for t in TARGETS.values()}
    summary["registered"] = 1  # one figure outside
    text = targets_mod.table(summary)
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["figure", "observed"]
    body = lines[2:-1]
    assert len(body) == len(TARGETS)
    for t, line in zip(TARGETS.values(), body):
        assert line.startswith(t.label)
    status = [line.split()[-1] for line in body]
    assert status == ["OUT"] + ["ok"] * (len(TARGETS) - 1)
    assert lines[-1] == f"{len(TARGETS) - 1} of {len(TARGETS)} figures inside their band"


def test_table_formats_missing_and_share_figures():
    summary = {t.summary: t.value for t in TARGETS.values()}
    summary["financial_change"] = math.nan
    text = targets_mod.table(summary)
    fin = next(line for line in text.splitlines() if line.startswith(TARGETS["financial_change"].label))
    assert "n/a" in fin and fin.rstrip().endswith("OUT")
    assert "55.0%" in fin
    reg = next(line for line in text.splitlines() if line.startswith(TARGETS["registered"].label))
    assert "15,000" in reg


def test_table_of_the_ipm_run(ipm_run):
    summary = ipm_run.summary()
    text = targets_mod.table(summary)
    targets = targets_mod.load().values()
    inside = sum(t.inside(summary[t.summary]) for t in targets)
    assert text.splitlines()[-1] == f"{inside} of {len(targets)} figures inside their band"


def test_roles_scholars_are_checked_provinces_predicted_the_rest_fitted():
    roles = {n: t.role for n, t in TARGETS.items()}
    assert roles["scholars"] == "check" and roles["provinces"] == "predicted"
    assert targets_mod.by_role("fitted") == [n for n in TARGETS if n not in ("scholars", "provinces")]
    assert set(roles.values()) <= set(targets_mod.ROLES)
    with pytest.raises(ValueError):
        targets_mod.by_role("nope")


@pytest.mark.parametrize("t", TARGETS.values(), ids=list(TARGETS))
def test_fitted_statistic_band_and_noise(t):
    """Counts that depend on the market's size are fitted per registered mother; noise is declared apart."""
    assert t.fit_low <= t.fit_value <= t.fit_high and t.fit_band_reason.strip()
    if t.per:
        assert t.per == "registered" and TARGETS["registered"].per == ""
        assert t.fit_value == pytest.approx(t.value / TARGETS["registered"].value)
        assert t.fit_unit == "ratio" and "per registered mother" in t.fit_label
    else:
        assert (t.fit_low, t.fit_high, t.fit_value) == (t.low, t.high, t.value)
    assert t.noise_sd >= 0
    if t.role == "fitted":
        assert 0 < t.noise_sd < t.half_band  # measured run-to-run noise; the band is wider than it
        assert t.scale == pytest.approx(math.hypot(t.half_band, t.noise_sd))


def test_band_reasons_say_what_the_band_stands_for():
    words = ("rounding", "rounded", "sampling", "count", "derived", "chance", "definition")
    for t in TARGETS.values():
        assert any(w in t.band_reason.lower() for w in words), t.name


def test_patterns_are_validation_with_a_band_and_a_reason():
    data = tomllib.loads(targets_mod.PATTERNS_FILE.read_text(encoding="utf-8"))
    assert len(data) >= 2
    for name, p in targets_mod.patterns().items():
        assert set(data[name]) == PATTERN_FIELDS and p.role == "validation" and p.low < p.high
        assert not p.inside(math.nan) and p.inside(p.low)


def test_pattern_values_of_a_known_series():
    start = "2020-04-01"
    weeks = 248
    days = np.datetime64(start) + 7 * np.arange(weeks)
    reg = np.full(weeks, 10.0)
    reg[(days >= np.datetime64("2021-07-01")) & (days < np.datetime64("2021-10-01"))] = 20.0
    reg[days.astype("datetime64[Y]") == np.datetime64("2022", "Y")] = 5.0
    v = targets_mod.pattern_values(reg, start)
    assert v["delta_surge"] == pytest.approx(2.0)
    y21 = reg[days.astype("datetime64[Y]") == np.datetime64("2021", "Y")].sum()
    assert v["registered_2021_over_2022"] == pytest.approx(y21 / (5.0 * 52), rel=0.02)
    short = targets_mod.pattern_values(reg[:30], start)  # a run that ends in 2020
    assert math.isnan(short["registered_2021_over_2022"]) and math.isnan(short["delta_surge"])
