"""What a programme design costs the community a year: unit costs declared with provenance, and the sum.

The unit costs (:data:`COSTS`) are declared as :class:`~ibusim.model.parameters.Param` objects, like
the model's parameters (type, default, unit, bounds, provenance, source, group, help, label), and
checked with the same :func:`~ibusim.model.parameters.check`. They are **not** model parameters: the
model never reads them, so they are kept out of ``PARAMS`` (``ibusim params`` does not list them, a
scenario cannot set them). Only the budget-aware optimiser (experiments/optimise.py) and the
dashboard's optimiser panel read them.

No cost of IPM or IbuSibuk is in the sources (docs/sources/: the article gives no budget, no price, no
honorarium), so every default is ``assumed``, with the reason: typical rates of Indonesian online
classes, honoraria and data allowances, in Rupiah of 2024. They are there to be replaced by a
planner's own figures (``ibusim optimise --cost name=value``).

:func:`yearly_cost` turns a design (the model's parameters: which programmes are open, their places,
rhythm and length, the scholarship batches, the free entry class, the volunteer calls, the team, the
content rhythm) into its yearly cost, item by item. The cost is the community's gross spending: the
fees mothers pay for the paid classes are not netted (how many places fill is an outcome of the
model, not of the design).
"""

from __future__ import annotations

from typing import Any

from ibusim.i18n import N_

from .parameters import PROGRAMMES, Param, ParameterError, check, show

WEEKS_PER_YEAR = 52.0
MONTHS_PER_YEAR = 12.0
MAX_TENURE_WEEKS = 520.0  # a volunteer's expected tenure is capped at ten years (quit rate 0: no burn-out)

_NO_FIGURE = "no cost or budget of IPM or IbuSibuk is in the sources (docs/sources/)"


def _cost(name: str, default: float, unit: str, source: str, group: str, help_: str, label: str, high: float) -> Param:
    return Param(
        name,
        float(default),
        "float",
        unit,
        "assumed",
        f"{source}; {_NO_FIGURE}",
        group,
        help_,
        bounds=(0.0, high),
        label=label,
    )


_COSTS = [
    _cost(
        "cost_cohort",
        1_500_000,
        "Rp/cohort",
        "a mentor's honorarium for one online cohort, of the order of Rp 1-2 million for a few weeks of Zoom "
        "classes (typical of Indonesian online course platforms)",
        "programmes",
        N_("Fixed cost of one paid class cohort (the mentor's honorarium), whatever its size."),
        N_("Cost per paid cohort"),
        1e9,
    ),
    _cost(
        "cost_place_week",
        15_000,
        "Rp/place/week",
        "materials, the learning platform's share and the facilitators' follow-up of one learner for one week "
        "(about Rp 60,000-120,000 for a 4-8 week class)",
        "programmes",
        N_("Cost of one class place for one week of class (materials, platform, follow-up)."),
        N_("Cost per class place per week"),
        1e8,
    ),
    _cost(
        "cost_scholar",
        750_000,
        "Rp/scholar",
        "what a business scholar gets free besides her place in the class (mentoring, a starter kit), about 1.5 "
        "times the Ibu Pebisnis price of the model (Rp 500,000, itself assumed)",
        "scholarship",
        N_("Cost of one scholarship besides the class place (mentoring, starter kit)."),
        N_("Cost per scholarship"),
        1e9,
    ),
    _cost(
        "cost_free_class_cohort",
        750_000,
        "Rp/cohort",
        "a large Zoom meeting and a speaker's honorarium for one free entry cohort",
        "onboarding",
        N_("Cost of one cohort of the free entry class (large Zoom meeting, speaker)."),
        N_("Cost per free entry class cohort"),
        1e9,
    ),
    _cost(
        "cost_volunteer_month",
        100_000,
        "Rp/volunteer/month",
        "volunteers are unpaid; a phone-data allowance (pulsa, kuota) of about Rp 50,000-150,000 a month",
        "volunteers",
        N_("Support of one volunteer for one month (phone-data allowance)."),
        N_("Cost of supporting a volunteer per month"),
        1e8,
    ),
    _cost(
        "cost_admin_month",
        2_000_000,
        "Rp/person/month",
        "an honorarium of the order of BPS's average net monthly income of informal workers in 2022, "
        "Rp 1,862,958 (docs/sources/background.md), rounded",
        "admins",
        N_("Honorarium of one founding or management team member for one month."),
        N_("Cost of the team per person per month"),
        1e9,
    ),
    _cost(
        "cost_post",
        100_000,
        "Rp/post",
        "design and copy of one Instagram post by a freelancer, within the 1k-10k creator tier of Rp 50,000-500,000 "
        "a post (docs/sources/background.md)",
        "channels",
        N_("Cost of one Instagram post (design and copy)."),
        N_("Cost per post"),
        1e8,
    ),
    _cost(
        "cost_live",
        500_000,
        "Rp/live",
        "a guest speaker's honorarium for one Instagram live (Tanya Ibu Peri)",
        "channels",
        N_("Cost of one Instagram live (the guest speaker's honorarium)."),
        N_("Cost per live session"),
        1e9,
    ),
    _cost(
        "cost_platform_month",
        1_000_000,
        "Rp/month",
        "Zoom licences and the learning platform's hosting",
        "admins",
        N_("Monthly cost of Zoom licences and the learning platform's hosting."),
        N_("Platform cost per month"),
        1e9,
    ),
]

COSTS: dict[str, Param] = {p.name: p for p in _COSTS}
DEFAULT_COSTS: dict[str, float] = {p.name: p.default for p in _COSTS}

# yearly cost items, in the order shown (their labels are translated where shown)
ITEMS: dict[str, str] = {
    **{f"programme_{prog}": N_("Paid classes: {programme}") for prog in PROGRAMMES},
    "scholarship": N_("Scholarships"),
    "free_class": N_("Free entry class"),
    "volunteers": N_("Volunteer support"),
    "team": N_("Team honoraria"),
    "content": N_("Content (posts and lives)"),
    "platform": N_("Platform"),
}


def check_costs(costs: dict[str, Any] | None = None) -> dict[str, float]:
    """The default unit costs with ``costs`` over them, each checked (ParameterError naming a bad one)."""
    out = dict(DEFAULT_COSTS)
    for name, value in (costs or {}).items():
        if name not in COSTS:
            raise ParameterError(N_("unknown cost {name} (known: {known})"), name=show(name), known=", ".join(COSTS))
        out[name] = check(COSTS[name], value)
    return out


def yearly_volunteers(design: dict[str, Any]) -> float:
    """Volunteers in post at steady state: weekly intake (call size / weeks between calls) x mean tenure.

    Derived: each call takes up to ``volunteer_call_size``; a volunteer stays ``1 / volunteer_quit_rate``
    weeks on average (capped at ten years). An upper bound: calls may not fill, and a volunteer who goes
    dormant steps down too (model/volunteering.py).
    """
    if not design["volunteering"] or design["volunteer_call_size"] <= 0:
        return 0.0
    quit_rate = design["volunteer_quit_rate"]
    tenure = min(1.0 / quit_rate, MAX_TENURE_WEEKS) if quit_rate > 0 else MAX_TENURE_WEEKS
    return design["volunteer_call_size"] / design["volunteer_call_every_weeks"] * tenure


def yearly_cost(design: dict[str, Any], costs: dict[str, Any] | None = None) -> dict[str, float]:
    """The design's yearly cost in Rupiah, item by item (:data:`ITEMS`) and ``total``.

    ``design`` holds the model's parameters (a scenario's values with the design's changes, e.g.
    ``scenarios.load("ipm", free_class=False)``); ``costs`` overrides unit costs of :data:`COSTS`.
    A programme runs ``52 / every_weeks`` cohorts a year while its places are above 0; the scholarship
    ``52 / scholarship_every_weeks`` batches a year while ``scholarship_batches`` and the batch size are
    above 0 (each scholar also takes an Ibu Pebisnis place for its length); the free class ``52 /
    free_class_every_weeks`` cohorts a year when on; volunteers at their steady-state number
    (:func:`yearly_volunteers`); the team is ``n_admins``; the content is ``posts_per_week`` posts and an
    Instagram live every ``live_every_weeks`` weeks.
    """
    c = check_costs(costs)
    out: dict[str, float] = {}
    for prog in PROGRAMMES:
        places = design[f"{prog}_places"]
        cohorts = WEEKS_PER_YEAR / design[f"{prog}_every_weeks"] if places > 0 else 0.0
        per_cohort = c["cost_cohort"] + places * design[f"{prog}_weeks"] * c["cost_place_week"]
        out[f"programme_{prog}"] = cohorts * per_cohort
    batches = 0.0
    if design["scholarship_batches"] > 0 and design["scholarship_batch_size"] > 0:
        batches = WEEKS_PER_YEAR / design["scholarship_every_weeks"]
    per_scholar = c["cost_scholar"] + design["ibu_pebisnis_weeks"] * c["cost_place_week"]
    out["scholarship"] = batches * design["scholarship_batch_size"] * per_scholar
    free = WEEKS_PER_YEAR / design["free_class_every_weeks"] if design["free_class"] else 0.0
    out["free_class"] = free * c["cost_free_class_cohort"]
    out["volunteers"] = yearly_volunteers(design) * MONTHS_PER_YEAR * c["cost_volunteer_month"]
    out["team"] = design["n_admins"] * MONTHS_PER_YEAR * c["cost_admin_month"]
    lives = WEEKS_PER_YEAR / design["live_every_weeks"]
    out["content"] = WEEKS_PER_YEAR * design["posts_per_week"] * c["cost_post"] + lives * c["cost_live"]
    out["platform"] = MONTHS_PER_YEAR * c["cost_platform_month"]
    out["total"] = sum(out.values())
    return out
