"""The execution layer (experiments/execution.py): its errors in each reader's language; run time limits.

ExecutionError and OutputError keep their English msgid and fields (:class:`ibusim.i18n.TranslatableError`):
``str(e)`` is the English line it always was, ``error_text(e, "id")`` the Indonesian one. They stay a
RuntimeError and an OSError, so every ``except`` that caught them still does.
"""

from __future__ import annotations

import errno
import signal
import time

import pytest

from ibusim.experiments.execution import (
    ExecutionError,
    FolderLock,
    Limits,
    OutputError,
    atomic_folder,
    check_all_ran,
    check_new_folder,
    execute,
    limited,
    open_executor,
)
from ibusim.i18n import N_, error_text


def test_an_unknown_executor_is_named_in_both_languages():
    with pytest.raises(ExecutionError) as info:
        open_executor("bogus")
    assert isinstance(info.value, RuntimeError)
    assert str(info.value) == "unknown executor 'bogus' (allowed: sequential, processes, dask)"
    assert error_text(info.value, "id") == "executor 'bogus' tidak dikenal (yang boleh: sequential, processes, dask)"


def test_an_existing_folder_and_a_failed_write_are_refused_in_indonesian(tmp_path):
    with pytest.raises(OutputError) as info:
        check_new_folder(tmp_path)
    assert isinstance(info.value, OSError)
    assert str(info.value) == f"output folder '{tmp_path}' already exists; ibusim never overwrites a run folder"
    assert error_text(info.value, "id") == (
        f"folder hasil '{tmp_path}' sudah ada; ibusim tidak pernah menimpa folder hasil simulasi"
    )
    out = tmp_path / "new"
    with pytest.raises(OutputError) as info:
        with atomic_folder(out):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert str(info.value) == f"cannot write '{out}': No space left on device"
    assert error_text(info.value, "id") == f"tidak bisa menulis '{out}': No space left on device"
    assert not out.exists()


def test_a_folder_in_use_names_its_holder_in_indonesian(tmp_path):
    first = FolderLock(tmp_path).acquire()
    try:
        with pytest.raises(ExecutionError) as info:
            FolderLock(tmp_path).acquire(N_("another sweep"))  # before the holder wrote its name
        assert (
            str(info.value) == f"folder '{tmp_path}' is in use by another sweep (another process); wait for it to end"
        )
        assert error_text(info.value, "id") == (
            f"folder '{tmp_path}' sedang dipakai oleh uji rentang lain (proses lain); tunggu sampai selesai"
        )
        first.claim()
        with pytest.raises(ExecutionError) as info:
            FolderLock(tmp_path).acquire(N_("another sweep"))
        assert str(info.value).startswith(f"folder '{tmp_path}' is in use by another sweep (pid ")
        indonesian = error_text(info.value, "id")
        assert indonesian.startswith(f"folder '{tmp_path}' sedang dipakai oleh uji rentang lain (pid "), indonesian
        assert ", mulai " in indonesian and indonesian.endswith("; tunggu sampai selesai")
    finally:
        first.release()


# ---------------------------------------------------------------- time limits that cannot be lost
def _busy(seconds: float, swallow: int, seen: dict) -> dict:
    """Spin for ``seconds``, ignoring the first ``swallow`` time-limit interrupts; ``seen["end"]`` if it got there.

    Python does the same with an exception raised in a gc callback or a finalizer ("Exception ignored in ..."):
    a run's interrupt can be lost that way.
    """
    end, ignored = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        try:
            while time.perf_counter() < end:
                pass
        except BaseException as e:  # noqa: BLE001 - the limit's interrupt is a BaseException, like Ctrl+C
            if isinstance(e, (KeyboardInterrupt, SystemExit)) or ignored >= swallow:
                raise
            ignored += 1
    seen["end"] = True
    return {"ignored": ignored}


def test_a_lost_interrupt_is_followed_by_another_that_stops_the_run():
    task, seen = {"params": {}, "seed": 1}, {"end": False}
    out = execute(task, lambda p, s: _busy(5.0, 1, seen), Limits(0.05, None))
    assert not out["ok"] and out["reason"] == "over the time limit of 0.05 s"
    assert not seen["end"]  # stopped by the repeated alarm, not at the spin's end


def _deaf(seconds: float, seen: dict) -> dict:
    """Spin for ``seconds`` with the alarm's handler replaced by one that does nothing: every interrupt lost."""
    signal.signal(signal.SIGALRM, lambda signum, frame: None)  # the limit puts its own handler back after the run
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    seen["end"] = True
    return {"x": 1}


def test_a_run_that_outlives_its_limit_is_never_recorded_as_done():
    task, seen = {"params": {}, "seed": 1}, {"end": False}
    out = execute(task, lambda p, s: _deaf(0.3, seen), Limits(0.05, None))
    assert seen["end"]  # the run went on to its end: no interrupt stopped it
    assert not out["ok"] and out["reason"] == "over the time limit of 0.05 s"
    fast = execute(task, lambda p, s: {"x": 1}, Limits(5.0, None))
    assert fast["ok"] and fast["outcomes"] == {"x": 1}


def test_an_alarm_that_arrives_after_the_run_returned_stops_nothing():
    # under load an alarm can arrive (or be pending) just after the run returned, while the limit cleans up;
    # it used to raise there, leaving the repeating timer and its handler to stop whatever ran next
    with limited(Limits(60.0, None)) as body:
        assert body.call(lambda: 7) == 7
        signal.raise_signal(signal.SIGALRM)  # the late alarm: its handler runs here, after the run
        after = "reached"
    assert after == "reached"
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL  # the handler put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # and the timer stopped


def test_an_alarm_during_the_run_stops_the_run():
    task = {"params": {}, "seed": 1}
    out = execute(task, lambda p, s: signal.raise_signal(signal.SIGALRM), Limits(60.0, None))
    assert not out["ok"] and out["reason"] == "over the time limit of 60 s"
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_check_all_ran_names_how_many_failed_and_the_first_reason_in_each_language():
    ok = [{"ok": True}, {"ok": True}]
    assert check_all_ran(ok, N_("{n} run(s) failed; first: {reason}")) is ok
    runs = ok + [{"ok": False, "reason": f"boom {i}"} for i in range(1500)]
    with pytest.raises(OutputError) as info:
        check_all_ran(runs, N_("{n} run(s) failed; first: {reason}"))
    assert str(info.value) == "1500 run(s) failed; first: boom 0"
    assert error_text(info.value, "id").startswith("1.500 ") and "boom 0" in error_text(info.value, "id")
    with pytest.raises(ExecutionError):
        check_all_ran(runs, N_("{n} predictive run(s) failed; first: {reason}"), ExecutionError)
