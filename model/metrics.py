"""Metrics: what the DataCollector records each week, and the end-of-run summary.

Names follow stocks / flows / cumulatives: ``n_*`` is a headcount at the end of
the week, ``new_*`` what happened during the week, ``cum_*`` the running total
since the start. Shares (in [0, 1]) have no prefix. One reporter per thing a
user would plot; ``summary()`` gives end-of-run figures (the target names in
model/targets.toml plus other summaries) apart from the series.
"""

from __future__ import annotations

import math

import numpy as np

from . import capacity
from .communication import EVENT_TYPES, KINDS
from .parameters import PROGRAMMES
from .population import N_PROVINCES
from .states import Role, Stage

FLOWS = (
    "new_aware",
    "new_followers",
    "new_unfollows",
    "new_telegram_joins",
    "new_telegram_leaves",
    "new_seekers",
    "new_queue_giveups",
    "new_registered",
    "new_free_class_starts",
    "new_free_class_graduates",
    "new_dropped_free",
    "new_applications",
    *(f"new_enrolled_{p}" for p in PROGRAMMES),
    "new_paid_enrolled",
    "new_completed_paid",
    "new_dropped_paid",
    "new_scholars",
    "new_completed_scholars",
    "new_dropped_scholars",
    "new_dormant",
    "new_reactivated",
    "new_volunteers",
    "new_volunteers_quit",
    "new_promotions",
    "new_managers_left",
    "new_happy_hour_attendees",
    "new_momfluencers",
    "new_momfluencers_stopped",
    "new_campaigns",
    "new_paid_posts",
    "new_samples",
    "new_income",
    *(f"new_{k}_{c}" for k, c in EVENT_TYPES),
    *(f"new_{k}" for k in KINDS),
)
CUMULATIVES = (
    "cum_aware",
    "cum_registered",
    "cum_free_class_graduates",
    "cum_paid_enrolled",
    *(f"cum_enrolled_{p}" for p in PROGRAMMES),
    "cum_completed_paid",
    "cum_dropped_paid",
    "cum_scholars",
    "cum_completed_scholars",
    "cum_volunteers",  # cum_volunteers: calls answered
    "cum_promotions",
    "cum_momfluencers",
    "cum_campaigns",
    "cum_paid_posts",
    "cum_income",
    *(f"cum_{k}" for k in KINDS),
)

STOCKS = {
    "n_unaware": lambda m: int(m.counts[Stage.UNAWARE]),
    "n_aware": lambda m: int(m.n - m.counts[Stage.UNAWARE]),
    "n_queued": lambda m: int(m.counts[Stage.QUEUED]),
    "n_registered": lambda m: m.registered,
    "n_active": lambda m: int(m.counts[Stage.ACTIVE]),
    "n_in_class": lambda m: int(m.counts[Stage.IN_CLASS]),
    "n_dormant": lambda m: int(m.counts[Stage.DORMANT]),
    "n_followers": lambda m: int(m.n_followers),
    "n_telegram": lambda m: int(m.n_telegram),
    "n_volunteers": lambda m: m.n_role(Role.VOLUNTEER),
    "n_managers": lambda m: m.n_role(Role.MANAGER),
    "n_team": lambda m: len(m.admins) + m.n_role(Role.MANAGER),
    "n_momfluencers": lambda m: int(m.momfluencer.sum()) if m.creator_idx().size else 0,
    "n_admins": lambda m: len(m.admins),
    "n_provinces": lambda m: int(np.count_nonzero(m.prov_members)),
}
SHARES = {
    "aware_share": lambda m: (m.n - int(m.counts[Stage.UNAWARE])) / m.n,
    "completion_rate": lambda m: _ratio(
        m.cum["cum_completed_paid"], m.cum["cum_completed_paid"] + m.cum["cum_dropped_paid"]
    ),
    "mean_internalisation": lambda m: _mean_score(m),
    "volunteer_share": lambda m: _ratio(m.n_role(Role.VOLUNTEER), m.registered) if m.registered else 0.0,
    "comm_centralisation": lambda m: m.monitors["comm_centralisation"],
    "comm_density": lambda m: m.monitors["comm_density"],
}
# other per-week monitors (neither counts nor shares)
MONITORS = {
    "team_capacity": lambda m: capacity.relative(m),
    "income_per_momfluencer_month": lambda m: (
        _ratio(m.flows["new_income"] * 52 / 12, int(m.momfluencer.sum())) if m.momfluencer.any() else 0.0
    ),
    "comm_pattern": lambda m: m.monitors["comm_pattern"],
}


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _mean_score(m) -> float:
    reg = m.registered
    return float(m.score.sum(dtype=np.float64) / reg) if reg else 0.0


def reporters() -> dict:
    """DataCollector model reporters: stocks, flows, cumulatives, shares."""
    rep = {"date": lambda m: m.date.isoformat()}
    rep.update(STOCKS)
    rep.update({name: (lambda m, k=name: m.flows[k]) for name in FLOWS})
    rep.update({name: (lambda m, k=name: m.cum[k]) for name in CUMULATIVES})
    rep.update(SHARES)
    rep.update(MONITORS)
    return rep


def dataframe(model):
    """Per-week series, indexed by week (0 = initial state)."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df.index.name = "week"
    return df


def summary(model) -> dict[str, float]:
    """End-of-run figures. The survey figures need the run to have ended (NaN before)."""
    m, cum = model, model.cum
    sv = m.survey_result or {"survey_respondents": 0, "financial_change": math.nan, "parenting_change": math.nan}
    out = {
        # the observed targets (model/targets.toml)
        "registered": cum["cum_registered"],
        "completion": SHARES["completion_rate"](m),
        "financial_change": sv["financial_change"],
        "parenting_change": sv["parenting_change"],
        "telegram": int(m.n_telegram),
        "instagram": int(m.n_followers),
        "provinces": int(np.count_nonzero(m.prov_members)),
        "scholars": cum["cum_scholars"],
        # other end-of-run figures
        "weeks": int(m.week),
        "n_mothers": int(m.n),
        "aware_share": SHARES["aware_share"](m),
        "survey_respondents": sv["survey_respondents"],
        "free_class_graduates": cum["cum_free_class_graduates"],
        "paid_enrolled": cum["cum_paid_enrolled"],
        **{f"enrolled_{p}": cum[f"cum_enrolled_{p}"] for p in PROGRAMMES},
        "completed_paid": cum["cum_completed_paid"],
        "dropped_paid": cum["cum_dropped_paid"],
        "alumnae": int(m.alumna.sum()),
        "active": int(m.counts[Stage.ACTIVE]),
        "dormant": int(m.counts[Stage.DORMANT]),
        "dormant_share": _ratio(int(m.counts[Stage.DORMANT]), m.registered),
        "volunteers": m.n_role(Role.VOLUNTEER),
        "cum_volunteers": cum["cum_volunteers"],
        "telegram_per_registered": _ratio(m.n_telegram, cum["cum_registered"]),
        "registered_per_follower": _ratio(cum["cum_registered"], m.n_followers),
        "provinces_total": N_PROVINCES,
        # roles
        "managers": m.n_role(Role.MANAGER),
        "promotions": cum["cum_promotions"],
        "volunteer_share": SHARES["volunteer_share"](m),
        "team_capacity": capacity.relative(m),
        # momfluencer economy
        "momfluencers": int(m.momfluencer.sum()),
        "creators": int(m.creator_idx().size),
        "campaigns": cum["cum_campaigns"],
        "paid_posts": cum["cum_paid_posts"],
        "total_income": float(cum["cum_income"]),
        **income_distribution(m),
        # communication
        **{f"events_{k}": cum[f"cum_{k}"] for k in KINDS},
        "comm_centralisation": m.monitors["comm_centralisation"],
        "comm_density": m.monitors["comm_density"],
    }
    return out


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts (0 = equal; NaN when empty or all zero)."""
    x = np.sort(np.asarray(x, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return math.nan
    n = x.size
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def income_distribution(m) -> dict[str, float]:
    """Income of everyone ever trained as a momfluencer: Gini, percentiles, monthly mean (Rp)."""
    inc = m.income[m.creator_idx()]
    months = max(m.week, 1) * 12 / 52
    if inc.size == 0:
        return {
            "income_gini": math.nan,
            "income_p50": math.nan,
            "income_p90": math.nan,
            "income_per_creator_month": math.nan,
        }
    return {
        "income_gini": gini(inc),
        "income_p50": float(np.percentile(inc, 50)),
        "income_p90": float(np.percentile(inc, 90)),
        "income_per_creator_month": float(inc.mean() / months),
    }
