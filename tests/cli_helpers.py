"""Helpers shared by the tests that drive the ``ibusim`` command line.

Used by test_cli, test_sweep and test_dashboard_server: in-process and as the real console script.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from ibusim import cli

IBUSIM = Path(sys.executable).parent / "ibusim"


def main(argv, capsys) -> tuple[int, str, str]:
    """ibusim.cli.main in-process: (status, stdout, stderr); argparse errors exit via SystemExit."""
    try:
        status = cli.main([str(a) for a in argv])
    except SystemExit as e:
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


def ibusim(*args, cwd, timeout=120, env=None) -> subprocess.CompletedProcess:
    """The real console script (``env``: variables added to this process's environment)."""
    return subprocess.run(
        [str(IBUSIM), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else {**os.environ, **env},
    )


def assert_one_line_error(status, err, *fragments) -> str:
    """Status 2 and one line ``ibusim: error: ...`` holding every fragment, no traceback; returns the line."""
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()  # also splits on the carriage returns of a progress bar
    assert len(lines) == 1, repr(err)
    assert lines[0].startswith("ibusim: error: "), lines[0]
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (hidden ones included) with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }
