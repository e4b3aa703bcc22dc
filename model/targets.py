"""Targets: the observed IPM figures (model/targets.toml) and the simulated-vs-observed table.

Each target has a value, a band counted as a match, the quote and the source document
it comes from (docs/sources/), and the ``summary()`` key it is compared with.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

TARGETS_FILE = Path(__file__).with_name("targets.toml")


@dataclass(frozen=True)
class Target:
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
        return not math.isnan(simulated) and self.low <= simulated <= self.high


def load() -> dict[str, Target]:
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


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    if abs(x) < 1.5 and x != int(x):
        return f"{x:.1%}"
    return f"{x:,.0f}"


def table(summary: dict[str, float]) -> str:
    """The simulated-vs-observed table as aligned text."""
    rows = compare(summary)
    head = ("figure", "observed", "band", "simulated", "")
    lines = [
        (
            r["label"],
            _fmt(r["observed"]),
            f"{_fmt(r['low'])}-{_fmt(r['high'])}",
            _fmt(r["simulated"]),
            "ok" if r["inside"] else "OUT",
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(5)]
    fmt = lambda row: "  ".join(
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))
    )  # noqa: E731
    n_in = sum(r["inside"] for r in rows)
    out = [
        fmt(head),
        fmt(tuple("-" * w for w in widths)),
        *map(fmt, lines),
        f"{n_in} of {len(rows)} figures inside their band",
    ]
    return "\n".join(out)
