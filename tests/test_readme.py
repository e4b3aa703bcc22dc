"""README.md stays true: its test command is what CI runs, its links resolve, its examples work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from experiments import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"


def readme() -> str:
    assert README.is_file(), "README.md is missing"
    return README.read_text(encoding="utf-8")


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)]


def command_lines(text: str) -> list[str]:
    """Non-empty, non-comment lines (the shebang and `set`/`cd` set-up lines are kept)."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def setup_and_test_commands() -> list[str]:
    lang, body = code_blocks(readme())[0]
    assert lang in ("bash", "sh", "shell", ""), lang
    return command_lines(body)


def test_readme_opens_with_the_setup_run_and_test_commands():
    cmds = setup_and_test_commands()
    assert len(cmds) == 2, cmds
    assert cmds[0] == "bash scripts/setup.sh && .venv/bin/ibusim run"
    assert cmds[1] == "bash scripts/setup.sh --test && .venv/bin/python -m pytest -n 2"


def test_ci_runs_exactly_the_readme_test_command():
    test_cmd = setup_and_test_commands()[1]
    ci = command_lines(CI.read_text(encoding="utf-8"))
    assert ci[-1] == test_cmd
    assert shlex.split(ci[-1]) == shlex.split(test_cmd)
    # it runs from the repository root and stops at the first failure
    assert any(re.fullmatch(r'cd "\$\(dirname "\$0"\)/\.\."', line) for line in ci[:-1])
    assert any(line.startswith("set -") and "e" in line.split()[1] for line in ci[:-1])


def test_the_commands_name_files_that_exist():
    for cmd in setup_and_test_commands():
        for word in shlex.split(cmd):
            if word.startswith(("scripts/", ".venv/")):
                assert (ROOT / word).exists(), word
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "--test)" in setup  # the option the test command uses


def test_relative_links_resolve():
    missing = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme()):
        if re.match(r"[a-z]+://", target):
            continue
        if not (ROOT / target).exists():
            missing.append(target)
    assert missing == [], f"README.md links to files that do not exist: {missing}"


def test_rule_table_names_every_rule_module():
    text = readme()
    modules = {p.name for p in (ROOT / "model").glob("*.py")} - {"__init__.py", "states.py"}
    for name in modules:
        assert f"model/{name}" in text, name


def test_example_run_output_matches_the_cli(tmp_path, capsys):
    """The README's example of `ibusim run` has the real first line and table header."""
    block = next(body for _, body in code_blocks(readme()) if body.startswith("$ .venv/bin/ibusim run"))
    example = block.splitlines()[1:]
    assert cli.main(["run", "--out", str(tmp_path / "run")]) == 0
    real = capsys.readouterr().out.splitlines()
    assert example[0] == real[0]
    assert example[1].split() == real[1].split()
    assert example[2].split() == real[2].split()
    assert example[-2] == real[-2] == "8 of 8 figures inside their band"
    assert re.fullmatch(r"run folder: results/run-ipm-seed1-\d{8}-\d{6}", example[-1])


def test_python_example_runs():
    block = next(body for lang, body in code_blocks(readme()) if lang == "python")
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    m = namespace["m"]
    assert m.running is False and m.summary()["registered"] > 0
    assert len(namespace["df"]) == m.week + 1
