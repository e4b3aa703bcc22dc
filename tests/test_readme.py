"""README.md stays true: its test command is what CI runs, its links resolve, its examples work.

The examples with numbers (a run, the teachers' wheel vs all-channel demonstration,
the momfluencer economy) are checked against real runs: the lines and labels
exactly, the pattern names exactly, and the numbers of the teachers' table within a
tolerance, so that a small retuning of a preset does not fail them but a stale
README does.
"""

from __future__ import annotations

import math
import re
import shlex
from pathlib import Path

from ibusim import cli
from ibusim.model import CommunityModel
from ibusim.model.parameters import PARAMS

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
    assert cmds[0] == "bash scripts/setup.sh && .venv/bin/ibusim dashboard"
    assert cmds[1] == "bash scripts/setup.sh --test && .venv/bin/python -m pytest -n 2"


def test_ci_runs_exactly_the_readme_test_command():
    """.ci/run runs the README's test command: its parts (set-up, then pytest) in order, pytest last and once."""
    parts = [part.strip() for part in setup_and_test_commands()[1].split("&&")]
    ci = command_lines(CI.read_text(encoding="utf-8"))
    assert ci[-1] == parts[-1]
    where = [ci.index(part) if part in ci else -1 for part in parts]
    assert -1 not in where and where == sorted(where), (parts, ci)
    assert [line for line in ci if "pytest" in line.split()] == [parts[-1]]
    # it runs from the repository root and stops at the first failure, before any of them
    cd = next(i for i, line in enumerate(ci) if re.fullmatch(r'cd "\$\(dirname "\$0"\)/\.\."', line))
    errexit = next(i for i, line in enumerate(ci) if line.startswith("set -") and "e" in line.split()[1])
    assert max(cd, errexit) < where[0]


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


def rule_table() -> list[list[str]]:
    """Rows (cells) of the table under "## Rules: where each lives and its test"."""
    text = readme()
    section = text[text.index("## Rules: where each lives and its test") :]
    section = section[: section.find("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| rule |")]
    return [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows if not set(row) <= set("|- ")]


# modules tested in another module's test: the ordered rules with the rule interface, the memory
# check with the other refusals of bad input
TESTED_WITH = {"rules": "rule", "resources": "bad_input"}


def test_rule_table_names_every_rule_module():
    """Every model/ module has a row that links it and its own test module tests/test_<module>.py."""
    rows = rule_table()
    assert rows and all(len(r) == 3 for r in rows), rows
    modules = sorted(p.stem for p in (ROOT / "model").glob("*.py") if p.stem not in ("__init__", "states"))
    missing = []
    for name in modules:
        row = next((r for r in rows if f"](model/{name}.py)" in r[1]), None)
        if row is None or f"](tests/test_{TESTED_WITH.get(name, name)}.py)" not in row[2]:
            missing.append(name)
    assert not missing, f"README.md's rule table has no row (module and test) for {missing}"


def _cli_run(args: list[str], tmp_path, capsys) -> list[str]:
    assert cli.main([*args, "--out", str(tmp_path / "run")]) == 0
    return capsys.readouterr().out.splitlines()


def _labels(lines: list[str]) -> list[str]:
    """The label of each "other figures" line (the words before the first colon)."""
    i = lines.index("other figures (not targets):")
    return [line.split(":")[0] for line in lines[i:] if line.startswith("  ")]


def test_example_run_output_matches_the_cli(tmp_path, capsys):
    """The README's example of `ibusim run` has the real first line, table, verdict and figure labels."""
    block = next(body for _, body in code_blocks(readme()) if body.startswith("$ .venv/bin/ibusim run\n"))
    example = block.splitlines()[1:]
    real = _cli_run(["run"], tmp_path, capsys)
    assert example[0] == real[0]
    assert example[1].split() == real[1].split()
    assert example[2].split() == real[2].split()
    assert [line.split()[:-2] for line in example[3:11]] == [line.split()[:-2] for line in real[3:11]]
    verdict = next(line for line in real if line.endswith("figures inside their band"))
    assert verdict in example
    assert _labels(example) == _labels(real)
    assert re.fullmatch(r"run folder: results/run-ipm-seed1-\d{8}-\d{6}", example[-1])


def test_teachers_example_shows_wheel_and_all_channel():
    """The teachers' code runs; its table shows the real patterns and (nearly) the real numbers."""
    text = readme()
    section = text[text.index("## For teachers") :]
    section = section[: section.find("\n## ", 1)]
    block = next(body for lang, body in code_blocks(section) if lang == "python")
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    wheel, peers = namespace["wheel"].monitors, namespace["peers"].monitors
    assert wheel["comm_pattern"] == "wheel" and peers["comm_pattern"] == "all-channel"
    assert wheel["comm_centralisation"] > peers["comm_centralisation"]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| `(comm_\w+)`[^|]* \| (.+?) \| (.+?) \|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    assert set(rows) == {"comm_pattern", "comm_centralisation", "comm_density", "comm_nodes"}, rows
    for real, col in ((wheel, 0), (peers, 1)):
        assert rows["comm_pattern"][col] == real["comm_pattern"]
        assert math.isclose(float(rows["comm_centralisation"][col]), real["comm_centralisation"], abs_tol=0.03)
        assert math.isclose(float(rows["comm_density"][col]), real["comm_density"], rel_tol=0.2)
        assert math.isclose(int(rows["comm_nodes"][col].replace(",", "")), real["comm_nodes"], rel_tol=0.2)


def test_momfluencer_example_matches_the_cli(tmp_path, capsys):
    """The README's `ibusim run --scenario ibusibuk` example matches the real run.

    It has the real first line and figure labels, and income figures that exist in the summary.
    """
    text = readme()
    block = next(body for _, body in code_blocks(text) if body.startswith("$ .venv/bin/ibusim run --scenario ibusibuk"))
    example = block.splitlines()[1:]
    real = _cli_run(["run", "--scenario", "ibusibuk"], tmp_path, capsys)
    assert example[0] == real[0]
    assert _labels(example) == _labels(real)
    real_mom = next(line for line in real if line.startswith("  momfluencers:"))
    shown_mom = next(line for line in example if line.startswith("  momfluencers:"))
    assert re.sub(r"[\d,]+", "N", shown_mom) == re.sub(r"[\d,]+", "N", real_mom)
    keys = set(CommunityModel(preset="ibusibuk", rng=1, n_mothers=2_000).run().summary())
    section = text[text.index("## The momfluencer economy") :]
    named = set(re.findall(r"`(income_\w+)`", section)) - set(PARAMS)
    assert named and named <= keys, named - keys


def test_python_example_runs():
    """The first Python block (section "From Python") runs."""
    block = next(body for lang, body in code_blocks(readme()) if lang == "python")
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    m = namespace["m"]
    assert m.running is False and m.summary()["registered"] > 0
    assert len(namespace["df"]) == m.week + 1
