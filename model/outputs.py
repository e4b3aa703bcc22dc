"""The one catalogue of the model's outputs: label, unit, number format and observed target of each.

Every weekly series column (``m.dataframe()``: the date, stocks ``n_*``, flows
``new_*``, cumulatives ``cum_*``, shares and monitors) and every ``m.summary()``
key has an :class:`Output` here, and :func:`fmt` is the one number formatter. The
CLI, the reports and the dashboard read their labels, units and formats from it.

* Flows and cumulatives come from the rules' declarations (``RULE.flows`` in
  model/rules.py): ``new_<flow>`` is labelled with the flow's label and unit,
  ``cum_<flow>`` with the same label marked "(cumulative)".
* The other series and the summary keys are declared below.
* The observed targets (model/targets.toml) say which summary key they compare;
  :data:`SERIES_TARGETS` says which weekly series shows the same figure over time.

The format follows from the unit (:func:`format_of`): a unit starting with
"share" is shown as a percentage, with "Rp" as Rupiah, "index", "ratio" or
"score" as a number of three significant figures, "text" and "date" as they are,
"number" as a parameter value, anything else as a count.

Labels and units are English (the msgids) and are shown in a reader's language by
:func:`label`, :func:`unit`, :func:`fmt` and :func:`show` with ``lang``
(``"en"`` by default, so English callers are unchanged): the Indonesian is in the
gettext catalogue, where ``scripts/i18n_extract.py`` puts every output's label and
unit straight from this catalogue (:func:`msgids`), each with a note naming the
output, so a flow declared tomorrow is collected without a mark in its rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from ibusim.i18n import check_language, gettext

KINDS = ("date", "stock", "flow", "cumulative", "share", "monitor", "summary")
FORMATS = ("count", "share", "rupiah", "ratio", "number", "text")

# the weekly series that show an observed figure over time: series column -> target name
SERIES_TARGETS: dict[str, str] = {
    "cum_registered": "registered",
    "completion_rate": "completion",
    "n_telegram": "telegram",
    "n_followers": "instagram",
    "n_provinces": "provinces",
    "cum_scholars": "scholars",
}

# name: (label, unit), by kind; the flows and cumulatives come from the rules
_SERIES = {
    "date": {"date": ("Date", "date")},
    "stock": {
        "n_unaware": ("Mothers not yet aware of the community", "mothers"),
        "n_aware": ("Mothers aware of the community", "mothers"),
        "n_queued": ("Mothers waiting for a free-class place", "mothers"),
        "n_registered": ("Registered mothers", "mothers"),
        "n_active": ("Active members", "mothers"),
        "n_in_class": ("Members in a class", "mothers"),
        "n_dormant": ("Dormant members", "mothers"),
        "n_followers": ("Instagram followers", "followers"),
        "n_telegram": ("Telegram group members", "members"),
        "n_volunteers": ("Volunteers", "mothers"),
        "n_managers": ("Managers", "mothers"),
        "n_team": ("Team: founders and managers", "people"),
        "n_momfluencers": ("Active momfluencers", "mothers"),
        "n_admins": ("Founders", "people"),
        "n_provinces": ("Provinces with members", "provinces"),
    },
    "share": {
        "aware_share": ("Share of mothers aware of the community", "share of mothers"),
        "completion_rate": ("Completion of paid classes", "share of those who finished or dropped out"),
        "mean_internalisation": ("Mean internalisation of registered mothers", "score (0-1)"),
        "volunteer_share": ("Volunteers as a share of registered mothers", "share of registered"),
        "comm_centralisation": ("Degree centralisation of the group's messages", "index (0-1)"),
        "comm_density": ("Density of the group's messages", "index (0-1)"),
    },
    "monitor": {
        "team_capacity": ("Team capacity relative to the founders'", "ratio to the founders'"),
        "income_per_momfluencer_month": ("Brand income per active momfluencer per month", "Rp per month"),
        "comm_pattern": ("Communication pattern of the group", "text"),
    },
}
# summary keys that are not also series columns; {p} / {k} are filled per programme / kind
_SUMMARY = {
    "registered": ("Mothers registered", "mothers"),
    "completion": ("Completion of paid classes", "share of those who finished or dropped out"),
    "financial_change": ("Impact survey: financial change", "share of respondents"),
    "parenting_change": ("Impact survey: parenting change", "share of respondents"),
    "telegram": ("Telegram group members", "members"),
    "instagram": ("Instagram followers", "followers"),
    "provinces": ("Provinces with members", "provinces"),
    "scholars": ("Business scholarship recipients", "mothers"),
    "weeks": ("Weeks simulated", "weeks"),
    "n_mothers": ("Mothers in the population", "mothers"),
    "survey_respondents": ("Impact survey respondents", "mothers"),
    "free_class_graduates": ("Free-class graduates", "mothers"),
    "paid_enrolled": ("Enrolments in paid classes", "enrolments"),
    "enrolled_{p}": ("Enrolments in {p}", "enrolments"),
    "completed_paid": ("Paid-class completions", "completions"),
    "dropped_paid": ("Paid-class drop-outs", "drop-outs"),
    "alumnae": ("Alumnae of a paid class or the scholarship", "mothers"),
    "active": ("Active members", "mothers"),
    "dormant": ("Dormant members", "mothers"),
    "dormant_share": ("Dormant members as a share of registered mothers", "share of registered"),
    "volunteers": ("Volunteers", "mothers"),
    "telegram_per_registered": ("Telegram members per registered mother", "ratio"),
    "registered_per_follower": ("Registered mothers per Instagram follower", "ratio"),
    "provinces_total": ("Provinces of Indonesia", "provinces"),
    "managers": ("Managers", "mothers"),
    "promotions": ("Promotions to manager", "promotions"),
    "momfluencers": ("Active momfluencers", "mothers"),
    "creators": ("Mothers trained as momfluencers", "mothers"),
    "campaigns": ("Brand campaigns", "campaigns"),
    "paid_posts": ("Paid posts", "posts"),
    "total_income": ("Momfluencer income, all momfluencers", "Rp"),
    "income_gini": ("Inequality of income among trained momfluencers (Gini)", "index (0-1)"),
    "income_p50": ("Median income of a trained momfluencer", "Rp"),
    "income_p90": ("Income of a trained momfluencer, 90th percentile", "Rp"),
    "income_per_creator_month": ("Income per trained momfluencer per month", "Rp per month"),
    # income of every Jika Ibu Menjadi track, brands and jobs (model/work.py)
    "earners": ("Mothers on a Jika Ibu Menjadi track who earned", "mothers"),
    "earner_income_p50": ("Median income of those who earned", "Rp"),
    "earner_income_p90": ("Income of those who earned, 90th percentile", "Rp"),
    "income_gini_trained": ("Inequality of income among everyone on a Jika Ibu Menjadi track (Gini)", "index (0-1)"),
    "earners_content_creator": ("Content creators who earned", "mothers"),
    "earners_writer": ("Writers who earned", "mothers"),
    "earners_virtual_assistant": ("Virtual assistants who earned", "mothers"),
    "earners_mc": ("MCs who earned", "mothers"),
    "earners_financial_planner": ("Financial planners who earned", "mothers"),
    "income_content_creator": ("Income of the content creators (brands and referrals)", "Rp"),
    "income_writer": ("Income of the writers", "Rp"),
    "income_virtual_assistant": ("Income of the virtual assistants", "Rp"),
    "income_mc": ("Income of the MCs", "Rp"),
    "income_financial_planner": ("Income of the financial planners", "Rp"),
    "events_{k}": ("{k} events", "events"),
    "registered_share_of_market": ("Registered as a share of the reachable market", "share of market"),
    "repeat_enrolled": ("Repeat enrolments: alumnae who enrolled in another paid class", "enrolments"),
    "waitlisted": ("Applicants put on a waiting list by a full cohort", "mothers"),
    "turned_away": ("Applicants turned away by a full cohort", "mothers"),
    "alumni_attendees": ("Attendances at alumni classes and reunions", "attendances"),
    # what exchanges do (model/interaction.py)
    "community_ties": ("Community ties formed through exchanges", "ties"),
    "mean_community_ties": ("Community ties per registered mother", "ratio of ties to members"),
    "share_with_ties": ("Registered mothers with at least one community tie", "share of registered"),
    "opportunities_received": ("Opportunities received through community ties", "opportunities"),
    "mean_score": ("Mean internalisation of registered mothers", "score (0-1)"),
    "participant_mean_score": ("Mean internalisation of the members who take part in group talk", "score (0-1)"),
    "participant_dormant_share": ("Dormant share of the members who take part in group talk", "share of participants"),
}


@dataclass(frozen=True)
class Output:
    """One output: a weekly series column or a summary key."""

    name: str
    label: str  # plain words, for tables, charts and axis titles
    unit: str
    kind: str  # one of KINDS ("summary" for a key that is not also a series column)
    target: str | None = None  # the observed target (model/targets.toml) it is compared with or shows

    @property
    def format(self) -> str:
        """How its numbers are shown: one of FORMATS."""
        return format_of(self.unit)

    def fmt(self, value: Any, lang: str = "en") -> str:
        """``value`` formatted for this output, as a reader of ``lang`` writes numbers."""
        return fmt(value, self.unit, lang)


def format_of(unit: str) -> str:
    """The number format of a unit: count, share, rupiah, ratio, number or text."""
    u = unit.strip().lower()
    if u.startswith("share"):
        return "share"
    if u.startswith("rp"):
        return "rupiah"
    if u.startswith(("index", "ratio", "score")):
        return "ratio"
    if u in ("text", "date"):
        return "text"
    if u == "number":
        return "number"
    return "count"


def fmt(value: Any, unit: str, lang: str = "en") -> str:
    """The one number formatter: ``value`` shown in the format of ``unit``, as a reader of ``lang`` writes it.

    English (the default): missing values (None, NaN) are "n/a"; shares "91.0%";
    Rupiah "Rp1,500,000"; counts "15,000" (rounded); ratios three significant
    figures ("0.83", "4.2", "1,250" from 100 up); text as it is; "number" (a
    parameter's value) as written: integers with thousands separators from 10,000,
    other numbers in the shortest form ("0.004", "1e-05").

    Other languages write the same formats with :func:`ibusim.numbers.format_number`
    (Indonesian: "91%", "Rp 1.500.000", "15.000", "0,83"; a missing value is the
    catalogue's translation of "n/a").
    """
    if check_language(lang) != "en":
        return _fmt_in(value, unit, lang)
    form = format_of(unit)
    if form == "text" or isinstance(value, str):
        return "n/a" if value is None else str(value)
    if value is None or value != value:  # NaN
        return "n/a"
    if form == "share":
        return f"{value:.1%}"
    if form == "rupiah":
        return f"-Rp{-value:,.0f}" if value < 0 else f"Rp{value:,.0f}"
    if form == "ratio":
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if form == "number":
        return _number(value)
    return f"{value:,.0f}"


def _fmt_in(value: Any, unit: str, lang: str) -> str:
    """:func:`fmt` for a language other than English, through ibusim.numbers."""
    from ibusim.numbers import format_number

    _ = gettext(lang)
    form = format_of(unit)
    if form == "text" or isinstance(value, str):
        return _("n/a") if value is None else str(value)
    if value is None or value != value:  # NaN
        return _("n/a")
    x = float(value)
    if form == "share":
        return format_number(x, lang, "share")
    if form == "rupiah":
        return format_number(x, lang, "money")
    if form == "count" or abs(x) >= 100:
        return format_number(round(x), lang, "count")
    if form == "number":
        return format_number(x, lang, "rate")
    return format_number(x, lang, "rate", decimals=0 if x == 0 else max(0, 2 - math.floor(math.log10(abs(x)))))


def _number(x: Any) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1000:
        x = int(x)
    if isinstance(x, int) and abs(x) >= 10_000:
        return f"{x:,}"
    return f"{x:g}" if isinstance(x, float) else str(x)


@cache
def _catalogue() -> dict[str, Output]:
    # imported here: the rules import the parameters, which format their values with fmt above
    from .communication import KIND_LABELS
    from .communication import KINDS as EVENT_KINDS
    from .parameters import PROGRAMME_LABELS, PROGRAMMES
    from .rules import RULES
    from .targets import load as load_targets

    summary_targets = {t.summary: t.name for t in load_targets().values()}
    out: dict[str, Output] = {}

    def add(name: str, label: str, unit: str, kind: str) -> None:
        target = SERIES_TARGETS.get(name) or summary_targets.get(name)
        out[name] = Output(name, label, unit, kind, target)

    for kind in ("date", "stock"):
        for name, (lab, u) in _SERIES[kind].items():
            add(name, lab, u, kind)
    flows = [f for rule in RULES for f in rule.flows]
    for f in flows:
        add(f"new_{f.name}", f.label, f.unit, "flow")
    for f in flows:
        if f.cumulative:
            add(f"cum_{f.name}", f"{f.label} (cumulative)", f.unit, "cumulative")
    for kind in ("share", "monitor"):
        for name, (lab, u) in _SERIES[kind].items():
            add(name, lab, u, kind)
    for name, (lab, u) in _SUMMARY.items():
        if "{p}" in name:
            for p in PROGRAMMES:
                add(name.format(p=p), lab.format(p=PROGRAMME_LABELS[p]), u, "summary")
        elif "{k}" in name:
            for k in EVENT_KINDS:
                add(name.format(k=k), lab.format(k=KIND_LABELS[k]), u, "summary")
        else:
            add(name, lab, u, "summary")
    return out


def catalogue() -> dict[str, Output]:
    """Every output by name: the series columns in the order of ``m.dataframe()``, then the other summary keys."""
    return dict(_catalogue())


def get(name: str) -> Output:
    """The output called ``name``; KeyError naming it if there is none."""
    try:
        return _catalogue()[name]
    except KeyError:
        raise KeyError(f"no output named {name!r} in the catalogue (model/outputs.py)") from None


def label(name: str, lang: str = "en") -> str:
    """The plain-words label of an output, in ``lang`` (English, the msgid, by default)."""
    return gettext(lang)(get(name).label)


def unit(name: str, lang: str = "en") -> str:
    """The unit of an output, in ``lang`` (English by default, which :func:`format_of` reads)."""
    return gettext(lang)(get(name).unit)


def show(name: str, value: Any, lang: str = "en") -> str:
    """``value`` of the output ``name``, formatted for it as a reader of ``lang`` writes numbers."""
    return fmt(value, get(name).unit, lang)


def msgids() -> dict[str, list[str]]:
    """Every output's label and unit (the English msgids) with notes for the translator naming the outputs.

    ``scripts/i18n_extract.py`` adds them to the catalogue; a msgid several outputs share keeps the
    notes of its first three.
    """
    out: dict[str, list[str]] = {}
    for o in _catalogue().values():
        for msgid, note in (
            (o.label, f"output '{o.name}' ({o.kind}; label, unit: {o.unit})"),
            (o.unit, f"output '{o.name}' (unit; label: {o.label})"),
        ):
            notes = out.setdefault(msgid, [])
            if len(notes) < 3:
                notes.append(note)
    return out
