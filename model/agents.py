"""Mesa agents: the actors a user inspects.

* :class:`Mother`: a registered member. Her state lives in the model's arrays
  (row ``idx``), so the weekly rules stay vectorised; the agent is a named view
  onto that row, for every registered mother (created, in order of registration,
  when ``model.mothers`` or ``model.agents`` is first read after she registers) and
  kept for the rest of the run. A
  role change (volunteer, manager) is a change of her ``role``; she keeps her
  history.
* :class:`Admin`: a member of the founding/management team, who facilitates
  classes and prompts discussion (capacity ``admin_capacity`` learners).
* :class:`Brand`: a brand partner with a monthly budget (``brand_budget``) that
  runs campaigns with momfluencers (model/brands.py).

Mothers who never register stay rows in the arrays only (see docs/ODD.md,
"Entities"): most of the reachable population is never reached, and a Mesa agent
per mother would make each step a Python loop over all of them.

Parameters read: admin_capacity, brand_budget.
"""

from __future__ import annotations

import mesa

from .population import OCCUPATIONS, PROVINCES
from .states import FREE_CLASS, NO_CLASS, Role, Stage


class Mother(mesa.Agent):
    """A registered member; attributes read the model's arrays at row ``idx``."""

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = int(idx)

    def _a(self, name):
        return getattr(self.model, name)[self.idx]

    @property
    def stage(self) -> Stage:
        """Her stage."""
        return Stage(int(self._a("stage")))

    @property
    def role(self) -> Role:
        """Her role."""
        return Role(int(self._a("role")))

    @property
    def province(self) -> str:
        """Her province's name."""
        return PROVINCES[int(self.model.pop["prov"][self.idx])][0]

    @property
    def occupation(self) -> str:
        """Her occupation."""
        return OCCUPATIONS[int(self.model.pop["occupation"][self.idx])]

    @property
    def internalisation(self) -> float:
        """Her internalisation s_i."""
        return float(self._a("score"))

    @property
    def programme(self) -> str | None:
        """The class she attends, or None."""
        code = int(self._a("programme"))
        if code == NO_CLASS:
            return None
        return "free class" if code == FREE_CLASS else self.model.programmes[code - 1]

    @property
    def classes_completed(self) -> int:
        """Classes she completed (free or paid)."""
        return int(self._a("classes_done"))

    @property
    def registered_week(self) -> int:
        """Week she registered."""
        return int(self._a("registered_week"))

    @property
    def follower(self) -> bool:
        """Whether she follows the Instagram account."""
        return bool(self._a("follower"))

    @property
    def telegram(self) -> bool:
        """Whether she is in the Telegram group."""
        return bool(self._a("telegram"))

    @property
    def alumna(self) -> bool:
        """Whether she completed a paid class or the scholarship."""
        return bool(self._a("alumna"))

    @property
    def scholar(self) -> bool:
        """Whether she is a scholar."""
        return bool(self._a("scholar"))

    @property
    def financial_change(self) -> bool:
        """Whether she reports a financial change."""
        return bool(self._a("fin_change"))

    @property
    def parenting_change(self) -> bool:
        """Whether she reports a parenting change."""
        return bool(self._a("par_change"))

    @property
    def tenure(self) -> int:
        """Weeks served as a volunteer (kept after promotion)."""
        return int(self._a("tenure"))

    @property
    def performance(self) -> float:
        """Volunteer track record (moving average of weekly contribution)."""
        return float(self._a("performance"))

    @property
    def momfluencer(self) -> bool:
        """Whether she works as a momfluencer now."""
        return bool(self._a("momfluencer"))

    @property
    def followers(self) -> float:
        """Followers of her own account (0 unless trained as a content creator)."""
        return float(self._a("mf_followers"))

    @property
    def engagement(self) -> float:
        """Her posts' engagement rate."""
        return float(self._a("mf_engagement"))

    @property
    def income(self) -> float:
        """Cumulative momfluencer income, Rp."""
        return float(self._a("income"))

    @property
    def traits(self) -> dict[str, float]:
        """Her drawn traits (population)."""
        pop = self.model.pop
        return {k: float(pop[k][self.idx]) for k in ("family", "stigma", "free_time", "digital", "wtp", "barrier")}

    def __repr__(self) -> str:
        return (
            f"Mother(idx={self.idx}, stage={self.stage.name}, role={self.role.name}, "
            f"province={self.province!r}, internalisation={self.internalisation:.2f})"
        )


class Admin(mesa.Agent):
    """A founding/management team member."""

    def __init__(self, model, capacity: int):
        super().__init__(model)
        self.capacity = capacity
        self.cohorts_hosted = 0

    def __repr__(self) -> str:
        return f"Admin(id={self.unique_id}, capacity={self.capacity}, cohorts_hosted={self.cohorts_hosted})"


class Brand(mesa.Agent):
    """A brand partner: runs campaigns with momfluencers (model/brands.py)."""

    def __init__(self, model, budget: float):
        super().__init__(model)
        self.budget = budget  # Rp per month
        self.sampled: set[int] = set()  # momfluencers who got a product sample
        self.campaigns = 0
        self.spent = 0.0  # Rp paid so far

    def __repr__(self) -> str:
        return (
            f"Brand(id={self.unique_id}, budget={self.budget:,.0f}/month, campaigns={self.campaigns}, "
            f"spent={self.spent:,.0f}, sampled={len(self.sampled)})"
        )
