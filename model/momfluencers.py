"""Momfluencers: trained members post for their own followers, who grow with engagement.

Rule, each week, right after class progress (model/progress.py):

* **Training.** A member who completes Jika Ibu Menjadi this week (passed on by
  model/progress.py as ``model.changed["completed_jika_ibu_menjadi"]``) is on the content-creator
  track with probability ``content_creator_share`` ("Jika Ibu Menjadi Content
  Creator", 001; IbuSibuk's online and offline training, 000) and becomes a
  momfluencer with her own account: followers lognormal with median
  ``momfluencer_followers`` (log-sd ``FOLLOWER_SPREAD``), engagement a Beta with
  mean ``momfluencer_engagement`` (concentration ``ENGAGEMENT_CONCENTRATION``).
* **Posting.** Each week an active momfluencer's followers grow by the share
  ``momfluencer_growth * engagement / 0.04``: posting with good engagement is what
  builds an audience.
* **Stopping.** A momfluencer stops with weekly probability ``momfluencer_quit_rate``
  (her followers stay, but brands no longer find her).
* **Income and financial change.** Brands pay her (model/brands.py); once her
  cumulative income reaches ``income_change_threshold`` she reports a financial
  change in the impact survey.

Parameters read: content_creator_share, momfluencer_followers,
momfluencer_engagement, momfluencer_growth, momfluencer_quit_rate,
income_change_threshold.
"""

from __future__ import annotations

import numpy as np

from .rule import Flow, Rule, State

FOLLOWER_SPREAD = 1.0  # assumed: log-sd of a new momfluencer's followers
ENGAGEMENT_CONCENTRATION = 20.0  # assumed: alpha + beta of the engagement Beta
REFERENCE_ENGAGEMENT = 0.04  # growth is momfluencer_growth at this engagement


def train(model, completed: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Some of this week's Jika Ibu Menjadi graduates become momfluencers; return them."""
    p = model.p
    new = completed[~model.creator[completed]]
    new = new[rng.random(new.size) < p["content_creator_share"]]
    if new.size:
        a = p["momfluencer_engagement"] * ENGAGEMENT_CONCENTRATION
        model.creator[new] = True
        model.add_creators(new)
        model.momfluencer[new] = True
        model.mf_followers[new] = p["momfluencer_followers"] * np.exp(FOLLOWER_SPREAD * rng.standard_normal(new.size))
        model.mf_engagement[new] = rng.beta(a, ENGAGEMENT_CONCENTRATION - a, new.size)
    return new


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """This week's Jika Ibu Menjadi graduates train; followers grow; some stop; return who."""
    p = model.p
    trained = train(model, model.changed["completed_jika_ibu_menjadi"], rng)
    creators = model.creator_idx()
    active = creators[model.momfluencer[creators]]
    model.mf_followers[active] *= 1.0 + p["momfluencer_growth"] * model.mf_engagement[active] / REFERENCE_ENGAGEMENT
    stopped = active[rng.random(active.size) < p["momfluencer_quit_rate"]]
    model.momfluencer[stopped] = False
    return {"momfluencers": trained, "momfluencers_stopped": stopped}


def setup(model, rng: np.random.Generator) -> None:
    """Nobody trained yet."""
    model._creator_idx = np.empty(0, np.int64)


def record_income(model, who: np.ndarray, amounts: np.ndarray) -> None:
    """Add paid amounts (Rp) to momfluencers' income; flag financial change at the threshold."""
    if who.size == 0:
        return
    np.add.at(model.income, who, amounts)
    changed = who[model.income[who] >= model.p["income_change_threshold"]]
    model.fin_change[changed[model.income[changed] > 0]] = True


RULE = Rule(
    name="momfluencers",
    reads=(
        "content_creator_share",
        "momfluencer_engagement",
        "momfluencer_followers",
        "momfluencer_growth",
        "momfluencer_quit_rate",
        "income_change_threshold",
    ),
    owns=(
        State("creator", bool, False, "trained content creator (ever a momfluencer)"),
        State("momfluencer", bool, False, "working as a momfluencer now"),
        State("mf_followers", np.float32, 0.0, "her own account's followers"),
        State("mf_engagement", np.float32, 0.0, "her posts' engagement rate"),
        State("income", np.float64, 0.0, "cumulative momfluencer income, Rp"),
    ),
    flows=(
        Flow("momfluencers", "New momfluencers", cumulative=True),
        Flow("momfluencers_stopped", "Momfluencers who stopped"),
    ),
    step=step,
    setup=setup,
)
