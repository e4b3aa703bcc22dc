"""docs/ODD.md: the generated parameter tables are current, and the document covers the model.

Tests model/docs.py (the generator) and the parts of docs/ODD.md that can drift
from the code: the parameter tables, the seven ODD sections, every parameter, the
step order of model/community.py (item by item), one Submodels subsection per rule
module that names the parameters its module reads, the flows, reporters and
summary keys, the random streams (keyed by name), the Bass limit case, the internal links, the
observed targets, and no mention of removed code.
"""

from __future__ import annotations

import ast
import re
import shutil

import pytest

from ibusim.model import CommunityModel, awareness, community, docs, metrics
from ibusim.model import targets as targets_mod
from ibusim.model.communication import CHANNELS, EVENT_TYPES, KINDS
from ibusim.model.parameters import PARAMS, PROGRAMMES
from ibusim.model.rules import RULES
from ibusim.model.states import Role, Stage

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
DESIGN_CONCEPTS = (
    "Basic principles",
    "Emergence",
    "Adaptation",
    "Objectives",
    "Learning",
    "Prediction",
    "Sensing",
    "Interaction",
    "Stochasticity",
    "Collectives",
    "Observation",
)
# model/ modules that hold no rule of their own (infrastructure, or the model itself, section 3)
NOT_RULES = {
    "__init__",
    "costs",  # unit costs for the optimiser (experiments/optimise.py); the model never reads them
    "states",
    "parameters",
    "scenarios",
    "docs",
    "targets",
    "outputs",
    "community",
    "rule",
    "rules",
    "resources",
}
# names of code that no longer exists and must not be documented
REMOVED = ("community_graph", "link_cohort", "cohort tie")


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The body of the level-2 section whose heading is ``heading``."""
    start = text.index(f"\n## {heading}\n")
    nxt = text.find("\n## ", start + 1)
    return text[start : nxt if nxt >= 0 else len(text)]


def _subsections(text: str) -> dict[str, str]:
    """Section 7's ``###`` subsections: heading → body."""
    body = _section(text, "7. Submodels")
    parts = re.split(r"^### (.+)$", body, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def _hand_written(text: str) -> str:
    i, j = text.index(docs.BEGIN), text.index(docs.END)
    return text[:i] + text[j:]


def _family(name: str) -> str:
    """How the ODD names a member of a family of names: the programme, kind and channel families."""
    for prog in PROGRAMMES:
        name = re.sub(rf"_{prog}$", "_<prog>", name)
    for kind, channel in EVENT_TYPES:
        name = re.sub(rf"_{kind}_{channel}$", "_<kind>_<channel>", name)
    for kind in KINDS:
        name = re.sub(rf"_{kind}$", "_<kind>", name)
    return name


def _named(name: str, text: str) -> bool:
    return f"`{name}`" in text or f"`{_family(name)}`" in text


def test_generated_tables_are_current():
    assert docs.is_current(ODD), "docs/ODD.md's parameter tables are stale: run `python -m ibusim.model.docs`"


def test_seven_sections_in_order(text):
    headings = re.findall(r"^## (\d\. .+)$", text, flags=re.M)
    assert tuple(headings) == SECTIONS


def test_design_concepts_has_every_sub_element(text):
    body = _section(text, "4. Design concepts")
    missing = [c for c in DESIGN_CONCEPTS if f"**{c}.**" not in body]
    assert not missing, f"section 4 lacks the ODD design concepts {missing}"


def test_every_parameter_is_named(text):
    missing = [name for name in PARAMS if f"`{name}`" not in text]
    assert not missing, f"parameters missing from docs/ODD.md: {missing}; run `python -m ibusim.model.docs`"


def test_every_parameter_is_described_outside_the_generated_table(text):
    """The prose names each parameter (programme parameters as the `<prog>_*` family)."""
    prose = _hand_written(text)

    def described(name: str) -> bool:
        if f"`{name}`" in prose:
            return True
        prog = next((g for g in PROGRAMMES if name.startswith(g + "_")), None)
        return prog is not None and f"`<prog>_{name[len(prog) + 1 :]}`" in prose

    missing = [name for name in PARAMS if not described(name)]
    assert not missing, f"no hand-written part of docs/ODD.md describes {missing}"


# ------------------------------------------------------------------ step order


def _normalise(s: str) -> str:
    return " ".join(s.replace("``", "`").split())


def _numbered(text: str, item: str) -> list[tuple[int, str, str]]:
    """(number, module or word, description) of each item of a numbered list.

    ``item`` matches an item's first line with groups (number, name, rest); the
    following indented lines continue the item. The list ends at the first blank line.
    """
    items: list[tuple[int, str, str]] = []
    for line in text.splitlines():
        m = re.match(item, line)
        if m:
            items.append((int(m.group(1)), m.group(2), m.group(3)))
        elif items and line.strip() and line.startswith(" "):
            num, name, desc = items[-1]
            items[-1] = (num, name, desc + " " + line.strip())
        elif items:
            break
    return [(num, name.strip("`"), _normalise(desc)) for num, name, desc in items]


def _code_steps() -> list[tuple[int, str, str]]:
    return _numbered(community.__doc__, r"^(\d+)\.\s+(``\w+``|\w+)\s+(.*)$")


def _odd_steps(text: str) -> list[tuple[int, str, str]]:
    body = _section(text, "3. Process overview and scheduling")
    return _numbered(body, r"^(\d+)\. (`\w+`|\w+):? (.*)$")


def test_step_order_of_community_is_readable():
    steps = _code_steps()
    assert [n for n, _, _ in steps] == list(range(1, len(steps) + 1)), steps
    assert len(steps) >= 14, f"could not read the step order from model/community.py: {steps}"
    assert steps[-1][1] == "metrics"


def test_step_order_in_section_3_matches_community(text):
    """Same items, same numbers, same module and the same words as the docstring of model/community.py."""
    assert _odd_steps(text) == _code_steps()


def _step_order_modules() -> list[str]:
    """Every rule module the step order names, including ``module.function`` mentions."""
    mods = [name for _, name, _ in _code_steps() if name != "metrics"]
    for _, _, desc in _code_steps():
        mods += re.findall(r"`(\w+)\.\w+`", desc)
    return list(dict.fromkeys(mods))


def test_every_rule_in_the_step_order_has_a_submodel(text):
    mods = _step_order_modules()
    assert len(mods) >= 12, mods
    headings = list(_subsections(text))
    missing = [m for m in mods if not any(f"`model/{m}.py`" in h for h in headings)]
    assert not missing, f"docs/ODD.md section 7 has no subsection for the rule modules {missing}"


def test_every_rule_module_has_a_submodel(text):
    """Rule modules outside the step order too (capacity, patterns, population, ...)."""
    mods = sorted(p.stem for p in (docs.ROOT / "model").glob("*.py"))
    headings = list(_subsections(text))
    missing = [m for m in mods if m not in NOT_RULES and not any(f"`model/{m}.py`" in h for h in headings)]
    assert not missing, f"docs/ODD.md section 7 has no subsection for {missing}"


def _docstring_params(module: str) -> list[str]:
    doc = ast.get_docstring(ast.parse((docs.ROOT / "model" / f"{module}.py").read_text(encoding="utf-8")))
    if not doc or "Parameters read:" not in doc:
        return []
    tail = doc.split("Parameters read:", 1)[1]
    return [w for w in dict.fromkeys(re.findall(r"\w+", tail)) if w in PARAMS]


def test_each_submodel_names_the_parameters_its_module_reads(text):
    """Every parameter a module's docstring lists under "Parameters read" is named in its subsection."""
    subs = _subsections(text)
    problems = {}
    for path in sorted((docs.ROOT / "model").glob("*.py")):
        params = _docstring_params(path.stem)
        if not params:
            continue
        body = next((b for h, b in subs.items() if f"`model/{path.stem}.py`" in h), None)
        assert body is not None, f"no subsection for model/{path.stem}.py"

        def named(p: str) -> bool:
            if _named(p, body):
                return True
            prog = next((g for g in PROGRAMMES if p.startswith(g + "_")), None)
            return prog is not None and (f"`<prog>_{p[len(prog) + 1 :]}`" in body or "`<prog>_*`" in body)

        missing = [p for p in params if not named(p)]
        if missing:
            problems[path.stem] = missing
    assert not problems, f"subsections of section 7 omit parameters their module reads: {problems}"


# ------------------------------------------------------------------ observation


def test_every_flow_is_in_the_step_table(text):
    body = _section(text, "3. Process overview and scheduling")
    table = "\n".join(line for line in body.splitlines() if line.startswith("| "))
    missing = [f for f in metrics.FLOWS if not _named(f, table)]
    assert not missing, f"section 3's table of flows lacks {missing}"


def test_every_reporter_and_summary_key_is_documented(text, ipm_run):
    body = _section(text, "4. Design concepts")
    reporters = [r for r in metrics.reporters() if not r.startswith("new_")]  # flows: section 3
    missing = [r for r in reporters if not _named(r, body)]
    assert not missing, f"section 4 (Observation) does not name the reporters {missing}"
    missing = [k for k in ipm_run.summary() if not _named(k, text)]
    assert not missing, f"docs/ODD.md does not name the summary() keys {missing}"


def test_event_kinds_and_channels_are_documented(text):
    sub = next(b for h, b in _subsections(text).items() if "`model/communication.py`" in h)
    rows = {
        tuple(c.strip() for c in line.strip("|").split("|")[:2])
        for line in sub.splitlines()
        if re.match(r"^\| u2[uds] \|", line)
    }
    assert rows == set(EVENT_TYPES), "the event table of the communication subsection differs from EVENT_TYPES"
    missing = [c for c in CHANNELS if f"`{c}`" not in sub]
    assert not missing, missing


def test_roles_and_stages_are_documented(text):
    body = _section(text, "2. Entities, state variables and scales")
    missing = [x.name for x in (*Stage, *Role) if f"`{x.name}`" not in body]
    assert not missing, missing


def _stream_names() -> set[str]:
    """Every random stream the model draws from: each rule's (its name) and those named in the code."""
    names = {rule.name for rule in RULES}
    for path in (docs.ROOT / "model").glob("*.py"):
        names |= set(re.findall(r"stream\(\"(\w+)\"\)", path.read_text(encoding="utf-8")))
    return names


def test_every_stream_is_named_in_the_stochasticity_concept(text):
    body = _section(text, "4. Design concepts")
    concept = body[body.index("**Stochasticity.**") : body.index("**Collectives.**")]
    names = _stream_names()
    assert {"population", "network", "seeding", "participation", "survey", "event_counts"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in concept)
    assert not missing, f"section 4 (Stochasticity) does not name the random streams {missing}"
    assert "keyed by its name" in " ".join(concept.split())


def test_state_the_odd_names_exists(text):
    """Model attributes and methods named as ``model.x`` in the ODD exist on a model."""
    m = CommunityModel(rng=1, n_mothers=2_000)
    names = set(re.findall(r"`model\.(\w+)", text))
    missing = [n for n in names if not hasattr(m, n)]
    assert not missing, f"docs/ODD.md names model attributes that do not exist: {missing}"


def test_removed_code_is_not_documented(text):
    found = [name for name in REMOVED if name in text.lower()]
    assert not found, f"docs/ODD.md still describes removed code: {found}"


def test_internal_links_resolve(text):
    def slug(heading: str) -> str:  # GitHub's anchor for a heading
        return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")

    anchors = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}
    broken = sorted(set(re.findall(r"\]\(#([^)]+)\)", text)) - anchors)
    assert not broken, f"docs/ODD.md links to headings that do not exist: {broken}"


# ------------------------------------------------------------------ the Bass limit case


def _bass_settings(text: str) -> tuple[dict, list[dict]]:
    """The settings of section 7.5's code block, and each "(or x = y)" alternative applied."""
    sub = next(b for h, b in _subsections(text).items() if "Bass limit case" in h)
    block = re.search(r"With\n\n((?:    .*\n)+)", sub).group(1)

    def pairs(s: str) -> dict:
        out = {}
        for k, v in re.findall(r"(\w+) = (\"[^\"]*\"|[\w.]+)", s):
            out[k] = ast.literal_eval(v)
        return out

    main = pairs(re.sub(r"\(or [^)]*\)", "", block))
    alternatives = []
    for before, alt in re.findall(r"(\w+) = [\w.\"]+ \(or ([^)]*)\)", block):
        settings = {k: v for k, v in main.items() if k != before}
        settings.update(pairs(alt))
        alternatives.append(settings)
    return main, alternatives


def test_bass_limit_settings_make_mass_reach_constant(text):
    """Every documented setting of 7.5 is needed and enough.

    p(t) = media_reach every week, talk_total = aware, digital reach 1, although mothers register and
    volunteer meanwhile.
    """
    main, alternatives = _bass_settings(text)
    assert {
        "mixing",
        "member_talk",
        "barrier_strength",
        "content_growth",
        "live_boost",
        "covid_push",
        "initial_aware_share",
        "volunteer_posts_per_week",
    } <= set(main), main
    assert any("volunteering" in a for a in alternatives), "7.5 must name volunteering = False as the alternative"
    for settings in (main, *alternatives):
        m = CommunityModel(preset="baseline", rng=2, n_mothers=30_000, media_reach=0.003, wom_rate=0.03, **settings)
        assert (m.pop["digital_reach"] == 1).all()
        while m.running:
            assert awareness.mass_reach(m) == m.p["media_reach"], (settings, m.week)
            assert m.talk_total == m.n - m.counts[Stage.UNAWARE]
            m.step()
        if settings.get("volunteering", True):
            assert m.cum["cum_volunteers"] > 0, "no volunteers: the check of volunteer content proved nothing"


def test_bass_limit_fails_without_the_volunteer_condition(text):
    """The condition the awareness docstring omits is really needed (volunteers post content)."""
    main, _ = _bass_settings(text)
    settings = {k: v for k, v in main.items() if k != "volunteer_posts_per_week"}
    m = CommunityModel(preset="baseline", rng=2, n_mothers=30_000, media_reach=0.003, wom_rate=0.03, **settings)
    reach = []
    while m.running:
        reach.append(awareness.mass_reach(m))
        m.step()
    assert max(reach) > m.p["media_reach"]


def test_every_target_is_quoted_with_its_value(text):
    body = _section(text, "1. Purpose and patterns")
    for t in targets_mod.load().values():
        assert t.quote in body, f"target {t.name}: quote missing from section 1"
        assert f'"{t.quote}" ({t.quote_en})' in body, f"target {t.name}: quote's English translation missing"
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
    assert err.count("\n") == 1 and "python -m ibusim.model.docs" in err


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
