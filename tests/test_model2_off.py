"""Model 2.0 switched off is version 0.2: the same results, draw for draw.

Every mechanism Model 2.0 adds (issue 10) has a switch or a zero value that turns it
off, and every default it changed has its old value. With all of them set back
(``OFF`` and ``OLD_DEFAULTS`` below) and the v0.2 presets (``tests/v02/*.toml``,
copies of the presets as they were), each case of ``tests/v02/baseline.json`` (a
copy of the baseline file of version 0.2.0) comes out exactly as it did: counts
equal, floats to a relative 1e-9. This holds because every new mechanism draws
from its own named random stream, or from its rule's stream only when it is on.

A mechanism added later must add its off value to ``OFF`` (and any default it
changes to ``OLD_DEFAULTS``), or this test fails.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from ibusim.model.scenarios import overrides

ROOT = Path(__file__).resolve().parents[1]
V02 = ROOT / "tests" / "v02"
_spec = importlib.util.spec_from_file_location("update_baseline", ROOT / "scripts" / "update_baseline.py")
update_baseline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_baseline)

# Model 2.0's mechanisms, switched off (parameter: off value)
OFF: dict[str, object] = {
    "province_reach": "regions",  # provinces: version 0.2's region weights with remote_reach
    "waiting_list": False,  # capacity: turned-away applicants return to active, as in version 0.2
    # interactivity (model/interaction.py, model/communication.py, model/progress.py)
    "purpose_patterns": False,
    "internalise_exchange": 0.0,
    "internalise_silence": 0.0,
    "tie_formation": 0.0,
    "referral_rate": 0.0,
    "skill_effect": 0.0,
    "belonging_effect": 0.0,
    "tie_retention": 0.0,
    "telegram_seek_boost": 0.0,  # funnels: Telegram membership does not raise seeking
    "telegram_class_boost": 0.0,  # funnels: Telegram membership does not raise applications
    "announcement_boost": 0.0,  # funnels: class announcements on Instagram do not raise followers' applications
    "live_seek_share": 0.0,  # funnels: Instagram lives make nobody seek to join
    "volunteer_entry": False,  # funnels: volunteers need a completed class, as in version 0.2
    "volunteer_enrol_boost": 0.0,  # funnels: volunteering does not raise applications
    "alumni_class_every_weeks": 0,  # funnels: no alumni classes
    "reunion_month": 0,  # funnels: no reunions
    "alumni_enrol_boost": 0.0,  # funnels: alumni events do not raise applications (none are held anyway)
    "track_share_writer": 0.0,  # work: no writer track (Jika Ibu Menjadi graduates are content creators or nothing)
    "track_share_virtual_assistant": 0.0,  # work: no virtual-assistant track
    "track_share_mc": 0.0,  # work: no MC track
    "track_share_financial_planner": 0.0,  # work: no financial-planner track (so model/work.py has nobody to pay)
    "brand_story_reach": 1.0,  # work: IbuSibuk's brand story and mission do not change the mass reach
    "memorable_content": 1.0,  # work: memorable content does not change the reach of posts or follower growth
    "community_development": 0.0,  # work: training does not raise new momfluencers' engagement
    "mixed_media": 0.0,  # work: brand posts are single Instagram posts
    "differentiation": 0.0,  # work: brands weigh engagement and followers the same
    "training_offline_share": 0.0,  # work: all momfluencer training online (no offline draws)
}

# defaults Model 2.0 changed (parameter: value in version 0.2)
OLD_DEFAULTS: dict[str, object] = {
    "comeback_journey_financial_effect": 0.55,  # labels: no longer the survey's 55% (an outcome share)
    "ibu_pebisnis_start": "2021-03",  # chronology: the business class first, in 2020-05
    "kembali_diri_start": "2020-09",  # chronology: Kembali Diri after the business class's first year (2021-02)
    "ibu_pebisnis_places": 40,  # capacity: a small mentored business class that can fill (25)
    "weight_environment": 0.5,  # barriers: family first (0.5), environment second (0.3)
    "weight_family": 0.3,
}


@pytest.fixture(scope="module")
def stored() -> dict:
    return json.loads((V02 / "baseline.json").read_text(encoding="utf-8"))


def _v02_preset(preset: str) -> str:
    return preset if preset == "baseline" else str(V02 / f"{preset}.toml")


@pytest.mark.parametrize("case", [c[0] for c in update_baseline.CASES])
def test_model2_switched_off_reproduces_version_0_2(stored, case):
    old = stored["cases"][case]
    preset = _v02_preset(old["preset"])
    # an old default is a default: a value the v0.2 preset sets itself wins (e.g. ibusibuk's closed programmes)
    own = set(overrides(preset)) if preset != "baseline" else set()
    params = {**{k: v for k, v in OLD_DEFAULTS.items() if k not in own}, **OFF, **old["params"]}
    new = update_baseline.compute_case(preset, old["seed"], params)
    # compare only what version 0.2 reported (Model 2.0 adds figures)
    new["summary"] = {k: new["summary"].get(k, "missing") for k in old["summary"]}
    new["series"] = {k: new["series"].get(k, []) for k in old["series"]}
    new["preset"], new["params"] = old["preset"], old["params"]
    diffs = update_baseline.differences({"cases": {case: old}}, {"cases": {case: new}})
    assert not diffs, "Model 2.0 switched off differs from version 0.2:\n" + "\n".join(diffs)


def test_off_names_declared_parameters():
    from ibusim.model.parameters import PARAMS, validate

    assert set(OFF) <= set(PARAMS) and set(OLD_DEFAULTS) <= set(PARAMS)
    validate({**OLD_DEFAULTS, **OFF})  # the off values are allowed values
