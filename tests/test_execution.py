"""The execution layer's errors in each reader's language (experiments/execution.py).

ExecutionError and OutputError keep their English msgid and fields (:class:`ibusim.i18n.TranslatableError`):
``str(e)`` is the English line it always was, ``error_text(e, "id")`` the Indonesian one. They stay a
RuntimeError and an OSError, so every ``except`` that caught them still does.
"""

from __future__ import annotations

import errno

import pytest

from ibusim.experiments.execution import (
    ExecutionError,
    FolderLock,
    OutputError,
    atomic_folder,
    check_new_folder,
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
