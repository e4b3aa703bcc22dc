"""Sweeps: run an experiment spec on an executor, streaming results to a run folder.

    from ibusim.experiments.spec import load_spec
    from ibusim.experiments.sweep import run_sweep, load_results
    result = run_sweep(load_spec("experiments/free_class.toml"), "results/sweep-free-class",
                       executor="processes", workers=2)
    df = load_results("results/sweep-free-class")

The run folder::

    spec.toml            the experiment, as given
    manifest.json        code version, package versions, start/end times, counts
    progress.json        done / failed / total and ETA, rewritten as runs finish (for dashboards)
    runs/part-*.parquet  one row per finished run: point, replication, seed, every factor, every outcome
    timeseries/point=<i>/part-*.parquet  with ``timeseries = [...]`` in the spec: one row per run and
                         week (point, replication, seed, week, the series), partitioned by design point
    failures/part-*.parquet  one row per run that raised: point, replication, seed, parameters, traceback

Parts are written under a temporary name and renamed, so a crash never leaves a
half-written file, and results are never all held in memory. Rerunning the same
command on the same folder skips the runs already finished (runs that failed are
tried again). Executors: ``sequential`` (in this process), ``processes`` (local
worker processes; default: as many as cores), ``dask`` (a local Dask cluster, or
an existing one with ``scheduler="tcp://host:8786"``). Every run's seed is fixed
by the spec, so all executors give the same table.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .core import SERIES_KEY, run_one, run_with_series
from .spec import Spec, SpecError

EXECUTORS = ("sequential", "processes", "dask")


class SweepError(RuntimeError):
    """The sweep cannot start (one line: unreachable scheduler, unwritable folder, other spec)."""


@dataclass
class SweepResult:
    folder: Path
    total: int
    done: int
    failed: int
    skipped: int
    seconds: float


def tasks(spec: Spec) -> list[dict[str, Any]]:
    """Every run of the experiment: point, replication, seed and parameters."""
    points = spec.points()
    seeds = spec.seeds(len(points))
    out = []
    for i, point in enumerate(points):
        for r in range(spec.replications):
            params = {"scenario": spec.scenario, **spec.fixed, **point}
            out.append({"point": i, "replication": r, "seed": int(seeds[i, r]), "factors": point, "params": params})
    return out


def execute(task: dict, runner: Callable = run_one) -> dict:
    """Run one task; never raises (a failure is returned with its traceback)."""
    t0 = time.perf_counter()
    try:
        out = runner(task["params"], task["seed"])
        return {**task, "ok": True, "outcomes": out, "seconds": time.perf_counter() - t0}
    except Exception:  # noqa: BLE001 - a failing run is recorded, the sweep goes on
        return {**task, "ok": False, "traceback": traceback.format_exc(), "seconds": time.perf_counter() - t0}


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _atomic_text(path: Path, text: str) -> None:
    _atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _finished(folder: Path) -> set[tuple[int, int]]:
    parts = sorted((folder / "runs").glob("part-*.parquet"))
    done: set[tuple[int, int]] = set()
    for part in parts:
        df = pd.read_parquet(part, columns=["point", "replication"])
        done.update(zip(df["point"].tolist(), df["replication"].tolist()))
    return done


def _next_part(folder: Path) -> int:
    nums = [int(p.stem.split("-")[1]) for p in folder.glob("**/part-*.parquet")]
    return max(nums, default=-1) + 1


def prepare(spec: Spec, folder: Path) -> None:
    """Create the run folder, or check that an existing one holds the same experiment."""
    folder = Path(folder)
    spec_file = folder / "spec.toml"
    if spec_file.exists():
        with open(spec_file, encoding="utf-8", newline="") as fh:
            same = fh.read() == spec.source
        if not same:
            raise SweepError(
                f"folder '{folder}' holds a different experiment (its spec.toml differs); "
                "use another --out or the same spec"
            )
        try:  # a folder kept without its runs (e.g. the committed example analyses) runs them again
            (folder / "runs").mkdir(exist_ok=True)
            (folder / "failures").mkdir(exist_ok=True)
        except OSError as e:
            raise SweepError(f"cannot write to '{folder}': {e.strerror or e}") from None
        return
    leftovers = {p.name for p in folder.iterdir()} if folder.exists() else set()
    if leftovers - {"runs", "failures"} or any(any((folder / d).iterdir()) for d in leftovers):
        raise SweepError(f"folder '{folder}' exists and is not a sweep folder; use another --out")
    try:  # (empty runs/ and failures/ left by a start that failed are reused)
        (folder / "runs").mkdir(parents=True, exist_ok=True)
        (folder / "failures").mkdir(exist_ok=True)
        with open(spec_file.with_name(".spec.toml.tmp"), "w", encoding="utf-8", newline="") as fh:
            fh.write(spec.source)
        os.replace(spec_file.with_name(".spec.toml.tmp"), spec_file)
    except OSError as e:
        raise SweepError(f"cannot write to '{folder}': {e.strerror or e}") from None


def make_executor(kind: str, workers: int | None, scheduler: str | None):
    """(executor, closer) for ``kind``; raises SweepError when it cannot start."""
    if kind == "sequential":
        return None, lambda: None
    if kind == "processes":
        ex = ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=_forkserver())
        return ex, lambda: ex.shutdown(cancel_futures=True)
    if kind == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover
            raise SweepError("the dask executor needs 'distributed' installed") from None
        try:
            if scheduler:
                client = Client(scheduler, timeout="10s")
                cluster = None
            else:
                cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                client = Client(cluster)
        except (OSError, TimeoutError, ValueError) as e:
            raise SweepError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {e}") from None

        def close():
            client.close()
            if cluster is not None:
                cluster.close()

        return client.get_executor(), close
    raise SweepError(f"unknown executor '{kind}' (allowed: {', '.join(EXECUTORS)})")


def _forkserver():
    """A forkserver context (never fork a process that has threads: progress bar, Dask, pyabc) whose
    server imports the model once, so that workers start without importing it again.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["ibusim.experiments.core", "ibusim.model", "pandas"])
    return ctx


class _Writer:
    """Buffers finished runs and writes them as parquet parts (atomically)."""

    def __init__(self, spec: Spec, folder: Path, flush_every: int, flush_seconds: float):
        self.spec, self.folder = spec, folder
        self.rows: list[dict] = []
        self.fails: list[dict] = []
        self.series: list[pd.DataFrame] = []
        self.part = _next_part(folder)
        self.flush_every, self.flush_seconds = flush_every, flush_seconds
        self.last = time.monotonic()

    def add(self, res: dict) -> None:
        base = {"point": res["point"], "replication": res["replication"], "seed": res["seed"]}
        if res["ok"]:
            series = res["outcomes"].get(SERIES_KEY)
            if series is not None:
                n = len(next(iter(series.values()))) if series else 0
                self.series.append(pd.DataFrame({**base, "week": range(n), **series}))
            row = {
                **base,
                **{f: res["factors"][f] for f in res["factors"]},
                **{o: res["outcomes"].get(o, float("nan")) for o in self.spec.outcomes},
                "seconds": res["seconds"],
            }
            self.rows.append(row)
        else:
            self.fails.append({**base, "params": json.dumps(res["params"], default=str), "traceback": res["traceback"]})
        if len(self.rows) + len(self.fails) >= self.flush_every or time.monotonic() - self.last > self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        # series first: a crash between the two leaves orphan series (ignored by load_timeseries,
        # rewritten when the run is redone), never a finished run without its series
        if self.series:
            df = pd.concat(self.series, ignore_index=True)
            for point, g in df.groupby("point", sort=True):
                folder = self.folder / "timeseries" / f"point={point}"
                folder.mkdir(parents=True, exist_ok=True)
                _atomic_write(
                    folder / f"part-{self.part:05d}.parquet",
                    lambda p, g=g: g.drop(columns="point").to_parquet(p, index=False),
                )
            self.series.clear()
        for rows, sub in ((self.rows, "runs"), (self.fails, "failures")):
            if rows:
                df = pd.DataFrame(rows)
                _atomic_write(
                    self.folder / sub / f"part-{self.part:05d}.parquet", lambda p, df=df: df.to_parquet(p, index=False)
                )
                self.part += 1
                rows.clear()
        self.last = time.monotonic()


def _manifest(spec: Spec, folder: Path, info: dict) -> None:
    from .run import PACKAGES, _version, code_version

    data = {
        "experiment": spec.name,
        "design": spec.design,
        "scenario": spec.scenario,
        "code_version": code_version(),
        "python": sys.version.split()[0],
        "packages": {n: _version(n) for n in PACKAGES + ("SALib", "distributed")},
        **info,
    }
    _atomic_text(folder / "manifest.json", json.dumps(data, indent=2, default=str))


def run_sweep(
    spec: Spec,
    folder: str | Path,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    runner: Callable = run_one,
    flush_every: int = 16,
    flush_seconds: float = 10.0,
) -> SweepResult:
    """Run every unfinished run of ``spec``, streaming rows to ``folder``; return the counts."""
    if not isinstance(spec, Spec):  # pragma: no cover
        raise SpecError("run_sweep needs a Spec (experiments.spec.load_spec)")
    folder = Path(folder)
    prepare(spec, folder)
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
    }
    _manifest(spec, folder, info)
    ex, close = make_executor(executor, workers, scheduler)  # before the bar: a failure prints one line
    writer = _Writer(spec, folder, flush_every, flush_seconds)
    bar = _progress_bar(len(all_tasks), len(finished), progress)
    done = failed = 0
    t0 = time.perf_counter()

    def record(res):
        nonlocal done, failed
        writer.add(res)
        done += res["ok"]
        failed += not res["ok"]
        bar.update(1)
        if failed:
            bar.set_postfix(failed=failed)
        _write_progress(folder, len(all_tasks), len(finished) + done, failed, t0, done + failed, len(todo))

    _write_progress(folder, len(all_tasks), len(finished), 0, t0, 0, len(todo))
    try:
        if ex is None:
            for t in todo:
                record(execute(t, runner))
        else:
            _run_on(ex, todo, runner, record, workers)
    finally:
        try:
            writer.flush()
        finally:
            bar.close()
            close()
    info.update(
        finished=dt.datetime.now().isoformat(timespec="seconds"),
        done_now=done,
        failed_now=failed,
        total_done=len(finished) + done,
    )
    _manifest(spec, folder, info)
    return SweepResult(folder, len(all_tasks), len(finished) + done, failed, len(finished), time.perf_counter() - t0)


def _run_on(ex: Executor, todo: list, runner, record, workers) -> None:
    """Submit with a bounded number in flight (never all results in memory)."""
    limit = 4 * (workers or os.cpu_count() or 1)
    it = iter(todo)
    pending = set()
    for t in it:
        pending.add(ex.submit(execute, t, runner))
        if len(pending) >= limit:
            break
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in finished:
            record(f.result())
            nxt = next(it, None)
            if nxt is not None:
                pending.add(ex.submit(execute, nxt, runner))


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
    _atomic_text(folder / "progress.json", json.dumps(data))


def load_results(folder: str | Path) -> pd.DataFrame:
    """All finished runs, one row each, sorted by point and replication."""
    parts = sorted((Path(folder) / "runs").glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return df.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


def load_failures(folder: str | Path) -> pd.DataFrame:
    """Runs that raised, with their tracebacks (the latest attempt of each)."""
    parts = sorted((Path(folder) / "failures").glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame(columns=["point", "replication", "seed", "params", "traceback"])
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    done = _finished(Path(folder))
    df = df[[(p, r) not in done for p, r in zip(df["point"], df["replication"])]]
    return df.drop_duplicates(["point", "replication"], keep="last").reset_index(drop=True)


def load_timeseries(folder: str | Path) -> pd.DataFrame:
    """The weekly series of the finished runs (spec ``timeseries``), one row per run and week,
    sorted by point, replication and week; empty when the spec kept none.
    """
    root = Path(folder) / "timeseries"
    parts = sorted(root.glob("point=*/part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    frames = [pd.read_parquet(p).assign(point=int(p.parent.name.split("=", 1)[1])) for p in parts]
    df = pd.concat(frames, ignore_index=True)
    done = _finished(Path(folder))
    df = df[[(p, r) in done for p, r in zip(df["point"], df["replication"])]]
    df = df.drop_duplicates(["point", "replication", "week"], keep="last")
    cols = ["point", "replication", "seed", "week"] + [
        c for c in df.columns if c not in ("point", "replication", "seed", "week")
    ]
    return df[cols].sort_values(["point", "replication", "week"], kind="stable").reset_index(drop=True)
