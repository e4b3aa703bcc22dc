"""docs/ODD.md: the generated parameter tables are current, and the document covers the model.

Tests model/docs.py (the generator) and the parts of docs/ODD.md that can drift
from the code: the parameter tables, the seven ODD sections, every parameter,
one Submodels subsection per rule module in the step order, the observed targets.
"""

from __future__ import annotations

import re
import shutil

import pytest

from model import community, docs
from model import targets as targets_mod
from model.parameters import PARAMS, PROGRAMMES

ODD = docs.ROOT / "docs" / "ODD.md"
SECTIONS = (
    "1. Purpose and patterns",
    "2. Entities, state variables and scales",
    "3. Process overview and scheduling",
    "4. Design concepts",
    "5. Initialization",
    "6. Input data",
    "7. Submodels",
)
DESIGN_CONCEPTS = ("Basic principles", "Emergence", "Adaptation", "Objectives", "Learning", "Prediction",
                   "Sensing", "Interaction", "Stochasticity", "Collectives", "Observation")


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The body of the level-2 section whose heading is ``heading``."""
    start = text.index(f"\n## {heading}\n")
    nxt = text.find("\n## ", start + 1)
    return text[start: nxt if nxt >= 0 else len(text)]


def _hand_written(text: str) -> str:
    i, j = text.index(docs.BEGIN), text.index(docs.END)
    return text[:i] + text[j:]


def test_generated_tables_are_current():
    assert docs.is_current(ODD), "docs/ODD.md's parameter tables are stale: run `python -m model.docs`"


def test_seven_sections_in_order(text):
    headings = re.findall(r"^## (\d\. .+)$", text, flags=re.M)
    assert tuple(headings) == SECTIONS


def test_design_concepts_has_every_sub_element(text):
    body = _section(text, "4. Design concepts")
    missing = [c for c in DESIGN_CONCEPTS if f"**{c}.**" not in body]
    assert not missing, f"section 4 lacks the ODD design concepts {missing}"


def test_every_parameter_is_named(text):
    missing = [name for name in PARAMS if f"`{name}`" not in text]
    assert not missing, f"parameters missing from docs/ODD.md: {missing}; run `python -m model.docs`"


def test_every_parameter_is_described_outside_the_generated_table(text):
    """The prose names each parameter (programme parameters as the `<prog>_*` family)."""
    prose = _hand_written(text)

    def described(name: str) -> bool:
        if f"`{name}`" in prose:
            return True
        prog = next((g for g in PROGRAMMES if name.startswith(g + "_")), None)
        return prog is not None and f"`<prog>_{name[len(prog) + 1:]}`" in prose

    missing = [name for name in PARAMS if not described(name)]
    assert not missing, f"no hand-written part of docs/ODD.md describes {missing}"


def _step_order_modules() -> list[str]:
    mods = re.findall(r"^\s*\d+\.\s+``(\w+)``", community.__doc__, flags=re.M)
    return list(dict.fromkeys(mods))


def test_every_rule_in_the_step_order_has_a_submodel(text):
    mods = _step_order_modules()
    assert len(mods) >= 7, f"could not read the step order from model/community.py: {mods}"
    body = _section(text, "7. Submodels")
    headings = re.findall(r"^### (.+)$", body, flags=re.M)
    missing = [m for m in mods if not any(f"`model/{m}.py`" in h for h in headings)]
    assert not missing, f"docs/ODD.md section 7 has no subsection for the rule modules {missing}"


def test_step_order_in_section_3_matches_community(text):
    body = _section(text, "3. Process overview and scheduling")
    listed = re.findall(r"^\d+\. `(\w+)`", body, flags=re.M)
    in_code = re.findall(r"^\s*\d+\.\s+``(\w+)``", community.__doc__, flags=re.M)
    assert listed == in_code


def test_every_target_is_quoted_with_its_value(text):
    body = _section(text, "1. Purpose and patterns")
    for t in targets_mod.load().values():
        assert t.quote in body, f"target {t.name}: quote missing from section 1"
        assert f"`{t.summary}`" in body, f"target {t.name}: summary key missing from section 1"


# ------------------------------------------------------------------ the generator

def test_update_rewrites_a_stale_block_and_keeps_the_markers(tmp_path):
    copy = tmp_path / "ODD.md"
    shutil.copy(ODD, copy)
    assert docs.update(copy) is False  # already current
    stale = copy.read_text(encoding="utf-8").replace(docs.render(), "| stale | table |")
    copy.write_text(stale, encoding="utf-8")
    assert not docs.is_current(copy)
    assert docs.main(["--check", str(copy)]) == 1
    assert docs.update(copy) is True
    new = copy.read_text(encoding="utf-8")
    assert new == ODD.read_text(encoding="utf-8")
    assert new.count(docs.BEGIN) == new.count(docs.END) == 1
    assert docs.main(["--check", str(copy)]) == 0


def test_check_message_is_one_line(tmp_path, capsys):
    copy = tmp_path / "ODD.md"
    copy.write_text(f"# x\n{docs.BEGIN}\nold\n{docs.END}\n", encoding="utf-8")
    assert docs.main(["--check", str(copy)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "python -m model.docs" in err


def test_missing_markers_are_an_error(tmp_path, capsys):
    copy = tmp_path / "ODD.md"
    copy.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(docs.DocsError):
        docs.update(copy)
    assert docs.main([str(copy)]) == 2
    assert copy.read_text(encoding="utf-8") == "# no markers\n"


def test_preset_tables_list_every_difference_with_its_comment():
    rendered = docs.render()
    for name in ("ipm", "ibusibuk"):
        table = docs.preset_table(name)
        assert table in rendered
        comments, _ = docs.toml_comments(docs.PRESET_DIR / f"{name}.toml")
        for key in docs.overrides(name):
            row = next(r for r in table.splitlines() if r.startswith(f"| `{key}` |"))
            assert comments[key].replace("|", "/") in row
