"""One scenario run and its run folder.

A run folder describes itself and is never overwritten:

* ``manifest.json``: scenario, seed, every parameter value, code version, package
  versions, start/end time, the command line;
* ``timeseries.parquet`` and ``timeseries.csv``: the DataCollector series, one row per week;
* ``summary.json``: the end-of-run figures and the simulated-vs-observed comparison.

The folder is written under a temporary name next to its destination and renamed
at the end, so a crash leaves no half-written run folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ibusim.model import CommunityModel
from ibusim.model import targets as targets_mod
from ibusim.model.scenarios import load

from .core import run_model
from .execution import OutputError, atomic_folder, check_new_folder, code_version, dumps, manifest

__all__ = ["OutputError", "code_version", "default_out_dir", "run_scenario", "run_to_folder", "write_run_folder"]


def run_scenario(scenario: str = "ipm", seed: int = 1, **changes: Any) -> CommunityModel:
    """Build and run one model to its end; return it (:func:`ibusim.experiments.core.run_model`)."""
    return run_model(scenario, changes, seed)


def default_out_dir(scenario: str, seed: int, base: Path = Path("results")) -> Path:
    """results/run-<scenario>-seed<N>-<YYYYmmdd-HHMMSS>, with a suffix if that exists."""
    stem = f"run-{Path(str(scenario)).stem}-seed{seed}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    out, k = base / stem, 2
    while out.exists():
        out, k = base / f"{stem}-{k}", k + 1
    return out


def check_out_dir(out: Path) -> None:
    """Raise OutputError unless ``out`` can be created as a new folder."""
    check_new_folder(out)


def write_run_folder(
    model: CommunityModel, out: Path, scenario: str, seed: int, changes: dict, started: dt.datetime
) -> Path:
    """Write the run folder atomically (temporary folder, then rename)."""
    with atomic_folder(out) as tmp:
        df = model.dataframe()
        df.to_parquet(tmp / "timeseries.parquet")
        df.to_csv(tmp / "timeseries.csv")
        summary = model.summary()
        (tmp / "summary.json").write_text(dumps({"summary": summary, "targets": targets_mod.compare(summary)}))
        info = manifest(
            scenario=str(scenario),
            seed=seed,
            changes=changes,
            parameters=model.p,
            started=started.isoformat(timespec="seconds"),
            finished=dt.datetime.now().isoformat(timespec="seconds"),
            weeks=model.week,
        )
        (tmp / "manifest.json").write_text(dumps(info))
    return Path(out)


def run_to_folder(scenario: str, seed: int, changes: dict, out: Path | None) -> tuple[CommunityModel, Path]:
    """Validate, run, write; the CLI's `ibusim run`."""
    from ibusim.model.resources import check as check_memory

    check_memory(load(scenario, **changes))  # validate, and refuse a model too large for memory, before any work
    out = Path(out) if out is not None else default_out_dir(scenario, seed)
    check_out_dir(out)
    started = dt.datetime.now()
    model = run_scenario(scenario, seed, **changes)
    return model, write_run_folder(model, out, scenario, seed, changes, started)
