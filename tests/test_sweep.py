"""Sweeps (experiments/sweep.py and `ibusim sweep`): executors, run folder, resume, failures, limits, locks.

Also: SIGKILL of the sweep and of one worker, two sweeps on one folder, bad input.

The expensive pieces run once each: a real `dask scheduler` + `dask worker` pair, a sweep killed with SIGKILL
and rerun, and one unreachable scheduler (the client waits its 10 s connect timeout).
"""

from __future__ import annotations

import errno
import gc
import json
import math
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from cli_helpers import IBUSIM, assert_one_line_error, ibusim, main, snapshot
from pandas.testing import assert_frame_equal

from ibusim import cli, model
from ibusim.experiments import execution
from ibusim.experiments import sweep as sw
from ibusim.experiments.core import run_one
from ibusim.experiments.execution import run_many
from ibusim.experiments.spec import load_spec, parse_spec
from ibusim.experiments.sweep import SweepError, load_failures, load_results, run_sweep, tasks
from ibusim.i18n import error_text
from ibusim.model.targets import load as load_targets

BIN = Path(sys.executable).parent
DASK = BIN / "dask"
OUTCOMES = ["registered", "completion", "telegram"]
KEY = ["point", "replication"]

# 2 x 3 points x 2 replications = 12 small runs (~50 ms each)
SPEC = """\
# a tiny experiment for the tests
[experiment]
name = "tiny"
description = "free class on/off x cohort size"
design = "full_factorial"
replications = 2
seed = 99
outcomes = ["registered", "completion", "telegram"]

[fixed]
n_mothers = 3000
end = "2021-01"

[factors.free_class]
values = [true, false]

[factors.free_class_size]
range = [50, 300]
levels = 3
"""

# 2 x 6 points x 2 replications = 24 small runs (1000 mothers, 6 months): long enough to be killed halfway
KILL_SPEC = (
    SPEC.replace('name = "tiny"', 'name = "kill"')
    .replace("levels = 3", "levels = 6")
    .replace("n_mothers = 3000", "n_mothers = 1000")
    .replace('end = "2021-01"', 'end = "2020-10"')
)


# ---------------------------------------------------------------- helpers
def table(folder) -> pd.DataFrame:
    """The results without the timing column (the only one that may differ between executors)."""
    return load_results(folder).drop(columns="seconds")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_alive(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def stop_group(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM the process group started with start_new_session=True, then SIGKILL whatever is left."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + wait
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not group_alive(proc.pid):
            return


def fail_without_free_class(params: dict, seed: int) -> dict:
    """A runner (module level, so worker processes can import it) that raises on the points without free class."""
    if not params["free_class"]:
        raise RuntimeError(f"no free class for seed {seed}")
    return run_one(params, seed)


def disk_full(table, path, *args, **kwargs):
    """Stands in for pyarrow.parquet.write_table on a full disk: half a file, then ENOSPC."""
    Path(path).write_bytes(b"PAR1 half a file")
    raise OSError(errno.ENOSPC, "No space left on device")


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "tiny.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(spec_file, tmp_path_factory) -> Path:
    """The tiny sweep run sequentially in this process, uninterrupted."""
    folder = tmp_path_factory.mktemp("ref") / "sweep"
    res = run_sweep(load_spec(spec_file), folder, executor="sequential", progress=False)
    assert (res.total, res.done, res.failed, res.skipped) == (12, 12, 0, 0)
    return folder


def die_with_this_process() -> None:
    """In a child before exec: be killed (SIGKILL) when the process that started it dies, however it dies."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@pytest.fixture
def dask_cluster(tmp_path, request):
    """A real `dask scheduler` and `dask worker` (1 process, 1 thread) on 127.0.0.1; yields the address.

    They never outlive the test: stopped (their whole process groups) in a finaliser when the test ends or
    fails, at interpreter exit, and by the kernel if pytest itself is killed (each is a single process,
    the worker without a nanny, asked to die with its parent).
    """
    import atexit

    from distributed import Client

    port = free_port()
    addr = f"tcp://127.0.0.1:{port}"
    procs, logs = [], []
    commands = {
        "scheduler": [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        "worker": [DASK, "worker", addr, "--nworkers", "1", "--nthreads", "1", "--no-nanny", "--no-dashboard"],
    }

    def stop_all():
        for p in reversed(procs):
            stop_group(p)
        for log in logs:
            log.close()
        procs.clear()
        logs.clear()

    request.addfinalizer(stop_all)
    atexit.register(stop_all)
    try:
        for name, cmd in commands.items():
            log = open(tmp_path / f"dask-{name}.log", "wb")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [str(c) for c in cmd],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=tmp_path,
                    start_new_session=True,
                    preexec_fn=die_with_this_process,
                )
            )
        deadline = time.monotonic() + 60
        client = None
        try:
            while True:
                for name, p in zip(commands, procs):
                    if p.poll() is not None:
                        pytest.fail(
                            f"dask {name} exited with {p.returncode}: "
                            f"{(tmp_path / f'dask-{name}.log').read_text()[-2000:]}"
                        )
                if time.monotonic() > deadline:
                    pytest.fail("no dask worker registered within 60 s")
                try:
                    if client is None:
                        client = Client(addr, timeout="3s")
                    if client.scheduler_info()["workers"]:
                        break
                except (OSError, TimeoutError):
                    pass
                time.sleep(0.2)
        finally:
            if client is not None:
                client.close()
        yield addr
    finally:
        stop_all()
        atexit.unregister(stop_all)


# ---------------------------------------------------------------- the table
def test_results_are_one_tidy_row_per_run(spec_file, reference):
    spec = load_spec(spec_file)
    df = load_results(reference)
    assert list(df.columns) == [*KEY, "seed", "free_class", "free_class_size", *OUTCOMES, "seconds"]
    assert not df.duplicated(KEY).any()
    ts = tasks(spec)
    assert [(t["point"], t["replication"], t["seed"]) for t in ts] == list(zip(df.point, df.replication, df.seed))
    assert [t["factors"] for t in ts] == df[["free_class", "free_class_size"]].to_dict("records")
    assert str(df.free_class.dtype) == "bool" and str(df.seed.dtype) == "int64"
    assert all(str(df[o].dtype) == "float64" for o in OUTCOMES)
    assert (df.seconds > 0).all()


def test_each_row_is_reproduced_by_run_one_with_its_params_and_seed(spec_file, reference):
    df = load_results(reference).set_index(KEY)
    for t in [tasks(load_spec(spec_file))[i] for i in (0, 7)]:
        out = run_one(t["params"], t["seed"])
        row = df.loc[(t["point"], t["replication"])]
        for o in OUTCOMES:
            assert row[o] == out[o] or (math.isnan(row[o]) and math.isnan(out[o])), o


def test_run_folder_has_spec_manifest_and_progress(spec_file, reference):
    assert (reference / "spec.toml").read_bytes() == spec_file.read_bytes()
    progress = json.loads((reference / "progress.json").read_text())
    assert {"total", "done", "failed"} <= set(progress)
    assert (progress["total"], progress["done"], progress["failed"], progress["remaining"]) == (12, 12, 0, 0)
    m = json.loads((reference / "manifest.json").read_text())
    assert m["code_version"] and isinstance(m["packages"], dict)
    for name in ("ibusim", "mesa", "numpy", "pandas", "pyarrow", "SALib", "distributed"):
        assert m["packages"][name] not in ("", None, "not installed"), name
    started, finished = (pd.Timestamp(m[k]) for k in ("started", "finished"))
    assert started <= finished
    assert (m["total_runs"], m["already_done"], m["to_run"], m["done_now"], m["failed_now"], m["total_done"]) == (
        12,
        0,
        12,
        12,
        0,
        12,
    )
    assert m["experiment"] == "tiny" and m["design"] == "full_factorial" and m["executor"] == "sequential"
    assert (m["run_time_limit_s"], m["run_memory_limit_mb"]) == (600, 4096)  # the defaults
    assert sorted(p.name for p in reference.iterdir()) == [
        ".lock",
        "failures",
        "manifest.json",
        "progress.json",
        "runs",
        "spec.toml",
    ]
    assert list((reference / "failures").iterdir()) == []


# ---------------------------------------------------------------- executors give the same table
def test_processes_give_the_sequential_table_each_run_written_at_once(spec_file, reference, tmp_path):
    out = tmp_path / "proc"
    on_disk = []  # when each result is reported, the runs already on disk

    def seen(res):
        on_disk.append(len(load_results(out)))

    res = run_sweep(load_spec(spec_file), out, executor="processes", workers=2, progress=False, on_result=seen)
    assert (res.total, res.done, res.failed) == (12, 12, 0)
    assert on_disk == list(range(1, 13))  # every finished run was written before the next came in
    parts = sorted((out / "runs").glob("part-*.parquet"))
    assert len(parts) == 1 and pq.read_metadata(parts[0]).num_rows == 12  # merged at the end
    assert_frame_equal(table(out), table(reference))
    assert json.loads((out / "manifest.json").read_text())["workers"] == 2


def test_dask_local_cluster_gives_the_sequential_table(spec_file, reference, tmp_path):
    out = tmp_path / "dask-local"
    res = run_sweep(load_spec(spec_file), out, executor="dask", workers=2, progress=False)
    assert (res.total, res.done, res.failed) == (12, 12, 0)
    assert_frame_equal(table(out), table(reference))


@pytest.mark.slow
def test_sweep_through_a_real_dask_scheduler_and_worker(dask_cluster, spec_file, reference, tmp_path):
    from distributed import Client

    out = tmp_path / "dask-remote"
    r = ibusim("sweep", spec_file, "--out", out, "--scheduler", dask_cluster, "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "12 runs: 12 done (0 already done before), 0 failed" in r.stdout
    assert_frame_equal(table(out), table(reference))
    m = json.loads((out / "manifest.json").read_text())
    assert (m["executor"], m["scheduler"]) == ("dask", dask_cluster)
    with Client(dask_cluster, timeout="10s") as client:  # the runs executed on the external worker
        ran = client.run(lambda: "ibusim.experiments.execution" in sys.modules)
    assert ran and all(ran.values()), ran


@pytest.mark.slow
def test_unreachable_scheduler_exits_2_with_one_line(spec_file, reference, tmp_path):
    port = free_port()  # nothing listens on it
    out = tmp_path / "unreachable"
    r = ibusim(
        "sweep",
        spec_file,
        "--out",
        out,
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
        "--quiet",
        cwd=tmp_path,
        timeout=90,
        env={"DASK_IBUSIM__SCHEDULER_TIMEOUT": "2s"},  # nothing will answer: no need to wait the default 10 s
    )
    assert_one_line_error(r.returncode, r.stderr, f"tcp://127.0.0.1:{port}")
    assert r.stdout == ""
    assert not list(tmp_path.rglob("*.parquet"))
    # whatever it left is not in the way: the same sweep then runs (here sequentially) to the full table
    res = run_sweep(load_spec(spec_file), out, executor="sequential", progress=False)
    assert res.done == 12
    assert_frame_equal(table(out), table(reference))


def test_malformed_scheduler_address_exits_2_with_one_line(spec_file, tmp_path, capsys):
    status, out, err = main(
        ["sweep", spec_file, "--out", tmp_path / "o", "--scheduler", "not-an-address", "--quiet"], capsys
    )
    assert_one_line_error(status, err, "not-an-address")


def test_executor_that_cannot_start_prints_only_the_error_line(spec_file, tmp_path, capsys, monkeypatch):
    def cannot_start(kind, workers, scheduler, limits):
        raise SweepError(f"cannot reach the Dask scheduler {scheduler}: Timed out")

    monkeypatch.setattr(sw, "open_executor", cannot_start)
    try:
        status = cli.main(["sweep", str(spec_file), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9"])
    finally:
        gc.collect()  # let an unclosed progress bar finish writing while stderr is still captured
    out, err = capsys.readouterr()
    assert_one_line_error(status, err, "tcp://127.0.0.1:9")


def test_in_flight_runs_are_bounded_and_short_runs_travel_in_batches():
    """run_many keeps at most 2 x workers batches submitted (results are never all held in memory).

    Runs far shorter than a batch's target time go several to an executor task.
    """
    todo = [{"point": i, "replication": 0, "seed": i, "params": {}} for i in range(200)]
    submitted, finished, most, sizes = [0], [0], [0], []

    class Counting(ThreadPoolExecutor):
        def submit(self, fn, batch, *a, **k):
            submitted[0] += 1
            sizes.append(len(batch))
            most[0] = max(most[0], submitted[0] - finished[0])
            fut = super().submit(fn, batch, *a, **k)
            fut.add_done_callback(lambda f: finished.__setitem__(0, finished[0] + 1))
            return fut

    got = []
    with Counting(max_workers=2) as ex:
        run_many(todo, lambda params, seed: {"x": float(seed)}, executor=ex, workers=2, on_result=got.append)
    assert sorted(r["seed"] for r in got) == list(range(200)) and all(r["ok"] for r in got)
    assert most[0] <= 4 + 1  # 2 x workers, plus one whose completion is being counted
    assert sum(sizes) == 200 and max(sizes) > 1 and submitted[0] < 200


# ---------------------------------------------------------------- resume
def test_rerun_skips_finished_runs_and_executes_none(spec_file, reference, tmp_path, capsys, monkeypatch):
    out = tmp_path / "resume"
    argv = ["sweep", spec_file, "--out", out, "--executor", "sequential", "--quiet"]
    status, stdout, err = main(argv, capsys)
    assert status == 0, err
    assert "12 runs: 12 done (0 already done before), 0 failed this time" in stdout
    before = {k: v for k, v in snapshot(out).items() if k.startswith(("runs", "failures"))}

    class Executed(model.CommunityModel):
        def __init__(self, *a, **k):
            raise AssertionError("a finished run was executed again")

    monkeypatch.setattr(model, "CommunityModel", Executed)
    with pytest.raises(AssertionError, match="executed again"):  # the patch reaches run_one
        run_one({"n_mothers": 3000}, 1)
    status, stdout, err = main(argv, capsys)
    assert status == 0, err
    assert "12 runs: 12 done (12 already done before), 0 failed this time" in stdout
    assert {k: v for k, v in snapshot(out).items() if k.startswith(("runs", "failures"))} == before
    m = json.loads((out / "manifest.json").read_text())
    assert (m["already_done"], m["to_run"], m["done_now"], m["failed_now"], m["total_done"]) == (12, 0, 0, 0, 12)
    p = json.loads((out / "progress.json").read_text())
    assert (p["total"], p["done"], p["failed"]) == (12, 12, 0)
    assert_frame_equal(table(out), table(reference))


def test_different_spec_on_the_same_folder_exits_2_and_changes_nothing(spec_file, tmp_path, capsys):
    out = tmp_path / "taken"
    status, _, err = main(["sweep", spec_file, "--out", out, "--executor", "sequential", "--quiet"], capsys)
    assert status == 0, err
    other = tmp_path / "other.toml"
    other.write_text(SPEC.replace("seed = 99", "seed = 100"), encoding="utf-8")
    before = snapshot(out)
    status, stdout, err = main(["sweep", other, "--out", out, "--executor", "sequential"], capsys)
    assert_one_line_error(status, err, str(out), "different experiment")
    assert snapshot(out) == before


def test_a_folder_the_sweep_cannot_use_is_refused_in_indonesian(spec_file, tmp_path, capsys):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(SweepError) as e:
        sw.prepare(load_spec(spec_file), tmp_path / "busy")
    assert str(e.value) == f"folder '{tmp_path / 'busy'}' exists and is not a sweep folder; use another --out"
    assert error_text(e.value, "id") == (
        f"folder '{tmp_path / 'busy'}' sudah ada dan bukan folder uji rentang; pakai --out yang lain"
    )
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "spec.toml").write_text("# another experiment\n")
    argv = ["sweep", spec_file, "--out", tmp_path / "other", "--executor", "sequential", "--quiet"]
    status, _, err = main(["--lang", "id", *argv], capsys)
    assert status == 2 and err == (
        f"ibusim: kesalahan: folder '{tmp_path / 'other'}' berisi eksperimen lain (spec.toml-nya berbeda); pakai "
        "--out yang lain atau spesifikasi yang sama\n"
    )


def test_folder_that_is_not_a_sweep_folder_exits_2(spec_file, tmp_path, capsys):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    status, _, err = main(["sweep", spec_file, "--out", tmp_path / "busy", "--executor", "sequential"], capsys)
    assert_one_line_error(status, err, "not a sweep folder")
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_sigkill_halfway_then_rerun_gives_the_uninterrupted_table(tmp_path):
    spec_path = tmp_path / "kill.toml"
    spec_path.write_text(KILL_SPEC, encoding="utf-8")
    total = len(tasks(load_spec(spec_path)))
    assert total == 24
    out = tmp_path / "killed"
    cmd = [str(IBUSIM), "sweep", str(spec_path), "--out", str(out), "--executor", "processes", "--workers", "2"]

    # each finished run is written at once: kill once six are on disk
    log = open(tmp_path / "killed.log", "wb")
    proc = subprocess.Popen(
        [*cmd, "--quiet"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while len(list((out / "runs").glob("part-*.parquet"))) < 6:
            assert proc.poll() is None, f"the sweep ended before it could be killed: {proc.returncode}"
            assert time.monotonic() < deadline, "no parts written within 90 s"
            if (out / "progress.json").exists():  # the dashboard's view is always whole JSON
                p = json.loads((out / "progress.json").read_text())
                assert p["total"] == total
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(proc.pid), "worker processes survived the kill"

    # what the kill left: whole parts only, a strict subset of the runs, progress still valid JSON
    parts = sorted((out / "runs").glob("part-*.parquet"))
    assert all(pq.read_table(p).num_rows > 0 for p in parts)
    partial = load_results(out)
    assert 0 < len(partial) < total
    assert not partial.duplicated(KEY).any()
    progress = json.loads((out / "progress.json").read_text())
    assert progress["done"] < progress["total"] == total
    assert progress["done"] <= len(partial)  # every run reported done was on disk: the kill lost only runs in flight
    # a crash in the middle of a write leaves only a hidden temporary file: it must never be read
    (out / "runs" / ".part-00099.parquet.tmp-424242").write_bytes(b"PAR1 half-written")
    assert_frame_equal(load_results(out), partial)

    # rerun the same command (progress bar on) to completion
    r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"{total} runs: {total} done ({len(partial)} already done before), 0 failed" in r.stdout
    assert "sweep:" in r.stderr and "100%" in r.stderr  # the progress bar
    final = table(out)
    assert len(final) == total and not final.duplicated(KEY).any()
    assert list(zip(final.point, final.replication)) == [
        (t["point"], t["replication"]) for t in tasks(load_spec(spec_path))
    ]
    progress = json.loads((out / "progress.json").read_text())
    assert (progress["done"], progress["failed"], progress["remaining"]) == (total, 0, 0)
    assert load_failures(out).empty

    # equal to an uninterrupted run's table
    ref = run_sweep(load_spec(spec_path), tmp_path / "uninterrupted", executor="sequential", progress=False)
    assert ref.done == total
    assert_frame_equal(final, table(tmp_path / "uninterrupted"))
    # the runs finished before the kill were kept as they were, not redone
    assert_frame_equal(partial.drop(columns="seconds"), final.merge(partial[KEY], on=KEY).reset_index(drop=True))


def test_failed_write_leaves_no_half_written_part_and_the_rerun_completes(spec_file, reference, tmp_path, monkeypatch):
    out = tmp_path / "full"
    monkeypatch.setattr(pq, "write_table", disk_full)
    with pytest.raises(OSError):
        run_sweep(load_spec(spec_file), out, executor="sequential", progress=False)
    monkeypatch.undo()
    assert not [p for p in out.rglob("*") if "part-" in p.name]  # neither a part nor its temporary twin
    assert load_results(out).empty
    res = run_sweep(load_spec(spec_file), out, executor="sequential", progress=False)
    assert (res.done, res.skipped) == (12, 0)
    assert_frame_equal(table(out), table(reference))


def test_disk_full_during_the_sweep_exits_2_with_one_line(spec_file, reference, tmp_path, capsys, monkeypatch):
    argv = ["sweep", spec_file, "--out", tmp_path / "full", "--executor", "sequential", "--quiet"]
    monkeypatch.setattr(pq, "write_table", disk_full)
    status, out, err = main(argv, capsys)
    assert_one_line_error(status, err, "No space left on device")
    assert not [p for p in (tmp_path / "full").rglob("*") if "part-" in p.name]
    monkeypatch.undo()  # space again: the same command completes
    status, out, err = main(argv, capsys)
    assert status == 0, err
    assert_frame_equal(table(tmp_path / "full"), table(reference))


def test_executor_is_shut_down_when_writing_fails(spec_file, tmp_path, monkeypatch):
    before = set(multiprocessing.active_children())
    monkeypatch.setattr(pq, "write_table", disk_full)
    try:
        with pytest.raises(OSError):
            run_sweep(load_spec(spec_file), tmp_path / "full", executor="processes", workers=2, progress=False)
        assert [p for p in multiprocessing.active_children() if p not in before] == []
    finally:
        for p in multiprocessing.active_children():  # the pool's workers, started by this test
            if p not in before:
                p.terminate()
                p.join(5)


def test_a_sweep_that_could_not_start_can_be_rerun(spec_file, tmp_path, capsys, monkeypatch):
    def no_space(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    argv = ["sweep", spec_file, "--out", tmp_path / "o", "--executor", "sequential", "--quiet"]
    monkeypatch.setattr(sw, "atomic_text", no_space)
    status, _, err = main(argv, capsys)
    assert_one_line_error(status, err, "No space left on device")
    monkeypatch.undo()
    status, out, err = main(argv, capsys)
    assert status == 0, err


def test_spec_toml_is_the_input_byte_for_byte_even_with_crlf(tmp_path):
    path = tmp_path / "crlf.toml"
    path.write_bytes(
        b'[experiment]\r\nname = "crlf"\r\noutcomes = ["registered"]\r\n'
        b'[fixed]\r\nn_mothers = 3000\r\nend = "2020-08"\r\n'
    )
    run_sweep(load_spec(path), tmp_path / "o", executor="sequential", progress=False)
    assert (tmp_path / "o" / "spec.toml").read_bytes() == path.read_bytes()


# ---------------------------------------------------------------- failures
@pytest.mark.parametrize("executor", ["sequential", "processes"])
def test_runs_that_raise_are_recorded_and_the_sweep_goes_on(executor, spec_file, reference, tmp_path):
    spec = load_spec(spec_file)
    out = tmp_path / "fail"
    res = run_sweep(spec, out, executor=executor, workers=2, progress=False, runner=fail_without_free_class)
    assert (res.total, res.done, res.failed) == (12, 6, 6)

    fails = load_failures(out)
    expected = {(t["point"], t["replication"], t["seed"]) for t in tasks(spec) if not t["params"]["free_class"]}
    assert set(zip(fails.point, fails.replication, fails.seed)) == expected and len(fails) == 6
    for row in fails.itertuples():
        assert f"RuntimeError: no free class for seed {row.seed}" in row.traceback
        assert "fail_without_free_class" in row.traceback
        assert json.loads(row.params)["free_class"] is False

    ref = table(reference)
    assert_frame_equal(table(out), ref[ref.free_class].reset_index(drop=True))
    p = json.loads((out / "progress.json").read_text())
    assert (p["total"], p["done"], p["failed"], p["remaining"]) == (12, 6, 6, 0)
    m = json.loads((out / "manifest.json").read_text())
    assert (m["done_now"], m["failed_now"], m["total_done"]) == (6, 6, 6) and m["finished"]


def test_failed_runs_are_retried_on_rerun_with_another_executor(spec_file, reference, tmp_path):
    spec = load_spec(spec_file)
    out = tmp_path / "retry"
    run_sweep(spec, out, executor="sequential", progress=False, runner=fail_without_free_class)
    res = run_sweep(spec, out, executor="processes", workers=2, progress=False)
    assert (res.total, res.done, res.failed, res.skipped) == (12, 12, 0, 6)
    assert_frame_equal(table(out), table(reference))
    assert load_failures(out).empty  # failures that later succeeded are no longer reported


def test_cli_exits_1_and_lists_the_failed_runs(spec_file, reference, tmp_path, capsys, monkeypatch):
    class NoFreeClass(model.CommunityModel):  # run_one looks the model class up at call time
        def __init__(self, *a, **k):
            if k.get("free_class") is False:
                raise RuntimeError("model refused: no free class")
            super().__init__(*a, **k)

    argv = ["sweep", spec_file, "--out", tmp_path / "f", "--executor", "sequential", "--quiet"]
    monkeypatch.setattr(model, "CommunityModel", NoFreeClass)
    status, out, err = main(argv, capsys)
    assert status == 1, err
    assert "12 runs: 6 done (0 already done before), 6 failed this time" in out
    assert "6 run(s) failed" in out
    failed_lines = [line for line in out.splitlines() if line.strip().startswith("failed: point")]
    assert len(failed_lines) == 5 and all("RuntimeError: model refused: no free class" in x for x in failed_lines)
    monkeypatch.undo()
    status, out, err = main(argv, capsys)  # rerun: only the failed runs are tried again, and now succeed
    assert status == 0, err
    assert "12 runs: 12 done (6 already done before), 0 failed this time" in out
    assert_frame_equal(table(tmp_path / "f"), table(reference))


# ---------------------------------------------------------------- bad CLI input
BAD_SPEC = SPEC.replace("[factors.free_class_size]", "[factors.free_class_sizes]")


@pytest.mark.parametrize(
    "case",
    [
        "missing spec",
        "malformed spec",
        "bad TOML",
        "out under a file",
        "workers 0",
        "workers not a number",
        "unknown executor",
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(case, spec_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.toml").write_text(BAD_SPEC, encoding="utf-8")
    (tmp_path / "broken.toml").write_text("[experiment\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("keep me")
    out = tmp_path / "out"
    argv, fragment = {
        "missing spec": (["sweep", tmp_path / "missing.toml", "--out", out], "missing.toml"),
        "malformed spec": (["sweep", tmp_path / "bad.toml", "--out", out], "free_class_sizes"),
        "bad TOML": (["sweep", tmp_path / "broken.toml", "--out", out], "not valid TOML"),
        "out under a file": (["sweep", spec_file, "--out", tmp_path / "a-file" / "sweep"], "a-file"),
        "workers 0": (["sweep", spec_file, "--out", out, "--workers", "0"], "--workers"),
        "workers not a number": (["sweep", spec_file, "--out", out, "--workers", "two"], "two"),
        "unknown executor": (["sweep", spec_file, "--out", out, "--executor", "threads"], "threads"),
    }[case]
    before = snapshot(tmp_path)
    status, stdout, err = main(argv, capsys)
    assert_one_line_error(status, err, fragment)
    assert snapshot(tmp_path) == before  # no run folder, nothing under results/
    assert (tmp_path / "a-file").read_text() == "keep me"


def test_default_run_folder_is_results_sweep_name(spec_file, reference, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = main(["sweep", spec_file, "--executor", "sequential", "--quiet"], capsys)
    assert status == 0, err
    assert "results/sweep-tiny/runs" in out
    assert_frame_equal(table(tmp_path / "results" / "sweep-tiny"), table(reference))


TS_SPEC = """
[experiment]
name = "ts"
scenario = "ipm"
design = "full_factorial"
replications = 2
seed = 3
outcomes = ["registered", "telegram"]
timeseries = ["cum_registered", "n_telegram"]

[fixed]
n_mothers = 3000
end = "2020-12"

[factors.free_class]
values = [true, false]
"""


def test_timeseries_are_written_partitioned_by_point_and_agree_with_the_outcomes(tmp_path):
    """Timeseries = [...] keeps the weekly series of every run, one folder per design point.

    The last week equals the end-of-run outcome; a resumed sweep adds no duplicates.
    """
    from ibusim.experiments.sweep import load_timeseries

    spec = parse_spec(tomllib.loads(TS_SPEC), "ts.toml", TS_SPEC)
    out = tmp_path / "ts"
    run_sweep(spec, out, executor="sequential", progress=False)
    assert sorted(p.name for p in (out / "timeseries").iterdir()) == ["point=0", "point=1"]
    ts, res = load_timeseries(out), load_results(out)
    assert list(ts.columns) == ["point", "replication", "seed", "week", "cum_registered", "n_telegram"]
    weeks = ts["week"].max() + 1
    assert len(ts) == len(res) * weeks
    last = ts[ts["week"] == weeks - 1].reset_index(drop=True)
    assert last["cum_registered"].tolist() == res["registered"].tolist()
    assert last["n_telegram"].tolist() == res["telegram"].tolist()
    assert last["seed"].tolist() == res["seed"].tolist()
    run_sweep(spec, out, executor="sequential", progress=False)  # nothing left to run
    assert load_timeseries(out).equals(ts)


def test_timeseries_names_are_checked(tmp_path):
    from ibusim.experiments.spec import SpecError

    bad = TS_SPEC.replace('"n_telegram"]', '"n_telegramm"]')
    with pytest.raises(SpecError, match="unknown series"):
        parse_spec(tomllib.loads(bad), "bad.toml", bad)


def test_a_spec_without_timeseries_writes_none(tmp_path):
    from ibusim.experiments.sweep import load_timeseries

    text = TS_SPEC.replace('timeseries = ["cum_registered", "n_telegram"]\n', "")
    spec = parse_spec(tomllib.loads(text), "plain.toml", text)
    assert spec.timeseries == ()
    run_sweep(spec, tmp_path / "plain", executor="sequential", progress=False)
    assert not (tmp_path / "plain" / "timeseries").exists()
    assert load_timeseries(tmp_path / "plain").empty


def test_a_folder_kept_without_its_runs_runs_them_again(tmp_path):
    """A sweep folder kept with only its spec.toml (and outputs) runs every run again instead of failing.

    The committed example analyses are kept so.
    """
    spec = parse_spec(tomllib.loads(TS_SPEC), "ts.toml", TS_SPEC)
    out = tmp_path / "kept"
    run_sweep(spec, out, executor="sequential", progress=False)
    first = load_results(out)
    for sub in ("runs", "failures", "timeseries"):
        shutil.rmtree(out / sub)
    (out / "sensitivity.csv").write_text("kept output\n")
    res = run_sweep(spec, out, executor="sequential", progress=False)
    assert res.done == len(first) and res.skipped == 0
    assert load_results(out).drop(columns="seconds").equals(first.drop(columns="seconds"))


# ---------------------------------------------------------------- surviving real use: dead workers, limits, locks
def misbehaves(params: dict) -> bool:
    """Point 1 of the tiny spec (free class of 175), both replications."""
    return params["free_class"] and params["free_class_size"] == 175


def kill_own_worker(params: dict, seed: int) -> dict:
    """A runner whose worker process is killed by SIGKILL (as the OS's out-of-memory killer does) on point 1."""
    if misbehaves(params):
        os.kill(os.getpid(), signal.SIGKILL)
    return run_one(params, seed)


def sleep_long(params: dict, seed: int) -> dict:
    """A runner that takes 60 s on point 1."""
    if misbehaves(params):
        time.sleep(60)
    return run_one(params, seed)


def ignore_alarm_and_sleep(params: dict, seed: int) -> dict:
    """A runner stuck on point 1 where the run's own alarm cannot reach it (as in a long call into C)."""
    if misbehaves(params):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    return run_one(params, seed)


def allocate_a_gigabyte(params: dict, seed: int) -> dict:
    """A runner that fills 1 GB on point 1."""
    if misbehaves(params):
        import numpy as np

        np.ones(2**27)  # 1 GiB of float64
    return run_one(params, seed)


def check_two_failed_and_the_rest_done(out: Path, reference: Path, res, reason: str) -> None:
    assert (res.total, res.done, res.failed) == (12, 10, 2)
    fails = load_failures(out)
    assert sorted(zip(fails.point, fails.replication)) == [(1, 0), (1, 1)]
    assert all(r == reason for r in fails.reason), list(fails.reason)
    ref = table(reference)
    assert_frame_equal(table(out), ref[ref.point != 1].reset_index(drop=True))
    p = json.loads((out / "progress.json").read_text())
    assert (p["done"], p["failed"], p["remaining"]) == (10, 2, 0)


def test_a_worker_killed_by_sigkill_fails_its_run_and_the_sweep_goes_on(spec_file, reference, tmp_path):
    out = tmp_path / "killed-worker"
    before = set(multiprocessing.active_children())
    res = run_sweep(load_spec(spec_file), out, executor="processes", workers=2, progress=False, runner=kill_own_worker)
    check_two_failed_and_the_rest_done(out, reference, res, "worker process died (killed by SIGKILL)")
    assert [p for p in multiprocessing.active_children() if p not in before] == []  # replacements stopped too
    res = run_sweep(load_spec(spec_file), out, executor="processes", workers=2, progress=False)  # retried
    assert (res.done, res.failed, res.skipped) == (12, 0, 10)
    assert_frame_equal(table(out), table(reference))


@pytest.mark.parametrize("executor", ["sequential", "processes"])
def test_a_run_over_its_time_limit_is_recorded_and_the_sweep_goes_on(executor, spec_file, reference, tmp_path):
    out = tmp_path / "slow"
    res = run_sweep(
        load_spec(spec_file), out, executor=executor, workers=2, progress=False, runner=sleep_long, run_time_limit_s=3
    )
    # (a limit not enforced would let the two 60 s runs finish and be recorded as done)
    check_two_failed_and_the_rest_done(out, reference, res, "over the time limit of 3 s")
    assert json.loads((out / "manifest.json").read_text())["run_time_limit_s"] == 3


@pytest.mark.slow
def test_a_worker_stuck_past_its_time_limit_is_killed_and_replaced(spec_file, reference, tmp_path):
    out = tmp_path / "stuck"
    res = run_sweep(
        load_spec(spec_file),
        out,
        executor="processes",
        workers=2,
        progress=False,
        runner=ignore_alarm_and_sleep,
        run_time_limit_s=3,
    )
    check_two_failed_and_the_rest_done(out, reference, res, "over the time limit of 3 s")


def test_a_run_over_its_memory_limit_is_recorded_and_the_sweep_goes_on(spec_file, reference, tmp_path):
    out = tmp_path / "hog"
    res = run_sweep(
        load_spec(spec_file),
        out,
        executor="processes",
        workers=2,
        progress=False,
        runner=allocate_a_gigabyte,
        run_memory_limit_mb=300,
    )
    check_two_failed_and_the_rest_done(out, reference, res, "over the memory limit of 300 MB")


def test_limits_come_from_the_spec_and_the_cli_and_a_real_run_over_its_limit_fails(spec_file, tmp_path, capsys):
    text = SPEC.replace("[fixed]", "run_time_limit_s = 0.001\nrun_memory_limit_mb = 2000\n\n[fixed]")
    spec = parse_spec(tomllib.loads(text), "limited.toml", text)
    assert (spec.run_time_limit_s, spec.run_memory_limit_mb) == (0.001, 2000)
    assert sw.limits_for(spec) == sw.Limits(0.001, 2000)
    assert sw.limits_for(spec, time_s=5, memory_mb=0) == sw.Limits(5, None)  # the CLI's options win; 0: none
    path = tmp_path / "limited.toml"
    path.write_text(text, encoding="utf-8")
    status, out, err = main(["sweep", path, "--out", tmp_path / "o", "--executor", "sequential", "--quiet"], capsys)
    assert status == 1, err
    assert "12 runs: 0 done (0 already done before), 12 failed this time" in out
    assert out.count(": over the time limit of 0.001 s") == 5 and "Traceback" not in out + err
    status, out, err = main(
        ["sweep", path, "--out", tmp_path / "o", "--executor", "sequential", "--quiet", "--run-time-limit", "0"], capsys
    )
    assert status == 0, err
    assert "12 runs: 12 done (0 already done before), 0 failed this time" in out
    bad = text.replace("run_time_limit_s = 0.001", "run_time_limit_s = -1")
    with pytest.raises(Exception, match="run_time_limit_s"):
        parse_spec(tomllib.loads(bad), "bad.toml", bad)


def workers_of(pid: int) -> list[int]:
    """Worker processes of a sweep: its grandchildren (children of its forkserver), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    children = {p for p, pp in parents.items() if pp == pid}
    return [p for p, pp in parents.items() if pp in children]


SLOW_SPEC = (
    SPEC.replace('name = "tiny"', 'name = "slow"')
    .replace("n_mothers = 3000", "n_mothers = 20000")
    .replace('end = "2021-01"', 'end = "2022-06"')
)


def start_sweep(tmp_path: Path, spec_path: Path, out: Path, *extra: str) -> tuple[subprocess.Popen, object]:
    log = open(tmp_path / f"{out.name}.log", "wb")
    proc = subprocess.Popen(
        [str(IBUSIM), "sweep", str(spec_path), "--out", str(out), "--quiet", *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        start_new_session=True,
    )
    return proc, log


def wait_for(condition, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, f"the sweep ended before {what}: {proc.returncode}"
        assert time.monotonic() < deadline, f"not {what} within {seconds} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_cli_sweep_whose_worker_is_killed_from_outside_finishes_with_one_line_per_failure(tmp_path):
    """SIGKILL one worker process of a running `ibusim sweep` (as the OS's out-of-memory killer would)."""
    spec_path = tmp_path / "slow.toml"
    spec_path.write_text(SLOW_SPEC, encoding="utf-8")
    out = tmp_path / "outside"
    proc, log = start_sweep(tmp_path, spec_path, out, "--executor", "processes", "--workers", "2")
    try:
        wait_for(lambda: len(workers_of(proc.pid)) == 2 and load_results(out).shape[0] >= 1, proc, "running")
        os.kill(workers_of(proc.pid)[0], signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            stop_group(proc)
        log.close()
    text = (tmp_path / "outside.log").read_text()
    assert proc.returncode == 1, text
    assert "Traceback" not in text and "BrokenProcessPool" not in text
    assert "12 runs: 11 done (0 already done before), 1 failed this time" in text
    assert text.count("worker process died (killed by SIGKILL)") == 1
    assert len(load_results(out)) == 11 and len(load_failures(out)) == 1
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:  # the forkserver ends after its parent
        time.sleep(0.05)
    assert not group_alive(proc.pid), "worker processes outlived the sweep"


@pytest.mark.slow
def test_two_sweeps_on_one_folder_the_second_is_refused_naming_the_first(tmp_path, capsys):
    spec_path = tmp_path / "slow.toml"
    spec_path.write_text(SLOW_SPEC, encoding="utf-8")
    out = tmp_path / "shared"
    first, log = start_sweep(tmp_path, spec_path, out, "--executor", "sequential")
    try:
        wait_for(lambda: (out / "progress.json").exists(), first, "started")
        # frozen mid-sweep (its lock held) while the second starts, however slowly the machine runs
        os.killpg(first.pid, signal.SIGSTOP)
        running = first.poll() is None
        try:
            second = subprocess.run(
                [str(IBUSIM), "sweep", str(spec_path), "--out", str(out), "--executor", "sequential", "--quiet"],
                capture_output=True,
                text=True,
                cwd=tmp_path,
                timeout=120,
            )
        finally:
            os.killpg(first.pid, signal.SIGCONT)
        first.wait(timeout=120)
    finally:
        if first.poll() is None:
            stop_group(first)
        log.close()
    assert running, "the first sweep ended before the second started: the test proves nothing"
    assert_one_line_error(second.returncode, second.stderr, str(out), "in use by another sweep", f"pid {first.pid}")
    assert second.stdout == ""
    assert first.returncode == 0, (tmp_path / "shared.log").read_text()
    df = load_results(out)
    assert len(df) == 12 and not df.duplicated(KEY).any()
    # the lock went with the first sweep: the same command now runs (nothing left to do)
    status, stdout, err = main(["sweep", spec_path, "--out", out, "--executor", "sequential", "--quiet"], capsys)
    assert status == 0 and "12 done (12 already done before)" in stdout, err


def test_load_results_never_returns_duplicate_runs(spec_file, reference, tmp_path):
    """Folders written by two sweeps at once before the lock (or a merge cut short) hold copies: dropped."""
    out = tmp_path / "dup"
    shutil.copytree(reference, out)
    part = sorted((out / "runs").glob("part-*.parquet"))[0]
    shutil.copy(part, out / "runs" / "part-09999.parquet")
    assert len(pd.concat(pd.read_parquet(p) for p in (out / "runs").glob("part-*.parquet"))) == 24
    assert_frame_equal(load_results(out), load_results(reference))


def test_cli_sweep_ends_with_the_share_of_runs_inside_the_bands_per_point(spec_file, reference, tmp_path, capsys):
    status, out, err = main(
        ["sweep", spec_file, "--out", tmp_path / "t", "--executor", "sequential", "--quiet"], capsys
    )
    assert status == 0, err
    lines = out.splitlines()
    head = lines.index("share of runs inside the observed band, per design point:")
    columns = lines[head + 1].split()
    assert columns == [
        "point",
        "free_class",
        "free_class_size",
        "runs",
        "registered",
        "completion",
        "telegram",
        "all",
        "targets",
        "inside",
    ]
    rows = [line.split() for line in lines[head + 2 : head + 8]]
    assert [r[0] for r in rows] == [str(i) for i in range(6)] and all(r[3] == "2" for r in rows)
    df, registered = load_results(reference), load_targets()["registered"]
    assert rows[0][4] == f"{df[df.point == 0]['registered'].map(registered.inside).mean():.0%}"


@pytest.mark.slow
def test_a_dask_worker_that_dies_fails_its_runs_and_the_sweep_goes_on(spec_file, reference, tmp_path, monkeypatch):
    """Dask's KilledWorker: the runs of the task on the dead worker are recorded as failed; the sweep finishes."""
    out = tmp_path / "dask-killed"
    # a task Dask loses track of fails sooner (the runs here take well under a second); a slow batch that is
    # declared lost is recorded as failed too, which the assertions below allow, and is rerun at the end
    monkeypatch.setattr(execution, "LOST_TASK_GRACE_S", 1.0)
    monkeypatch.setattr(execution, "LOST_TASK_SLACK_S", 3.0)
    res = run_sweep(
        load_spec(spec_file),
        out,
        executor="dask",
        workers=2,
        progress=False,
        runner=kill_own_worker,
        run_time_limit_s=2,  # a task Dask loses track of (it happens) fails 2 x batch x (2.2 + 1) + 3 s later
    )
    fails = load_failures(out)
    assert {(1, 0), (1, 1)} <= set(zip(fails.point, fails.replication))
    assert res.done + res.failed == 12 and res.failed == len(fails)
    assert all(r.startswith("worker lost (") for r in fails.reason), list(fails.reason)
    res = run_sweep(load_spec(spec_file), out, executor="sequential", progress=False)  # retried
    assert res.done == 12
    assert_frame_equal(table(out), table(reference))
