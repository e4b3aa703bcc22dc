"""ruff (pyflakes, pycodestyle, isort, pydocstyle with the Google convention; configured in pyproject.toml).

Run by the README's test command, so CI enforces the lint and the format on the whole tree.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUFF), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_configured_for_the_project():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.ruff.lint]" in config and 'convention = "google"' in config
    assert RUFF.exists(), f"{RUFF} is missing: run bash scripts/setup.sh --test"


def test_the_tree_passes_ruff_check():
    res = ruff("check", "--output-format", "concise", ".")
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_tree_is_formatted():
    res = ruff("format", "--check", ".")
    assert res.returncode == 0, res.stdout + res.stderr
