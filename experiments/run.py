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
import json
import math
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from ibusim.model import CommunityModel
from ibusim.model import targets as targets_mod
from ibusim.model.scenarios import load

PACKAGES = ("ibusim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx", "solara")


class OutputError(OSError):
    """The run folder cannot be written (message is one line)."""


def run_scenario(scenario: str = "ipm", seed: int = 1, **changes: Any) -> CommunityModel:
    """Build and run one model to its end; return it."""
    return CommunityModel(preset=scenario, rng=seed, **changes).run()


def code_version() -> str:
    """Git commit of the code (with '+dirty' if modified), else the package version."""
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if rev.returncode == 0:
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            return rev.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return "ibusim " + _version("ibusim")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def manifest(model: CommunityModel, scenario: str, seed: int, changes: dict, started: dt.datetime) -> dict:
    return {
        "scenario": str(scenario),
        "seed": seed,
        "changes": changes,
        "parameters": model.p,
        "code_version": code_version(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "command": sys.argv,
        "weeks": model.week,
    }


def default_out_dir(scenario: str, seed: int, base: Path = Path("results")) -> Path:
    """results/run-<scenario>-seed<N>-<YYYYmmdd-HHMMSS>, with a suffix if that exists."""
    stem = f"run-{Path(str(scenario)).stem}-seed{seed}-{dt.datetime.now():%Y%m%d-%H%M%S}"
    out, k = base / stem, 2
    while out.exists():
        out, k = base / f"{stem}-{k}", k + 1
    return out


def check_out_dir(out: Path) -> None:
    """Raise OutputError unless ``out`` can be created as a new folder."""
    if out.exists():
        raise OutputError(f"output folder '{out}' already exists; ibusim never overwrites a run folder")
    parent = out.resolve().parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"output folder '{out}' cannot be created: '{probe}' is not writable")


def write_run_folder(
    model: CommunityModel, out: Path, scenario: str, seed: int, changes: dict, started: dt.datetime
) -> Path:
    """Write the run folder atomically (temporary folder, then rename)."""
    check_out_dir(out)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    try:
        tmp.mkdir(parents=True)
        df = model.dataframe()
        df.to_parquet(tmp / "timeseries.parquet")
        df.to_csv(tmp / "timeseries.csv")
        summary = model.summary()
        (tmp / "summary.json").write_text(_dumps({"summary": summary, "targets": targets_mod.compare(summary)}))
        (tmp / "manifest.json").write_text(_dumps(manifest(model, scenario, seed, changes, started)))
        tmp.rename(out)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write run folder '{out}': {e.strerror or e}") from None
    return out


def _dumps(obj) -> str:
    """Strict JSON: numpy scalars become Python numbers, NaN and infinities become null."""

    def clean(x):
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        if hasattr(x, "item"):
            x = x.item()
        if isinstance(x, float) and not math.isfinite(x):
            return None
        return x

    return json.dumps(clean(obj), indent=2, allow_nan=False)


def run_to_folder(scenario: str, seed: int, changes: dict, out: Path | None) -> tuple[CommunityModel, Path]:
    """Validate, run, write; the CLI's `ibusim run`."""
    load(scenario, **changes)  # validate before any work
    out = Path(out) if out is not None else default_out_dir(scenario, seed)
    check_out_dir(out)
    started = dt.datetime.now()
    model = run_scenario(scenario, seed, **changes)
    return model, write_run_folder(model, out, scenario, seed, changes, started)
