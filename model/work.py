"""Work: paid jobs for the Jika Ibu Menjadi professions other than content creator.

Rule, each week, right after the brands (model/brands.py):

* **Professionals.** This week's Jika Ibu Menjadi graduates on the writer, virtual
  assistant, MC or financial planner track (passed on by model/momfluencers.py as
  ``model.changed["trained_professionals"]``) start working in their profession. The
  IPM article (001) names Jika Ibu Menjadi Penulis (writer), the professions suited to
  technology (virtual assistant, master of ceremony, content creator) and a poster for
  Jika Ibu Menjadi Financial Planner.
* **Jobs.** Each working professional ``i`` on track ``k`` gets one paid job this
  week with probability

      min(1, work_rate_<k> * (1 + referral_effect * min(net_ties_i, REFERRAL_CAP) / REFERRAL_CAP))

  where ``net_ties`` are her community ties formed through exchanges
  (model/interaction.py; zero where the model has none): wider networks bring
  work (a member's testimony in 001: networking makin luas, dapet kerjaan juga, wider
  networking, got work too).
* **Pay.** A job pays ``work_pay_<k> * exp(PAY_SPREAD * Z)``, ``Z ~ N(0, 1)``
  (lognormal around the median rate of the track, Rp); the income is recorded
  with :func:`model.momfluencers.record_income` (the same ``income`` array as the
  brands' payments), which sets a financial change at ``income_change_threshold``.
* **Stopping.** A working professional stops taking jobs with weekly probability
  ``work_quit_rate`` (after this week's jobs).

With no professionals (every ``track_share_<k>`` 0) the rule draws nothing.

Parameters read: work_rate_writer, work_rate_virtual_assistant, work_rate_mc,
work_rate_financial_planner, work_pay_writer, work_pay_virtual_assistant,
work_pay_mc, work_pay_financial_planner, work_quit_rate, referral_effect.
"""

from __future__ import annotations

import numpy as np

from . import momfluencers
from .momfluencers import TRACKS
from .rule import Flow, Rule, State

PAY_SPREAD = 0.5  # assumed: log-sd of the pay of one job around its track's median (orders differ in size)
REFERRAL_CAP = 10  # assumed: ties beyond 10 bring no more referrals (the effect saturates)
PROFESSIONS = TRACKS[1:]  # the tracks this rule serves (content creators work through model/brands.py)


def _rates(p: dict) -> np.ndarray:
    """Weekly job chance by track code (0 = none, 1 = content creator: 0 here, then PROFESSIONS)."""
    return np.array(
        [0.0, 0.0, p["work_rate_writer"], p["work_rate_virtual_assistant"], p["work_rate_mc"]]
        + [p["work_rate_financial_planner"]]
    )


def _pay(p: dict) -> np.ndarray:
    """Median pay of a job by track code (as :func:`_rates`)."""
    return np.array(
        [0.0, 0.0, p["work_pay_writer"], p["work_pay_virtual_assistant"], p["work_pay_mc"]]
        + [p["work_pay_financial_planner"]]
    )


def step(model, rng: np.random.Generator) -> dict[str, object]:
    """Professionals trained this week start; jobs, pay and stops; return who got a job and the pay."""
    p = model.p
    new = model.changed["trained_professionals"]
    if new.size:
        model._pro_idx = np.concatenate([model._pro_idx, new])
        model.working[new] = True
    out = {"professionals": new, "jobs": 0, "work_income": 0.0}
    pros = model._pro_idx
    if pros.size == 0:
        return out
    working = pros[model.working[pros]]
    if working.size == 0:
        return out
    track = model.track[working]
    chance = _rates(p)[track]
    ties = getattr(model, "net_ties", None)
    if ties is not None and p["referral_effect"]:
        chance = chance * (1.0 + p["referral_effect"] * np.minimum(ties[working], REFERRAL_CAP) / REFERRAL_CAP)
    got = rng.random(working.size) < chance
    jobs = working[got]
    pay = _pay(p)[track[got]] * np.exp(PAY_SPREAD * rng.standard_normal(jobs.size))
    momfluencers.record_income(model, jobs, pay)
    model.working[working[rng.random(working.size) < p["work_quit_rate"]]] = False
    out["jobs"] = int(jobs.size)
    out["work_income"] = float(pay.sum())
    return out


def setup(model, rng: np.random.Generator) -> None:
    """Nobody trained yet."""
    model._pro_idx = np.empty(0, np.int64)


def professionals_idx(model) -> np.ndarray:
    """Every trained professional (writer, VA, MC, financial planner), in order of training."""
    return model._pro_idx


def summary(model) -> dict[str, float]:
    """The income distribution of everyone on a Jika Ibu Menjadi track (brands and jobs), at the end of a run.

    ``earners``: trained members (any track) with income above 0; ``earner_income_p50`` and
    ``earner_income_p90``: the median and 90th percentile of their income (Rp; 0 when nobody earned);
    ``income_gini_trained``: Gini of income over everyone on a track (0 when nobody earned);
    ``earners_<track>`` and ``income_<track>`` (total Rp) for each track.
    """
    from .metrics import gini

    trained = np.flatnonzero(model.track)
    inc = model.income[trained]
    earned = inc[inc > 0]
    out = {
        "earners": int(earned.size),
        "earner_income_p50": float(np.percentile(earned, 50)) if earned.size else 0.0,
        "earner_income_p90": float(np.percentile(earned, 90)) if earned.size else 0.0,
        "income_gini_trained": gini(inc),
    }
    track = model.track[trained]
    for k, name in enumerate(TRACKS, start=1):
        mine = inc[track == k]
        out[f"earners_{name}"] = int(np.count_nonzero(mine))
        out[f"income_{name}"] = float(mine.sum())
    return out


RULE = Rule(
    name="work",
    reads=(
        "work_rate_writer",
        "work_rate_virtual_assistant",
        "work_rate_mc",
        "work_rate_financial_planner",
        "work_pay_writer",
        "work_pay_virtual_assistant",
        "work_pay_mc",
        "work_pay_financial_planner",
        "work_quit_rate",
        "referral_effect",
    ),
    owns=(State("working", bool, False, "trained professional taking paid jobs now"),),
    flows=(
        Flow("professionals", "New professionals (writer, VA, MC, financial planner)", cumulative=True),
        Flow("jobs", "Paid jobs", unit="jobs", cumulative=True),
        Flow("work_income", "Income from jobs", unit="Rp", cumulative=True, dtype=float),
    ),
    step=step,
    setup=setup,
)
