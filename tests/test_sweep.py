"""Sweeps (experiments/sweep.py and `ibusim sweep`): executors, run folder, resume, SIGKILL, failures, bad input.

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

from ibusim import model
from ibusim import cli
from ibusim.experiments import sweep as sw
from ibusim.experiments.core import run_one
from ibusim.experiments.spec import load_spec, parse_spec
from ibusim.experiments.sweep import SweepError, load_failures, load_results, run_sweep, tasks

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

# 2 x 15 points x 4 replications = 120 small runs: long enough to be killed halfway
KILL_SPEC = (
    SPEC.replace('name = "tiny"', 'name = "kill"')
    .replace("replications = 2", "replications = 4")
    .replace("levels = 3", "levels = 15")
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


def disk_full(self, path, *args, **kwargs):
    """Stands in for DataFrame.to_parquet on a full disk: half a file, then ENOSPC."""
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


@pytest.fixture
def dask_cluster(tmp_path):
    """A real `dask scheduler` and `dask worker` (1 process, 1 thread) on 127.0.0.1; yields the address."""
    from distributed import Client

    port = free_port()
    addr = f"tcp://127.0.0.1:{port}"
    procs, logs = [], []
    commands = {
        "scheduler": [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        "worker": [DASK, "worker", addr, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
    }
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
        for p in reversed(procs):
            stop_group(p)
        for log in logs:
            log.close()


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
    assert sorted(p.name for p in reference.iterdir()) == [
        "failures",
        "manifest.json",
        "progress.json",
        "runs",
        "spec.toml",
    ]
    assert list((reference / "failures").iterdir()) == []


# ---------------------------------------------------------------- executors give the same table
def test_processes_give_the_sequential_table_streamed_in_parts(spec_file, reference, tmp_path):
    out = tmp_path / "proc"
    res = run_sweep(load_spec(spec_file), out, executor="processes", workers=2, progress=False, flush_every=5)
    assert (res.total, res.done, res.failed) == (12, 12, 0)
    parts = sorted((out / "runs").glob("part-*.parquet"))
    assert len(parts) >= 3 and all(pq.read_metadata(p).num_rows <= 5 for p in parts)  # written as runs complete
    assert_frame_equal(table(out), table(reference))
    assert json.loads((out / "manifest.json").read_text())["workers"] == 2


def test_dask_local_cluster_gives_the_sequential_table(spec_file, reference, tmp_path):
    out = tmp_path / "dask-local"
    res = run_sweep(load_spec(spec_file), out, executor="dask", workers=2, progress=False)
    assert (res.total, res.done, res.failed) == (12, 12, 0)
    assert_frame_equal(table(out), table(reference))


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
        ran = client.run(lambda: "ibusim.experiments.sweep" in sys.modules)
    assert ran and all(ran.values()), ran


def test_unreachable_scheduler_exits_2_with_one_line(spec_file, reference, tmp_path):
    port = free_port()  # nothing listens on it
    out = tmp_path / "unreachable"
    r = ibusim(
        "sweep", spec_file, "--out", out, "--scheduler", f"tcp://127.0.0.1:{port}", "--quiet", cwd=tmp_path, timeout=90
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
    def cannot_start(kind, workers, scheduler):
        raise SweepError(f"cannot reach the Dask scheduler {scheduler}: Timed out")

    monkeypatch.setattr(sw, "make_executor", cannot_start)
    try:
        status = cli.main(["sweep", str(spec_file), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9"])
    finally:
        gc.collect()  # let an unclosed progress bar finish writing while stderr is still captured
    out, err = capsys.readouterr()
    assert_one_line_error(status, err, "tcp://127.0.0.1:9")


def test_in_flight_runs_are_bounded():
    """_run_on keeps at most 4 x workers runs submitted: results are never all held in memory."""
    todo = [{"point": i, "replication": 0, "seed": i, "factors": {}, "params": {}} for i in range(200)]
    submitted, recorded, most = [0], [0], [0]

    class Counting(ThreadPoolExecutor):
        def submit(self, *a, **k):
            submitted[0] += 1
            most[0] = max(most[0], submitted[0] - recorded[0])
            return super().submit(*a, **k)

    def record(res):
        assert res["ok"]
        recorded[0] += 1

    with Counting(max_workers=2) as ex:
        sw._run_on(ex, todo, lambda params, seed: {"x": 1.0}, record, 2)
    assert recorded[0] == 200 and most[0] <= 8


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


def test_folder_that_is_not_a_sweep_folder_exits_2(spec_file, tmp_path, capsys):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    status, _, err = main(["sweep", spec_file, "--out", tmp_path / "busy", "--executor", "sequential"], capsys)
    assert_one_line_error(status, err, "not a sweep folder")
    assert snapshot(tmp_path) == before


def test_sigkill_halfway_then_rerun_gives_the_uninterrupted_table(tmp_path):
    spec_path = tmp_path / "kill.toml"
    spec_path.write_text(KILL_SPEC, encoding="utf-8")
    total = len(tasks(load_spec(spec_path)))
    assert total == 120
    out = tmp_path / "killed"
    cmd = [str(IBUSIM), "sweep", str(spec_path), "--out", str(out), "--executor", "processes", "--workers", "2"]

    # the CLI's own flushing (a part every 16 runs): kill once two parts are on disk
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
        while len(list((out / "runs").glob("part-*.parquet"))) < 2:
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
    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    with pytest.raises(OSError):
        run_sweep(load_spec(spec_file), out, executor="sequential", progress=False, flush_every=4)
    monkeypatch.undo()
    assert not [p for p in out.rglob("*") if "part-" in p.name]  # neither a part nor its temporary twin
    assert load_results(out).empty
    res = run_sweep(load_spec(spec_file), out, executor="sequential", progress=False)
    assert (res.done, res.skipped) == (12, 0)
    assert_frame_equal(table(out), table(reference))


def test_disk_full_during_the_sweep_exits_2_with_one_line(spec_file, reference, tmp_path, capsys, monkeypatch):
    argv = ["sweep", spec_file, "--out", tmp_path / "full", "--executor", "sequential", "--quiet"]
    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    status, out, err = main(argv, capsys)
    assert_one_line_error(status, err, "No space left on device")
    assert not [p for p in (tmp_path / "full").rglob("*") if "part-" in p.name]
    monkeypatch.undo()  # space again: the same command completes
    status, out, err = main(argv, capsys)
    assert status == 0, err
    assert_frame_equal(table(tmp_path / "full"), table(reference))


def test_executor_is_shut_down_when_writing_fails(spec_file, tmp_path, monkeypatch):
    before = set(multiprocessing.active_children())
    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    try:
        with pytest.raises(OSError):
            run_sweep(
                load_spec(spec_file), tmp_path / "full", executor="processes", workers=2, progress=False, flush_every=2
            )
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
    monkeypatch.setattr(sw, "_atomic_text", no_space)
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
        "workers 0": (["sweep", spec_file, "--out", out, "--workers", "0"], "'0'"),
        "workers not a number": (["sweep", spec_file, "--out", out, "--workers", "two"], "'two'"),
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
    """Timeseries = [...] keeps the weekly series of every run, one folder per design point; the last week
    equals the end-of-run outcome; a resumed sweep adds no duplicates.
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
    """A sweep folder kept with only its spec.toml (and outputs), as the committed example analyses are,
    runs every run again instead of failing.
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
