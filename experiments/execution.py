"""The execution layer: run many models on an executor, and write what they give safely.

Everything that runs more than one model (``ibusim sweep``, ``compare``, ``sensitivity``,
calibration's posterior-predictive check, ``experiments.report`` and the dashboard) goes
through :func:`run_many`; every file or folder they write goes through :func:`atomic_write`
or :func:`atomic_folder`; every manifest is built by :func:`manifest`.

* **Seeds**: :func:`spawn_seeds` (numpy's ``SeedSequence``), the one place seeds are derived,
  so a run's result never depends on the executor, the number of workers or the order in
  which runs finish.
* **Executors**: ``sequential`` (in this process), ``processes`` (worker processes started
  from a forkserver that has imported the model once; default: one per core), ``dask`` (a
  local Dask cluster, or an existing one given by its scheduler address), or any
  ``concurrent.futures.Executor``. Short runs travel in batches (a batch is sized to take
  about ``batch_seconds``), because each executor task costs something (Dask's ~1-10 ms).
* **A run never ends the whole job**: a run that raises, one over its time or memory limit
  (:class:`Limits`), and one whose worker process dies (killed by the OS) are each returned
  as a failure with a one-line reason; the dead worker is replaced and the job goes on.
* **Limits**: the time limit is enforced inside the run (an alarm in the main thread, an
  asynchronous exception in any other) and, for ``processes``, by the parent, which kills a
  worker still busy past the limit (plus a grace) and starts another; the memory limit is
  ``RLIMIT_AS`` around the run (address space the run may add), and for a local Dask cluster
  each worker's memory limit (Dask's nanny restarts a worker over it). An existing Dask
  cluster keeps its own memory limits.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import datetime as dt
import fcntl
import functools
import json
import multiprocessing
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass
from importlib import metadata
from multiprocessing.connection import wait as wait_ready
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from ibusim.i18n import N_, Localised, TranslatableError, gettext, number

from .core import run_one

EXECUTORS = ("sequential", "processes", "dask")

M_EXISTS = N_("output folder '{path}' already exists; ibusim never overwrites a run folder")
# TRANSLATORS: {reason} is the system's own words (e.g. "Permission denied")
M_CANNOT_WRITE = N_("cannot write '{path}': {reason}")
# TRANSLATORS: {what} is e.g. "another sweep"; {started} a date and time; {command} the command line that runs
M_IN_USE = N_("folder '{folder}' is in use by {what} (pid {pid}, started {started}: {command}); wait for it to end")
M_IN_USE_UNKNOWN = N_("folder '{folder}' is in use by {what} (another process); wait for it to end")
PACKAGES = ("ibusim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx", "solara")


class ExecutionError(TranslatableError, RuntimeError):
    """Runs cannot start (one line: unreachable scheduler, unknown executor, folder in use, ...).

    Raised with an English msgid and its fields, so ``error_text(e, lang)`` shows it in the reader's
    language; ``str(e)`` is the English line. Still a RuntimeError (and, as any TranslatableError, a ValueError).
    """


class OutputError(TranslatableError, OSError):
    """An output file or folder cannot be written (message is one line).

    Raised with an English msgid and its fields, like :class:`ExecutionError`; still an OSError.
    """


# ---------------------------------------------------------------- seeds
def spawn_seeds(master: int, n: int) -> np.ndarray:
    """``n`` independent seeds (int64) spawned from ``master`` with numpy's SeedSequence."""
    children = np.random.SeedSequence(int(master)).spawn(int(n))
    return np.array([c.generate_state(1, np.uint32)[0] for c in children], dtype=np.int64)


# ---------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limits:
    """Per-run limits (None: no limit). A run over one is a failure with the reason; the others go on."""

    time_s: float | None = 600.0
    memory_mb: float | None = 4096.0

    def time_reason(self) -> str:
        """The failure reason of a run over the time limit."""
        return f"over the time limit of {self.time_s:g} s"

    def memory_reason(self) -> str:
        """The failure reason of a run over the memory limit."""
        return f"over the memory limit of {self.memory_mb:g} MB"


DEFAULT_LIMITS = Limits()
NO_LIMITS = Limits(None, None)


class _OverTimeLimit(BaseException):
    """Raised inside a run past its time limit (BaseException: the model's own handlers do not catch it)."""


def _address_space() -> int:
    """This process's virtual address space in bytes (Linux /proc; 0 where unknown)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Body:
    """Whether the limited run itself is executing: the time limit interrupts the run, never what follows it.

    An alarm that arrives after the run returned (the machine is busy, or it was already pending) would
    otherwise raise inside the clean-up: the repeating timer and its handler would stay behind and stop
    whatever the process does next (measured under ``stress-ng --cpu 2``: 6 interrupts in 8,000 runs of
    1 ms escaped ``execute``; a pytest-xdist worker stopped with an internal error after a test of such runs).
    """

    __slots__ = ("running",)

    def __init__(self):
        self.running = False

    def call(self, fn: Callable, *args):
        """``fn(*args)``, marked as running while it executes."""
        self.running = True
        try:
            return fn(*args)
        finally:
            # the first statement after the run: nothing between the return and here checks for signals
            self.running = False


@contextlib.contextmanager
def limited(limits: Limits):
    """Apply ``limits`` to the run called through the body it yields (``body.call(fn, ...)``, in this thread).

    Time by alarm, memory by RLIMIT_AS.
    """
    body = _Body()
    with contextlib.ExitStack() as stack:
        if limits.memory_mb is not None:
            stack.enter_context(_memory_limit(limits.memory_mb))
        if limits.time_s is not None:
            stack.enter_context(_time_limit(limits.time_s, body))
        yield body


@contextlib.contextmanager
def _memory_limit(mb: float):
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    base = _address_space()
    new = base + int(mb * 2**20) if base else resource.RLIM_INFINITY
    if hard != resource.RLIM_INFINITY:
        new = min(new, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (new, hard))
    except (ValueError, OSError):  # pragma: no cover - a platform without RLIMIT_AS
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _time_limit(seconds: float, body: _Body):
    if threading.current_thread() is threading.main_thread():

        def alarm(signum, frame):
            if body.running:
                raise _OverTimeLimit

        old = signal.signal(signal.SIGALRM, alarm)
        # the alarm repeats: an exception raised inside a gc callback or a finalizer is ignored by Python, so
        # one alarm can be lost; the next one, a tenth of the limit later (at most 1 s), stops the run
        signal.setitimer(signal.ITIMER_REAL, seconds, min(max(seconds / 10, 0.001), 1.0))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        return
    # another thread (a Dask worker's): an asynchronous exception, raised between two bytecodes
    tid, lock, state = threading.get_ident(), threading.Lock(), {"done": False}

    def fire():
        with lock:
            if not state["done"] and body.running:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(_OverTimeLimit))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            # one set just as the run returned, not raised yet: cleared, so that it cannot stop what follows
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)
        timer.cancel()


# ---------------------------------------------------------------- one run, never raising
def execute(task: dict, runner: Callable = run_one, limits: Limits = NO_LIMITS) -> dict:
    """Run ``runner(task["params"], task["seed"])`` within ``limits``; never raises.

    Returns the task with ``ok``, ``seconds`` and either ``outcomes`` or ``reason`` (one line) and
    ``traceback``.
    """
    t0 = time.perf_counter()
    try:
        with limited(limits) as body:
            out = body.call(runner, task["params"], task["seed"])
        seconds = time.perf_counter() - t0
        if limits.time_s is not None and seconds > limits.time_s:  # its interrupt was lost (see _time_limit)
            return failure(task, limits.time_reason(), seconds)
        return {**task, "ok": True, "outcomes": out, "seconds": seconds}
    except _OverTimeLimit:
        return failure(task, limits.time_reason(), time.perf_counter() - t0)
    except MemoryError:
        reason = limits.memory_reason() if limits.memory_mb is not None else "MemoryError"
        return failure(task, reason, time.perf_counter() - t0, traceback.format_exc())
    except Exception:  # noqa: BLE001 - a failing run is recorded, the others go on
        tb = traceback.format_exc()
        return failure(task, tb.strip().splitlines()[-1], time.perf_counter() - t0, tb)


def check_all_ran(results: list[dict], msgid: str, error: type[TranslatableError] | None = None) -> list[dict]:
    """``results`` when every run succeeded, else ``error`` (default OutputError) in one line.

    The line is ``msgid`` with ``{n}`` (the failed runs) and ``{reason}`` (the first one's), in each reader's language.
    """
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise (error or OutputError)(msgid, n=number(len(failed), "count"), reason=failed[0]["reason"])
    return results


def failure(task: dict, reason: str, seconds: float = 0.0, tb: str | None = None) -> dict:
    """A failed run's result: ``reason`` is one line, ``traceback`` the full text (the reason if none)."""
    return {**task, "ok": False, "reason": reason, "traceback": tb or reason + "\n", "seconds": seconds}


def _run_batch(batch: list[dict], runner: Callable, limits: Limits) -> list[dict]:
    """An executor task: several runs, one after another (module level: importable by Dask workers)."""
    return [execute(t, runner, limits) for t in batch]


# ---------------------------------------------------------------- running many
def run_many(
    tasks: Iterable[dict],
    runner: Callable = run_one,
    executor: str | Executor = "sequential",
    workers: int | None = None,
    scheduler: str | None = None,
    on_result: Callable[[dict], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    batch_seconds: float = 0.5,
) -> list[dict] | None:
    """Run every task (a dict with ``params`` and ``seed``, plus anything the caller keeps) on ``executor``.

    Each result (see :func:`execute`) goes to ``on_result`` as soon as it is in, in whatever order runs
    finish; without ``on_result`` the results are returned in the tasks' order. Raises ExecutionError
    when the executor cannot start; an exception from ``on_result`` stops the runs and is raised.
    """
    with open_executor(executor, workers, scheduler, limits) as ex:
        return ex.run(tasks, runner, on_result, batch_seconds)


def open_executor(
    executor: str | Executor = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> _Runner:
    """Start an executor (raising ExecutionError with one line if it cannot); use it as a context manager."""
    if isinstance(executor, Executor):
        return _FuturesRunner(executor, workers or os.cpu_count() or 1, limits, lambda: None)
    if executor == "sequential":
        return _Runner(limits)
    if executor == "processes":
        return _ProcessRunner(workers or os.cpu_count() or 1, limits)
    if executor == "dask":
        return _dask_runner(workers, scheduler, limits)
    raise ExecutionError(
        N_("unknown executor '{executor}' (allowed: {allowed})"), executor=executor, allowed=", ".join(EXECUTORS)
    )


class _Runner:
    """The sequential executor: runs in this process, one after another."""

    def __init__(self, limits: Limits):
        self.limits = limits

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        pass

    def run(self, tasks, runner, on_result=None, batch_seconds: float = 0.5):
        """Run ``tasks``; results go to ``on_result`` as they come, or are returned in the tasks' order."""
        results: list[dict] = []

        def emit(res: dict) -> None:
            if on_result is None:
                results.append(res)
            else:
                on_result({k: v for k, v in res.items() if k != "_index"})

        self._run(list(tasks), runner, emit, batch_seconds)
        if on_result is not None:
            return None
        results.sort(key=lambda r: r["_index"])
        return [{k: v for k, v in r.items() if k != "_index"} for r in results]

    def _run(self, tasks, runner, emit, batch_seconds):
        for i, t in enumerate(tasks):
            emit(execute({**t, "_index": i}, runner, self.limits))


class _Batches:
    """Hands out batches of tasks sized to take about ``batch_seconds`` (from the runs' mean time so far)."""

    def __init__(self, tasks: list[dict], workers: int, batch_seconds: float):
        self.todo = collections.deque({**t, "_index": i} for i, t in enumerate(tasks))
        self.workers, self.batch_seconds = workers, batch_seconds
        self.ran, self.seconds = 0, 0.0

    def timed(self, res: dict) -> None:
        self.ran += 1
        self.seconds += res["seconds"]

    def next(self) -> list[dict]:
        size = 1
        if self.ran and self.batch_seconds > 0:
            mean = max(self.seconds / self.ran, 1e-4)
            size = int(min(32, max(1, self.batch_seconds / mean), max(1, len(self.todo) // (2 * self.workers))))
        return [self.todo.popleft() for _ in range(min(size, len(self.todo)))]

    def give_back(self, tasks: list[dict]) -> None:
        self.todo.extendleft(reversed(tasks))


# Dask waits. The connect timeout to an existing scheduler is Dask's configuration key
# ``ibusim.scheduler-timeout`` (default 10 s; e.g. the environment variable DASK_IBUSIM__SCHEDULER_TIMEOUT=2s).
# A batch with no result LOST_TASK_GRACE_S per run beyond its time limit (x 1.1), plus LOST_TASK_SLACK_S, after
# it was queued is lost: Dask sometimes loses track of a task whose worker died.
SCHEDULER_CONNECT_TIMEOUT = "10s"
LOST_TASK_GRACE_S = 5.0
LOST_TASK_SLACK_S = 10.0


class _FuturesRunner(_Runner):
    """Any concurrent.futures Executor (Dask's included): batches, a bounded number in flight."""

    def __init__(self, ex: Executor, workers: int, limits: Limits, close: Callable[[], None]):
        super().__init__(limits)
        self.ex, self.workers, self._close = ex, workers, close

    def close(self) -> None:
        self._close()

    def _run(self, tasks, runner, emit, batch_seconds):
        batches = _Batches(tasks, self.workers, batch_seconds)
        pending: dict = {}
        deadline: dict = {}  # a safety net: a batch with no result long after its runs' limits is lost

        def submit():
            while batches.todo and len(pending) < 2 * self.workers:
                batch = batches.next()
                f = self.ex.submit(_run_batch, batch, runner, self.limits)
                pending[f] = batch
                if self.limits.time_s is not None:  # queued behind one batch at most, each run within its limit
                    deadline[f] = (
                        time.monotonic()
                        + 2 * len(batch) * (self.limits.time_s * 1.1 + LOST_TASK_GRACE_S)
                        + LOST_TASK_SLACK_S
                    )

        try:
            submit()
            while pending:
                timeout = max(0.0, min(deadline.values()) - time.monotonic()) if deadline else None
                finished, _ = wait(list(pending), timeout=timeout, return_when=FIRST_COMPLETED)
                for f in [f for f, d in deadline.items() if f not in finished and d < time.monotonic()]:
                    f.cancel()
                    deadline.pop(f)
                    for t in pending.pop(f):
                        emit(failure(t, "worker lost (no result long after the time limit)"))
                for f in finished:
                    deadline.pop(f, None)
                    batch = pending.pop(f)
                    try:
                        results = f.result()
                    except Exception as e:  # noqa: BLE001 - a lost worker (Dask KilledWorker, ...)
                        first = (str(e).strip().splitlines() or [""])[0].split(". ")[0][:200]
                        results = [failure(t, f"worker lost ({type(e).__name__}: {first})") for t in batch]
                    for res in results:
                        batches.timed(res)
                        emit(res)
                submit()
        finally:
            for f in pending:
                f.cancel()


def _dask_runner(workers: int | None, scheduler: str | None, limits: Limits) -> _FuturesRunner:
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover
        raise ExecutionError(N_("the dask executor needs 'distributed' installed")) from None
    try:
        if scheduler:
            client = Client(scheduler, timeout=dask.config.get("ibusim.scheduler-timeout", SCHEDULER_CONNECT_TIMEOUT))
            cluster = None
        else:
            n = workers or os.cpu_count() or 1
            memory = "auto" if limits.memory_mb is None else f"{int(limits.memory_mb) + 1024}MB"
            # a worker that dies fails its task at once (the run is recorded), instead of retrying it 3 times
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    memory_limit=memory,
                )
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as e:
        raise ExecutionError(
            # TRANSLATORS: {scheduler} is an address, or "(local)"; {problem} is the system's own words
            N_("cannot reach the Dask scheduler {scheduler}: {problem}"),
            scheduler=scheduler or "(local)",
            problem=str(e),
        ) from None
    n_workers = len(client.scheduler_info().get("workers", {})) or workers or 1

    def close():
        client.close()
        if cluster is not None:
            cluster.close()

    return _FuturesRunner(client.get_executor(), n_workers, limits, close)


def forkserver_context():
    """A forkserver context whose server imports the model once, so that workers start without importing it.

    Never fork a process that has threads (progress bar, Dask, pyabc).
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["ibusim.experiments.execution", "ibusim.model", "pandas"])
    return ctx


def _worker(conn, runner, limits: Limits) -> None:
    """A worker process: receive a batch; for each run send None as it starts, then its result; None ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    while True:
        try:
            batch = conn.recv()
        except EOFError:
            return
        if batch is None:
            return
        for task in batch:
            conn.send(None)  # started: the parent's clock for the time limit starts now
            conn.send(execute(task, runner, limits))


def _death(proc) -> str:
    code = proc.exitcode
    if code is not None and code < 0:
        try:
            return f"worker process died (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f"worker process died (signal {-code})"
    return f"worker process died (exit status {code})"


class _ProcessRunner(_Runner):
    """Worker processes of our own, each holding one batch at a time.

    The parent knows which run each worker holds, so a worker that dies or overruns the time limit
    fails exactly that run, and is replaced; the rest of its batch goes back to the queue.
    """

    GRACE_S = 2.0  # the parent kills a worker this long (plus 10%) after the run's own alarm should have fired

    def __init__(self, workers: int, limits: Limits):
        super().__init__(limits)
        self.n = workers
        self.ctx = forkserver_context()
        self.procs: list = []

    def _start(self, runner):
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, runner, self.limits), daemon=True)
        proc.start()
        child.close()
        w = {"proc": proc, "conn": parent, "batch": collections.deque(), "started": None}
        self.procs.append(w)
        return w

    def _stop(self, w, kill: bool = False) -> None:
        if kill and w["proc"].is_alive():
            w["proc"].kill()
        w["proc"].join(5)
        if w["proc"].is_alive():  # pragma: no cover
            w["proc"].kill()
            w["proc"].join(5)
        w["conn"].close()
        self.procs.remove(w)

    def close(self) -> None:
        for w in list(self.procs):
            with contextlib.suppress(OSError):
                w["conn"].send(None)
        deadline = time.monotonic() + 5
        for w in list(self.procs):
            w["proc"].join(max(0.0, deadline - time.monotonic()))
            self._stop(w, kill=True)

    def _run(self, tasks, runner, emit, batch_seconds):
        batches = _Batches(tasks, self.n, batch_seconds)
        limit = self.limits.time_s
        hard = None if limit is None else limit * 1.1 + self.GRACE_S
        idle_deaths = 0
        try:
            for _ in range(min(self.n, len(batches.todo))):
                self._start(runner)
            while batches.todo or any(w["batch"] for w in self.procs):
                now = time.monotonic()
                for w in self.procs:  # give every idle worker a batch
                    if not w["batch"] and batches.todo:
                        batch = batches.next()
                        w["conn"].send(batch)
                        w["batch"].extend(batch)
                timeout = None
                if hard is not None:
                    busy = [w["started"] + hard - now for w in self.procs if w["started"] is not None]
                    timeout = max(0.0, min(busy)) if busy else None
                ready = set(
                    wait_ready([w["conn"] for w in self.procs] + [w["proc"].sentinel for w in self.procs], timeout)
                )
                for w in list(self.procs):
                    dead = w["proc"].sentinel in ready
                    if w["conn"] in ready or dead:
                        dead = self._drain(w, batches, emit) or dead
                    if dead:
                        w["proc"].join(5)
                        if w["started"] is not None:  # the run it was running fails; the rest go back
                            emit(failure(w["batch"].popleft(), _death(w["proc"])))
                            idle_deaths = 0
                        else:
                            idle_deaths += 1
                        self._replace(w, batches, runner)
                    elif hard is not None and w["started"] is not None and time.monotonic() - w["started"] > hard:
                        self._stop_overrun(w, batches, runner, emit)
                if idle_deaths > 2 * self.n:
                    raise ExecutionError(N_("worker processes keep dying before they run anything"))
        except BaseException:
            for w in list(self.procs):
                self._stop(w, kill=True)
            raise

    def _drain(self, w, batches, emit) -> bool:
        """Collect every result the worker has sent; True if its pipe is closed (the worker is gone)."""
        while True:
            try:
                if not w["conn"].poll():
                    return False
                res = w["conn"].recv()
            except (EOFError, OSError):
                return True
            if res is None:
                w["started"] = time.monotonic()
                continue
            w["batch"].popleft()
            w["started"] = None
            batches.timed(res)
            emit(res)  # may raise (e.g. a full disk): that ends the runs

    def _replace(self, w, batches, runner) -> None:
        batches.give_back(list(w["batch"]))  # runs of its batch that had not started
        w["batch"].clear()
        w["started"] = None
        self._stop(w)
        if batches.todo:
            self._start(runner)

    def _stop_overrun(self, w, batches, runner, emit) -> None:
        w["proc"].kill()
        w["proc"].join(5)
        self._drain(w, batches, emit)  # a result sent just before the kill still counts
        if w["started"] is not None:
            emit(failure(w["batch"].popleft(), self.limits.time_reason(), self.limits.time_s))
        self._replace(w, batches, runner)


# ---------------------------------------------------------------- writing
def atomic_write(path: str | Path, writer: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``writer(temporary_path)``, then rename: readers see the old file or the new."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def atomic_text(path: str | Path, text: str) -> Path:
    """Write a text file atomically (UTF-8, the text's own line endings)."""

    def write(p: Path) -> None:
        with open(p, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    return atomic_write(path, write)


def check_new_folder(out: str | Path) -> Path:
    """Raise OutputError unless ``out`` can be created as a new folder."""
    out = Path(out)
    if out.exists():
        raise OutputError(M_EXISTS, path=str(out))
    probe = out.resolve().parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            N_("output folder '{path}' cannot be created: '{probe}' is not writable"), path=str(out), probe=str(probe)
        )
    return out


@contextlib.contextmanager
def atomic_folder(out: str | Path):
    """Yield a temporary folder beside ``out``; rename it to ``out`` when the block ends without error.

    ``out`` must not exist (OutputError); on any error the temporary folder is removed, so a crash never
    leaves a half-written folder, and OSError becomes OutputError with one line.
    """
    out = check_new_folder(out)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    try:
        tmp.mkdir(parents=True)
        yield tmp
        tmp.rename(out)
    except OSError as e:
        raise OutputError(M_CANNOT_WRITE, path=str(out), reason=str(e.strerror or e)) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


class FolderLock:
    """An exclusive lock on a folder (``fcntl.flock`` on its ``.lock`` file), naming its holder.

    ``acquire`` raises ExecutionError naming the running holder (pid, start time, command) when another
    process holds it. The lock goes with the process: a killed holder never leaves the folder locked.
    """

    NAME = ".lock"

    def __init__(self, folder: str | Path):
        self.path = Path(folder) / self.NAME
        self.fd: int | None = None

    def acquire(self, what: str = N_("a sweep")) -> FolderLock:
        """Take the lock, or raise ExecutionError naming the process that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            folder = str(self.path.parent)
            msgid = what  # e.g. N_("another sweep"): the caller marks it
            what = Localised(msgid, lambda lang: gettext(lang)(msgid))
            try:
                info = json.loads(holder)
                holder_fields = {"pid": info["pid"], "started": info["started"], "command": info["command"]}
            except (ValueError, KeyError, TypeError):
                raise ExecutionError(M_IN_USE_UNKNOWN, folder=folder, what=what) from None
            raise ExecutionError(M_IN_USE, folder=folder, what=what, **holder_fields) from None
        self.fd = fd
        return self

    def claim(self) -> None:
        """Write this process's name into the lock file (after the caller decided to go on)."""
        info = {
            "pid": os.getpid(),
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
        }
        data = json.dumps(info).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)

    def release(self) -> None:
        """Drop the lock (closing the file drops the flock)."""
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None


# ---------------------------------------------------------------- manifests
@functools.cache
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
    return "ibusim " + package_versions(("ibusim",))["ibusim"]


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each package ("not installed" if absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(packages: Iterable[str] = PACKAGES, **fields: Any) -> dict:
    """``fields`` plus what makes any output reproducible: code version, Python, packages, command line."""
    return {
        **fields,
        "code_version": code_version(),
        "python": platform.python_version(),
        "packages": package_versions(packages),
        "command": sys.argv,
    }


def dumps(obj) -> str:
    """Strict JSON: numpy scalars become Python numbers, NaN and infinities become null."""
    import math

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

    return json.dumps(clean(obj), indent=2, allow_nan=False, default=str)
