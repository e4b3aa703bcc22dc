"""Sweeps: run an experiment spec on an executor, writing each finished run to a run folder at once.

    from ibusim.experiments.spec import load_spec
    from ibusim.experiments.sweep import run_sweep, load_results
    result = run_sweep(load_spec("experiments/free_class.toml"), "results/sweep-free-class",
                       executor="processes", workers=2)
    df = load_results("results/sweep-free-class")

The run folder::

    spec.toml            the experiment, as given
    manifest.json        code version, package versions, start/end times, counts, limits
    progress.json        done / failed / total and ETA, rewritten as runs finish (for dashboards)
    runs/part-*.parquet  one row per finished run: point, replication, seed, every factor, every outcome
    timeseries/point=<i>/part-*.parquet  with ``timeseries = [...]`` in the spec: one row per run and
                         week (point, replication, seed, week, the series), partitioned by design point
    failures/part-*.parquet  one row per run that failed: point, replication, seed, parameters, the
                         reason (one line: the exception, "over the time limit of 600 s", "worker
                         process died (killed by SIGKILL)", ...) and the traceback
    .lock                held (``fcntl.flock``) while a sweep runs on the folder

Each finished run is written at once as its own part (under a temporary name, then renamed), so a
kill loses at most the runs in flight and never leaves a half-written file; small parts are merged
into one (``COMPACT_EVERY`` at a time and when the sweep ends), so the folder stays a few files.
Rerunning the same command on the same folder skips the runs already finished (runs that failed are
tried again); a second sweep on a folder in use is refused with the running one's pid and start time.
Runs go through :func:`ibusim.experiments.execution.run_many` (``sequential``, ``processes`` or
``dask``, with per-run time and memory limits from the spec's ``run_time_limit_s`` and
``run_memory_limit_mb`` or the arguments); every run's seed is fixed by the spec, so all executors
give the same table.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ibusim.i18n import N_

from .core import SERIES_KEY, run_one, run_with_series
from .execution import (
    DEFAULT_LIMITS,
    EXECUTORS,
    PACKAGES,
    ExecutionError,
    FolderLock,
    Limits,
    atomic_text,
    atomic_write,
    manifest,
    open_executor,
    spawn_seeds,
)
from .spec import Spec, SpecError

__all__ = [
    "EXECUTORS",
    "SweepError",
    "TranslatableSpecError",
    "SweepResult",
    "format_paired",
    "load_failures",
    "load_results",
    "load_timeseries",
    "paired_differences",
    "run_sweep",
]

SweepError = ExecutionError  # the sweep cannot start (one line: unreachable scheduler, folder in use, other spec)


# SpecError is itself translatable (an English msgid and fields); the old name stays for imports
TranslatableSpecError = SpecError


COMPACT_EVERY = 64  # small parts merged into one this many at a time
PROGRESS_EVERY_S = 0.2  # progress.json rewritten at most this often (and when the sweep ends)
SUBFOLDERS = ("runs", "failures")

M_OTHER_SPEC = N_(
    "folder '{folder}' holds a different experiment (its spec.toml differs); use another --out or the same spec"
)
M_NOT_SWEEP = N_("folder '{folder}' exists and is not a sweep folder; use another --out")
# TRANSLATORS: {problem} is the system's own words (e.g. "Permission denied")
M_CANNOT_WRITE = N_("cannot write to '{folder}': {problem}")


@dataclass
class SweepResult:
    """What a sweep did: its folder and counts (``skipped``: finished before, not run again)."""

    folder: Path
    total: int
    done: int
    failed: int
    skipped: int
    seconds: float


def tasks(spec: Spec) -> list[dict[str, Any]]:
    """Every run of the experiment: point, replication, seed and parameters.

    With a ``[posterior]`` spec, every point runs over the same posterior draws with the same seeds
    (experiments/posterior.py): replication ``d * replications + r`` is draw ``d``'s seed ``r``.
    """
    points = spec.points()
    if spec.posterior is not None:
        from .posterior import draws, tasks_over

        sample = draws(spec.posterior, spec.draws, spec.seed, spec.replications)
        return [
            t
            for i, point in enumerate(points)
            for t in tasks_over(sample, {"scenario": spec.scenario, **spec.fixed, **point}, point=i, factors=point)
        ]
    seeds = spawn_seeds(spec.seed, len(points) * spec.replications).reshape(len(points), spec.replications)
    out = []
    for i, point in enumerate(points):
        for r in range(spec.replications):
            params = {"scenario": spec.scenario, **spec.fixed, **point}
            out.append({"point": i, "replication": r, "seed": int(seeds[i, r]), "factors": point, "params": params})
    return out


def limits_for(spec: Spec, time_s: float | None = None, memory_mb: float | None = None) -> Limits:
    """Per-run limits: the arguments, else the spec's ``run_time_limit_s`` / ``run_memory_limit_mb``, else defaults.

    A limit of 0 means no limit.
    """
    t = time_s if time_s is not None else getattr(spec, "run_time_limit_s", None)
    m = memory_mb if memory_mb is not None else getattr(spec, "run_memory_limit_mb", None)
    t = DEFAULT_LIMITS.time_s if t is None else float(t) or None
    m = DEFAULT_LIMITS.memory_mb if m is None else float(m) or None
    return Limits(t, m)


def _parts(folder: Path, sub: str = "runs") -> list[Path]:
    return sorted((folder / sub).glob("part-*.parquet"))


def _finished(folder: Path) -> set[tuple[int, int]]:
    done: set[tuple[int, int]] = set()
    for part in _parts(folder):
        df = pd.read_parquet(part, columns=["point", "replication"])
        done.update(zip(df["point"].tolist(), df["replication"].tolist()))
    return done


def _next_part(folder: Path) -> int:
    nums = [int(p.stem.split("-")[1]) for p in folder.glob("**/part-*.parquet")]
    return max(nums, default=-1) + 1


def _is_sweep_folder_or_new(spec: Spec, folder: Path) -> bool:
    """True if ``folder`` holds this spec; False if it is new or empty; SweepError for anything else."""
    spec_file = folder / "spec.toml"
    if spec_file.exists():
        with open(spec_file, encoding="utf-8", newline="") as fh:
            same = fh.read() == spec.source
        if not same:
            raise SweepError(M_OTHER_SPEC, folder=str(folder))
        return True
    # (empty runs/ and failures/ and the lock file left by a start that failed are reused)
    leftovers = {p.name for p in folder.iterdir()} - {FolderLock.NAME} if folder.exists() else set()
    if leftovers - set(SUBFOLDERS) or any(any((folder / d).iterdir()) for d in leftovers):
        raise SweepError(M_NOT_SWEEP, folder=str(folder))
    return False


def prepare(spec: Spec, folder: Path) -> FolderLock:
    """Lock the run folder (creating it), or refuse; check that it holds the same experiment; return the lock."""
    folder = Path(folder)
    _is_sweep_folder_or_new(spec, folder)  # before creating anything
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FolderLock(folder).acquire(N_("another sweep"))
    except OSError as e:
        raise SweepError(M_CANNOT_WRITE, folder=str(folder), problem=str(e.strerror or e)) from None
    try:
        known = _is_sweep_folder_or_new(spec, folder)  # again, now that no other sweep can change it
        for sub in SUBFOLDERS:  # a folder kept without its runs (e.g. the committed example analyses) reruns them
            (folder / sub).mkdir(exist_ok=True)
        if not known:
            atomic_text(folder / "spec.toml", spec.source)
        lock.claim()
    except OSError as e:
        lock.release()
        raise SweepError(M_CANNOT_WRITE, folder=str(folder), problem=str(e.strerror or e)) from None
    except BaseException:
        lock.release()
        raise
    return lock


class _Writer:
    """Writes each finished run at once as its own part (atomically); merges small parts now and then."""

    def __init__(self, spec: Spec, folder: Path):
        self.spec, self.folder = spec, folder
        self.part = _next_part(folder)
        self.small: dict[Path, list[tuple[Path, pa.Table]]] = {}  # folder -> this sweep's parts not yet merged
        self.count = 0

    def _write(self, sub: Path, table: pa.Table) -> None:
        sub.mkdir(parents=True, exist_ok=True)
        path = atomic_write(sub / f"part-{self.part:05d}.parquet", lambda p: pq.write_table(table, p))
        self.part += 1
        self.small.setdefault(sub, []).append((path, table))

    def add(self, res: dict) -> None:
        base = {"point": res["point"], "replication": res["replication"], "seed": res["seed"]}
        if "draw" in res:  # a run over a posterior draw: which draw, which particle of posterior.csv
            base |= {"draw": res["draw"], "particle": res["particle"]}
        if res["ok"]:
            series = res["outcomes"].get(SERIES_KEY)
            # series first: a kill between the two leaves orphan series (ignored by load_timeseries,
            # rewritten when the run is redone), never a finished run without its series
            if series is not None:
                n = len(next(iter(series.values()))) if series else 0
                cols = {"replication": [res["replication"]] * n, "seed": [res["seed"]] * n, "week": list(range(n))}
                self._write(self.folder / "timeseries" / f"point={res['point']}", pa.table({**cols, **series}))
            row = {
                **base,
                **{f: res["factors"][f] for f in res["factors"]},
                **{o: res["outcomes"].get(o, float("nan")) for o in self.spec.outcomes},
                "seconds": res["seconds"],
            }
            self._write(self.folder / "runs", pa.Table.from_pylist([row]))
        else:
            fail = {
                **base,
                "params": json.dumps(res["params"], default=str),
                "reason": res["reason"],
                "traceback": res["traceback"],
            }
            self._write(self.folder / "failures", pa.Table.from_pylist([fail]))
        self.count += 1
        if self.count % COMPACT_EVERY == 0:
            self.compact()

    def compact(self) -> None:
        """Merge the small parts of each folder into one part (written before the small ones go)."""
        for sub, parts in self.small.items():
            if len(parts) > 1:
                table = pa.concat_tables([t for _, t in parts], promote_options="permissive")
                atomic_write(sub / f"part-{self.part:05d}.parquet", lambda p: pq.write_table(table, p))
                self.part += 1
                for path, _ in parts:
                    path.unlink(missing_ok=True)
        self.small = {}


def _write_manifest(spec: Spec, folder: Path, info: dict) -> None:
    data = manifest(
        packages=(*PACKAGES, "SALib", "distributed"),
        experiment=spec.name,
        design=spec.design,
        scenario=spec.scenario,
        posterior=spec.posterior,
        posterior_draws=spec.draws,
        **info,
    )
    atomic_text(folder / "manifest.json", json.dumps(data, indent=2, default=str))


def run_sweep(
    spec: Spec,
    folder: str | Path,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    runner: Callable = run_one,
    run_time_limit_s: float | None = None,
    run_memory_limit_mb: float | None = None,
    on_result: Callable[[dict], None] | None = None,
) -> SweepResult:
    """Run every unfinished run of ``spec``, writing each to ``folder`` as it finishes; return the counts.

    The folder is locked for the sweep (a second sweep on it raises SweepError naming this one). Per-run
    limits: the arguments, else the spec's, else :data:`~ibusim.experiments.execution.DEFAULT_LIMITS`.
    ``on_result`` (optional) sees each result after it is written.
    """
    if not isinstance(spec, Spec):  # pragma: no cover
        raise SpecError("run_sweep needs a Spec (experiments.spec.load_spec)")
    folder = Path(folder)
    limits = limits_for(spec, run_time_limit_s, run_memory_limit_mb)
    lock = prepare(spec, folder)
    try:
        return _sweep(spec, folder, executor, workers, scheduler, progress, runner, limits, on_result)
    finally:
        lock.release()


def _sweep(spec, folder, executor, workers, scheduler, progress, runner, limits, on_result) -> SweepResult:
    if spec.timeseries and runner is run_one:
        runner = partial(run_with_series, columns=spec.timeseries)
    all_tasks = tasks(spec)
    finished = _finished(folder)
    todo = [t for t in all_tasks if (t["point"], t["replication"]) not in finished]
    started = dt.datetime.now()
    info = {
        "started": started.isoformat(timespec="seconds"),
        "finished": None,
        "total_runs": len(all_tasks),
        "already_done": len(finished),
        "to_run": len(todo),
        "executor": executor,
        "workers": workers,
        "scheduler": scheduler,
        "run_time_limit_s": limits.time_s,
        "run_memory_limit_mb": limits.memory_mb,
    }
    _write_manifest(spec, folder, info)
    writer = _Writer(spec, folder)
    done = failed = 0
    t0 = time.perf_counter()
    _write_progress(folder, len(all_tasks), len(finished), 0, t0, 0, len(todo))
    with open_executor(executor, workers, scheduler, limits) as ex:  # before the bar: a failure prints one line
        bar = _progress_bar(len(all_tasks), len(finished), progress)

        def record(res):
            nonlocal done, failed
            writer.add(res)
            done += res["ok"]
            failed += not res["ok"]
            bar.update(1)
            if failed:
                bar.set_postfix(failed=failed)
            if time.perf_counter() - last[0] > PROGRESS_EVERY_S:
                last[0] = time.perf_counter()
                _write_progress(folder, len(all_tasks), len(finished) + done, failed, t0, done + failed, len(todo))
            if on_result is not None:
                on_result(res)

        last = [t0]
        try:
            ex.run(todo, runner, record)
        finally:
            bar.close()
            _write_progress(folder, len(all_tasks), len(finished) + done, failed, t0, done + failed, len(todo))
    writer.compact()
    info.update(
        finished=dt.datetime.now().isoformat(timespec="seconds"),
        done_now=done,
        failed_now=failed,
        total_done=len(finished) + done,
    )
    _write_manifest(spec, folder, info)
    return SweepResult(folder, len(all_tasks), len(finished) + done, failed, len(finished), time.perf_counter() - t0)


def _progress_bar(total: int, initial: int, show: bool):
    from tqdm import tqdm

    return tqdm(
        total=total, initial=initial, disable=not show, unit="run", file=sys.stderr, desc="sweep", dynamic_ncols=True
    )


def _write_progress(folder: Path, total: int, done: int, failed: int, t0: float, ran: int, to_run: int) -> None:
    elapsed = time.perf_counter() - t0
    rate = ran / elapsed if elapsed > 0 and ran else 0.0
    eta = (to_run - ran) / rate if rate else None
    data = {
        "total": total,
        "done": done,
        "failed": failed,
        "remaining": total - done - failed,
        "elapsed_s": round(elapsed, 2),
        "eta_s": None if eta is None else round(eta, 1),
        "updated": dt.datetime.now().isoformat(timespec="seconds"),
    }
    atomic_text(folder / "progress.json", json.dumps(data))


def _read_parts(parts_of: Callable[[], list[Path]], read: Callable[[Path], pd.DataFrame]) -> list[pd.DataFrame]:
    """Read every part; parts merged away by a running sweep meanwhile are looked up again."""
    for _ in range(5):
        try:
            return [read(p) for p in parts_of()]
        except FileNotFoundError:
            continue
    return [read(p) for p in parts_of()]


def load_results(folder: str | Path) -> pd.DataFrame:
    """All finished runs, one row each, sorted by point and replication."""
    frames = _read_parts(lambda: _parts(Path(folder)), pd.read_parquet)
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    # a (point, replication) is run once per folder; copies (a merge cut short, folders written by two
    # sweeps at once before the folder lock) are dropped
    df = df.drop_duplicates(["point", "replication"], keep="first")
    return df.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


def load_failures(folder: str | Path) -> pd.DataFrame:
    """Runs that failed, with the reason and traceback (the latest attempt of each)."""
    frames = _read_parts(lambda: _parts(Path(folder), "failures"), pd.read_parquet)
    if not frames:
        return pd.DataFrame(columns=["point", "replication", "seed", "params", "reason", "traceback"])
    df = pd.concat(frames, ignore_index=True)
    if "reason" not in df:  # folders written before reasons were kept
        df["reason"] = None
    missing = df["reason"].isna()
    df.loc[missing, "reason"] = [t.strip().splitlines()[-1] for t in df.loc[missing, "traceback"]]
    done = _finished(Path(folder))
    df = df[[(p, r) not in done for p, r in zip(df["point"], df["replication"])]]
    return df.drop_duplicates(["point", "replication"], keep="last").reset_index(drop=True)


def load_timeseries(folder: str | Path) -> pd.DataFrame:
    """The weekly series of the finished runs (spec ``timeseries``), one row per run and week.

    Sorted by point, replication and week; empty when the spec kept none.
    """
    root = Path(folder) / "timeseries"
    frames = _read_parts(
        lambda: sorted(root.glob("point=*/part-*.parquet")),
        lambda p: pd.read_parquet(p).assign(point=int(p.parent.name.split("=", 1)[1])),
    )
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    done = _finished(Path(folder))
    df = df[[(p, r) in done for p, r in zip(df["point"], df["replication"])]]
    df = df.drop_duplicates(["point", "replication", "week"], keep="first")
    cols = ["point", "replication", "seed", "week"] + [
        c for c in df.columns if c not in ("point", "replication", "seed", "week")
    ]
    return df[cols].sort_values(["point", "replication", "week"], kind="stable").reset_index(drop=True)


def paired_differences(results: pd.DataFrame, outcomes: list[str], base_point: int = 0) -> pd.DataFrame:
    """Per design point and outcome: the run-by-run difference from ``base_point`` (same replication).

    Meant for sweeps over a posterior, where a replication is the same draw and seed at every point.
    Columns: point, outcome, runs (pairs), median, p5, p95 of the difference, and ``share_lower``.
    """
    if results.empty:
        return pd.DataFrame(columns=["point", "outcome", "runs", "median", "p5", "p95", "share_lower"])
    base = results[results["point"] == base_point].set_index("replication")
    rows = []
    for point, g in results.groupby("point", sort=True):
        g = g.set_index("replication")
        for o in outcomes:
            diff = (g[o] - base[o]).dropna()
            rows.append(
                {
                    "point": int(point),
                    "outcome": o,
                    "runs": len(diff),
                    "median": diff.median(),
                    "p5": diff.quantile(0.05),
                    "p95": diff.quantile(0.95),
                    "share_lower": float((diff < 0).mean()) if len(diff) else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def format_paired(table: pd.DataFrame, max_points: int = 30) -> str:
    """Outcome columns, one row per point: the paired difference's median [p5, p95] (model/outputs.py formats)."""
    from ibusim.model.outputs import show

    if table.empty:
        return "(no runs)"

    def cell(r) -> str:
        if not r.runs:
            return "n/a"
        return f"{show(r.outcome, r.median)} [{show(r.outcome, r.p5)}, {show(r.outcome, r.p95)}]"

    wide = {o: {r.point: cell(r) for r in g.itertuples()} for o, g in table.groupby("outcome", sort=False)}
    df = pd.DataFrame(wide)
    df.index.name = "point"
    more = len(df) - max_points
    text = df.head(max_points).to_string()
    return text + (f"\n... and {more} more points" if more > 0 else "")
