"""Engagement (model/engagement.py): internalisation, dormancy and reactivation."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ibusim.model import CommunityModel, engagement
from ibusim.model.states import NO_CLASS, Role, Stage

# Model 2.0's other rules that move scores or stages (alumni events, exchanges) are off: these tests see engagement
# alone (tie_retention, engagement's own bond effect, is tested on its own below)
OTHERS_OFF = dict(
    alumni_class_every_weeks=0, reunion_month=0, internalise_exchange=0.0, internalise_silence=0.0, tie_retention=0.0
)
SMALL = dict(n_mothers=5000, end="2022-06", **OTHERS_OFF)
MID = dict(n_mothers=20_000, end="2023-06", **OTHERS_OFF)


# ------------------------------------------------------------------ whole-model behaviour
def test_no_dormancy_and_no_reactivation_dormant_are_exactly_the_dropouts():
    m = CommunityModel(rng=1, dormancy_rate=0.0, reactivation_rate=0.0, **MID).run()
    df = m.dataframe()
    assert (df["new_dormant"] == 0).all() and (df["new_reactivated"] == 0).all()
    dropouts = (df["new_dropped_free"] + df["new_dropped_paid"] + df["new_dropped_scholars"]).cumsum()
    np.testing.assert_array_equal(df["n_dormant"], dropouts)
    assert dropouts.iloc[-1] > 0


def test_no_dormancy_and_no_dropouts_nobody_is_dormant():
    m = CommunityModel(rng=2, dormancy_rate=0.0, dropout_rate=0.0, free_class_dropout=0.0, **MID).run()
    df = m.dataframe()
    assert (df["n_dormant"] == 0).all()
    assert m.summary()["registered"] > 0 and not (m.stage == Stage.DORMANT).any()


def test_dormancy_rate_one_sends_idle_low_score_members_to_dormancy():
    m = CommunityModel(rng=3, dormancy_rate=1.0, reactivation_rate=0.0, **MID).run()
    s = m.summary()
    assert s["dormant_share"] > 0.5
    assert m.dataframe()["new_dormant"].sum() > 0


def test_reactivation_brings_members_back():
    kw = dict(rng=4, dormancy_rate=0.05, **MID)
    none = CommunityModel(reactivation_rate=0.0, **kw).run().dataframe()
    some = CommunityModel(reactivation_rate=0.2, **kw).run().dataframe()
    assert (none["new_reactivated"] == 0).all()
    assert some["new_reactivated"].sum() > 0
    assert some["n_dormant"].iloc[-1] < none["n_dormant"].iloc[-1]


def test_scores_stay_in_unit_interval_every_week():
    m = CommunityModel(
        rng=5, internalise_prompt=0.3, internalise_free=0.9, internalise_paid=0.9, telegram_member_rate=0.5, **SMALL
    )
    while m.running:
        m.step()
        assert m.score.min() >= 0.0 and m.score.max() <= 1.0
        assert not np.isnan(m.score).any()
    assert m.score.max() > 0.9  # the bound was approached


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    free=st.floats(0, 1),
    paid=st.floats(0, 1),
    prompt=st.floats(0, 1),
    decay=st.floats(0, 1),
    seed=st.integers(0, 2**16),
)
def test_scores_stay_in_unit_interval_for_any_rates(free, paid, prompt, decay, seed):
    m = CommunityModel(
        rng=seed,
        internalise_free=free,
        internalise_paid=paid,
        internalise_prompt=prompt,
        internalise_decay=decay,
        interest_rate=0.05,
        telegram_member_rate=0.2,
        n_mothers=1000,
        end="2021-12",
    ).run()
    assert 0.0 <= m.score.min() and m.score.max() <= 1.0
    assert m.score[m.registered_week < 0].max(initial=0.0) == 0.0  # only members have a score


def test_full_decay_wipes_dormant_scores():
    """A share internalise_decay of a dormant member's score fades each week.

    At 1, a member who stays dormant through a week ends it with score 0 (a member who drifts away during the week
    starts fading the week after).
    """
    m = CommunityModel(rng=6, internalise_decay=1.0, **SMALL)
    stayed = 0
    while m.running:
        was = m.stage == Stage.DORMANT
        m.step()
        still = was & (m.stage == Stage.DORMANT)
        assert (m.score[still] == 0).all()
        stayed += still.sum()
    assert stayed > 0


def test_no_prompts_without_telegram():
    """Prompts reach members in the Telegram group only.

    With nobody in the group and no decay, a member's score comes from her completions alone.
    """
    m = CommunityModel(
        rng=7, telegram_rate=0.0, telegram_member_rate=0.0, internalise_prompt=0.5, internalise_decay=0.0, **SMALL
    ).run()
    never = m.classes_done == 0
    assert never.sum() > 0 and (m.score[never] == 0).all()


# ------------------------------------------------------------------ the rule on a hand-made state
def fake_model(stage, telegram, score, applied=None, n_admins=1, volunteers=0, managers=0, **p):
    stage = np.asarray(stage, np.int8)
    n = stage.size
    roles = {Role.VOLUNTEER: volunteers, Role.MANAGER: managers}
    model = SimpleNamespace(
        admins=[SimpleNamespace(capacity=60) for _ in range(n_admins)],
        p=dict(
            tie_retention=0.0,
            internalise_prompt=0.0,
            internalise_decay=0.0,
            dormancy_rate=0.0,
            reactivation_rate=0.0,
            prompt_reach=600,
            volunteer_weight=0.2,
        )
        | p,
        stage=stage,
        telegram=np.asarray(telegram, bool),
        score=np.asarray(score, np.float32),
        applied=np.full(n, NO_CLASS, np.int8) if applied is None else np.asarray(applied, np.int8),
        member_idx=np.flatnonzero(stage >= Stage.ACTIVE),
        n_role=lambda role: roles.get(role, 0),
        net_ties=np.zeros(n, np.int16),
    )
    model.member_rank = np.full(n, -1, np.int64)
    model.member_rank[model.member_idx] = np.arange(model.member_idx.size)
    model.member_stage = stage[model.member_idx]

    def move(idx, to):  # as CommunityModel.move: the stage and its member-ordered copy
        model.stage[idx] = to
        model.member_stage[model.member_rank[idx]] = to

    model.move = move
    model._member_telegram, model._n_member_telegram = np.zeros(n, bool), 0  # model/channels.py's member_telegram
    model._applicants = np.flatnonzero(model.applied != NO_CLASS)  # model/classes.py's agenda (members in order)
    return model


def test_prompts_raise_scores_of_active_and_in_class_telegram_members_only():
    stage = [Stage.ACTIVE, Stage.IN_CLASS, Stage.ACTIVE, Stage.DORMANT, Stage.AWARE]
    m = fake_model(stage, [1, 1, 0, 1, 1], [0.2, 0.5, 0.2, 0.4, 0.0], internalise_prompt=0.1, internalise_decay=0.25)
    engagement.step(m, np.random.default_rng(0))
    np.testing.assert_allclose(m.score, [0.2 + 0.1 * 0.8, 0.5 + 0.1 * 0.5, 0.2, 0.4 * 0.75, 0.0], rtol=1e-6)


def test_no_admins_no_prompts():
    """Prompts need facilitation capacity F (model/capacity.py).

    With no admins and no team F = 0, and Telegram members gain nothing.
    """
    stage = [Stage.ACTIVE, Stage.IN_CLASS, Stage.DORMANT]
    m = fake_model(stage, [1, 1, 1], [0.2, 0.5, 0.4], n_admins=0, internalise_prompt=0.5, internalise_decay=0.5)
    engagement.step(m, np.random.default_rng(0))
    np.testing.assert_allclose(m.score, [0.2, 0.5, 0.2], rtol=1e-6)


def test_no_admins_but_a_team_prompts():
    """Without founders the team prompts.

    Five volunteers (F = 5 * 0.2 = 1) or one manager reach prompt_reach members, so two members get the full effect.
    """
    stage = [Stage.ACTIVE, Stage.IN_CLASS, Stage.DORMANT]
    for team in (dict(volunteers=5), dict(managers=1)):
        m = fake_model(
            stage, [1, 1, 1], [0.2, 0.5, 0.4], n_admins=0, internalise_prompt=0.5, internalise_decay=0.5, **team
        )
        engagement.step(m, np.random.default_rng(0))
        np.testing.assert_allclose(m.score, [0.2 + 0.5 * 0.8, 0.5 + 0.5 * 0.5, 0.2], rtol=1e-6)


def test_prompt_gain_is_shared_when_the_group_outgrows_the_team():
    """Share = min(1, F * prompt_reach / prompted).

    One founder reaching 1 member a week and two members prompted gives each half the effect.
    """
    stage = [Stage.ACTIVE, Stage.IN_CLASS]
    m = fake_model(stage, [1, 1], [0.2, 0.5], internalise_prompt=0.4, prompt_reach=1)
    engagement.step(m, np.random.default_rng(0))
    np.testing.assert_allclose(m.score, [0.2 + 0.4 * 0.5 * 0.8, 0.5 + 0.4 * 0.5 * 0.5], rtol=1e-6)


def test_no_admins_and_no_team_in_a_run_scores_come_from_completions_only():
    """No admins and volunteering off (so no volunteers and no managers).

    F = 0, no prompts, and with no decay and no Happy Hour a member who completed no class keeps score 0.
    """
    m = CommunityModel(
        rng=8,
        n_admins=0,
        volunteering=False,
        happy_hour=False,
        internalise_prompt=0.5,
        internalise_decay=0.0,
        telegram_member_rate=0.5,
        **SMALL,
    ).run()
    df = m.dataframe()
    assert (df["n_volunteers"] == 0).all() and (df["n_team"] == 0).all()
    never = m.classes_done == 0
    assert (m.telegram & (m.registered_week >= 0)).sum() > 0 and never.sum() > 0
    assert (m.score[never] == 0).all()
    # with volunteering on, the volunteers (and managers) prompt: F > 0 even without founders
    m = CommunityModel(
        rng=8,
        n_admins=0,
        volunteering=True,
        happy_hour=False,
        internalise_prompt=0.5,
        internalise_decay=0.0,
        telegram_member_rate=0.5,
        **SMALL,
    ).run()
    assert m.dataframe()["n_volunteers"].max() > 0
    assert (m.score[m.classes_done == 0] > 0).any()


def test_dormancy_probability_is_rate_times_one_minus_score():
    n = 40_000
    score = np.where(np.arange(n) % 2 == 0, 0.0, 0.75)
    applied = np.where(np.arange(n) % 5 == 0, 1, NO_CLASS)  # pending applicants never drift
    m = fake_model(np.full(n, Stage.ACTIVE), np.zeros(n), score, applied, dormancy_rate=0.2)
    out = engagement.step(m, np.random.default_rng(1))
    drifted = np.zeros(n, bool)
    drifted[out["dormant"]] = True
    assert (m.stage[drifted] == Stage.DORMANT).all()
    assert not drifted[applied != NO_CLASS].any()
    for s, prob in ((0.0, 0.2), (0.75, 0.05)):
        sel = (score == s) & (applied == NO_CLASS)
        k = sel.sum()
        assert abs(drifted[sel].sum() - prob * k) < 5 * math.sqrt(k * prob * (1 - prob)), s


def test_community_ties_divide_dormancy_and_multiply_reactivation():
    """Bond-based commitment: by 1 + tie_retention * ties (model/interaction.py forms the ties)."""
    n = 40_000
    ties = np.where(np.arange(n) % 2 == 0, 0, 3)
    for stage, key, rate, tied_prob in (
        (Stage.ACTIVE, "dormant", 0.2, 0.2 / 4),
        (Stage.DORMANT, "reactivated", 0.1, 0.4),
    ):
        m = fake_model(
            np.full(n, stage), np.zeros(n), np.zeros(n), tie_retention=1.0, dormancy_rate=0.2, reactivation_rate=0.1
        )
        m.net_ties = ties.astype(np.int16)
        m.net_ties_max = 3  # the largest, as model/interaction.py keeps it
        moved = np.zeros(n, bool)
        moved[engagement.step(m, np.random.default_rng(3))[key]] = True
        for sel, prob in ((ties == 0, rate), (ties == 3, tied_prob)):
            k = sel.sum()
            assert abs(moved[sel].sum() - prob * k) < 5 * math.sqrt(k * prob * (1 - prob)), (key, prob)


def test_reactivation_is_doubled_in_telegram():
    n = 40_000
    tg = np.arange(n) % 2 == 0
    m = fake_model(np.full(n, Stage.DORMANT), tg, np.zeros(n), reactivation_rate=0.1)
    out = engagement.step(m, np.random.default_rng(2))
    back = np.zeros(n, bool)
    back[out["reactivated"]] = True
    assert (m.stage[back] == Stage.ACTIVE).all() and (m.stage[~back] == Stage.DORMANT).all()
    for sel, prob in ((tg, 0.2), (~tg, 0.1)):
        k = sel.sum()
        assert abs(back[sel].sum() - prob * k) < 5 * math.sqrt(k * prob * (1 - prob))


def test_a_member_does_not_both_drift_and_return_in_one_week():
    n = 10_000
    stage = np.where(np.arange(n) % 2 == 0, Stage.ACTIVE, Stage.DORMANT)
    m = fake_model(stage, np.zeros(n), np.zeros(n), dormancy_rate=0.5, reactivation_rate=0.5)
    out = engagement.step(m, np.random.default_rng(3))
    assert np.intersect1d(out["dormant"], out["reactivated"]).size == 0
    assert (stage[out["dormant"]] == Stage.ACTIVE).all() and (stage[out["reactivated"]] == Stage.DORMANT).all()
