"""Shared fixtures for the whole-model tests, and the session-end check for leaked processes.

Every test that starts a process (a server, a Dask cluster, a pool) must stop it, also when
the test fails or pytest is interrupted: use a fixture or ``try/finally``, start servers
with ``start_new_session=True`` and stop their whole group (``os.killpg``). At the end of
the session (of each pytest-xdist worker, for its own children) :func:`leftover_children`
lists every descendant process still running (orphans included: the test process adopts
them) and the session fails, naming them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from pathlib import Path

import pytest
from share_helpers import DAY, DESIGN, SMALL

from ibusim.experiments import share
from ibusim.model import CommunityModel


@pytest.fixture
def no_language(monkeypatch):
    """No language chosen anywhere (LANG=C, no IBUSIM_LANG): English, --set numbers read strictly."""
    for var in ("IBUSIM_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    return monkeypatch


LEAK_GRACE_S = 15.0  # a process being stopped may take a moment to exit
# started by the interpreter, not by a test, and gone when it exits: multiprocessing's helpers
# (their own children, e.g. pool workers forked by the forkserver, are still checked), and
# xdist's execnet gateways (the workers, children of the controller)
MACHINERY = (
    "multiprocessing.forkserver",
    "multiprocessing.resource_tracker",
    "import sys;exec(eval(sys.stdin.readline()))",
)


@pytest.fixture(scope="session")
def ipm_run() -> CommunityModel:
    """One full default run: the IPM preset, April 2020 - December 2024, seed 1 (~2 s).

    Session-scoped so that every test file on a worker reuses it; do not mutate it.
    """
    return CommunityModel(preset="ipm", rng=1).run()


@pytest.fixture(scope="session")
def report_id() -> str:
    """The Indonesian shareable report of ``share_helpers.DESIGN`` (tests/test_share.py and its layout in Chromium)."""
    return share.design_report("ipm", 1, "id", changes=DESIGN, today=DAY)


@pytest.fixture(scope="session")
def comparison() -> str:
    """An Indonesian A/B report: the IPM scenario against it without the free class, 3 seeds."""
    a = {"scenario": "ipm", **SMALL}
    return share.comparison_report(a, {**a, "free_class": False}, 3, 1, "id", today=DAY)


def _proc_parents() -> dict[int, int]:
    """The parent pid of every live (not zombie) process, by pid, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    return parents


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def descendants(pid: int | None = None) -> dict[int, str]:
    """Every live descendant of ``pid`` (default: this process): pid -> command line.

    Uses psutil when it is installed, else /proc (Linux).
    """
    pid = os.getpid() if pid is None else pid
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        out = {}
        for p in psutil.Process(pid).children(recursive=True):
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    out[p.pid] = " ".join(p.cmdline()) or p.name()
            except psutil.NoSuchProcess:
                continue
        return out
    if not Path("/proc/self/stat").exists():  # neither psutil nor /proc: nothing to check with
        return {}
    parents = _proc_parents()
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found[child] = _cmdline(child)
                todo.append(child)
    return found


def leftover_children(grace_s: float = LEAK_GRACE_S) -> dict[int, str]:
    """Descendants of this process still running after ``grace_s`` seconds, machinery excluded."""
    deadline = time.monotonic() + grace_s
    while True:
        left = {pid: cmd for pid, cmd in descendants().items() if not any(m in cmd for m in MACHINERY)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def become_subreaper() -> None:
    """Adopt orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    A grandchild whose parent died (e.g. Solara after its ``ibusim dashboard`` was
    killed) then becomes this process's child and is still found at the end.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # 36 = PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):  # not Linux: direct descendants only
        pass


@pytest.fixture(scope="session", autouse=True)
def no_leaked_processes():
    """Fail the session (its last test's teardown) if a test left a child process running.

    Autouse and session-scoped, so it is set up first and torn down last, after the
    other session fixtures (servers, the browser) have stopped what they started.
    """
    become_subreaper()
    before = set(descendants())
    yield
    left = {pid: cmd for pid, cmd in leftover_children().items() if pid not in before}
    if left:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "the pytest process")
        lines = "\n".join(f"  pid {pid}: {cmd[:300]}" for pid, cmd in sorted(left.items()))
        for pid in left:  # reported; now stop them, so a failed run leaves nothing behind either
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        pytest.fail(
            f"{len(left)} process(es) started by the tests are still running at the end of the session "
            f"({worker}); stop them in a fixture finaliser:\n{lines}",
            pytrace=False,
        )
