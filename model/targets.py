"""Targets: the observed IPM figures (model/targets.toml), their roles, and the simulated-vs-observed table.

Each target has a value, a band counted as a match, the quote (Indonesian, as the source
writes it) with its English translation (``quote_en``) and the source document it comes from
(docs/sources/), the ``summary()`` key it is compared with, and what its band stands for
(``band_reason``). Whoever shows a quote shows :meth:`Target.quoted` in the reader's language: the
Indonesian quote, followed for an English reader by its translation in brackets (the project's rule:
sources are quoted in their language, with a translation). For the calibration (issue 11) each also has:

* a **role**: ``fitted`` (in the calibration's distance), ``predicted`` (never fitted; a
  prediction checked against its band) or ``check`` (a figure the model builds in, e.g.
  6 batches x 18 scholars: shown, never in the distance);
* a **fitted statistic**: the figure itself, or, for counts that depend on the size of the
  simulated market, a scale-free ratio ``per`` another target (e.g. Telegram members per
  registered mother), with its own band (``fit_band``) and reason;
* the **run-to-run noise** of the fitted statistic, ``noise_sd``: its standard deviation over
  seeds at the ``ipm`` preset (measured, see the file's header), which enters the distance's
  scale as ``sqrt(half_band^2 + noise_sd^2)`` (:attr:`Target.scale`).

model/validation_patterns.toml holds time-shape patterns (the lockdown-era growth of ODD
section 1), computed from the weekly registrations (:func:`pattern_values`); they are
validation, never fitted.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .outputs import fmt

TARGETS_FILE = Path(__file__).with_name("targets.toml")
PATTERNS_FILE = Path(__file__).with_name("validation_patterns.toml")
ROLES = ("fitted", "predicted", "check")


@dataclass(frozen=True)
class Target:
    """One observed figure: its value, the band counted as a match, where it comes from, its role."""

    name: str
    label: str
    value: float
    low: float
    high: float
    unit: str
    quote: str  # verbatim, in the source's language (Indonesian)
    source: str  # the source document's id (docs/sources/)
    summary: str
    band_reason: str
    role: str = "fitted"
    per: str = ""  # the target whose figure divides this one in the fitted statistic ("" = the figure itself)
    per_summary: str = ""  # that target's summary() key
    fit_value: float = math.nan  # the fitted statistic's observed value (= value without ``per``)
    fit_low: float = math.nan
    fit_high: float = math.nan
    fit_band_reason: str = ""
    noise_sd: float = 0.0  # run-to-run sd of the fitted statistic at the ipm preset
    quote_en: str = ""  # the quote's English translation

    def quoted(self, lang: str = "en", marks: tuple[str, str] = ('"', '"')) -> str:
        """The quote as a reader of ``lang`` sees it, between ``marks``: with its translation for English readers.

        ``"Sejak 2020, telah terdaftar 15ribu ibu"`` in Indonesian; ``"Sejak 2020, telah terdaftar 15ribu ibu"
        (Since 2020, 15 thousand mothers have registered)`` in English (any language but Indonesian, the quote's own).
        """
        shown = f"{marks[0]}{self.quote}{marks[1]}"
        return shown if lang == "id" or not self.quote_en else f"{shown} ({self.quote_en})"

    def inside(self, simulated: float) -> bool:
        """Whether a simulated value is inside the band (NaN never is)."""
        return not math.isnan(simulated) and self.low <= simulated <= self.high

    def statistic(self, summary: dict) -> float:
        """The fitted statistic of a run's summary: the figure, or the figure per ``per``'s (NaN if undefined)."""
        x = float(summary[self.summary])
        if not self.per:
            return x
        d = float(summary[self.per_summary])
        return x / d if d > 0 else math.nan

    def fit_inside(self, statistic: float) -> bool:
        """Whether a fitted statistic is inside its band (NaN never is)."""
        return not math.isnan(statistic) and self.fit_low <= statistic <= self.fit_high

    @property
    def half_band(self) -> float:
        """Half the width of the fitted statistic's band."""
        return (self.fit_high - self.fit_low) / 2

    @property
    def scale(self) -> float:
        """The distance's scale for this target: ``sqrt(half_band^2 + noise_sd^2)``."""
        return math.hypot(self.half_band, self.noise_sd)

    @property
    def fit_unit(self) -> str:
        """The fitted statistic's unit (a ratio's is ``ratio``)."""
        return "ratio" if self.per else self.unit

    @property
    def fit_label(self) -> str:
        """The fitted statistic in words."""
        return f"{self.label} per {self.per_label}" if self.per else self.label

    @property
    def per_label(self) -> str:
        """What the ratio divides by, in words."""
        return "registered mother" if self.per == "registered" else self.per


@dataclass(frozen=True)
class Pattern:
    """A time-shape pattern (validation, never fitted): a statistic of the weekly series and its band."""

    name: str
    label: str
    statistic: str  # a key of :func:`pattern_values`
    low: float
    high: float
    unit: str
    source: str
    reason: str
    role: str = "validation"

    def inside(self, value: float) -> bool:
        """Whether a simulated value satisfies the pattern (NaN never does)."""
        return not math.isnan(value) and self.low <= value <= self.high


def load() -> dict[str, Target]:
    """The targets of model/targets.toml, by name, in the file's order."""
    data = tomllib.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    out = {}
    for name, t in data.items():
        if not str(t.get("quote_en", "")).strip():
            raise ValueError(f"{TARGETS_FILE.name}: target '{name}' has no quote_en (the quote's English translation)")
        per = t.get("per", "")
        fit_band = t.get("fit_band", t["band"])
        out[name] = Target(
            name=name,
            label=t["label"],
            value=t["value"],
            low=t["band"][0],
            high=t["band"][1],
            unit=t["unit"],
            quote=t["quote"],
            quote_en=t["quote_en"],
            source=t["source"],
            summary=t["summary"],
            band_reason=t["band_reason"],
            role=t["role"],
            per=per,
            per_summary=data[per]["summary"] if per else "",
            fit_value=t["value"] / data[per]["value"] if per else t["value"],
            fit_low=fit_band[0],
            fit_high=fit_band[1],
            fit_band_reason=t.get("fit_band_reason", t["band_reason"]),
            noise_sd=float(t.get("noise_sd", 0.0)),
        )
    return out


def by_role(role: str) -> list[str]:
    """The names of the targets with ``role`` (fitted, predicted, check), in the file's order."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return [n for n, t in load().items() if t.role == role]


def patterns() -> dict[str, Pattern]:
    """The time-shape patterns of model/validation_patterns.toml, by name."""
    return {
        name: Pattern(
            name=name,
            label=p["label"],
            statistic=p["statistic"],
            low=p["band"][0],
            high=p["band"][1],
            unit=p["unit"],
            source=p["source"],
            reason=p["reason"],
            role=p.get("role", "validation"),
        )
        for name, p in tomllib.loads(PATTERNS_FILE.read_text(encoding="utf-8")).items()
    }


def pattern_values(weekly_registrations, start_date) -> dict[str, float]:
    """The time-shape statistics of the weekly registrations (week 0 starts on ``start_date``).

    * ``registered_2021_over_2022``: registrations in 2021 / registrations in 2022;
    * ``delta_surge``: registrations per week in July-September 2021 over the larger of those of
      April-June and October-December 2021 (the Delta-wave restrictions; ODD section 1).

    NaN where a period is outside the run or its denominator is 0.
    """
    reg = np.asarray(weekly_registrations, dtype=float)
    days = np.datetime64(start_date, "D") + 7 * np.arange(len(reg))
    year = days.astype("datetime64[Y]").astype(int) + 1970

    def rate(a: str, b: str) -> float:
        inside = (days >= np.datetime64(a)) & (days < np.datetime64(b))
        return float(reg[inside].mean()) if inside.any() else math.nan

    y21, y22 = reg[year == 2021].sum(), reg[year == 2022].sum()
    before, during, after = (
        rate("2021-04-01", "2021-07-01"),
        rate("2021-07-01", "2021-10-01"),
        rate("2021-10-01", "2022-01-01"),
    )
    around = max(before, after)
    return {
        "registered_2021_over_2022": float(y21 / y22) if (year == 2022).any() and y22 > 0 else math.nan,
        "delta_surge": during / around if around > 0 else math.nan,
    }


def compare(summary: dict[str, float]) -> list[dict]:
    """One row per target: observed, band, simulated, inside."""
    rows = []
    for t in load().values():
        sim = float(summary[t.summary])
        rows.append(
            {
                "target": t.name,
                "label": t.label,
                "observed": t.value,
                "low": t.low,
                "high": t.high,
                "simulated": sim,
                "inside": t.inside(sim),
                "quote": t.quote,
                "quote_en": t.quote_en,
                "source": t.source,
            }
        )
    return rows


def table(summary: dict[str, float]) -> str:
    """The simulated-vs-observed table as aligned text, numbers in each target's unit (model/outputs.py)."""
    rows = compare(summary)
    units = {t.name: t.unit for t in load().values()}
    head = ("figure", "observed", "band", "simulated", "inside")
    lines = [
        (
            r["label"],
            fmt(r["observed"], units[r["target"]]),
            f"{fmt(r['low'], units[r['target']])}-{fmt(r['high'], units[r['target']])}",
            fmt(r["simulated"], units[r["target"]]),
            "ok" if r["inside"] else "OUT",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [head, *lines]) for i in range(len(head))]

    def aligned(row: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    n_in = sum(r["inside"] for r in rows)
    return "\n".join(
        [
            aligned(head),
            aligned(tuple("-" * w for w in widths)),
            *map(aligned, lines),
            f"{n_in} of {len(rows)} figures inside their band",
        ]
    )
