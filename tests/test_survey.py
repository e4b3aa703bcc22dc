"""Impact survey (model/survey.py): frame, response, the two reported shares."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ibusim.model import CommunityModel, survey

MID = dict(n_mothers=20_000)


@pytest.fixture(scope="module")
def finished():
    """One finished run whose state the tests survey again (they change only model.p)."""
    return CommunityModel(rng=1, **MID).run()


def frames(m) -> dict[str, np.ndarray]:
    reg = m.registered_week >= 0
    return {
        "registered": np.flatnonzero(reg),
        "completers": np.flatnonzero(reg & (m.classes_done > 0)),
        "alumnae": np.flatnonzero(reg & m.alumna),
    }


def survey_with(m, **p):
    old = dict(m.p)
    m.p.update(p)
    try:
        return survey.run(m, m.fresh_stream("survey"))
    finally:
        m.p.clear()
        m.p.update(old)


def test_the_three_frames_are_nested_and_differ(finished):
    f = frames(finished)
    assert f["registered"].size > f["completers"].size > f["alumnae"].size > 0
    assert np.isin(f["alumnae"], f["completers"]).all() and np.isin(f["completers"], f["registered"]).all()


@pytest.mark.parametrize("frame", ["registered", "completers", "alumnae"])
def test_with_certain_response_everyone_in_the_frame_answers(finished, frame):
    m = finished
    res = survey_with(m, survey_frame=frame, survey_response_base=1.0)
    who = frames(m)[frame]
    assert res["survey_respondents"] == who.size
    assert res["financial_change"] == pytest.approx(m.fin_change[who].mean())
    assert res["parenting_change"] == pytest.approx(m.par_change[who].mean())


def test_frame_choice_changes_the_result_through_a_whole_run():
    kw = dict(rng=2, survey_response_base=1.0, **MID)
    res = {f: CommunityModel(survey_frame=f, **kw).run().summary() for f in ("registered", "alumnae")}
    assert res["registered"]["survey_respondents"] > res["alumnae"]["survey_respondents"]
    # paid-class alumnae report financial change far more often than all registered members
    assert res["alumnae"]["financial_change"] > 2 * res["registered"]["financial_change"]


def test_response_probability_is_the_score_when_base_is_zero(finished):
    """Response probability survey_response_base + survey_response_engaged * s_i.

    With base 0, engaged 1 and scores set to 0 or 1, exactly the members with score 1 answer.
    """
    m = finished
    score = m.score.copy()
    try:
        who = frames(m)["registered"]
        m.score[who] = (np.arange(who.size) % 3 == 0).astype(np.float32)
        res = survey_with(m, survey_frame="registered", survey_response_base=0.0, survey_response_engaged=1.0)
        engaged = who[m.score[who] == 1.0]
        assert res["survey_respondents"] == engaged.size
        assert res["financial_change"] == pytest.approx(m.fin_change[engaged].mean())
    finally:
        m.score[:] = score


def test_engaged_members_answer_more(finished):
    m = finished
    res = survey_with(m, survey_frame="registered", survey_response_base=0.05, survey_response_engaged=0.5)
    who = frames(m)["registered"]
    expected = np.minimum(1.0, 0.05 + 0.5 * m.score[who].astype(float))
    mean, sd = expected.sum(), math.sqrt((expected * (1 - expected)).sum())
    assert abs(res["survey_respondents"] - mean) < 5 * sd
    flat = survey_with(m, survey_frame="registered", survey_response_base=0.05, survey_response_engaged=0.0)
    assert res["survey_respondents"] > flat["survey_respondents"] + 5 * sd


def test_response_capped_at_one(finished):
    m = finished
    res = survey_with(m, survey_frame="completers", survey_response_base=0.9, survey_response_engaged=1.0)
    assert res["survey_respondents"] <= frames(m)["completers"].size
    assert res["survey_respondents"] > 0.9 * frames(m)["completers"].size


def test_same_state_same_answers(finished):
    m = finished
    a = survey.run(m, m.fresh_stream("survey"))
    b = survey.run(m, m.fresh_stream("survey"))
    assert a == b
    assert a == m.survey_result  # the survey the model ran on its last week


def test_running_the_survey_mid_run_changes_nothing_else():
    """The survey draws from its own stream: surveying half-way does not shift any rule."""
    kw = dict(rng=3, n_mothers=5000, end="2022-12")
    a = CommunityModel(**kw)
    b = CommunityModel(**kw)
    while a.running:
        if a.week == 60:
            survey.run(a, a.fresh_stream("survey"))
        a.step()
        b.step()
    sa, sb = a.summary(), b.summary()
    assert sa.keys() == sb.keys()
    assert all(sa[k] == sb[k] or (math.isnan(sa[k]) and math.isnan(sb[k])) for k in sa)
    np.testing.assert_array_equal(a.stage, b.stage)
    assert a.survey_result == b.survey_result


def test_survey_runs_only_at_the_end():
    m = CommunityModel(rng=4, n_mothers=5000, end="2021-06")
    m.step()
    assert m.survey_result is None and math.isnan(m.summary()["financial_change"])
    m.run()
    assert m.survey_result is not None and m.summary()["survey_respondents"] == m.survey_result["survey_respondents"]


def test_empty_frame_reports_no_respondents_and_undefined_shares():
    m = CommunityModel(rng=5, interest_rate=0.0, n_mothers=5000, end="2020-12").run()
    s = m.summary()
    assert s["survey_respondents"] == 0
    assert math.isnan(s["financial_change"]) and math.isnan(s["parenting_change"])


def test_no_response_at_all():
    m = CommunityModel(rng=6, survey_response_base=0.0, survey_response_engaged=0.0, n_mothers=5000).run()
    assert m.summary()["survey_respondents"] == 0 and math.isnan(m.summary()["financial_change"])
