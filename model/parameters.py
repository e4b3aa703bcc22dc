"""Every model parameter, declared once.

Each :class:`Param` carries its type, baseline default, unit, bounds (or allowed
choices), provenance (``observed`` with the quote and seed file, ``derived`` with
the derivation, or ``assumed`` with the reason), the dashboard group, a plain label
and a help line. This one table drives:

* validation (:func:`validate`): unknown names and out-of-range or wrongly typed
  values raise :class:`ParameterError` naming the parameter and what is allowed;
* the model's keyword arguments (``CommunityModel(**params)``);
* the CLI (``ibusim params``, ``--set name=value`` parsing via :func:`parse_value`);
* the documentation's parameter table (``docs/ODD.md``, :func:`markdown_table`);
* the dashboard's fields (``dashboard/app.py``: label, unit, help, allowed range, provenance);
* the texts people read, in English or Bahasa Indonesia (:func:`text`: label, help, unit and
  allowed values; the English declarations are the msgids, ``scripts/i18n_extract.py`` collects
  them and the Indonesian is in ``ibusim/locale/id/LC_MESSAGES/ibusim.po``).

The defaults form the *baseline* scenario. Named scenarios (``ipm``, ``ibusibuk``)
are differences from it (see :mod:`model.scenarios`).

Sources: ``001`` = the IPM article, ``000`` = the IbuSibuk abstract; their citations
and every quoted passage are in ``docs/sources/``.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ibusim.i18n import N_, Localised, TranslatableError

from .outputs import fmt

PROVENANCES = ("observed", "derived", "assumed")
PRIOR_SCALES = ("linear", "log")
# The parameter groups (each Param's ``group``), with the name people read: the English name is the msgid,
# its Indonesian is in the catalogue (``group_title``); ``ibusim params`` and its Markdown table show it.
GROUP_TITLES = {
    # TRANSLATORS: a group of parameters: the simulated period (first and last month)
    "run": N_("run"),
    # TRANSLATORS: a group of parameters: the simulated mothers and their circumstances
    "mothers": N_("mothers"),
    # TRANSLATORS: a group of parameters: the mothers' social ties
    "network": N_("network"),
    # TRANSLATORS: a group of parameters: how mothers come to know the community (Instagram, word of mouth)
    "awareness": N_("awareness"),
    # TRANSLATORS: a group of parameters: the community's channels (Telegram, Instagram, forum)
    "channels": N_("channels"),
    # TRANSLATORS: a group of parameters: joining: interest, registration and the free entry class
    "onboarding": N_("onboarding"),
    "programmes": N_("programmes"),
    "scholarship": N_("scholarship"),
    # TRANSLATORS: a group of parameters: members' commitment (internalisation) and dormancy
    "engagement": N_("engagement"),
    "admins": N_("admins"),
    "volunteers": N_("volunteers"),
    "momfluencers": N_("momfluencers"),
    "brands": N_("brands"),
    "communication": N_("communication"),
    "interactivity": N_("interactivity"),
    "alumni": N_("alumni"),
    # TRANSLATORS: a group of parameters: paid work after the Jika Ibu Menjadi tracks
    "work": N_("work"),
    # TRANSLATORS: a group of parameters: the reachable mothers
    "market": N_("market"),
    # TRANSLATORS: a group of parameters: the impact survey
    "survey": N_("survey"),
}
GROUPS = tuple(GROUP_TITLES)


class ParameterError(TranslatableError):
    """A bad parameter name or value; the message is one line naming the problem.

    Raised with an English msgid and its fields (``ParameterError(N_("unknown parameter {name}"), name=...)``):
    ``str(e)`` is the English line, ``e.in_language(lang)`` (or :func:`ibusim.i18n.error_text`) the line in
    ``lang``, with numbers as that reader writes them. The model has no current language: whoever shows the
    error translates it. A plain already-written message (``ParameterError("...")``) works too.
    """


# Messages of ParameterError (English msgids, translated in ibusim/locale; fields filled after translating)
M_NOT_ALLOWED = N_("parameter '{name}' = {value} is not allowed: expected {allowed}")
M_NOT_ALLOWED_WHY = N_("parameter '{name}' = {value} is not allowed: expected {allowed} ({problem})")
M_UNKNOWN = N_("unknown parameter {name} (did you mean {close}?)")
M_UNKNOWN_LIST = N_("unknown parameter {name}; run 'ibusim params' to list them")
M_CONSTRAINT = N_("parameters must satisfy {rule} (got {given})")
M_WRITTEN = N_("{what} = {value} is not allowed: {problem}")
M_NAMED = N_("{name}: {problem}")


def _value_shown(value: Any, unit: str = "-", type_: str = "float", plain: bool = False) -> Localised:
    """A value for a message: :func:`show` in English, numbers as each reader writes them in other languages.

    ``plain``: a share as a fraction (0,7, as in a rule such as ``a + b <= 1``), not a percentage.
    """
    english = show(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_np_number(value):
        return Localised(english, lambda lang: english)

    def render(lang: str) -> str:
        from ibusim.numbers import format_number, kind_for

        x = float(value)
        if not math.isfinite(x) or (isinstance(value, int) and value.bit_length() > 128):
            return english
        kind = kind_for(unit, type_) if type_ in ("int", "float") else "rate"
        if kind == "count" and not x.is_integer():
            kind = "rate"
        if kind == "share" and (plain or x > 1):  # 7 in a share field reads better as 7 than as 700%
            kind = "rate"
        return format_number(int(value) if kind == "count" else x, lang, kind, exact=True)

    return Localised(english, render)


def _allowed_shown(p: Param) -> Localised:
    """``p.allowed`` in English; :func:`text` ``(p, "allowed", lang)`` in other languages."""
    return Localised(p.allowed, lambda lang: text(p, "allowed", lang))


def _not_allowed(p: Param, value: Any) -> ParameterError:
    return ParameterError(
        M_NOT_ALLOWED, name=p.name, value=_value_shown(value, p.unit, p.type), allowed=_allowed_shown(p)
    )


@dataclass(frozen=True)
class Param:
    """One declared parameter."""

    name: str
    default: Any
    type: str  # "int" | "float" | "bool" | "month" | "choice"
    unit: str
    provenance: str
    source: str
    group: str
    help: str
    bounds: tuple[float, float] | None = None
    choices: tuple[str, ...] = field(default=())
    prior: tuple[float, float] | None = None  # calibration prior (low, high), where the parameter is calibrated
    prior_scale: str = "linear"  # "linear": uniform on [low, high]; "log": log-uniform (uniform in log10)
    prior_source: str = ""  # where the prior comes from (literature, analogue, first principles), never the targets
    calibrated_by: str = ""  # the calibration multiplier (MULTIPLIERS) that sets this parameter, if any
    label: str = ""  # a plain English name for people (the msgid; Indonesian in the catalogue); "" = the name
    # values for the {placeholders} of label and help, filled after translating: (placeholder, English value);
    # a value is translated too unless its placeholder is a proper name (PROPER_NAME_ARGS: programmes, tiers)
    text_args: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if self.provenance not in PROVENANCES:
            raise ValueError(f"{self.name}: provenance {self.provenance!r}")
        if self.group not in GROUPS:
            raise ValueError(f"{self.name}: group {self.group!r}")
        if self.type in ("int", "float") and self.bounds is None:
            raise ValueError(f"{self.name}: numeric parameter without bounds")
        if self.prior is not None:
            lo, hi = self.prior
            if self.type != "float" or not (self.bounds[0] <= lo < hi <= self.bounds[1]):
                raise ValueError(f"{self.name}: prior {self.prior} outside bounds {self.bounds}")
            if self.prior_scale not in PRIOR_SCALES or (self.prior_scale == "log" and lo <= 0):
                raise ValueError(f"{self.name}: prior scale {self.prior_scale!r} with low {lo}")
            if not self.prior_source.strip():
                raise ValueError(f"{self.name}: a calibration prior needs its source (prior_source)")
        # the default itself must be valid
        check(self, self.default)

    @property
    def allowed(self) -> str:
        """What values are allowed, in words."""
        if self.type in ("int", "float"):
            lo, hi = self.bounds
            return f"{self.type} in [{fmt(lo, 'number')}, {fmt(hi, 'number')}]"
        if self.type == "bool":
            return "true or false"
        if self.type == "month":
            return "a month YYYY-MM between 2000-01 and 2100-12"
        return "one of " + ", ".join(self.choices)


def check(p: Param, value: Any) -> Any:
    """Return ``value`` converted to ``p``'s type, or raise ParameterError."""
    given = value
    t = p.type
    if t == "bool":
        if isinstance(value, (bool,)) or (hasattr(value, "dtype") and value.dtype == bool):
            return bool(value)
        raise _not_allowed(p, given)
    if t in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_np_number(value):
            raise _not_allowed(p, given)
        try:
            x = float(value)  # an integer beyond the float range raises OverflowError
        except OverflowError:
            raise _not_allowed(p, given) from None
        if not math.isfinite(x):
            raise _not_allowed(p, given)
        if t == "int":
            if not (isinstance(value, int) or _is_np_integer(value) or x.is_integer()):
                raise _not_allowed(p, given)
            value = int(value)
        else:
            value = x
        lo, hi = p.bounds
        if not lo <= value <= hi:
            raise _not_allowed(p, given)
        return value
    if t == "month":
        try:
            month_to_date(value)
        except (TypeError, ValueError):
            raise _not_allowed(p, given) from None
        return value
    if t == "choice":
        if not isinstance(value, str) or value not in p.choices:
            raise _not_allowed(p, given)
        return value
    raise AssertionError(t)


def show(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for a one-line message: huge integers by their size, long text cut short."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        if value.bit_length() < 14_000:  # below Python's 4,300-digit limit for str()
            return f"<an integer of {len(str(abs(value))):,} digits>"
        return f"<an integer of about {int(value.bit_length() * math.log10(2)) + 1:,} digits>"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _is_np_number(value: Any) -> bool:
    import numpy as np

    return isinstance(value, (np.integer, np.floating))


def _is_np_integer(value: Any) -> bool:
    import numpy as np

    return isinstance(value, np.integer)


def month_to_date(value: str) -> _dt.date:
    """'2020-04' -> date(2020, 4, 1); raises ValueError on anything else."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", value):
        raise ValueError(value)
    y, m = int(value[:4]), int(value[5:])
    if not (2000 <= y <= 2100 and 1 <= m <= 12):
        raise ValueError(value)
    return _dt.date(y, m, 1)


# --------------------------------------------------------------------------
# The declarations. Keep one Param per line group; keep provenance honest.
# --------------------------------------------------------------------------

_P: list[Param] = []


def _add(name, default, type_, unit, provenance, source, group, help_, bounds=None, choices=(), *, label, text_args=()):
    _P.append(
        Param(
            name,
            default,
            type_,
            unit,
            provenance,
            source,
            group,
            help_,
            bounds,
            tuple(choices),
            label=label,
            text_args=tuple(text_args),
        )
    )


# run ---------------------------------------------------------------------
_add(
    "start",
    "2020-04",
    "month",
    "month",
    "observed",
    '001: "Komunitas ini berdiri pada April 2020"',
    "run",
    "Calendar month of the first week (IPM's founding).",
    label="First month simulated",
)
_add(
    "end",
    "2024-12",
    "month",
    "month",
    "assumed",
    "end of observation: the 2024 impact survey and the article's 2024 figures",
    "run",
    "Last calendar month simulated; model.running turns False after it.",
    label="Last month simulated",
)
_add(
    "n_mothers",
    120_000,
    "int",
    "mothers",
    "assumed",
    "the effective market: the mothers among the market_size reachable ones (docs/sources/market.md) who "
    "respond to the community at the modelled rates (its Bass market potential); not observed, about 1.1% of "
    "market_size; only its product with interest_rate is identified by the registrations (ODD section 6)",
    "mothers",
    "Reachable mothers simulated (reached or not), spread over 38 provinces.",
    bounds=(100, 5_000_000),
    label="Mothers simulated",
)
_add(
    "initial_aware_share",
    0.002,
    "float",
    "share",
    "assumed",
    "the founders' own circles in April 2020",
    "awareness",
    "Share of mothers aware of the community at the start.",
    bounds=(0.0, 1.0),
    label="Share of mothers who know the community at the start",
)

# mothers -------------------------------------------------------------------
_add(
    "province_reach",
    "internet",
    "choice",
    "-",
    "derived",
    "'internet': a province's share of the reachable mothers is its share of women on the internet, "
    "registered women x internet penetration (model/provinces.py; Dukcapil 2024-S2, APJII 2024/2023, BPS "
    "2023: docs/sources/provinces.md), with no parameter fitted to the provinces reached; assumed: the share "
    "of millennial mothers among women and of Instagram among internet users is the same in every province "
    "(no provincial figure found). 'regions': version 0.2's assumed regional reach with remote_reach",
    "mothers",
    "How the simulated mothers spread over the 38 provinces: by public data on women and internet use, or "
    "by version 0.2's assumed regional reach.",
    choices=("internet", "regions"),
    label="How mothers spread over the provinces",
)
_add(
    "province_population",
    "registry",
    "choice",
    "-",
    "derived",
    "'registry': registered women, Ditjen Dukcapil semester II 2024, complete for the 38 provinces; 'bps': "
    "BPS 2024 population x 100 / (100 + BPS sex ratio), the registry's count for the five Papua provinces "
    "the stored BPS table lacks (docs/sources/provinces.md); the two differ most in migrant destinations "
    "and Papua",
    "mothers",
    "Women per province for the 'internet' reach: the interior ministry's register or BPS's projection.",
    choices=("registry", "bps"),
    label="Source of women per province",
)
_add(
    "province_internet",
    "apjii_latest",
    "choice",
    "-",
    "derived",
    "'apjii_latest': APJII internet penetration, the 2024 provincial figure where found (11 provinces), "
    "else 2023 (20), else APJII 2024's island-group figure (7); 'apjii_2023': the 2023 provincial figure "
    "first; 'bps_2023': BPS Statistik Telekomunikasi 2023, complete but on the old 34-province split (the "
    "new Papua provinces inherit their old province's rate) (docs/sources/provinces.md)",
    "mothers",
    "Internet penetration per province for the 'internet' reach: APJII's latest, APJII 2023 first, or BPS 2023.",
    choices=("apjii_latest", "apjii_2023", "bps_2023"),
    label="Source of internet use per province",
)
_add(
    "remote_reach",
    0.02,
    "float",
    "relative weight",
    "assumed",
    "few ties and low online reach in Maluku and Papua; read only with province_reach = 'regions' (version "
    "0.2), where it was tuned so that about 31 of 38 provinces have members "
    '(001: "diakses ibu di 31 dari 38 provinsi"); the default weighting uses public data instead',
    "mothers",
    "Reach of the 8 Maluku/Papua provinces relative to Java-Bali (per head), with province_reach = 'regions'.",
    bounds=(0.0, 1.0),
    label="Reach in Maluku and Papua",
)
_add(
    "family_support_mean",
    0.6,
    "float",
    "0-1 index",
    "assumed",
    '001: family support "terkadang menjadi kendala berikutnya" (sometimes the next obstacle); mean of a Beta',
    "mothers",
    "Mean family support (1 = full support).",
    bounds=(0.01, 0.99),
    label="Average family support",
)
_add(
    "stigma_mean",
    0.5,
    "float",
    "0-1 index",
    "assumed",
    '001: "Faktor lingkungan menjadi factor utama yang dapat menghambat"; mean of a Beta',
    "mothers",
    "Mean environment/stigma pressure (1 = strongest).",
    bounds=(0.01, 0.99),
    label="Average social pressure (stigma)",
)
_add(
    "free_time_mean",
    0.5,
    "float",
    "0-1 index",
    "assumed",
    "childcare leaves mothers little free time; mean of a Beta",
    "mothers",
    "Mean share of free time left by childcare (1 = plenty).",
    bounds=(0.01, 0.99),
    label="Average free time beside childcare",
)
_add(
    "digital_literacy_mean",
    0.7,
    "float",
    "0-1 index",
    "assumed",
    "most reachable mothers already use Instagram/WhatsApp; mean of a Beta",
    "mothers",
    "Mean digital literacy (1 = fluent).",
    bounds=(0.01, 0.99),
    label="Average digital skills",
)
_add(
    "wtp_median",
    150_000.0,
    "float",
    "Rp/month",
    "assumed",
    "what a mother can spend on learning per month; no survey figure",
    "mothers",
    "Median monthly budget a mother can spend on classes (lognormal).",
    bounds=(0.0, 10_000_000.0),
    label="Typical monthly budget for classes",
)
_add(
    "wtp_sigma",
    0.9,
    "float",
    "log-sd",
    "assumed",
    "wide income spread",
    "mothers",
    "Spread (sd of log) of the monthly budget.",
    bounds=(0.0, 3.0),
    label="Spread of monthly budgets",
)
_add(
    "wtp_max",
    3_000_000.0,
    "float",
    "Rp/month",
    "assumed",
    "no mother spends more than this per month on a class",
    "mothers",
    "Cap on the monthly budget.",
    bounds=(0.0, 100_000_000.0),
    label="Highest monthly budget for classes",
)
_add(
    "share_long_distance",
    0.2,
    "float",
    "share",
    "assumed",
    '000: mothers "berhadapan dengan *long distance marriage* (LDM)"; no count given',
    "mothers",
    "Share of mothers in a long-distance marriage.",
    bounds=(0.0, 1.0),
    label="Share of mothers in a long-distance marriage",
)
_add(
    "share_migrated",
    0.25,
    "float",
    "share",
    "assumed",
    '000: mothers "ikut merantau jauh dari sanak keluarga"; no count given',
    "mothers",
    "Share of mothers who migrated away from kin (the rest left work after marriage/childbirth).",
    bounds=(0.0, 1.0),
    label="Share of mothers living far from family",
)
_add(
    "isolation_motivation",
    1.3,
    "float",
    "multiplier",
    "assumed",
    "mothers far from kin look harder for an online community (000)",
    "mothers",
    "Interest multiplier for long-distance and migrated mothers.",
    bounds=(0.0, 5.0),
    label="Extra interest of isolated mothers",
)
_add(
    "barrier_strength",
    1.0,
    "float",
    "multiplier",
    "assumed",
    "scales every barrier effect; 0 switches barriers off (limit cases)",
    "mothers",
    "Strength of barriers (environment, family, time, digital literacy).",
    bounds=(0.0, 3.0),
    label="Strength of the barriers",
)
_add(
    "weight_environment",
    0.3,
    "float",
    "weight",
    "assumed",
    "001 (the author) names the environment the main factor, but the IPM manager (JMF interview, in the "
    "article) says the family hinders the mothers' first steps most, and the author calls family support the "
    "next obstacle beside stigma and the environment: environment and stigma come second, below family "
    "(weight_family > weight_environment >= weight_time); the value is assumed",
    "mothers",
    "Weight of environment/stigma in the barrier index.",
    bounds=(0.0, 1.0),
    label="Weight of social pressure among the barriers",
)
_add(
    "weight_family",
    0.5,
    "float",
    "weight",
    "assumed",
    'the first obstacle: 001: "dukungan keluarga juga terkadang menjadi kendala berikutnya", and the IPM '
    "manager (JMF interview, in the article): what hinders the mothers' first steps most is above all the "
    "family ('Kami lihat sih dari yang paling menghambat mulainya langkah para ibu ini adalah terutama "
    "keluarga'); the ordering is observed, the value assumed",
    "mothers",
    "Weight of low family support in the barrier index.",
    bounds=(0.0, 1.0),
    label="Weight of family support among the barriers",
)
_add(
    "weight_time",
    0.2,
    "float",
    "weight",
    "assumed",
    "childcare time; not named as an obstacle in 001, so the smallest weight",
    "mothers",
    "Weight of lack of free time in the barrier index.",
    bounds=(0.0, 1.0),
    label="Weight of free time among the barriers",
)

# network -------------------------------------------------------------------
_add(
    "mixing",
    "network",
    "choice",
    "-",
    "assumed",
    "word of mouth travels over social ties; 'homogeneous' gives the Bass limit case",
    "network",
    "How word of mouth mixes: over the tie network or homogeneously.",
    choices=("network", "homogeneous"),
    label="How word of mouth spreads",
)
_add(
    "ties_per_side",
    5,
    "int",
    "ties",
    "assumed",
    "a small-world circle of close contacts: 10 ties per mother",
    "network",
    "Ties to the nearest ring neighbours on each side; each mother has 2 x ties_per_side ties "
    "(ring-lattice degree) before rewiring.",
    bounds=(1, 25),
    label="Friends on each side in the network",
)
_add(
    "long_tie_share",
    0.05,
    "float",
    "share",
    "assumed",
    "a few ties cross neighbourhoods and provinces (small-world rewiring)",
    "network",
    "Share of ties rewired to a random mother anywhere.",
    bounds=(0.0, 1.0),
    label="Share of friendships far away",
)

# awareness -----------------------------------------------------------------
_add(
    "media_reach",
    0.0006,
    "float",
    "1/week",
    "assumed",
    "Bass p: yearly p ≈ 0.03 (background.md) is 0.0006/week",
    "awareness",
    "Weekly chance an unaware mother meets the community's Instagram content (Bass p).",
    bounds=(0.0, 1.0),
    label="Weekly chance Instagram reaches a mother",
)
_add(
    "wom_rate",
    0.0073,
    "float",
    "1/week",
    "assumed",
    "Bass q: yearly q ≈ 0.38 (0.3-0.5, background.md) is 0.0073/week",
    "awareness",
    "Weekly word-of-mouth rate per aware contact share (Bass q).",
    bounds=(0.0, 1.0),
    label="Strength of word of mouth",
)
_add(
    "member_talk",
    1.0,
    "float",
    "extra weight",
    "assumed",
    "externalisation: registered members talk about the community more than mere followers",
    "awareness",
    "Extra word-of-mouth weight of a registered member (0 = same as aware).",
    bounds=(0.0, 20.0),
    label="Extra word of mouth from members",
)
_add(
    "posts_per_week",
    5.0,
    "float",
    "posts/week",
    "assumed",
    "the founders' posting rhythm on @ibupunyamimpi",
    "awareness",
    "Instagram posts per week at founding (mass reach scales with content volume).",
    bounds=(0.1, 100.0),
    label="Instagram posts per week at the start",
)
_add(
    "content_growth",
    0.5,
    "float",
    "posts/week per 1,000 active members",
    "assumed",
    "content volume grows with the community (members and volunteers make content)",
    "awareness",
    "Extra posts per week per 1,000 active members.",
    bounds=(0.0, 50.0),
    label="Extra posts as the community grows",
)
_add(
    "live_every_weeks",
    2,
    "int",
    "weeks",
    "assumed",
    '001: Instagram lives "Tanya Ibu Peri"; frequency not given',
    "awareness",
    "Weeks between Instagram lives (Tanya Ibu Peri).",
    bounds=(1, 52),
    label="Weeks between Instagram lives",
)
_add(
    "live_boost",
    0.5,
    "float",
    "multiplier",
    "assumed",
    "a live draws more eyes than a post",
    "awareness",
    "Extra mass reach in a week with a live (0 = none).",
    bounds=(0.0, 10.0),
    label="Extra reach in a week with a live",
)
_add(
    "covid_push",
    1.5,
    "float",
    "multiplier",
    "assumed",
    '001: founded "ketika pandemi covid-19 menyebabkan semua orang tidak dapat beraktivitas di luar '
    'rumah"; higher external influence in lockdowns (background.md)',
    "awareness",
    "Extra reach and interest at full lockdown (timeline in model/timeline.py).",
    bounds=(0.0, 10.0),
    label="Extra reach during the COVID lockdown",
)

# channels ------------------------------------------------------------------
_add(
    "follow_rate",
    0.03,
    "float",
    "1/week",
    "assumed",
    "following is cheap (simple contagion, background.md)",
    "channels",
    "Weekly chance an aware mother follows the Instagram account (times digital literacy).",
    bounds=(0.0, 1.0),
    label="Weekly chance a mother follows the Instagram account",
)
_add(
    "unfollow_rate",
    0.003,
    "float",
    "1/week",
    "assumed",
    "slow follower churn",
    "channels",
    "Weekly chance a follower unfollows.",
    bounds=(0.0, 1.0),
    label="Weekly chance a follower unfollows",
)
_add(
    "telegram_rate",
    0.0015,
    "float",
    "1/week",
    "assumed",
    '001: the Telegram group is open to "siapapun yang tertarik", registered or not',
    "channels",
    "Weekly chance an aware non-member joins the open Telegram group.",
    bounds=(0.0, 1.0),
    label="Weekly chance a mother joins the Telegram group",
)
_add(
    "telegram_member_rate",
    0.01,
    "float",
    "1/week",
    "assumed",
    "registered members are invited to the group",
    "channels",
    "Weekly chance an active registered member joins Telegram.",
    bounds=(0.0, 1.0),
    label="Weekly chance a member joins the Telegram group",
)
_add(
    "telegram_leave_rate",
    0.004,
    "float",
    "1/week",
    "assumed",
    "group churn; the calibration fixes it at 0.012 a week, about 5% a month (CALIBRATION_FIXED below)",
    "channels",
    "Weekly chance a Telegram member leaves the group.",
    bounds=(0.0, 1.0),
    label="Weekly chance someone leaves the Telegram group",
)

# onboarding ----------------------------------------------------------------
_add(
    "interest_rate",
    0.004,
    "float",
    "1/week",
    "assumed",
    "baseline value assumed; calibrated for the ipm preset (prior and its source in PRIORS below); with "
    "n_mothers only their product is identified by the registrations",
    "onboarding",
    "Weekly chance an aware mother seeks to join (times motivation, (1 - barrier), lockdown push).",
    bounds=(0.0, 1.0),
    label="Weekly chance an aware mother wants to join",
)
_add(
    "free_class",
    True,
    "bool",
    "-",
    "observed",
    '001: the free class "Ibu untuk Ibu" is the entry ("kelas pembuka")',
    "onboarding",
    "Run the free entry class 'Ibu untuk Ibu' (no, or false: the counterfactual without it).",
    label="Free entry class 'Ibu untuk Ibu'",
)
_add(
    "free_class_every_weeks",
    2,
    "int",
    "weeks",
    "assumed",
    "frequency not given",
    "onboarding",
    "Weeks between free-class cohorts.",
    bounds=(1, 52),
    label="Weeks between free-class cohorts",
)
_add(
    "free_class_size",
    300,
    "int",
    "places",
    "assumed",
    "a large Zoom session",
    "onboarding",
    "Places per free-class cohort.",
    bounds=(0, 100_000),
    label="Places per free-class cohort",
)
_add(
    "free_class_weeks",
    2,
    "int",
    "weeks",
    "assumed",
    "a short opening class",
    "onboarding",
    "Length of the free class.",
    bounds=(1, 26),
    label="Length of the free class",
)
_add(
    "free_class_dropout",
    0.05,
    "float",
    "1/week",
    "assumed",
    "a free class is easy to skip",
    "onboarding",
    "Base weekly drop-out in the free class.",
    bounds=(0.0, 1.0),
    label="Weekly drop-out in the free class",
)
_add(
    "direct_registration_share",
    0.35,
    "float",
    "share",
    "assumed",
    "without an easy free entry, fewer mothers who seek to join actually register",
    "onboarding",
    "Share of mothers seeking to join who register when there is no free class.",
    bounds=(0.0, 1.0),
    label="Share who register without a free class",
)
_add(
    "queue_patience_weeks",
    8.0,
    "float",
    "weeks",
    "assumed",
    "mothers lose interest while waiting",
    "onboarding",
    "Mean wait before a mother queued for the free class gives up.",
    bounds=(0.5, 520.0),
    label="Weeks a mother waits for the free class",
)

# engagement ----------------------------------------------------------------
_add(
    "internalise_free",
    0.3,
    "float",
    "score",
    "assumed",
    "the free class is where mothers meet the community's values (001)",
    "engagement",
    "Internalisation gained (as share of the remaining gap) on completing the free class.",
    bounds=(0.0, 1.0),
    label="Commitment gained from the free class",
)
_add(
    "internalise_paid",
    0.35,
    "float",
    "score",
    "assumed",
    "an intensive cohort class deepens identity",
    "engagement",
    "Internalisation gained on completing a paid class.",
    bounds=(0.0, 1.0),
    label="Commitment gained from a paid class",
)
_add(
    "internalise_prompt",
    0.01,
    "float",
    "score/week",
    "assumed",
    '001: an admin posts "pertanyaan pemantik" (prompting questions) in the groups',
    "engagement",
    "Weekly internalisation gain of an active member in the Telegram group.",
    bounds=(0.0, 1.0),
    label="Weekly commitment gained in the Telegram group",
)
_add(
    "internalise_decay",
    0.01,
    "float",
    "1/week",
    "assumed",
    "identity fades when dormant",
    "engagement",
    "Weekly decay of a dormant member's internalisation.",
    bounds=(0.0, 1.0),
    label="Weekly commitment lost while inactive",
)
_add(
    "dormancy_rate",
    0.02,
    "float",
    "1/week",
    "assumed",
    "most members drift away between classes",
    "engagement",
    "Weekly chance an active member not in class becomes dormant (times 1 - score).",
    bounds=(0.0, 1.0),
    label="Weekly chance a member becomes inactive",
)
_add(
    "reactivation_rate",
    0.005,
    "float",
    "1/week",
    "assumed",
    "admin prompts, alumni classes and reunions (001)",
    "engagement",
    "Weekly chance a dormant member becomes active again (doubled in Telegram).",
    bounds=(0.0, 1.0),
    label="Weekly chance an inactive member comes back",
)

# programmes ----------------------------------------------------------------
_add(
    "enrol_rate",
    0.08,
    "float",
    "1/week",
    "assumed",
    "baseline value assumed (no source gives the uptake of paid classes); calibrated for the ipm preset "
    "(prior and its source in PRIORS below)",
    "programmes",
    "Weekly chance an eligible member applies during a sign-up window (times score).",
    bounds=(0.0, 1.0),
    label="Weekly chance a member applies to a paid class during a sign-up window",
)
_add(
    "enrol_threshold",
    0.25,
    "float",
    "score",
    "assumed",
    "paying is a costly step that needs some internalisation first (Centola, background.md)",
    "programmes",
    "Internalisation a member needs before she applies to a paid class.",
    bounds=(0.0, 1.0),
    label="Commitment needed to enrol in a paid class",
)
_add(
    "peer_reinforcement",
    0.5,
    "float",
    "multiplier",
    "assumed",
    "complex contagion: alumni among her ties reinforce a costly step",
    "programmes",
    "Extra application rate per alumna tie (up to 3).",
    bounds=(0.0, 10.0),
    label="Pull of friends who took a class",
)
_add(
    "price_sensitivity",
    1.0,
    "float",
    "multiplier",
    "assumed",
    "dearer classes draw fewer applicants",
    "programmes",
    "How fast the application rate falls with instalment / budget.",
    bounds=(0.0, 20.0),
    label="Sensitivity to price",
)
_add(
    "dropout_rate",
    0.006,
    "float",
    "1/week",
    "assumed",
    "paid cohort completion 85-88% in the literature, 91% observed (001)",
    "programmes",
    "Base weekly drop-out in a paid class (times 1 + 2 barrier, times support shortfall).",
    bounds=(0.0, 1.0),
    label="Weekly drop-out in a paid class",
)
_add(
    "support_effect",
    1.0,
    "float",
    "multiplier",
    "assumed",
    "admin support keeps learners going (001: discussions are guided by an admin)",
    "programmes",
    "Extra drop-out when learners outnumber facilitation capacity (at full shortfall).",
    bounds=(0.0, 10.0),
    label="Extra drop-out when facilitators are overloaded",
)
_add(
    "parenting_effect_free",
    0.25,
    "float",
    "probability",
    "assumed",
    "parenting is woven into every class (001)",
    "programmes",
    "Chance the free class changes a mother's parenting.",
    bounds=(0.0, 1.0),
    label="Chance the free class changes parenting",
)
_add(
    "parenting_effect_paid",
    0.6,
    "float",
    "probability",
    "assumed",
    "parenting is woven into every class (001)",
    "programmes",
    "Chance a completed paid class changes a mother's parenting.",
    bounds=(0.0, 1.0),
    label="Chance a paid class changes parenting",
)

PROGRAMMES = ("comeback_journey", "jika_ibu_menjadi", "kembali_diri", "ibu_pebisnis")
PROGRAMME_LABELS = {
    "comeback_journey": "Comeback Journey",
    "jika_ibu_menjadi": "Jika Ibu Menjadi",
    "kembali_diri": "Kembali Diri",
    "ibu_pebisnis": "Ibu Pebisnis",
}
# programme: (first cohort, every, places, weeks, price, instalments, window, financial effect)
_PROGRAMME_DEFAULTS = {
    "comeback_journey": ("2021-01", 13, 100, 6, 350_000.0, 2, 4, 0.45),
    "jika_ibu_menjadi": ("2021-06", 8, 60, 4, 250_000.0, 1, 3, 0.35),
    "kembali_diri": ("2021-02", 8, 80, 4, 150_000.0, 1, 3, 0.15),
    "ibu_pebisnis": ("2020-05", 13, 25, 8, 500_000.0, 2, 4, 0.5),
}
# why each programme starts when it does (provenance of <prog>_start): business first, the others after.
# The founding passage of 001 (docs/sources/001-ipm-article.md, passage 16) says the founders' initial aim was
# inviting mothers to open businesses ("tujuan awal mengajak para Ibu untuk membuka bisnis sehingga bisa
# berdaya secara finansial"),
# and that, seeing the participants' enthusiasm at the time, IPM went on beyond business to the mothers'
# other dreams ("Melihat antusiasme peserta pada saat itu. Ibu Punya Mimpi akhirnya melanjutkan langkah
# pemberdayaan, bukan hanya mendorong para Ibu untuk menjadi pebisnis, tetapi juga melanjutkan mimpi-mimpi").
_BUSINESS_FIRST = (
    '001: the initial aim was inviting mothers to open businesses, "tujuan awal '
    'mengajak para Ibu untuk membuka bisnis", and the other programmes followed after, "Melihat antusiasme '
    'peserta ... akhirnya melanjutkan langkah pemberdayaan"'
)
_PLACES_REASON = "the platform shows a cohort size and remaining places (background.md); sizes not given"
_PLACES_EXTRA = {
    "ibu_pebisnis": "; a mentored business class is small: of the order of a scholarship batch (15-20 scholars, "
    "001) with some paying learners, so 25 (a cohort can fill)",
}
_START_REASONS = {
    "ibu_pebisnis": "assumed month, observed order: the business class comes first, the month after the April "
    "2020 founding; " + _BUSINESS_FIRST,
    "kembali_diri": "assumed: follows the business class (self development, 'melanjutkan mimpi-mimpi' of 001's "
    "founding passage), once its first year showed the enthusiasm; " + _BUSINESS_FIRST,
    "comeback_journey": "assumed: follows the business class's first year (empowerment again); " + _BUSINESS_FIRST,
    "jika_ibu_menjadi": "assumed: the profession classes come last, after the business class; " + _BUSINESS_FIRST,
}
_PRICING = (
    'the learning platform sells cohorts "one-time or instalment" (background.md); IPM\'s prices are not in the seeds'
)
for _prog, (_s, _e, _pl, _w, _pr, _i, _win, _fin) in _PROGRAMME_DEFAULTS.items():
    _args = (("programme", PROGRAMME_LABELS[_prog]),)
    _add(
        f"{_prog}_start",
        _s,
        "month",
        "month",
        "assumed",
        _START_REASONS[_prog],
        "programmes",
        "{programme}: month of the first cohort.",
        label="{programme}: first cohort",
        text_args=_args,
    )
    _add(
        f"{_prog}_every_weeks",
        _e,
        "int",
        "weeks",
        "assumed",
        "cohort rhythm not given",
        "programmes",
        "{programme}: weeks between cohort starts",
        bounds=(1, 520),
        label="{programme}: weeks between cohorts",
        text_args=_args,
    )
    _add(
        f"{_prog}_places",
        _pl,
        "int",
        "places",
        "assumed",
        _PLACES_REASON + _PLACES_EXTRA.get(_prog, ""),
        "programmes",
        "{programme}: places per cohort (0 = programme closed)",
        bounds=(0, 100_000),
        label="{programme}: places per cohort",
        text_args=_args,
    )
    _add(
        f"{_prog}_weeks",
        _w,
        "int",
        "weeks",
        "assumed",
        "cohort length in weeks (background.md)",
        "programmes",
        "{programme}: cohort length.",
        bounds=(1, 104),
        label="{programme}: length of a cohort",
        text_args=_args,
    )
    _add(
        f"{_prog}_price",
        _pr,
        "float",
        "Rp",
        "assumed",
        _PRICING,
        "programmes",
        "{programme}: full price.",
        bounds=(0.0, 100_000_000.0),
        label="{programme}: full price",
        text_args=_args,
    )
    _add(
        f"{_prog}_instalments",
        _i,
        "int",
        "monthly instalments",
        "assumed",
        _PRICING,
        "programmes",
        "{programme}: number of monthly instalments (1 = pay at once)",
        bounds=(1, 24),
        label="{programme}: monthly instalments",
        text_args=_args,
    )
    _add(
        f"{_prog}_window_weeks",
        _win,
        "int",
        "weeks",
        "assumed",
        "sign-up window (background.md)",
        "programmes",
        "{programme}: sign-up window before each cohort",
        bounds=(1, 52),
        label="{programme}: sign-up weeks before a cohort",
        text_args=_args,
    )
    _add(
        f"{_prog}_financial_effect",
        _fin,
        "float",
        "probability",
        "assumed",
        '001: financial change came "terutama pada program Comeback Journey dan Beasiswa IPM"'
        + (
            "; the highest of the four, but not the survey's 55%, which is a share of respondents (an outcome of "
            "every route to a financial change), not the chance that one class changes a mother's finances"
            if _prog == "comeback_journey"
            else ""
        ),
        "programmes",
        "{programme}: chance completing it changes a mother's finances.",
        bounds=(0.0, 1.0),
        label="{programme}: chance of a financial change",
        text_args=_args,
    )

# scholarship ---------------------------------------------------------------
_add(
    "scholarship_batches",
    6,
    "int",
    "batches",
    "observed",
    '001: "hingga saat ini terdiri dari 6 batch"',
    "scholarship",
    "Business scholarship (Beasiswa Bisnis) batches run (0 = none).",
    bounds=(0, 200),
    label="Business scholarship batches",
)
_add(
    "scholarship_batch_size",
    18,
    "int",
    "scholars",
    "assumed",
    'a choice within the observed range, 001: "masingmasing batch berisikan 15-20 orang" (sic, the hyphen of '
    "masing-masing is lost in the text)",
    "scholarship",
    "Scholars per batch (observed 15-20).",
    bounds=(0, 10_000),
    label="Scholars per batch",
)
_add(
    "scholarship_start",
    "2021-10",
    "month",
    "month",
    "assumed",
    "first batch date not given; the scholarship pays for the business class (Ibu Pebisnis, from 2020-05), "
    "so it follows it, once the class has run a year",
    "scholarship",
    "Month of the first scholarship batch.",
    label="Month of the first scholarship batch",
)
_add(
    "scholarship_every_weeks",
    26,
    "int",
    "weeks",
    "derived",
    "6 batches between the first one and late 2024",
    "scholarship",
    "Weeks between scholarship batches.",
    bounds=(1, 520),
    label="Weeks between scholarship batches",
)
_add(
    "scholarship_financial_effect",
    0.7,
    "float",
    "probability",
    "assumed",
    '001: financial change "terutama pada program ... Beasiswa IPM"',
    "scholarship",
    "Chance a completed scholarship changes a mother's finances.",
    bounds=(0.0, 1.0),
    label="Chance a scholarship changes a mother's finances",
)

# admins --------------------------------------------------------------------
_add(
    "n_admins",
    5,
    "int",
    "admins",
    "assumed",
    "a small founding team (001 names founders)",
    "admins",
    "Founding/management team members facilitating classes.",
    bounds=(0, 1000),
    label="Admins facilitating classes",
)
_add(
    "admin_capacity",
    60,
    "int",
    "learners/admin",
    "assumed",
    "one facilitator follows a few dozen learners",
    "admins",
    "Learners in paid classes one admin can support.",
    bounds=(0, 10_000),
    label="Learners one admin can support",
)

# volunteers ----------------------------------------------------------------
_add(
    "volunteering",
    True,
    "bool",
    "-",
    "observed",
    '001: "Program volunteer pun diadakan"; a volunteer host later joined the management team',
    "volunteers",
    "Run the volunteer programme.",
    label="Volunteer programme open",
)
_add(
    "volunteer_call_every_weeks",
    13,
    "int",
    "weeks",
    "assumed",
    "a call per quarter",
    "volunteers",
    "Weeks between volunteer calls.",
    bounds=(1, 520),
    label="Weeks between volunteer calls",
)
_add(
    "volunteer_call_size",
    20,
    "int",
    "volunteers",
    "assumed",
    "reader-to-leader conversion near 1% (background.md)",
    "volunteers",
    "Volunteers taken per call.",
    bounds=(0, 10_000),
    label="Volunteers taken per call",
)
_add(
    "volunteer_threshold",
    0.5,
    "float",
    "score",
    "assumed",
    "internalised members externalise again as hosts (Berger & Luckmann)",
    "volunteers",
    "Internalisation needed to answer a volunteer call.",
    bounds=(0.0, 1.0),
    label="Commitment needed to volunteer",
)
_add(
    "volunteer_capacity",
    15,
    "int",
    "learners/volunteer",
    "assumed",
    "volunteers host and moderate",
    "volunteers",
    "Learners one volunteer can support.",
    bounds=(0, 10_000),
    label="Learners one volunteer can support",
)
_add(
    "volunteer_quit_rate",
    0.01,
    "float",
    "1/week",
    "assumed",
    "volunteers burn out",
    "volunteers",
    "Weekly chance a volunteer steps down.",
    bounds=(0.0, 1.0),
    label="Weekly chance a volunteer steps down",
)

# volunteer -> manager progression ------------------------------------------------
_add(
    "team_per_1000_members",
    0.7,
    "float",
    "team members per 1,000 registered",
    "assumed",
    "the management team grows with the community; one informant went from volunteer host to "
    'manager (001: "Aku juga dulu daftar jadi volunteer untuk host acara")',
    "volunteers",
    "Management team size (founders + managers) per 1,000 registered members.",
    bounds=(0.0, 100.0),
    label="Management team per 1,000 members",
)
_add(
    "team_max",
    30,
    "int",
    "people",
    "assumed",
    "a volunteer-run community keeps a small core team",
    "volunteers",
    "Largest management team (founders + managers).",
    bounds=(0, 10_000),
    label="Largest management team",
)
_add(
    "promotion_min_tenure_weeks",
    26,
    "int",
    "weeks",
    "assumed",
    "a few hosting rounds before joining the team",
    "volunteers",
    "Weeks a volunteer must have served before she can be promoted.",
    bounds=(0, 520),
    label="Weeks of volunteering before becoming a manager",
)
_add(
    "manager_leave_rate",
    0.004,
    "float",
    "1/week",
    "assumed",
    "managers burn out too, more slowly",
    "volunteers",
    "Weekly chance a manager leaves the team.",
    bounds=(0.0, 1.0),
    label="Weekly chance a manager leaves",
)
_add(
    "manager_capacity",
    40,
    "int",
    "learners/manager",
    "assumed",
    "managers facilitate like founders, a bit less",
    "volunteers",
    "Learners one manager can support.",
    bounds=(0, 10_000),
    label="Learners one manager can support",
)
_add(
    "volunteer_weight",
    0.1,
    "float",
    "founder-equivalents",
    "assumed",
    "a volunteer hosts and moderates part-time",
    "volunteers",
    "Share of a founder's facilitation (cohorts, prompts) one volunteer adds.",
    bounds=(0.0, 1.0),
    label="Work of one volunteer compared with a founder",
)
_add(
    "places_scale_with_team",
    0.5,
    "float",
    "elasticity",
    "assumed",
    "a larger team runs more classes and cohorts",
    "volunteers",
    "How much cohort places grow with team capacity R (places x (1 + this x (R - 1))).",
    bounds=(0.0, 2.0),
    label="How class places grow with the team",
)
_add(
    "prompt_reach",
    600,
    "int",
    "members/week",
    "assumed",
    "one facilitator can keep a few hundred members talking a week",
    "volunteers",
    "Group members one founder-equivalent can engage with prompts per week.",
    bounds=(0, 1_000_000),
    label="Members one facilitator can engage per week",
)
_add(
    "volunteer_posts_per_week",
    0.05,
    "float",
    "posts/week",
    "assumed",
    "volunteers and managers make content",
    "volunteers",
    "Instagram posts per week each volunteer or manager adds.",
    bounds=(0.0, 20.0),
    label="Instagram posts per volunteer per week",
)

# momfluencers ---------------------------------------------------------------
_add(
    "content_creator_share",
    0.3,
    "float",
    "share",
    "assumed",
    'content creator is one of the "Jika Ibu Menjadi" professions (background.md); IbuSibuk trains '
    'momfluencers (000: "pelatihan baik secara *online* maupun *offline*")',
    "momfluencers",
    "Share of Jika Ibu Menjadi completions trained as content creators (who become momfluencers).",
    bounds=(0.0, 1.0),
    label="Share of Jika Ibu Menjadi graduates who become content creators",
)
_add(
    "momfluencer_followers",
    600.0,
    "float",
    "followers",
    "assumed",
    "a mother's own account when she starts (median of a lognormal, log-sd 1)",
    "momfluencers",
    "Median followers of a newly trained momfluencer.",
    bounds=(1.0, 10_000_000.0),
    label="Followers of a new momfluencer",
)
_add(
    "momfluencer_engagement",
    0.04,
    "float",
    "share",
    "assumed",
    '"engagement above 3% counts as good" (background.md); mean of a Beta',
    "momfluencers",
    "Mean engagement rate of a momfluencer's posts.",
    bounds=(0.001, 0.5),
    label="Engagement of a momfluencer's posts",
)
_add(
    "momfluencer_growth",
    0.01,
    "float",
    "1/week",
    "assumed",
    "followers grow with posting; ~70% a year at 4% engagement",
    "momfluencers",
    "Weekly follower growth at engagement 4% (scales with engagement).",
    bounds=(0.0, 1.0),
    label="Weekly follower growth of a momfluencer",
)
_add(
    "momfluencer_quit_rate",
    0.005,
    "float",
    "1/week",
    "assumed",
    "some stop posting",
    "momfluencers",
    "Weekly chance a momfluencer stops working as one.",
    bounds=(0.0, 1.0),
    label="Weekly chance a momfluencer stops",
)
_add(
    "income_change_threshold",
    500_000.0,
    "float",
    "Rp",
    "assumed",
    '000: "adanya penghasilan tambahan sebagai *momfluencer*"; a few paid posts count as a financial change',
    "momfluencers",
    "Cumulative momfluencer income at which a mother reports a financial change.",
    bounds=(0.0, 1e10),
    label="Income that counts as a financial change",
)

# brands --------------------------------------------------------------------
_add(
    "n_brands",
    0,
    "int",
    "brands",
    "assumed",
    "IPM's seed names no brand partners; IbuSibuk works with brands (000)",
    "brands",
    "Brand partners paying momfluencers.",
    bounds=(0, 1000),
    label="Brand partners",
)
_add(
    "brand_budget",
    5_000_000.0,
    "float",
    "Rp/month",
    "assumed",
    "influencer rates Rp50k-10M per post (background.md)",
    "brands",
    "Monthly campaign budget of one brand.",
    bounds=(0.0, 1e12),
    label="Monthly budget of one brand",
)
_add(
    "campaigns_per_month",
    1.0,
    "float",
    "campaigns/month",
    "assumed",
    "a monthly campaign rhythm",
    "brands",
    "Campaigns a brand runs per month (on average).",
    bounds=(0.0, 30.0),
    label="Campaigns per brand per month",
)
_add(
    "brand_min_engagement",
    0.02,
    "float",
    "share",
    "assumed",
    "brands look at engagement (above 3% is good, background.md)",
    "brands",
    "Lowest engagement a brand accepts.",
    bounds=(0.0, 1.0),
    label="Lowest engagement a brand accepts",
)
_add(
    "product_sample_first",
    True,
    "bool",
    "-",
    "assumed",
    '000 names "product sample" among the seven digital-empowerment elements, not the order of a brand\'s posts; '
    "a sample first is assumed",
    "brands",
    "A brand's first post with a momfluencer is an unpaid product sample.",
    label="First post paid with a product sample",
)
_add(
    "creators_per_campaign",
    10,
    "int",
    "posts/campaign",
    "assumed",
    "a small influencer campaign",
    "brands",
    "Most momfluencer posts (paid or sampled) in one campaign.",
    bounds=(0, 10_000),
    label="Most posts in one campaign",
)
_add(
    "rate_nano",
    0.0,
    "float",
    "Rp/post",
    "assumed",
    "under 1k followers creators are paid in products",
    "brands",
    "Pay per post under 1,000 followers.",
    bounds=(0.0, 1e9),
    label="Pay per post, under 1K followers",
)
for _tier, _lo, _hi, _label, _tier_name in (
    ("micro", 50_000.0, 500_000.0, "1k-10k", "1K-10K"),
    ("mid", 500_000.0, 2_500_000.0, "10k-100k", "10K-100K"),
    ("macro", 2_500_000.0, 10_000_000.0, "100k-1M", "100K-1M"),
):
    _add(
        f"rate_{_tier}_low",
        _lo,
        "float",
        "Rp/post",
        "assumed",
        f"Indonesian rates 2024, {_label} followers: Rp{_lo:,.0f}-{_hi:,.0f} (background.md; sources disagree)",
        "brands",
        "Pay per post at the bottom of the {tier} follower tier.",
        bounds=(0.0, 1e9),
        label="Pay per post, {tier} followers, low end",
        text_args=(("tier", _tier_name),),
    )
    _add(
        f"rate_{_tier}_high",
        _hi,
        "float",
        "Rp/post",
        "assumed",
        f"Indonesian rates 2024, {_label} followers: Rp{_lo:,.0f}-{_hi:,.0f} (background.md; sources disagree)",
        "brands",
        "Pay per post at the top of the {tier} follower tier.",
        bounds=(0.0, 1e9),
        label="Pay per post, {tier} followers, high end",
        text_args=(("tier", _tier_name),),
    )

# communication (CMC) ------------------------------------------------------------
_add(
    "admin_lead",
    0.7,
    "float",
    "share",
    "assumed",
    '001: discussions are "dipandu oleh seorang admin dari tim IPM, dengan pertanyaan pemantik"',
    "communication",
    "Share of group messages addressed to the facilitator who posted the prompt (1 = admins lead, 0 = peers talk).",
    bounds=(0.0, 1.0),
    label="Share of class messages to the admin",
)
_add(
    "prompts_per_week",
    3,
    "int",
    "prompts/week",
    "assumed",
    "a few prompting questions a week per group",
    "communication",
    "Prompting questions the facilitators post per group and week.",
    bounds=(0, 100),
    label="Prompting questions per week",
)
_add(
    "share_contributors",
    0.09,
    "float",
    "share",
    "assumed",
    "participation inequality 90-9-1 (background.md)",
    "communication",
    "Share of group members who contribute now and then.",
    bounds=(0.0, 1.0),
    label="Share of members who post now and then",
)
_add(
    "share_leaders",
    0.01,
    "float",
    "share",
    "assumed",
    "participation inequality 90-9-1 (background.md)",
    "communication",
    "Share of group members who post a lot.",
    bounds=(0.0, 1.0),
    label="Share of members who post a lot",
)
_add(
    "lurker_messages",
    0.02,
    "float",
    "messages/week",
    "assumed",
    "lurkers almost never post",
    "communication",
    "Messages per week of a lurker in a group.",
    bounds=(0.0, 100.0),
    label="Weekly messages of a quiet member",
)
_add(
    "contributor_messages",
    0.5,
    "float",
    "messages/week",
    "assumed",
    "90-9-1",
    "communication",
    "Messages per week of a contributor.",
    bounds=(0.0, 100.0),
    label="Weekly messages of an occasional poster",
)
_add(
    "leader_messages",
    3.0,
    "float",
    "messages/week",
    "assumed",
    "90-9-1",
    "communication",
    "Messages per week of a leader.",
    bounds=(0.0, 1000.0),
    label="Weekly messages of an active poster",
)
_add(
    "pattern_channels",
    "telegram",
    "choice",
    "-",
    "assumed",
    "the open Telegram group is where the admins' prompting questions meet the whole community",
    "communication",
    "Which messages the monitored communication pattern is measured on.",
    choices=("telegram", "whatsapp", "groups", "all", "alumni", "team"),
    label="Messages used for the communication pattern",
)
_add(
    "window_weeks",
    4,
    "int",
    "weeks",
    "assumed",
    "a month of conversation",
    "communication",
    "Length of the window whose messages form the communication graph.",
    bounds=(1, 52),
    label="Weeks of messages in the communication pattern",
)
_add(
    "materials_per_week",
    3.0,
    "float",
    "items/week",
    "assumed",
    '001: "lebih dari 340 pilihan materi belajar"; a learner opens a few a week',
    "communication",
    "Learning materials a learner opens per week (user-to-document).",
    bounds=(0.0, 100.0),
    label="Learning materials opened per week",
)
_add(
    "view_share",
    0.1,
    "float",
    "share",
    "assumed",
    "organic reach of a post among followers",
    "communication",
    "Share of followers who see each Instagram post (user-to-document).",
    bounds=(0.0, 1.0),
    label="Share of followers who see a post",
)
_add(
    "live_comment_share",
    0.01,
    "float",
    "share",
    "assumed",
    "a few followers comment in a live",
    "communication",
    "Share of followers who comment in a Tanya Ibu Peri live (user-to-user).",
    bounds=(0.0, 1.0),
    label="Share of followers who comment in a live",
)
_add(
    "forum_rate",
    0.05,
    "float",
    "posts/week",
    "assumed",
    "the RUMII forum is quieter than the chat groups",
    "communication",
    "RUMII forum posts per active member per week (user-to-user; reading is 5x that).",
    bounds=(0.0, 100.0),
    label="Forum posts per member per week",
)
_add(
    "happy_hour",
    True,
    "bool",
    "-",
    "observed",
    '001: "para anggota komunitas yang berada dalam satu wilayah dapat bertemu"',
    "communication",
    "Run offline Happy Hour meetups.",
    label="Happy Hour meetups held",
)
_add(
    "happy_hour_every_weeks",
    13,
    "int",
    "weeks",
    "assumed",
    "a meetup per quarter",
    "communication",
    "Weeks between Happy Hour rounds.",
    bounds=(1, 520),
    label="Weeks between Happy Hour meetups",
)
_add(
    "happy_hour_min_members",
    30,
    "int",
    "members",
    "assumed",
    "enough members nearby to meet",
    "communication",
    "Active members a province needs before a Happy Hour is held there.",
    bounds=(1, 100_000),
    label="Members a province needs for a Happy Hour",
)
_add(
    "happy_hour_attendance",
    0.15,
    "float",
    "share",
    "assumed",
    "a meetup draws a minority of local members",
    "communication",
    "Share of a province's active members who attend.",
    bounds=(0.0, 1.0),
    label="Share of members who attend a Happy Hour",
)
_add(
    "happy_hour_boost",
    0.3,
    "float",
    "score",
    "assumed",
    'meeting face to face binds members (001: "mengikat")',
    "communication",
    "Internalisation gained by attending (share of the remaining gap).",
    bounds=(0.0, 1.0),
    label="Commitment gained at a Happy Hour",
)

# survey --------------------------------------------------------------------
_add(
    "survey_frame",
    "alumnae",
    "choice",
    "-",
    "assumed",
    '001: the changes are reported "setelah mengikuti dan mempraktekkan ilmu di berbagai program IPM", '
    "so the survey is taken to reach programme participants",
    "survey",
    "Who the impact survey invites: all registered members, everyone who completed a class "
    "(free or paid), or alumnae of paid classes and scholars.",
    choices=("registered", "completers", "alumnae"),
    label="Who the impact survey asks",
)
_add(
    "survey_response_base",
    0.03,
    "float",
    "probability",
    "assumed",
    "few disengaged members answer a survey",
    "survey",
    "Chance a member with internalisation 0 answers the impact survey.",
    bounds=(0.0, 1.0),
    label="Chance a member answers the survey",
)
_add(
    "survey_response_engaged",
    0.5,
    "float",
    "probability",
    "assumed",
    "engaged members answer far more often (self-selection)",
    "survey",
    "Extra response chance at internalisation 1.",
    bounds=(0.0, 1.0),
    label="Extra chance a committed member answers the survey",
)

# --- Model 2.0 (issue 10): interactivity (model/interaction.py, model/communication.py) ---
_add(
    "purpose_patterns",
    True,
    "bool",
    "-",
    "observed",
    '000: interactivity "dengan pola komunikasi yang berbeda sesuai dengan tujuan komunikasinya" (with communication '
    "patterns that differ by the purpose of communication); 001 names group, organisation and mass contexts",
    "interactivity",
    "Purpose sets the pattern: class discussion admin-led (admin_lead), peer support and the alumni group led by "
    "peer_lead, the management team organisational; off: admin_lead everywhere, no alumni or team group.",
    label="Each group's purpose sets its communication pattern",
)
_add(
    "peer_lead",
    0.1,
    "float",
    "share",
    "assumed",
    '001: the Telegram group is for "bertukar kabar" (exchanging news) among members and is open to all; '
    "peer support is all-channel, so few messages go to the facilitators",
    "interactivity",
    "Share of peer-support messages (open Telegram group, alumni group) addressed to the facilitators.",
    bounds=(0.0, 1.0),
    label="Share of peer-support messages to the facilitators",
)
_add(
    "team_messages",
    5.0,
    "float",
    "messages/week",
    "assumed",
    '001: organisational communication "antara sesama pengurus komunitas" (among the managers); '
    "a handful of coordination messages a week per team member",
    "interactivity",
    "Messages a week of each volunteer and manager in the management team's group.",
    bounds=(0.0, 1000.0),
    label="Weekly messages in the management team's group",
)
_add(
    "admin_replies",
    20.0,
    "float",
    "replies/week",
    "assumed",
    "a facilitator answers about three group messages a day beside her other work (Shaw 1964: the hub "
    "saturates; background.md)",
    "interactivity",
    "Replies a facilitator (founder-equivalent, model/capacity.py) can give a week to messages addressed to her.",
    bounds=(0.0, 100_000.0),
    label="Replies a facilitator can give per week",
)
_add(
    "internalise_exchange",
    0.02,
    "float",
    "score/week",
    "assumed",
    "Berger & Luckmann: internalisation happens in interaction; 000: interactivity builds the members' "
    "empowerment; twice the prompt effect at saturation",
    "interactivity",
    "Weekly internalisation gain of a member with many exchanges (times 1 - exp(-x/3) and 1 - score); 0 = off.",
    bounds=(0.0, 1.0),
    label="Weekly commitment gained from conversations",
)
_add(
    "internalise_silence",
    0.005,
    "float",
    "1/week",
    "assumed",
    "silence lets the identity fade: half the dormant decay, as a silent member still reads",
    "interactivity",
    "Share of internalisation an active member loses in a week without any exchange; 0 = off.",
    bounds=(0.0, 1.0),
    label="Weekly commitment lost without conversation",
)
_add(
    "tie_formation",
    0.05,
    "float",
    "1/week",
    "assumed",
    "a lasting acquaintance takes many hours of interaction (Hall 2019, background.md); "
    "one week of chat exchanges rarely makes one",
    "interactivity",
    "Chance that two mothers who exchanged messages this week form a lasting community tie; 0 = off.",
    bounds=(0.0, 1.0),
    label="Chance a conversation becomes a friendship",
)
_add(
    "referral_rate",
    0.01,
    "float",
    "1/week",
    "assumed",
    '001: "networking makin luas, dapet kerjaan juga" (wider networking, got work too); Granovetter: '
    "jobs travel through ties",
    "interactivity",
    "Weekly chance an earning member passes an opportunity along a strong community tie; 0 = off.",
    bounds=(0.0, 1.0),
    label="Weekly chance a member passes on an opportunity",
)
_add(
    "opportunity_value",
    250_000.0,
    "float",
    "Rp",
    "assumed",
    "a small job or order, half the income_change_threshold (two or three make a financial change)",
    "interactivity",
    "Median value of an opportunity received through a tie.",
    bounds=(0.0, 1e9),
    label="Typical value of a passed-on opportunity",
)
_add(
    "live_attendance",
    0.7,
    "float",
    "share",
    "assumed",
    "most learners of a paid cohort attend its live Zoom sessions; fewer with little free time",
    "interactivity",
    "Chance a learner with average free time attends a week's live class (user-to-system).",
    bounds=(0.0, 1.0),
    label="Chance a learner attends a live class",
)
_add(
    "skill_effect",
    0.5,
    "float",
    "-",
    "assumed",
    "user-to-document use (materials) builds skills (McMillan: user-to-document); "
    "learning by reading the 340+ materials (001)",
    "interactivity",
    "Relative rise of the financial-change chance at full skill from materials read; 0 = off.",
    bounds=(0.0, 10.0),
    label="Extra chance of financial change from learning materials",
)
_add(
    "belonging_effect",
    0.5,
    "float",
    "-",
    "assumed",
    "user-to-system use (live classes) builds belonging, which keeps learners in class (social presence: "
    "Garrison, Anderson & Archer 2000, background.md)",
    "interactivity",
    "Share by which attending every live session cuts a learner's drop-out hazard; 0 = off.",
    bounds=(0.0, 1.0),
    label="Less drop-out from attending live classes",
)
_add(
    "tie_retention",
    0.3,
    "float",
    "1/tie",
    "assumed",
    "bond-based commitment: personal ties to other members keep people in online communities "
    "(Ren, Kraut & Kiesler 2007, background.md)",
    "interactivity",
    "Per community tie: dormancy divided and reactivation multiplied by 1 + tie_retention times ties; 0 = off.",
    bounds=(0.0, 10.0),
    label="How friendships keep members active",
)
# --- end interactivity ---

# --- Model 2.0 (issue 10): funnels (channels, onboarding, classes, volunteering, model/alumni.py) ---
_add(
    "telegram_seek_boost",
    1.0,
    "float",
    "multiplier",
    "assumed",
    '001: the open Telegram group is a "titik awal agar anggota grup merasakan AosambutanAo dan komunikasi yang '
    'positif sehingga tertarik mengikuti kegiatan maupun kelas di kemudian" (a starting '
    "point so that members feel welcomed and become interested in activities and classes later); doubling the "
    "seeking hazard is a modest guess for being welcomed daily (calibration to revisit)",
    "onboarding",
    "Extra seeking hazard of an aware mother in the Telegram group (0 = none).",
    bounds=(0.0, 20.0),
    label="Extra interest from the Telegram group",
)
_add(
    "telegram_class_boost",
    0.5,
    "float",
    "multiplier",
    "assumed",
    "the Telegram group carries the news of classes to its members (001: the group is used for "
    '"perkembangan kegiatan komunitas"); a member who reads it applies more often, half again as often '
    "as a modest guess (calibration to revisit)",
    "programmes",
    "Extra application hazard of a member in the Telegram group (0 = none).",
    bounds=(0.0, 20.0),
    label="Extra enrolment from the Telegram group",
)
_add(
    "announcement_boost",
    0.5,
    "float",
    "multiplier",
    "assumed",
    '001: "Instagram juga dimanfaatkan untuk menyebarkan informasi mengenai kegiatan yang akan '
    "dilangsungkan dalam waktu dekat. Diharapkan dapat menambah atensi pengikut sehingga kegiatan yang akan "
    'diselenggarakan dapat memiliki banyak peserta" (Instagram spreads news of upcoming activities, to raise '
    "followers' attention so that they have many participants); half again as often is a modest guess",
    "programmes",
    "Extra application hazard of an Instagram follower in a sign-up window (class announcements; 0 = none).",
    bounds=(0.0, 20.0),
    label="Extra enrolment from class announcements",
)
_add(
    "live_seek_share",
    0.003,
    "float",
    "hazard per live",
    "assumed",
    '001: the free Instagram lives "Tanya Ibu Peri" reach followers ("Cukup Instagram @ibupunyamimpi"); '
    "a live is watched by a few per cent of the followers and few of them decide to join at once: about 0.2% "
    "per live for an average follower (m_i (1 - b_i) = 0.63), half the seeking a fortnight brings an aware "
    "mother anyway (calibration to revisit)",
    "onboarding",
    "Seeking hazard a live adds for an aware follower not yet queued, times her m_i (1 - b_i) (0 = none).",
    bounds=(0.0, 1.0),
    label="Extra interest from each Instagram live",
)
_add(
    "volunteer_entry",
    True,
    "bool",
    "-",
    "assumed",
    '001: "Kelas awal dan program volunteer ini seringkali menjadi Aokelas pembukaAo bagi para ibu untuk '
    'lanjut mengikuti kelas-kelas intensif lainnya" (the entry class and the volunteer programme are often the '
    "'opening class' for mothers to go on to the intensive classes): volunteering is a way in, not a reward for a "
    "completed class",
    "volunteers",
    "Volunteer calls take engaged members without a completed class (off: at least one completed class needed).",
    label="Members can volunteer before completing a class",
)
_add(
    "volunteer_enrol_boost",
    1.0,
    "float",
    "multiplier",
    "assumed",
    '001: volunteering is a "kelas pembuka" (opening class) to the intensive classes, and "Informan pun '
    'menjajaki program volunteer terlebih dahulu" (the informant tried the volunteer programme first); '
    "doubling the application hazard of a volunteer without a paid class is a modest guess",
    "volunteers",
    "Extra application hazard of a volunteer who has not completed a paid class (0 = none).",
    bounds=(0.0, 20.0),
    label="Extra enrolment of volunteers",
)
_add(
    "alumni_class_every_weeks",
    13,
    "int",
    "weeks",
    "assumed",
    '001: "Kelas alumni juga diadakan untuk menjaring opini dan berbagi cerita ibu pasca mengikuti '
    'kelas belajar" (alumni classes gather opinions and stories after the classes); frequency not given: '
    "quarterly assumed",
    "alumni",
    "Weeks between alumni classes (0 = none).",
    bounds=(0, 520),
    label="Weeks between alumni classes",
)
_add(
    "reunion_month",
    4,
    "int",
    "month of the year",
    "assumed",
    '001: "mengikuti acara reuni, yakni acara refleksi bagi mereka yang pernah mengikuti kelas Ibu '
    'Punya Mimpi" (reunion events, a reflection for those who took IPM classes); yearly, in the founding month '
    "April assumed",
    "alumni",
    "Month of the yearly alumni reunion, held in its first week (1-12; 0 = none).",
    bounds=(0, 12),
    label="Month of the alumni reunion",
)
_add(
    "alumni_attendance",
    0.2,
    "float",
    "probability",
    "assumed",
    "online events reach a minority of alumnae: one in five, a modest guess (calibration to revisit)",
    "alumni",
    "Chance a registered alumna (dormant ones too) attends an alumni class or reunion.",
    bounds=(0.0, 1.0),
    label="Chance an alumna attends an alumni event",
)
_add(
    "internalise_alumni",
    0.05,
    "float",
    "share",
    "assumed",
    "a reflection event renews the identity less than a class (internalise_free, internalise_paid) and about as "
    "much as an offline meetup",
    "alumni",
    "Internalisation an attendee of an alumni event gains, as a share of 1 - s_i.",
    bounds=(0.0, 1.0),
    label="Commitment gained at an alumni event",
)
_add(
    "alumni_enrol_boost",
    1.0,
    "float",
    "multiplier",
    "assumed",
    '001: "partisipasi yang simultan dari satu kelas ke kelas berikutnya" (participation from one '
    "class to the next); an alumni event reminds her of the next class: doubling her application hazard for a "
    "while is a modest guess",
    "alumni",
    "Extra application hazard of an alumna in the weeks after she attended an alumni event (0 = none).",
    bounds=(0.0, 20.0),
    label="Extra enrolment after an alumni event",
)
_add(
    "repeat_window_weeks",
    13,
    "int",
    "weeks",
    "assumed",
    "the reminder lasts about one cohort cycle (a quarter)",
    "alumni",
    "Weeks after an alumni event during which alumni_enrol_boost applies.",
    bounds=(0, 520),
    label="Weeks the alumni event's pull lasts",
)
# --- end funnels ---

# --- Model 2.0 (issue 10): chronology, capacity, barriers ---
_add(
    "waiting_list",
    True,
    "bool",
    "-",
    "assumed",
    "a full cohort keeps those it turned away first in line for the next (the platform shows remaining places, "
    "background.md); off: they return to active and may apply again (version 0.2)",
    "programmes",
    "Applicants a full cohort turns away wait, first in line, for the programme's next cohort.",
    label="Waiting list for full cohorts",
)
# --- end chronology ---

# --- Model 2.0 (issue 10): work (Jika Ibu Menjadi professions, IbuSibuk's seven elements) ---
# Jika Ibu Menjadi tracks (model/momfluencers.py assigns them; content_creator_share above is the content
# creators' share). 001 names the programme's professions: content creator and writer as the examples of
# "Jika Ibu Menjadi", virtual assistant, master of ceremony and content creator as the professions suited to
# technology, and a poster "#Jika Ibu Menjadi Financial Planner"; it gives no shares. Content creator keeps the
# largest share (0.3) as the flagship named in both passages; the rest is split by how often 001 names each.
# the tracks' names in help and labels (English msgids, translated when shown: model/parameters.py text())
TRACK_LABELS = {
    "writer": "writer",
    "virtual_assistant": "virtual assistant",
    "mc": "MC",
    "financial_planner": "financial planner",
}
for _track, _share, _why in (
    ("writer", 0.2, "the programme's second example (Jika Ibu Menjadi Penulis, 001)"),
    ("virtual_assistant", 0.2, "named by 001 among the professions suited to technology"),
    ("mc", 0.15, "master of ceremony, named by 001 among the professions suited to technology"),
    ("financial_planner", 0.15, "named by 001 only through a poster (Jika Ibu Menjadi Financial Planner)"),
):
    _add(
        f"track_share_{_track}",
        _share,
        "float",
        "share",
        "assumed",
        f"{_why}; 001 gives no shares (content creator, the flagship, keeps the largest); the shares are taken in "
        "order after content_creator_share and cut at 1 (what is left gets no track)",
        "work",
        "Share of Jika Ibu Menjadi graduates on the {track} track (0 = no such track).",
        bounds=(0.0, 1.0),
        label="Share of Jika Ibu Menjadi graduates trained as {track}",
        text_args=(("track", TRACK_LABELS[_track]),),
    )
for _track, _rate, _pay, _why_rate, _why_pay in (
    (
        "writer",
        0.08,
        150_000.0,
        "small orders come often: about one in 12 weeks for a newly trained writer",
        "Indonesian freelance article rates: Rp10,000-50,000 per 500 words at content mills, Rp150,000 for 600-700 "
        "words on a freelance platform (2023), Rp150,000-250,000 advised by a writing mentor (2019), blog posts "
        "found through the web corpus; an order of one or two articles",
    ),
    (
        "virtual_assistant",
        0.05,
        500_000.0,
        "a client about every 20 weeks",
        "a package of about 8 hours at Rp50,000-75,000 an hour (an Indonesian VA pricing guide, 2025, computes "
        "Rp75,000/hour from Rp6 million a month at 20 hours a week)",
    ),
    (
        "mc",
        0.04,
        300_000.0,
        "events come through acquaintances, about one in 25 weeks",
        "beginners are paid Rp100,000-200,000 for small events and Rp400,000 for a first wedding (Medan, 2023), "
        "Rp150,000-500,000 for campus events (Bengkulu, 2022): news reports found through the web corpus",
    ),
    (
        "financial_planner",
        0.03,
        500_000.0,
        "clients are rare for a newly trained planner, about one in 33 weeks",
        "no Indonesian fee found; one family consultation assumed",
    ),
):
    _args = (("track", TRACK_LABELS[_track]),)
    _add(
        f"work_rate_{_track}",
        _rate,
        "float",
        "1/week",
        "assumed",
        f"no figure in 001 (a member: dapet kerjaan juga, got work too); {_why_rate}",
        "work",
        "Weekly chance a graduate working as {track} gets a paid job (before the referral effect; 0 = no jobs).",
        bounds=(0.0, 1.0),
        label="Weekly chance of a paid {track} job",
        text_args=_args,
    )
    _add(
        f"work_pay_{_track}",
        _pay,
        "float",
        "Rp/job",
        "assumed",
        _why_pay,
        "work",
        "Median pay of one {track} job (lognormal, log-sd 0.5).",
        bounds=(0.0, 1e10),
        label="Typical pay of one {track} job",
        text_args=_args,
    )
_add(
    "work_quit_rate",
    0.005,
    "float",
    "1/week",
    "assumed",
    "as momfluencer_quit_rate: some stop taking jobs",
    "work",
    "Weekly chance a trained professional (writer, VA, MC, financial planner) stops working as one.",
    bounds=(0.0, 1.0),
    label="Weekly chance a professional stops working",
)
_add(
    "referral_effect",
    1.0,
    "float",
    "multiplier",
    "assumed",
    "001: a member's testimony links wider networking and getting work (networking makin luas, dapet kerjaan "
    "juga); a member with 10 or more community ties gets jobs twice as often",
    "work",
    "Relative rise of the job chance at 10 or more community ties (model.net_ties; 0 = no referrals).",
    bounds=(0.0, 20.0),
    label="Extra jobs through community friendships",
)
# IbuSibuk's seven elements of digital empowerment (000), each acting where the abstract puts it;
# each neutral at its default (multiplier 1, effect 0); product sample is product_sample_first (brands)
_add(
    "brand_story_reach",
    1.0,
    "float",
    "multiplier",
    "assumed",
    "000: brand story and brand mission are elements of digital empowerment; a clear story and mission make "
    "the community trusted, so its Instagram reaches more mothers (1 = neutral)",
    "work",
    "Multiplier of the community's mass reach from its brand story and mission (1 = none).",
    bounds=(0.0, 10.0),
    label="Reach from the community's brand story",
)
_add(
    "memorable_content",
    1.0,
    "float",
    "multiplier",
    "assumed",
    "000: memorable content and packaging is an element of digital empowerment; posts that are remembered "
    "and shared reach more people (1 = neutral)",
    "work",
    "Multiplier of the reach of posts: the community's content and momfluencers' follower growth (1 = none).",
    bounds=(0.0, 10.0),
    label="Reach from memorable content",
)
_add(
    "community_development",
    0.0,
    "float",
    "share",
    "assumed",
    "000: community development is an element of digital empowerment, done through training "
    '(000: "pelatihan baik secara online maupun offline"); better training, better content (0 = neutral)',
    "work",
    "Relative rise of a newly trained momfluencer's mean engagement from the community's training (0 = none).",
    bounds=(0.0, 5.0),
    label="Engagement gained from the community's training",
)
_add(
    "mixed_media",
    0.0,
    "float",
    "share",
    "assumed",
    "000: mixed media is an element of digital empowerment; a campaign post made for several channels "
    "(Instagram with TikTok, WhatsApp status or YouTube) is a bundle that pays 1.5 times a single post (0 = neutral)",
    "work",
    "Share of brand campaign posts made as multi-channel bundles (0 = Instagram only).",
    bounds=(0.0, 1.0),
    label="Share of campaign posts across several channels",
)
_add(
    "differentiation",
    0.0,
    "float",
    "weight",
    "assumed",
    "000: differentiation is an element of digital empowerment; brands choose distinct voices by engagement "
    "rather than by audience size (0 = neutral: engagement and followers weigh the same)",
    "work",
    "Brands' selection weight on engagement over followers (-1 = followers only, 0 = both, 1 = engagement only).",
    bounds=(-1.0, 1.0),
    label="What brands look at: followers or engagement",
)
_add(
    "training_offline_share",
    0.0,
    "float",
    "share",
    "assumed",
    '000: "pelatihan baik secara online maupun offline" (training both online and offline); IPM trains on '
    "Zoom (001), so none offline by default",
    "work",
    "Share of new momfluencers trained offline, where a meetup is held in her province (0 = all online).",
    bounds=(0.0, 1.0),
    label="Share of momfluencers trained offline",
)
_add(
    "offline_training_boost",
    0.25,
    "float",
    "share",
    "assumed",
    "face-to-face practice with feedback teaches more than a Zoom class; a quarter more engagement is a guess",
    "work",
    "Relative rise of the mean engagement of a momfluencer trained offline.",
    bounds=(0.0, 5.0),
    label="Extra engagement from offline training",
)
# --- end work ---

# --- Model 2.0 (issue 10): market size ---
_add(
    "market_size",
    10_712_000,
    "int",
    "mothers",
    "derived",
    "docs/sources/market.md, model/market.py (reachable_mothers, to the nearest 1,000): millennials 69.90 M "
    "(BPS SP2020) x women 0.4916 x ever married 0.8837 (BPS census table by age, sex, marital status) x mothers "
    "0.90 (assumed) x internet 0.9317 (APJII 2024) x Instagram 0.42 (assumed between APJII 2024 0.297 and "
    "Digital 2024 0.545); range 6.5 M - 15.8 M",
    "market",
    "Reachable mothers nationally (millennial mothers on the internet and Instagram); n_mothers, the simulated "
    "effective market, is at most this (n_mothers is at most 5,000,000, the lower bound here).",
    bounds=(5_000_000, 50_000_000),
    label="Mothers reachable nationally",
)
# --- end market ---

# --------------------------------------------------------------------------
# Calibration (issue 11). Every parameter of the ``ipm`` preset that was tuned against an observed figure is
# either calibrated (a prior below) or fixed at a source-backed value (CALIBRATION_FIXED). The priors come
# from the literature, analogues or first principles (their ``source``), never from the targets or from the
# hand-tuned values. Sources cited as background.md are summarised in docs/sources/background.md.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """A calibration prior: uniform on [low, high] (``scale="linear"``) or in log10 (``"log"``), with its source."""

    low: float
    high: float
    scale: str
    source: str

    def __post_init__(self):
        if self.scale not in PRIOR_SCALES or not self.low < self.high or (self.scale == "log" and self.low <= 0):
            raise ValueError(f"bad prior {self}")

    def to_coordinate(self, value: float) -> float:
        """The value in the coordinate where the prior is uniform (log10 for a log prior)."""
        return math.log10(value) if self.scale == "log" else float(value)

    def from_coordinate(self, x: float) -> float:
        """The inverse of :meth:`to_coordinate`."""
        return 10.0**x if self.scale == "log" else float(x)

    @property
    def bounds(self) -> tuple[float, float]:
        """[low, high] in the uniform coordinate."""
        return self.to_coordinate(self.low), self.to_coordinate(self.high)

    def text(self) -> str:
        """The prior in a few characters, e.g. ``logU(0.0005, 0.02)``."""
        kind = "logU" if self.scale == "log" else "U"
        return f"{kind}({fmt(self.low, 'number')}, {fmt(self.high, 'number')})"


@dataclass(frozen=True)
class Multiplier:
    """One calibrated factor that scales several parameters together from their baseline defaults.

    Used where the observed figures can tell only the parameters' common level (e.g. the four programmes'
    financial effects, all read through one survey share): their ratios stay at the declared defaults.
    """

    name: str
    params: tuple[str, ...]
    help: str


_FIN = tuple(f"{p}_financial_effect" for p in PROGRAMMES)
MULTIPLIERS: dict[str, Multiplier] = {
    m.name: m
    for m in (
        Multiplier(
            "financial_effect_scale",
            _FIN,
            "Multiplies the four programmes' financial effects (their baseline defaults, whose order follows 001: "
            "Comeback Journey and business highest); one survey share (55%) cannot tell them apart.",
        ),
        Multiplier(
            "telegram_join_scale",
            ("telegram_rate", "telegram_member_rate"),
            "Multiplies both Telegram joining rates (aware non-members and registered members, baseline "
            "0.0015 and 0.01 a week); one Telegram figure cannot tell them apart.",
        ),
    )
}

PRIORS: dict[str, Prior] = {
    "interest_rate": Prior(
        0.0005,
        0.02,
        "log",
        "first principles: an aware mother with full motivation and no barrier seeks to join within a year with "
        "chance 2.6%-65% (0.0005-0.02 a week), from a cold audience's sign-up rate to most of a motivated one; "
        "n_mothers is fixed (only the product is identified)",
    ),
    "media_reach": Prior(
        0.0001,
        0.001,
        "log",
        "Bass external influence p of 0.005-0.05 a year over 52 weeks (Sultan, Farley and Lehmann 1990: mean p "
        "0.03, often below 0.01; background.md)",
    ),
    "covid_push": Prior(
        0.0,
        5.5,
        "linear",
        "analogue: online-learning sign-ups in the 2020 lockdowns rose up to 6.4-fold (Coursera: 10.3 M "
        "enrolments mid-March to mid-April 2020 against 1.6 M a year before; Udemy +400%; background.md), so "
        "the lift 1 + push at full lockdown from none (push 0) to 6.5-fold",
    ),
    "dropout_rate": Prior(
        0.002,
        0.05,
        "log",
        "course completion (background.md): paid cohort programmes complete 85-88%, open courses 12.6% (Jordan "
        "2015); 0.002-0.05 a week completes 66%-99% of a 4-8 week class before the barrier and support factors",
    ),
    "enrol_rate": Prior(
        0.01,
        0.3,
        "log",
        "first principles: over a 3-4 week sign-up window an eligible member with full score applies with chance "
        "3%-76%; no source gives IPM's uptake of paid classes",
    ),
    "follow_rate": Prior(
        0.003,
        0.1,
        "log",
        "first principles: following is cheap and needs one contact (simple contagion, Centola and Macy 2007; "
        "background.md): 15%-99.6% of aware mothers with full digital literacy follow within a year",
    ),
    "telegram_join_scale": Prior(
        0.1,
        3.0,
        "log",
        "first principles: from a tenth to three times the baseline joining rates, i.e. 5%-79% of active "
        "registered members join the open group within a year",
    ),
    "parenting_effect_paid": Prior(
        0.1,
        0.9,
        "linear",
        "first principles: a probability; parenting is woven into every class (001), but no study gives the "
        "share of completers who change their parenting, so only near-certain or near-null effects are excluded",
    ),
    "financial_effect_scale": Prior(
        0.2,
        2.0,
        "linear",
        "first principles: the highest programme effect (Ibu Pebisnis, 0.5 at baseline) from 0.1 to 1, every "
        "effect a probability; the ratios between programmes stay as declared",
    ),
}
# Tuned parameters fixed (not calibrated) at a source-backed value: name -> (value, source).
CALIBRATION_FIXED: dict[str, tuple[float, str]] = {
    "telegram_leave_rate": (
        0.012,
        "about 5% of a group's members leave a month (0.012 a week), the monthly churn community-management "
        "guides quote as typical (GroupOS 2025; background.md); no study of Telegram groups found. Fixed: with "
        "the joining rates it sets only the level of one Telegram figure",
    ),
}


def calibrated_names() -> list[str]:
    """The quantities a calibration fits by default: every declared prior, in declaration order."""
    return list(PRIORS)


def calibration_changes(values: dict[str, float]) -> dict[str, float]:
    """Calibrated values (parameters and multipliers) -> model parameter changes.

    A multiplier ``s`` sets each of its parameters to ``s`` times that parameter's baseline default.
    """
    out: dict[str, float] = {}
    for name, v in values.items():
        if name in MULTIPLIERS:
            for p in MULTIPLIERS[name].params:
                out[p] = float(v) * DEFAULTS[p]
        else:
            out[name] = float(v)
    return out


def _with_prior(p: Param) -> Param:
    if p.name in PRIORS:
        pr = PRIORS[p.name]
        return replace(p, prior=(pr.low, pr.high), prior_scale=pr.scale, prior_source=pr.source)
    for m in MULTIPLIERS.values():
        if p.name in m.params:
            return replace(p, calibrated_by=m.name)
    return p


_P = [_with_prior(p) for p in _P]
PARAMS: dict[str, Param] = {p.name: p for p in _P}
assert len(PARAMS) == len(_P), "duplicate parameter name"
DEFAULTS: dict[str, Any] = {p.name: p.default for p in _P}
for _m in MULTIPLIERS.values():  # a multiplier's whole prior keeps every parameter it scales inside its bounds
    assert _m.name not in PARAMS and _m.name in PRIORS, _m.name
    for _n in _m.params:
        assert PARAMS[_n].bounds[0] <= PRIORS[_m.name].high * DEFAULTS[_n] <= PARAMS[_n].bounds[1], (_m.name, _n)
assert not set(CALIBRATION_FIXED) & set(PRIORS)


@dataclass(frozen=True)
class Constraint:
    """A rule that joins several parameters; each value alone may be in bounds and the set still invalid.

    ``ibusim params --json`` lists them per parameter (``constraints``), so external samplers
    (SALib, EMA Workbench) can read them instead of discovering them by rejection.
    """

    names: tuple[str, ...]
    text: str  # the rule in words, e.g. "share_long_distance + share_migrated <= 1"
    holds: Any  # callable: full parameter dict -> bool


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(("start", "end"), "end >= start", lambda v: month_to_date(v["end"]) >= month_to_date(v["start"])),
    Constraint(
        ("share_long_distance", "share_migrated"),
        "share_long_distance + share_migrated <= 1",
        lambda v: v["share_long_distance"] + v["share_migrated"] <= 1,
    ),
    Constraint(
        ("weight_environment", "weight_family", "weight_time"),
        "weight_environment + weight_family + weight_time > 0",
        lambda v: v["weight_environment"] + v["weight_family"] + v["weight_time"] > 0,
    ),
    Constraint(
        ("share_contributors", "share_leaders"),
        "share_contributors + share_leaders <= 1",
        lambda v: v["share_contributors"] + v["share_leaders"] <= 1,
    ),
)


def constraints_of(name: str) -> list[str]:
    """The cross-parameter rules that involve parameter ``name``, in words."""
    return [c.text for c in CONSTRAINTS if name in c.names]


def validate(params: dict[str, Any]) -> dict[str, Any]:
    """Return the full parameter dict (defaults filled in), converted and checked.

    Raises ParameterError (one line) on the first unknown name or bad value, then on the first
    broken cross-parameter rule (:data:`CONSTRAINTS`: end after start, weights, shares).
    """
    out = dict(DEFAULTS)
    for name, value in params.items():
        if name not in PARAMS:
            raise unknown(name)
        out[name] = check(PARAMS[name], value)
    for c in CONSTRAINTS:
        if not c.holds(out):
            english = ", ".join(f"{n} = {out[n]!r}" for n in c.names)

            def given(lang: str, c=c) -> str:
                return ", ".join(
                    f"{n} = {_value_shown(out[n], PARAMS[n].unit, PARAMS[n].type, plain=True).in_language(lang)}"
                    for n in c.names
                )

            raise ParameterError(M_CONSTRAINT, rule=c.text, given=Localised(english, given))
    return out


def unknown(name: Any) -> ParameterError:
    """The error for an unknown parameter ``name``: the close names, else how to list them."""
    import difflib

    close = difflib.get_close_matches(name, PARAMS, n=3) if isinstance(name, str) and len(name) <= 100 else []
    if close:

        def joined(lang: str) -> str:
            from ibusim.i18n import gettext

            _ = gettext(lang)
            return f" {_('or')} ".join(repr(c) for c in close)

        return ParameterError(M_UNKNOWN, name=show(name), close=Localised(joined("en"), joined))
    return ParameterError(M_UNKNOWN_LIST, name=show(name))


# Numbers as the command line accepts them: ASCII digits only (no Arabic-Indic or full-width
# digits), and at most one underscore between two digits (Python's and TOML's rule: 1_000).
_DIGITS = r"[0-9](?:_?[0-9])*"
INT_TEXT = re.compile(rf"[+-]?{_DIGITS}")
FLOAT_TEXT = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?")
_GROUPED = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")  # 500.000 or 1.500.000: thousands with dots


def number_problem(t: str, integer: bool) -> str | None:
    """Why the stripped text ``t`` is not a number as the command line writes one (None: it is)."""
    hint = "write numbers with ASCII digits, a decimal point and no thousands separators, e.g. 500000 or 0.05"
    if "," in t:
        return f"a comma is not a decimal point; {hint}"
    if not t.isascii():
        return f"only ASCII digits 0-9 are read; {hint}"
    if _GROUPED.fullmatch(t):
        also = "" if integer else f" (for the decimal itself, add a zero: {t}0)"
        return f"a dot between thousands is ambiguous; {hint}{also}"
    if not (INT_TEXT if integer else FLOAT_TEXT).fullmatch(t):
        return f"{'not an integer' if integer else 'not a number'}; {hint}"
    if integer and len(t) > 4000:  # Python reads at most 4,300 digits
        return f"{len(t):,} digits are too many"
    return None


def parse_number(text: str, integer: bool, what: str) -> int | float:
    """A number written on the command line -> int or float; ParameterError saying how to write it.

    Refused rather than misread: non-ASCII digits (``١٢``, ``１２３``), doubled or stray
    underscores (``1__0``), and numbers written the Indonesian way, with a dot between
    thousands (``500.000``) or a decimal comma (``0,05``). ``what`` starts the message.
    """
    t = text.strip()
    problem = number_problem(t, integer)
    if problem:
        raise ParameterError(M_WRITTEN, what=what, value=show(text), problem=problem)
    return int(t) if integer else float(t)


def parse_value(name: str, text: str, lang: str | None = None) -> Any:
    """Parse a string typed for parameter ``name`` (then validate with check).

    Whitespace around the value is ignored. ``lang`` None (scenario files, scripts): numbers as the
    command line writes them (:func:`parse_number`: ASCII digits, a decimal point, no thousands
    separators). ``lang`` "id" or "en" (a person typing in that language, ``--lang``, the dashboard):
    numbers as that reader writes them (:func:`ibusim.numbers.parse_number`: ``Rp 1.500.000`` and
    ``0,05`` in Indonesian), ambiguous ones refused; true/false also as "ya"/"tidak" in Indonesian.
    """
    if name not in PARAMS:
        raise unknown(name)
    p = PARAMS[name]
    t = text.strip()
    bad = ParameterError(M_NOT_ALLOWED, name=name, value=show(text), allowed=_allowed_shown(p))
    if p.type == "bool":
        low = t.lower()
        if low in ("true", "1", "yes", "on") or (lang == "id" and low in ("ya", "benar")):
            return True
        if low in ("false", "0", "no", "off") or (lang == "id" and low in ("tidak", "salah")):
            return False
        raise bad
    if p.type in ("int", "float"):
        if lang is None:
            problem = number_problem(t, p.type == "int")
            if problem:
                raise ParameterError(M_NOT_ALLOWED_WHY, **bad.fields, problem=problem)
            return check(p, int(t) if p.type == "int" else float(t))
        from ibusim.numbers import NumberError, kind_for
        from ibusim.numbers import parse_number as read_number

        try:
            value = read_number(t, lang, kind_for(p.unit, p.type), integer=p.type == "int")
        except NumberError as e:
            raise ParameterError(M_NAMED, name=name, problem=e) from None
        return check(p, value)
    return check(p, t)


TEXT_FIELDS = ("label", "help", "unit", "allowed")
# placeholders of ``text_args`` whose values are proper names, shown as written in every language
PROPER_NAME_ARGS = frozenset({"programme", "tier"})
NO_UNIT = "-"  # a parameter without a unit (choices, switches, pure numbers): shown as it is, not translated
# Every parameter's unit (English msgids; the Indonesian is in the catalogue). tests/test_parameters.py checks
# that each declared unit is here and translated.
UNIT_MSGIDS = (
    N_("month"),
    N_("mothers"),
    N_("share"),
    N_("relative weight"),
    N_("0-1 index"),
    N_("Rp/month"),
    N_("log-sd"),
    N_("multiplier"),
    N_("weight"),
    N_("ties"),
    N_("1/week"),
    N_("extra weight"),
    N_("posts/week"),
    N_("posts/week per 1,000 active members"),
    N_("weeks"),
    N_("places"),
    N_("score"),
    N_("score/week"),
    N_("probability"),
    N_("Rp"),
    N_("monthly instalments"),
    N_("batches"),
    N_("scholars"),
    N_("admins"),
    N_("learners/admin"),
    N_("volunteers"),
    N_("learners/volunteer"),
    N_("team members per 1,000 registered"),
    N_("people"),
    N_("learners/manager"),
    N_("founder-equivalents"),
    N_("elasticity"),
    N_("members/week"),
    N_("followers"),
    N_("brands"),
    N_("campaigns/month"),
    N_("posts/campaign"),
    N_("Rp/post"),
    N_("prompts/week"),
    N_("messages/week"),
    N_("items/week"),
    N_("members"),
    N_("replies/week"),
    N_("1/tie"),
    N_("hazard per live"),
    N_("month of the year"),
    N_("Rp/job"),
)
# What values a field takes, in words (``text(p, "allowed", lang)``), by the kind of number
# (ibusim.numbers.kind_for) or the type; the bounds are filled after translating, as ``lang``'s reader writes them.
ALLOWED_MSGIDS = {
    "count": N_("a whole number from {low} to {high}"),
    "money": N_("an amount from {low} to {high}"),
    "share": N_("a share from {low} to {high}"),
    "rate": N_("a number from {low} to {high}"),
    "bool": N_("yes or no"),
    "month": N_("a month written YYYY-MM, from {low} to {high}"),
    "choice": N_("one of: {choices}"),
}
MONTH_RANGE = ("2000-01", "2100-12")  # what month_to_date accepts


def text_msgids(p: Param) -> dict[str, str]:
    """The English msgids that ``text(p, ...)`` translates, by field.

    The fields are ``label``, ``help``, ``unit`` (left out for ``NO_UNIT``), ``allowed`` (its template) and
    ``arg:<placeholder>`` for each value of ``text_args`` that is translated (not a proper name).
    """
    out = {"label": p.label, "help": p.help}
    if p.unit != NO_UNIT:
        out["unit"] = p.unit
    out["allowed"] = ALLOWED_MSGIDS[_allowed_key(p)]
    for key, value in p.text_args:
        if key not in PROPER_NAME_ARGS:
            out[f"arg:{key}"] = value
    return out


def _allowed_key(p: Param) -> str:
    from ibusim.numbers import kind_for

    return kind_for(p.unit, p.type) if p.type in ("int", "float") else p.type


def text(p: Param | str, what: str, lang: str = "en") -> str:
    """A parameter's ``label``, ``help``, ``unit`` or ``allowed`` values, as a person reads them in ``lang``.

    The declarations are written in English (the msgids); the Indonesian is in the catalogue
    (``ibusim/locale/id/LC_MESSAGES/ibusim.po``, docs/TRANSLATING.md). The placeholders of a label or help
    (``{programme}``, ``{track}``) are filled after translating, from ``text_args``: programme and tier names
    as written, other values translated too. ``allowed`` gives the bounds as ``lang``'s reader writes them
    (``Rp 1.500.000``, ``5%``; :func:`ibusim.numbers.format_number`). A parameter without a ``label`` is
    shown by its name; a string the catalogue lacks is shown in English (``tests/test_parameters.py`` fails
    on it).
    """
    from ibusim.i18n import gettext

    p = PARAMS[p] if isinstance(p, str) else p
    if what not in TEXT_FIELDS:
        raise ValueError(f"what {what!r}: expected one of {', '.join(TEXT_FIELDS)}")
    _ = gettext(lang)
    if what == "allowed":
        return _allowed(p, lang, _)
    if what == "label" and not p.label:
        return p.name
    english = getattr(p, what)
    if not english or (what == "unit" and english == NO_UNIT):
        return english
    if what == "unit" or not p.text_args:
        return _(english)
    args = {key: value if key in PROPER_NAME_ARGS else _(value) for key, value in p.text_args}
    return _(english).format(**args)


def _allowed(p: Param, lang: str, _) -> str:
    """``text(p, "allowed", lang)``: the allowed values in ``lang``'s words and numbers."""
    key = _allowed_key(p)
    template = _(ALLOWED_MSGIDS[key])
    if key == "bool":
        return template
    if key == "month":
        return template.format(low=MONTH_RANGE[0], high=MONTH_RANGE[1])
    if key == "choice":
        return template.format(choices=", ".join(p.choices))
    from ibusim.numbers import format_number

    low, high = (format_number(b if key != "count" else int(b), lang, key) for b in p.bounds)
    return template.format(low=low, high=high)


def to_dict(p: Param, value: Any = None) -> dict[str, Any]:
    """One parameter, machine-readable (``ibusim params --json``); ``value`` is the scenario's."""
    return {
        "name": p.name,
        "type": p.type,
        "default": p.default,
        "value": p.default if value is None else value,
        "unit": p.unit,
        "bounds": list(p.bounds) if p.bounds is not None else None,
        "choices": list(p.choices) or None,
        "allowed": p.allowed,
        "constraints": constraints_of(p.name),
        "group": p.group,
        "provenance": p.provenance,
        "source": p.source,
        "label": text(p, "label", "en"),
        "help": text(p, "help", "en"),  # programme, tier and track names filled in
        "prior": (
            {
                "distribution": "log-uniform" if p.prior_scale == "log" else "uniform",
                "low": p.prior[0],
                "high": p.prior[1],
                "source": p.prior_source,
            }
            if p.prior
            else None
        ),
        "calibrated_by": p.calibrated_by or None,
        "fixed_for_calibration": (
            {"value": CALIBRATION_FIXED[p.name][0], "source": CALIBRATION_FIXED[p.name][1]}
            if p.name in CALIBRATION_FIXED
            else None
        ),
    }


# The headers of markdown_table (English msgids; the English table is docs/ODD.md's)
MARKDOWN_HEADERS = (
    N_("group"),
    N_("name"),
    N_("label"),
    N_("default"),
    N_("unit"),
    N_("allowed"),
    N_("calibration prior"),
    N_("provenance"),
    N_("source / reason"),
)
PROVENANCE_MSGIDS = {"observed": N_("observed"), "derived": N_("derived"), "assumed": N_("assumed")}


def group_title(group: str, lang: str = "en") -> str:
    """A parameter group's name as a reader of ``lang`` reads it (``GROUP_TITLES``)."""
    from ibusim.i18n import gettext

    return gettext(lang)(GROUP_TITLES[group])


def provenance_word(provenance: str, lang: str = "en") -> str:
    """``observed``, ``derived`` or ``assumed`` as a reader of ``lang`` reads it (``PROVENANCE_MSGIDS``)."""
    from ibusim.i18n import gettext

    return gettext(lang)(PROVENANCE_MSGIDS[provenance])


def markdown_table(values: dict[str, Any] | None = None, lang: str = "en") -> str:
    """The parameter table as Markdown (used by docs/ODD.md and `ibusim params --markdown`).

    ``lang`` "en" (docs/ODD.md) gives the declarations as written; another language (``ibusim --lang id params
    --markdown``) translated headers, group names, labels, units, allowed values and provenance, and the numbers as that
    reader writes them (``Rp 1.500.000``, ``0,05``). Sources and reasons stay as written (they quote the
    sources, in their language).
    """
    values = values or DEFAULTS
    if lang != "en":
        return _markdown_table_in(values, lang)
    rows = [
        "| " + " | ".join(MARKDOWN_HEADERS) + " |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in _P:
        v = values[p.name]
        src = p.source.replace("|", "/")
        prior = PRIORS[p.name].text() if p.prior else ""
        if p.calibrated_by:
            prior = f"x `{p.calibrated_by}`"
        elif p.name in CALIBRATION_FIXED:
            prior = f"fixed {fmt(CALIBRATION_FIXED[p.name][0], 'number')}"
        rows.append(
            f"| {p.group} | `{p.name}` | {text(p, 'label', 'en').replace('|', '/')} | {fmt(v, 'number')} | {p.unit} "
            f"| {p.allowed} | {prior} | {p.provenance} | {src} |"
        )
    return "\n".join(rows)


def _markdown_table_in(values: dict[str, Any], lang: str) -> str:
    """:func:`markdown_table` in ``lang`` (not English)."""
    from ibusim.i18n import gettext
    from ibusim.numbers import format_number, kind_for

    _ = gettext(lang)

    def num(p: Param, x: Any) -> str:
        if p.type not in ("int", "float") or isinstance(x, bool):
            return str(x).lower() if isinstance(x, bool) else str(x)
        return format_number(int(x) if p.type == "int" else float(x), lang, kind_for(p.unit, p.type), exact=True)

    def plain(x: float) -> str:
        return format_number(float(x), lang, "rate", exact=True)

    rows = ["| " + " | ".join(_(h) for h in MARKDOWN_HEADERS) + " |", "|---|---|---|---|---|---|---|---|---|"]
    for p in _P:
        prior = ""
        if p.prior:
            pr = PRIORS[p.name]
            prior = f"{'logU' if pr.scale == 'log' else 'U'}({plain(pr.low)}; {plain(pr.high)})"
        if p.calibrated_by:
            prior = f"x `{p.calibrated_by}`"
        elif p.name in CALIBRATION_FIXED:
            prior = _("fixed at {value}").format(value=num(p, CALIBRATION_FIXED[p.name][0]))
        cells = (
            _(GROUP_TITLES[p.group]),
            f"`{p.name}`",
            text(p, "label", lang),
            num(p, values[p.name]),
            text(p, "unit", lang),
            text(p, "allowed", lang),
            prior,
            _(PROVENANCE_MSGIDS[p.provenance]),
            p.source,
        )
        rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(rows)


def prior_table() -> str:
    """The calibration priors and the source-backed fixed values as Markdown (docs/ODD.md 7.21)."""
    rows = [
        "| calibrated | sets | prior | source of the prior |",
        "|---|---|---|---|",
    ]
    for name, pr in PRIORS.items():
        sets = ", ".join(f"`{n}`" for n in MULTIPLIERS[name].params) + " (x baseline)" if name in MULTIPLIERS else ""
        rows.append(f"| `{name}` | {sets or 'itself'} | {pr.text()} | {pr.source.replace('|', '/')} |")
    for name, (value, source) in CALIBRATION_FIXED.items():
        rows.append(f"| `{name}` | itself | fixed at {fmt(value, 'number')} | {source.replace('|', '/')} |")
    return "\n".join(rows)
