"""Targets: the observed IPM figures (model/targets.toml) and the simulated-vs-observed table.

Each target has a value, a band counted as a match, the quote and the source document
it comes from (docs/sources/), and the ``summary()`` key it is compared with.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .outputs import fmt

TARGETS_FILE = Path(__file__).with_name("targets.toml")


@dataclass(frozen=True)
class Target:
    """One observed figure: its value, the band counted as a match, where it comes from."""

    name: str
    label: str
    value: float
    low: float
    high: float
    unit: str
    quote: str
    source: str  # the source document's id (docs/sources/)
    summary: str
    band_reason: str

    def inside(self, simulated: float) -> bool:
        """Whether a simulated value is inside the band (NaN never is)."""
        return not math.isnan(simulated) and self.low <= simulated <= self.high


def load() -> dict[str, Target]:
    """The targets of model/targets.toml, by name, in the file's order."""
    data = tomllib.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    return {
        name: Target(
            name=name,
            label=t["label"],
            value=t["value"],
            low=t["band"][0],
            high=t["band"][1],
            unit=t["unit"],
            quote=t["quote"],
            source=t["source"],
            summary=t["summary"],
            band_reason=t["band_reason"],
        )
        for name, t in data.items()
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
