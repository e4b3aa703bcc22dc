"""Momfluencers: trained members post for their own followers, who grow with engagement.

Rule, each week, right after class progress (model/progress.py):

* **Tracks.** A member who completes Jika Ibu Menjadi this week (passed on by
  model/progress.py as ``model.changed["completed_jika_ibu_menjadi"]``) and has no
  track yet draws one uniform number ``u``: she is on the content-creator track if
  ``u < content_creator_share`` ("Jika Ibu Menjadi Content Creator", 001; IbuSibuk's
  online and offline training, 000), otherwise on the next track whose cumulative
  share exceeds ``u``, in the order writer, virtual assistant, MC, financial planner
  (``track_share_<track>``; shares past 1 are cut, what is left gets no track). The
  other tracks are passed on (``trained_professionals``) to paid work (model/work.py).
* **Training.** A content creator becomes a momfluencer with her own account:
  followers lognormal with median ``momfluencer_followers`` (log-sd
  ``FOLLOWER_SPREAD``), engagement a Beta with mean ``momfluencer_engagement *
  (1 + community_development)`` (concentration ``ENGAGEMENT_CONCENTRATION``): the
  community's training (IbuSibuk's "community development", 000) makes better
  content. With ``training_offline_share`` above 0 each new momfluencer whose
  province holds meetups (``happy_hour`` on and at least ``happy_hour_min_members``
  active members there) is trained offline with that probability (stream
  ``momfluencers_training``), and her mean engagement is ``1 +
  offline_training_boost`` times higher (face-to-face practice).
* **Posting.** Each week an active momfluencer's followers grow by the share
  ``momfluencer_growth * memorable_content * engagement / 0.04``: posting with good
  engagement builds an audience, memorable content and packaging (000) more.
* **Stopping.** A momfluencer stops with weekly probability ``momfluencer_quit_rate``
  (her followers stay, but brands no longer find her).
* **Income and financial change.** Brands (model/brands.py) and jobs
  (model/work.py) pay her through :func:`record_income`; once her cumulative income
  reaches ``income_change_threshold`` she reports a financial change in the impact
  survey.

Parameters read: content_creator_share, track_share_writer,
track_share_virtual_assistant, track_share_mc, track_share_financial_planner,
momfluencer_followers, momfluencer_engagement, momfluencer_growth,
momfluencer_quit_rate, income_change_threshold, community_development,
memorable_content, training_offline_share, offline_training_boost, happy_hour,
happy_hour_min_members.
"""

from __future__ import annotations

import numpy as np

from .rule import Flow, Rule, State
from .states import ACTIVE

FOLLOWER_SPREAD = 1.0  # assumed: log-sd of a new momfluencer's followers
ENGAGEMENT_CONCENTRATION = 20.0  # assumed: alpha + beta of the engagement Beta
REFERENCE_ENGAGEMENT = 0.04  # growth is momfluencer_growth at this engagement
MAX_MEAN_ENGAGEMENT = 0.5  # the bound of momfluencer_engagement: training never raises the mean above it
# the Jika Ibu Menjadi tracks (001): track code k + 1 is TRACKS[k]; 0 = no track
TRACKS = ("content_creator", "writer", "virtual_assistant", "mc", "financial_planner")
CONTENT_CREATOR = 1


def track_edges(p: dict) -> np.ndarray:
    """Cumulative shares of the tracks, in the order of TRACKS (the first is content_creator_share)."""
    shares = (
        p["content_creator_share"],
        p["track_share_writer"],
        p["track_share_virtual_assistant"],
        p["track_share_mc"],
        p["track_share_financial_planner"],
    )
    return np.cumsum(shares)


def train(model, completed: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """This week's Jika Ibu Menjadi graduates get tracks; content creators become momfluencers.

    Returns (new momfluencers, new professionals on the other tracks).
    """
    p = model.p
    if completed.size == 0:  # most weeks: nobody to train, nothing drawn
        return completed, completed
    cand = completed[model.track[completed] == 0]
    u = rng.random(cand.size)
    new = cand[u < p["content_creator_share"]]
    track = np.searchsorted(track_edges(p), u, side="right") + 1  # len(TRACKS) + 1: no track
    pro = (track > CONTENT_CREATOR) & (track <= len(TRACKS))
    professionals = cand[pro]
    model.track[professionals] = track[pro]
    if new.size:
        model.track[new] = CONTENT_CREATOR
        model.creator[new] = True
        model.add_creators(new)
        model.momfluencer[new] = True
        model.mf_followers[new] = p["momfluencer_followers"] * np.exp(FOLLOWER_SPREAD * rng.standard_normal(new.size))
        mean = p["momfluencer_engagement"] * (1.0 + p["community_development"])
        offline = _offline(model, new)
        if offline is not None:
            mean = np.where(offline, mean * (1.0 + p["offline_training_boost"]), mean)
        a = np.minimum(mean, MAX_MEAN_ENGAGEMENT) * ENGAGEMENT_CONCENTRATION
        model.mf_engagement[new] = rng.beta(a, ENGAGEMENT_CONCENTRATION - a, new.size)
    return new, professionals


def _offline(model, new: np.ndarray) -> np.ndarray | None:
    """Which new momfluencers are trained offline (None when training is online only: no draws)."""
    p = model.p
    if p["training_offline_share"] == 0:
        return None
    rng = model.stream("momfluencers_training")
    offline = rng.random(new.size) < p["training_offline_share"]
    if not p["happy_hour"]:
        return np.zeros(new.size, bool)
    mem = model.member_idx
    prov = model.pop["prov"]
    active = mem.compress(model.member_stage == ACTIVE)  # model.stage[mem], kept in member order
    active = np.bincount(prov[active], minlength=len(model.prov_members))
    return offline & (active[prov[new]] >= p["happy_hour_min_members"])


def step(model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """This week's Jika Ibu Menjadi graduates train; followers grow; some stop; return who."""
    p = model.p
    trained, professionals = train(model, model.changed["completed_jika_ibu_menjadi"], rng)
    creators = model.creator_idx()
    active = creators[model.momfluencer[creators]]
    growth = p["momfluencer_growth"] * p["memorable_content"]
    model.mf_followers[active] *= 1.0 + growth * model.mf_engagement[active] / REFERENCE_ENGAGEMENT
    stopped = active[rng.random(active.size) < p["momfluencer_quit_rate"]]
    model.momfluencer[stopped] = False
    return {"momfluencers": trained, "momfluencers_stopped": stopped, "trained_professionals": professionals}


def setup(model, rng: np.random.Generator) -> None:
    """Nobody trained yet."""
    model._creator_idx = np.empty(0, np.int64)


def record_income(model, who: np.ndarray, amounts: np.ndarray) -> None:
    """Add paid amounts (Rp) to mothers' income (brands, jobs); flag financial change at the threshold."""
    if who.size == 0:
        return
    np.add.at(model.income, who, amounts)
    changed = who[model.income[who] >= model.p["income_change_threshold"]]
    model.fin_change[changed[model.income[changed] > 0]] = True


RULE = Rule(
    name="momfluencers",
    reads=(
        "content_creator_share",
        "track_share_writer",
        "track_share_virtual_assistant",
        "track_share_mc",
        "track_share_financial_planner",
        "momfluencer_engagement",
        "momfluencer_followers",
        "momfluencer_growth",
        "momfluencer_quit_rate",
        "income_change_threshold",
        "community_development",
        "memorable_content",
        "training_offline_share",
        "offline_training_boost",
        "happy_hour",
        "happy_hour_min_members",
    ),
    owns=(
        State("creator", bool, False, "trained content creator (ever a momfluencer)"),
        State("momfluencer", bool, False, "working as a momfluencer now"),
        State("mf_followers", np.float32, 0.0, "her own account's followers"),
        State("mf_engagement", np.float32, 0.0, "her posts' engagement rate"),
        State("income", np.float64, 0.0, "cumulative income from brands and jobs, Rp"),
        State("track", np.int8, 0, "Jika Ibu Menjadi track: 0 none, k + 1 = momfluencers.TRACKS[k]"),
    ),
    flows=(
        Flow("momfluencers", "New momfluencers", cumulative=True),
        Flow("momfluencers_stopped", "Momfluencers who stopped"),
    ),
    passes=("trained_professionals",),
    step=step,
    setup=setup,
)
