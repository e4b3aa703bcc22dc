"""Unit costs (model/costs.py): declared with provenance, kept out of the model, and a design's yearly cost."""

from __future__ import annotations

import pytest

from ibusim.i18n import error_text
from ibusim.model.costs import COSTS, DEFAULT_COSTS, ITEMS, check_costs, yearly_cost, yearly_volunteers
from ibusim.model.parameters import PARAMS, PROGRAMMES, PROVENANCES, ParameterError, check, text
from ibusim.model.scenarios import load


@pytest.mark.parametrize("name", list(COSTS))
def test_every_cost_is_declared_with_its_provenance_and_both_languages(name):
    p = COSTS[name]
    assert p.name == name and name not in PARAMS  # the model never reads a cost
    assert p.type == "float" and p.unit.startswith("Rp") and p.bounds[0] == 0
    assert p.provenance in PROVENANCES and p.source.strip()
    if p.provenance == "assumed":
        assert "no cost or budget" in p.source  # says why nothing is observed
    assert check(p, p.default) == p.default > 0
    for what in ("label", "help"):
        english = text(p, what, "en")
        assert english and text(p, what, "id") != english, (name, what)  # translated


def test_bad_costs_are_refused_in_one_line():
    with pytest.raises(ParameterError, match="unknown cost 'cost_pizza'"):
        check_costs({"cost_pizza": 1.0})
    with pytest.raises(ParameterError, match="cost_post") as e:
        check_costs({"cost_post": -5.0})
    assert "\n" not in str(e.value)
    assert check_costs({"cost_post": 7}) == {**DEFAULT_COSTS, "cost_post": 7.0}


def test_an_unknown_cost_is_named_in_indonesian():
    with pytest.raises(ParameterError) as e:
        check_costs({"cost_pizza": 1.0})
    assert str(e.value) == f"unknown cost 'cost_pizza' (known: {', '.join(COSTS)})"
    assert error_text(e.value, "id") == f"biaya 'cost_pizza' tidak dikenal (yang dikenal: {', '.join(COSTS)})"


# unit costs chosen so the sums are easy to do by hand
UNIT = {
    "cost_cohort": 1000.0,
    "cost_place_week": 10.0,
    "cost_scholar": 100.0,
    "cost_free_class_cohort": 500.0,
    "cost_volunteer_month": 50.0,
    "cost_admin_month": 2000.0,
    "cost_post": 20.0,
    "cost_live": 300.0,
    "cost_platform_month": 400.0,
}


def test_yearly_cost_of_a_known_design_by_hand():
    design = load(
        "baseline",
        comeback_journey_places=100,  # every 13 weeks, 6 weeks long
        jika_ibu_menjadi_places=0,  # closed
        kembali_diri_places=0,
        ibu_pebisnis_places=25,  # every 13 weeks, 8 weeks long
        scholarship_batches=6,
        scholarship_batch_size=18,
        scholarship_every_weeks=26,
        free_class=True,
        free_class_every_weeks=2,
        volunteering=True,
        volunteer_call_size=20,
        volunteer_call_every_weeks=13,
        volunteer_quit_rate=0.01,
        n_admins=5,
        posts_per_week=5.0,
        live_every_weeks=2,
    )
    cost = yearly_cost(design, UNIT)
    assert cost["programme_comeback_journey"] == pytest.approx(4 * (1000 + 100 * 6 * 10))  # 4 cohorts a year
    assert cost["programme_jika_ibu_menjadi"] == cost["programme_kembali_diri"] == 0
    assert cost["programme_ibu_pebisnis"] == pytest.approx(4 * (1000 + 25 * 8 * 10))
    assert cost["scholarship"] == pytest.approx(2 * 18 * (100 + 8 * 10))  # 2 batches of 18, each in an 8-week class
    assert cost["free_class"] == pytest.approx(26 * 500)
    assert yearly_volunteers(design) == pytest.approx(20 / 13 * 100)  # intake per week x 100 weeks' tenure
    assert cost["volunteers"] == pytest.approx(20 / 13 * 100 * 12 * 50)
    assert cost["team"] == pytest.approx(5 * 12 * 2000)
    assert cost["content"] == pytest.approx(52 * 5 * 20 + 26 * 300)
    assert cost["platform"] == pytest.approx(12 * 400)
    items = [k for k in cost if k != "total"]
    assert items == list(ITEMS) and cost["total"] == pytest.approx(sum(cost[k] for k in items))


def test_switching_things_off_saves_exactly_their_cost():
    full = yearly_cost(load("ipm"))
    off = yearly_cost(
        load(
            "ipm",
            free_class=False,
            volunteering=False,
            scholarship_batches=0,
            **{f"{p}_places": 0 for p in PROGRAMMES},
        )
    )
    for k in ("free_class", "volunteers", "scholarship", *(f"programme_{p}" for p in PROGRAMMES)):
        assert full[k] > 0 and off[k] == 0, k
    assert off["total"] == pytest.approx(off["team"] + off["content"] + off["platform"])
    assert off["total"] > 0
    # more places, or a faster rhythm, cost more
    assert yearly_cost(load("ipm", comeback_journey_places=200))["total"] > full["total"]
    assert yearly_cost(load("ipm", comeback_journey_every_weeks=6))["total"] > full["total"]
