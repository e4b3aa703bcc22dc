"""Metrics: what the model records each week, and the end-of-run summary.

Names follow stocks / flows / cumulatives: ``n_*`` is a headcount at the end of
the week, ``new_*`` what happened during the week, ``cum_*`` the running total
since the start. Shares (in [0, 1]) have no prefix. One reporter per thing a
user would plot; ``summary()`` gives end-of-run figures (the target names in
model/targets.toml plus other summaries) apart from the series.

Flows and cumulatives are not listed here: they are the flows the rules declare
(``RULE.flows``, model/rule.py), counted from what each rule's step returns. The
week's values go into preallocated arrays (:class:`Series`); :class:`Collector`
shows them to Mesa (``mesa.batch_run``) as a DataCollector would.
"""

from __future__ import annotations

import math

import numpy as np

from . import capacity, interaction, work
from .communication import KINDS
from .parameters import PROGRAMMES
from .population import N_PROVINCES
from .rules import RULES
from .states import Role, Stage

# flows and cumulatives come from the rules' declarations (model/rules.py), in step order
_FLOWS = {f"new_{f.name}": f for rule in RULES for f in rule.flows}
FLOWS = tuple(_FLOWS)
CUMULATIVES = tuple(f"cum_{f.name}" for f in _FLOWS.values() if f.cumulative)
_FLOW_COLUMN = {name: j for j, name in enumerate(FLOWS)}
_CUM_COLUMN = {name: j for j, name in enumerate(CUMULATIVES)}
LABELS = {
    **{name: f.label for name, f in _FLOWS.items()},
    **{f"cum_{f.name}": f"{f.label} (cumulative)" for f in _FLOWS.values() if f.cumulative},
}
UNITS = {
    **{name: f.unit for name, f in _FLOWS.items()},
    **{f"cum_{f.name}": f.unit for f in _FLOWS.values() if f.cumulative},
}

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
    "n_momfluencers": lambda m: _n_momfluencers(m),
    "n_admins": lambda m: len(m.admins),
    "n_provinces": lambda m: int(np.count_nonzero(m.prov_members)),
}
SHARES = {
    "aware_share": lambda m: (m.n - int(m.counts[Stage.UNAWARE])) / m.n,
    "completion_rate": lambda m: _ratio(
        _cum(m, "cum_completed_paid"), _cum(m, "cum_completed_paid") + _cum(m, "cum_dropped_paid")
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
        _ratio(_new(m, "new_income") * 52 / 12, n) if (n := _n_momfluencers(m)) else 0.0
    ),
    "comm_pattern": lambda m: m.monitors["comm_pattern"],
}


def _cum(m, name: str) -> float:
    """Cumulative ``name`` at the end of the last step (without building the whole ``m.cum``)."""
    return float(m.series.cum[m.week, _CUM_COLUMN[name]])


def _new(m, name: str) -> float:
    """Flow ``name`` of the last step."""
    return float(m.series.new[m.week, _FLOW_COLUMN[name]])


def _n_momfluencers(m) -> int:
    """Momfluencers now: counted among the trained content creators (only they can be), not every mother."""
    return int(np.count_nonzero(m.momfluencer[m.creator_idx()]))


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _mean_score(m) -> float:
    reg = m.registered
    # only members have a score (tests/test_community.py): sum theirs, not the whole population's
    return float(m.score[m.member_idx].sum(dtype=np.float64) / reg) if reg else 0.0


# numeric columns recorded by a function of the model (the flows and cumulatives are counted by the step)
_MEASURED = {**STOCKS, **SHARES, **{k: v for k, v in MONITORS.items() if k != "comm_pattern"}}
INTEGERS = frozenset(
    [*STOCKS, *(n for n, f in _FLOWS.items() if f.dtype is int)]
    + [f"cum_{f.name}" for f in _FLOWS.values() if f.cumulative and f.dtype is int]
)


def reporters() -> dict[str, str]:
    """Every recorded column, in the order of :meth:`CommunityModel.dataframe`, with its label."""
    names = ["date", *STOCKS, *FLOWS, *CUMULATIVES, *SHARES, *MONITORS]
    return {name: LABELS.get(name, name) for name in names}


class Series:
    """The weekly series of one model, in preallocated arrays (row 0 = the initial state).

    ``new`` holds the flows (filled by the model's step from the rules' returns),
    ``cum`` the cumulatives and ``measured`` the stocks, shares and monitors;
    :meth:`record` completes a row.
    """

    def __init__(self, model):
        rows = model.n_weeks + 1
        self.new = np.zeros((rows, len(FLOWS)))
        self.cum = np.zeros((rows, len(CUMULATIVES)))
        self.measured = np.zeros((rows, len(_MEASURED)))
        self.dates: list[str] = []
        self.patterns: list[str] = []
        self.rows = 0  # rows recorded
        col = {name: j for j, name in enumerate(FLOWS)}
        # per rule, the (column, returned key) of each flow it declares
        self.plan = [(rule, [(col[f"new_{f.name}"], f.name) for f in rule.flows]) for rule in model.rules]
        self._cum_src = np.array([col["new_" + name[4:]] for name in CUMULATIVES], np.int64)

    def record(self, model) -> None:
        """Complete row ``model.week``: cumulatives, stocks, shares, monitors and the date."""
        r = model.week
        if r > 0:
            self.cum[r] = self.cum[r - 1] + self.new[r, self._cum_src]
        self.measured[r] = [f(model) for f in _MEASURED.values()]
        self.dates.append(model.date.isoformat())
        self.patterns.append(model.monitors["comm_pattern"])
        self.rows = r + 1

    def flows_at(self, r: int) -> dict[str, float]:
        """The flows of row ``r``."""
        return {name: _typed(name, v) for name, v in zip(FLOWS, self.new[r].tolist())}

    def cums_at(self, r: int) -> dict[str, float]:
        """The cumulatives at row ``r``."""
        return {name: _typed(name, v) for name, v in zip(CUMULATIVES, self.cum[r].tolist())}

    def columns(self) -> dict[str, list]:
        """Column → values per recorded row (Python ints for counts, floats, strings)."""
        k = self.rows
        out: dict[str, list] = {"date": self.dates[:k]}
        blocks = ((tuple(STOCKS), self.measured, 0), (FLOWS, self.new, None), (CUMULATIVES, self.cum, None))
        for names, arr, offset in blocks:
            for j, name in enumerate(names):
                out[name] = _column(name, arr[:k, j])
        m0 = len(STOCKS)
        for j, name in enumerate(list(_MEASURED)[m0:]):
            out[name] = _column(name, self.measured[:k, m0 + j])
        out["comm_pattern"] = self.patterns[:k]
        return {name: out[name] for name in reporters()}


def _typed(name: str, v: float):
    return int(v) if name in INTEGERS else v


def _column(name: str, values: np.ndarray) -> list:
    return values.astype(np.int64).tolist() if name in INTEGERS else values.tolist()


class Collector:
    """What ``mesa.batch_run`` reads of a DataCollector, built from the model's :class:`Series`."""

    def __init__(self, model):
        self._series = model.series
        self.model_reporters = reporters()
        self.agent_reporters: dict = {}
        self.agenttype_reporters: dict = {}
        self._agent_records: dict = {}
        self._agenttype_records: dict = {}

    @property
    def model_vars(self) -> dict[str, list]:
        """Column → values per collected step, as a DataCollector's."""
        return self._series.columns()

    @property
    def _collection_steps(self) -> list[int]:
        return list(range(self._series.rows))

    def get_model_vars_dataframe(self):
        """The series as a DataFrame, as a DataCollector's."""
        import pandas as pd

        return pd.DataFrame(self.model_vars)


def dataframe(model):
    """Per-week series, indexed by week (0 = initial state)."""
    import pandas as pd

    df = pd.DataFrame(model.series.columns())
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
        "registered_share_of_market": cum["cum_registered"] / m.p["market_size"],
        "repeat_enrolled": cum["cum_repeat_enrolled"],
        "waitlisted": cum["cum_waitlisted"],
        "turned_away": cum["cum_turned_away"],
        "alumni_attendees": cum["cum_alumni_class_attendees"] + cum["cum_reunion_attendees"],
        "provinces_total": N_PROVINCES,
        # roles
        "managers": m.n_role(Role.MANAGER),
        "promotions": cum["cum_promotions"],
        "volunteer_share": SHARES["volunteer_share"](m),
        "team_capacity": capacity.relative(m),
        # momfluencer economy
        "momfluencers": int(np.count_nonzero(m.momfluencer)),
        "creators": int(m.creator_idx().size),
        "campaigns": cum["cum_campaigns"],
        "paid_posts": cum["cum_paid_posts"],
        "total_income": float(cum["cum_income"]),
        **income_distribution(m),
        **work.summary(m),  # income of every Jika Ibu Menjadi track (model/work.py)
        # communication and what exchanges do (model/interaction.py)
        **{f"events_{k}": cum[f"cum_{k}"] for k in KINDS},
        **interaction.summary(m),
        "comm_centralisation": m.monitors["comm_centralisation"],
        "comm_density": m.monitors["comm_density"],
    }
    return out


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts (0 = equal, also when empty or all zero: nobody earns more)."""
    x = np.sort(np.asarray(x, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return 0.0
    n = x.size
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def income_distribution(m) -> dict[str, float]:
    """Income of everyone ever trained as a momfluencer: Gini, percentiles, monthly mean (Rp).

    Defined when nobody was trained (e.g. IPM): no income, so Gini 0 and every figure 0, not NaN,
    so that samplers and sensitivity analyses can use them in every run.
    """
    inc = m.income[m.creator_idx()]
    months = max(m.week, 1) * 12 / 52
    if inc.size == 0:
        return {"income_gini": 0.0, "income_p50": 0.0, "income_p90": 0.0, "income_per_creator_month": 0.0}
    return {
        "income_gini": gini(inc),
        "income_p50": float(np.percentile(inc, 50)),
        "income_p90": float(np.percentile(inc, 90)),
        "income_per_creator_month": float(inc.mean() / months),
    }
