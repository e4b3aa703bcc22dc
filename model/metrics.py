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

from .parameters import PROGRAMMES
from .population import N_PROVINCES
from .states import Role, Stage

FLOWS = (
    "new_aware", "new_followers", "new_unfollows", "new_telegram_joins", "new_telegram_leaves",
    "new_seekers", "new_queue_giveups", "new_registered", "new_free_class_starts",
    "new_free_class_graduates", "new_dropped_free", "new_applications",
    *(f"new_enrolled_{p}" for p in PROGRAMMES), "new_paid_enrolled", "new_completed_paid",
    "new_dropped_paid", "new_scholars", "new_completed_scholars", "new_dropped_scholars", "new_dormant", "new_reactivated",
    "new_volunteers", "new_volunteers_quit",
)
CUMULATIVES = (
    "cum_aware", "cum_registered", "cum_free_class_graduates", "cum_paid_enrolled",
    *(f"cum_enrolled_{p}" for p in PROGRAMMES), "cum_completed_paid", "cum_dropped_paid",
    "cum_scholars", "cum_completed_scholars", "cum_volunteers",  # cum_volunteers: calls answered
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
    "n_admins": lambda m: len(m.admins),
    "n_provinces": lambda m: int(np.count_nonzero(m.prov_members)),
}
SHARES = {
    "aware_share": lambda m: (m.n - int(m.counts[Stage.UNAWARE])) / m.n,
    "completion_rate": lambda m: _ratio(m.cum["cum_completed_paid"],
                                        m.cum["cum_completed_paid"] + m.cum["cum_dropped_paid"]),
    "mean_internalisation": lambda m: _mean_score(m),
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
    return rep


def dataframe(model):
    """Per-week series, indexed by week (0 = initial state)."""
    df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    df.index.name = "week"
    return df


def summary(model) -> dict[str, float]:
    """End-of-run figures. The survey figures need the run to have ended (NaN before)."""
    m, cum = model, model.cum
    sv = m.survey_result or {"survey_respondents": 0, "financial_change": math.nan,
                             "parenting_change": math.nan}
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
    }
    return out
