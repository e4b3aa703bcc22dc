"""The market size derivation (model/market.py) and its parameters (market_size)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from ibusim.model import CommunityModel, market
from ibusim.model.parameters import DEFAULTS, PARAMS
from ibusim.model.population import PROVINCES

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "sources" / "market.md"
CHAIN = ("millennials", "female_share", "ever_married", "mothers", "internet", "instagram")


def test_the_chain_is_the_documented_one_in_order():
    assert tuple(f.name for f in market.FACTORS) == CHAIN


def test_the_derivation_multiplies_out():
    point, low, high = market.reachable_mothers()
    assert point == round(math.prod(f.value for f in market.FACTORS))
    assert low == round(math.prod(f.low for f in market.FACTORS))
    assert high == round(math.prod(f.high for f in market.FACTORS))
    # by hand, the documented values: 69.90 M x 0.4916 x 0.8837 x 0.90 x 0.9317 x 0.4207
    assert point == pytest.approx(69_900_000 * 0.4916 * 0.8837 * 0.90 * 0.9317 * 0.4207, abs=1)
    assert low <= point <= high


def test_the_derived_shares_come_from_the_table_cells():
    women, men = sum(market.WOMEN_25_39), sum(market.MEN_25_39)
    assert market.factor("female_share").value == pytest.approx(women / (women + men), abs=5e-5)
    ever = sum(market.WOMEN_25_39_MARRIED) + sum(market.WOMEN_25_39_DIVORCED) + sum(market.WOMEN_25_39_WIDOWED)
    assert market.factor("ever_married").value == pytest.approx(ever / women, abs=5e-5)
    assert market.factor("ever_married").low == pytest.approx(sum(market.WOMEN_25_39_MARRIED) / women, abs=5e-5)
    # every cell used appears in the quoted rows, as printed (dots for thousands)
    quote = market.factor("female_share").quote
    cells = (*market.WOMEN_25_39, *market.MEN_25_39, *market.WOMEN_25_39_MARRIED)
    cells += (*market.WOMEN_25_39_DIVORCED, *market.WOMEN_25_39_WIDOWED)
    for n in cells:
        assert f"{n:,}".replace(",", ".") in quote, n


def test_the_instagram_factor_lies_between_its_two_observed_bounds():
    ig = market.factor("instagram")
    assert ig.low == market.APJII_INSTAGRAM_2024
    assert ig.high == pytest.approx(100.9 / 185.3, abs=5e-5)
    assert ig.value == pytest.approx((ig.low + ig.high) / 2, abs=5e-5)


@pytest.mark.parametrize("f", market.FACTORS, ids=lambda f: f.name)
def test_every_factor_has_a_source_and_a_quote_or_is_assumed(f):
    assert f.provenance in ("observed", "derived", "assumed")
    assert f.source.strip()
    if f.provenance != "assumed":
        assert f.quote.strip()
    assert f.low <= f.value <= f.high
    assert f.unit.strip()
    if f.unit.startswith("share"):
        assert 0 < f.low <= f.high <= 1


def test_factor_rejects_bad_declarations():
    with pytest.raises(ValueError):
        market.Factor("x", 0.5, 0.6, 0.7, "share", "assumed", "why", "")
    with pytest.raises(ValueError):
        market.Factor("x", 0.5, 0.4, 0.6, "share", "observed", "somewhere", "")
    with pytest.raises(ValueError):
        market.Factor("x", 0.5, 0.4, 0.6, "share", "guessed", "why", "")


def test_the_parameter_default_is_the_derived_point_value():
    p = PARAMS["market_size"]
    assert p.provenance == "derived" and p.group == "market" and p.unit == "mothers"
    assert p.default == DEFAULTS["market_size"] == market.MARKET_SIZE == round(market.reachable_mothers()[0], -3)
    lo, hi = p.bounds
    _, low, high = market.reachable_mothers()
    assert lo < low and high < hi
    assert "docs/sources/market.md" in p.source


def test_scale_factor_behaves():
    point = market.reachable_mothers()[0]
    assert market.scale_factor(point) == pytest.approx(1.0)
    assert market.scale_factor(120_000) == pytest.approx(point / 120_000)
    assert market.scale_factor(60_000) == pytest.approx(2 * market.scale_factor(120_000))
    assert market.scale_factor(1_000, reachable=5_000) == 5.0
    for bad in (0, -5):
        with pytest.raises(ValueError):
            market.scale_factor(bad)


def test_the_effective_market_is_within_the_reachable_market():
    # the bounds keep the simulated effective market below the reachable market
    assert PARAMS["n_mothers"].bounds[1] <= PARAMS["market_size"].bounds[0]
    _, low, _ = market.reachable_mothers()
    assert PARAMS["market_size"].bounds[0] <= low
    m = CommunityModel(rng=1, n_mothers=2_000, end="2020-06").run()
    assert m.summary()["registered_share_of_market"] == pytest.approx(m.summary()["registered"] / m.p["market_size"])


def test_province_penetration_names_match_the_model_and_are_shares():
    names = {name for name, _, _ in PROVINCES}
    seen = set()
    for name, share, source in market.PROVINCE_INTERNET_2024:
        assert name in names, name
        assert name not in seen
        seen.add(name)
        assert 0.5 < share < 1.0
        assert "APJII" in source and "2024" in source


def test_province_penetration_is_the_provinces_tables_2024_column():
    from ibusim.model.provinces import TABLE

    table = {p.name: p.internet_apjii_2024 for p in TABLE if p.internet_apjii_2024 is not None}
    assert table == {name: share for name, share, _ in market.PROVINCE_INTERNET_2024}


def test_the_sources_document_shows_the_same_numbers():
    text = DOC.read_text(encoding="utf-8")
    point, low, high = market.reachable_mothers()
    for n in (point, low, high):
        assert f"{n:,}" in text, n
    for f in market.FACTORS:
        assert f"`{f.name}`" in text, f.name
    assert re.search(r"interest_rate", text)
