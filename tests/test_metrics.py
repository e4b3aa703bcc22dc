"""Metrics (model/metrics.py): naming, stock-flow consistency, the summary."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ibusim.model import CommunityModel, metrics, patterns
from ibusim.model import targets as targets_mod
from ibusim.model.momfluencers import TRACKS
from ibusim.model.parameters import PROGRAMMES
from ibusim.model.rules import RULES
from ibusim.model.states import Stage


@pytest.fixture(scope="module")
def small():
    """A short run with the free class off and many paid-class decisions (~0.1 s)."""
    return CommunityModel(rng=5, n_mothers=5000, end="2021-12", free_class=False, interest_rate=0.05).run()


@pytest.fixture(params=["ipm", "small"])
def run(request, ipm_run, small):
    return ipm_run if request.param == "ipm" else small


# ---------------------------------------------------------------- names
def test_declared_names_follow_the_conventions():
    assert all(n.startswith("n_") for n in metrics.STOCKS)
    assert all(n.startswith("new_") for n in metrics.FLOWS)
    assert all(n.startswith("cum_") for n in metrics.CUMULATIVES)
    assert not any(n.startswith(("n_", "new_", "cum_")) for n in metrics.SHARES)
    # monitors: per-week figures that are neither counts nor shares
    assert not any(n.startswith(("n_", "new_", "cum_")) for n in metrics.MONITORS)
    assert {"team_capacity", "income_per_momfluencer_month", "comm_pattern"} <= set(metrics.MONITORS)
    names = ["date", *metrics.STOCKS, *metrics.FLOWS, *metrics.CUMULATIVES, *metrics.SHARES, *metrics.MONITORS]
    assert len(names) == len(set(names))
    assert list(metrics.reporters()) == names


def test_every_cumulative_has_its_flow():
    for name in metrics.CUMULATIVES:
        assert "new_" + name[4:] in metrics.FLOWS, name


# amounts of money (Rp), the only flows and cumulatives that are not counts: the flows declared float
MONEY = {f"{prefix}_{f.name}" for rule in RULES for f in rule.flows if f.dtype is float for prefix in ("new", "cum")}
assert {"new_income", "cum_income"} <= MONEY


def test_dataframe_columns_are_date_stocks_flows_cumulatives_shares_or_monitors(run):
    df = run.dataframe()
    for col in df.columns:
        assert (
            col == "date" or col.startswith(("n_", "new_", "cum_")) or col in metrics.SHARES or col in metrics.MONITORS
        ), col
    assert set(df.columns) == set(metrics.reporters())
    assert df.index.name == "week"
    assert list(df.index) == list(range(run.week + 1))
    for col in df.filter(regex=r"^(n|new|cum)_").columns:
        if col in MONEY:
            assert np.issubdtype(df[col].dtype, np.number) and (df[col] >= 0).all(), col
        else:
            assert np.issubdtype(df[col].dtype, np.integer), col
    for col in metrics.SHARES:
        assert np.issubdtype(df[col].dtype, np.floating), col
    for col in ("team_capacity", "income_per_momfluencer_month"):
        assert np.issubdtype(df[col].dtype, np.floating), col
    # the communication pattern is a name (a string column)
    assert df["comm_pattern"].map(type).eq(str).all()
    assert set(df["comm_pattern"]) <= {"none", *patterns.PATTERNS}


# ---------------------------------------------------------------- stock-flow consistency
def test_each_cumulative_is_the_running_sum_of_its_flow(run):
    df = run.dataframe()
    assert (df.filter(regex=r"^new_").iloc[0] == 0).all()  # nothing flows before the first week
    for name in metrics.CUMULATIVES:
        flow = df["new_" + name[4:]]
        np.testing.assert_array_equal(df[name] - df[name].iloc[0], flow.cumsum(), err_msg=name)
        start = df["n_aware"].iloc[0] if name == "cum_aware" else 0  # the founders' circles start aware
        assert df[name].iloc[0] == start, name


def test_stocks_change_by_their_flows(run):
    df = run.dataframe().drop(columns=["date", "comm_pattern"])
    d = df.diff().iloc[1:]
    w = df.iloc[1:]
    assert (d["n_registered"] == w["new_registered"]).all()
    assert (d["n_aware"] == w["new_aware"]).all()
    assert (d["n_followers"] == w["new_followers"] - w["new_unfollows"]).all()
    assert (d["n_telegram"] == w["new_telegram_joins"] - w["new_telegram_leaves"]).all()
    # a promoted volunteer stops being a volunteer and becomes a manager
    assert (d["n_volunteers"] == w["new_volunteers"] - w["new_volunteers_quit"] - w["new_promotions"]).all()
    assert (d["n_managers"] == w["new_promotions"] - w["new_managers_left"]).all()
    assert (df["n_team"] == df["n_admins"] + df["n_managers"]).all()
    assert (d["n_momfluencers"] == w["new_momfluencers"] - w["new_momfluencers_stopped"]).all()
    assert (
        d["n_dormant"]
        == w["new_dormant"]
        + w["new_dropped_free"]
        + w["new_dropped_paid"]
        + w["new_dropped_scholars"]
        - w["new_reactivated"]
        - w["new_reactivated_by_alumni"]
    ).all()
    if run.p["free_class"]:
        assert (d["n_queued"] == w["new_seekers"] - w["new_queue_giveups"] - w["new_free_class_starts"]).all()
    else:
        assert (df["n_queued"] == 0).all()


def test_paid_enrolment_is_the_sum_over_programmes(run):
    df = run.dataframe()
    np.testing.assert_array_equal(df["new_paid_enrolled"], sum(df[f"new_enrolled_{p}"] for p in PROGRAMMES))
    np.testing.assert_array_equal(df["cum_paid_enrolled"], sum(df[f"cum_enrolled_{p}"] for p in PROGRAMMES))
    # nobody finishes or drops a paid class she did not enter
    assert (df["cum_completed_paid"] + df["cum_dropped_paid"] <= df["cum_paid_enrolled"]).all()
    assert (df["cum_completed_scholars"] + df["new_dropped_scholars"].cumsum() <= df["cum_scholars"]).all()


def test_free_class_flows(run):
    df = run.dataframe()
    assert (df["new_free_class_starts"] <= df["new_registered"]).all()
    assert (df["cum_free_class_graduates"] <= df["new_free_class_starts"].cumsum()).all()
    if not run.p["free_class"]:
        assert (
            df[["new_free_class_starts", "new_free_class_graduates", "new_dropped_free", "n_queued"]].eq(0).all().all()
        )


def test_shares_are_their_definitions(run):
    df = run.dataframe()
    np.testing.assert_allclose(df["aware_share"], df["n_aware"] / run.n)
    ended = df["cum_completed_paid"] + df["cum_dropped_paid"]
    rate = (df["cum_completed_paid"] / ended).where(ended > 0)
    np.testing.assert_allclose(df["completion_rate"], rate)
    assert df["mean_internalisation"].iloc[-1] == pytest.approx(
        float(run.score.sum(dtype=np.float64)) / int(df["n_registered"].iloc[-1])
    )


# ---------------------------------------------------------------- summary
TARGET_KEYS = {t.summary for t in targets_mod.load().values()}
OTHER_KEYS = {
    "weeks",
    "n_mothers",
    "aware_share",
    "survey_respondents",
    "free_class_graduates",
    "paid_enrolled",
    *(f"enrolled_{p}" for p in PROGRAMMES),
    "completed_paid",
    "dropped_paid",
    "alumnae",
    "active",
    "dormant",
    "dormant_share",
    "volunteers",
    "cum_volunteers",
    "telegram_per_registered",
    "registered_per_follower",
    "registered_share_of_market",
    "repeat_enrolled",
    "waitlisted",
    "turned_away",
    "alumni_attendees",
    "provinces_total",
    # roles
    "managers",
    "promotions",
    "volunteer_share",
    "team_capacity",
    # momfluencer economy
    "momfluencers",
    "creators",
    "campaigns",
    "paid_posts",
    "total_income",
    "income_gini",
    "income_p50",
    "income_p90",
    "income_per_creator_month",
    # communication
    "events_u2u",
    "events_u2d",
    "events_u2s",
    "comm_centralisation",
    "comm_density",
    # what exchanges do (model/interaction.py)
    "community_ties",
    "mean_community_ties",
    "share_with_ties",
    "opportunities_received",
    "mean_score",
    "participant_mean_score",
    "participant_dormant_share",
    # paid work of the Jika Ibu Menjadi tracks (model/work.py)
    "earners",
    "earner_income_p50",
    "earner_income_p90",
    "income_gini_trained",
    *(f"earners_{t}" for t in TRACKS),
    *(f"income_{t}" for t in TRACKS),
}


def test_summary_keys(run):
    s = run.summary()
    assert TARGET_KEYS <= set(s)
    assert set(s) == TARGET_KEYS | OTHER_KEYS
    for k, v in s.items():
        assert isinstance(v, (int, float)) and not isinstance(v, bool), k


def test_summary_agrees_with_the_series(run):
    s, last = run.summary(), run.dataframe().iloc[-1]
    assert s["registered"] == last["cum_registered"] == last["n_registered"]
    assert s["instagram"] == last["n_followers"]
    assert s["telegram"] == last["n_telegram"]
    assert s["provinces"] == last["n_provinces"] <= s["provinces_total"] == 38
    assert s["scholars"] == last["cum_scholars"]
    assert s["weeks"] == run.week == len(run.dataframe()) - 1
    assert s["n_mothers"] == run.n
    assert s["free_class_graduates"] == last["cum_free_class_graduates"]
    assert s["paid_enrolled"] == last["cum_paid_enrolled"]
    assert s["completed_paid"] == last["cum_completed_paid"]
    assert s["dropped_paid"] == last["cum_dropped_paid"]
    assert s["active"] == last["n_active"] and s["dormant"] == last["n_dormant"]
    assert s["volunteers"] == last["n_volunteers"] and s["cum_volunteers"] == last["cum_volunteers"]
    assert s["aware_share"] == last["aware_share"]
    c = s["completion"]
    assert (math.isnan(c) and math.isnan(last["completion_rate"])) or c == last["completion_rate"]
    assert s["alumnae"] <= s["completed_paid"] + s["scholars"]
    assert s["active"] == run.counts[Stage.ACTIVE]
    # roles, momfluencer economy, communication
    assert s["managers"] == last["n_managers"] and s["promotions"] == last["cum_promotions"]
    assert s["volunteer_share"] == last["volunteer_share"] and s["team_capacity"] == last["team_capacity"]
    assert s["momfluencers"] == last["n_momfluencers"] <= s["creators"]
    assert s["campaigns"] == last["cum_campaigns"] and s["paid_posts"] == last["cum_paid_posts"]
    assert s["total_income"] == last["cum_income"]
    for k in ("u2u", "u2d", "u2s"):
        assert s[f"events_{k}"] == last[f"cum_{k}"]
    assert s["comm_centralisation"] == last["comm_centralisation"]
    assert s["comm_density"] == last["comm_density"]


def test_survey_figures_are_shares_of_respondents(run):
    s = run.summary()
    assert s["survey_respondents"] > 0
    for key in ("financial_change", "parenting_change"):
        assert 0 <= s[key] <= 1
        # a share of an integer number of respondents
        assert s[key] * s["survey_respondents"] == pytest.approx(round(s[key] * s["survey_respondents"]))


def test_summary_before_the_end_has_no_survey():
    m = CommunityModel(rng=1, n_mothers=2000, end="2021-12")
    for _ in range(10):
        m.step()
    s = m.summary()
    assert s["weeks"] == 10
    assert math.isnan(s["financial_change"]) and math.isnan(s["parenting_change"])
    assert s["survey_respondents"] == 0
    assert set(s) == TARGET_KEYS | OTHER_KEYS


def test_summary_is_repeatable(ipm_run):
    """Calling summary() twice (the survey included) gives the same figures."""
    assert ipm_run.summary() == ipm_run.summary()
