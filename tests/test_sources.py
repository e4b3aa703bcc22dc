"""docs/sources/: the source passages the project quotes, and every quote in the project found in them.

The first tests need only the repository. The last two compare docs/sources with the extracted text of
the source documents, which only the developers have (``../shared/seeds/`` beside the repository): a
clone without it skips them.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from source_quotes import (
    ROOT,
    SEEDS,
    SOURCE_IDS,
    attributed,
    in_order,
    normalise,
    passages,
    quoted,
    seed_text,
    source_file,
)

from ibusim.model.parameters import PARAMS
from ibusim.model.targets import load as load_targets

# the files whose quotes must be found in docs/sources (docs/sources itself excluded)
QUOTING = sorted(
    {
        *ROOT.glob("docs/*.md"),
        ROOT / "README.md",
        *ROOT.glob("*.md"),
        *ROOT.glob("model/**/*.py"),
        *ROOT.glob("model/**/*.toml"),
        *ROOT.glob("experiments/**/*.py"),
        *ROOT.glob("experiments/**/*.toml"),
        *ROOT.glob("dashboard/**/*.py"),
        *ROOT.glob("ibusim/**/*.py"),
    }
)
NO_SEEDS = f"the extracted source documents ({SEEDS}) are not beside this clone (only the developers have them)"


def _attributed_quotes():
    out = []
    for path in QUOTING:
        for source, quote in attributed(path.read_text(encoding="utf-8")):
            out.append(pytest.param(source, quote, id=f"{path.relative_to(ROOT)}:{quote[:40]}"))
    return out


@pytest.mark.parametrize("source", SOURCE_IDS)
def test_each_source_has_a_file_of_passages_and_a_citation(source):
    text = source_file(source).read_text(encoding="utf-8")
    assert passages(source), f"{source_file(source).name} has no passage ('> ' lines)"
    readme = (ROOT / "docs" / "sources" / "README.md").read_text(encoding="utf-8")
    assert f"**{source}.**" in readme  # its citation
    assert source_file(source).name in readme  # and a link to its passages
    assert text.startswith(f"# {source}: ")


def test_the_article_citation_is_complete():
    readme = (ROOT / "docs" / "sources" / "README.md").read_text(encoding="utf-8")
    for part in (
        "Lina Kamila Rahmasari",
        "Konstruksi Realitas Sosial pada\nKomunitas Daring Ibu Punya Mimpi",
        "12(1), 2025",
        "P-ISSN 2338-7521",
        "E-ISSN 3047-2725",
        "10.55499/intelektual",
    ):
        assert part in readme, part
    assert "11\ninformants" in readme  # the IbuSibuk study's informants


def test_every_passage_has_an_english_translation():
    """Each section has verbatim passages and (article) an English paragraph after them."""
    for source in SOURCE_IDS:
        sections = re.split(r"^## ", source_file(source).read_text(encoding="utf-8"), flags=re.M)[1:]
        assert sections, source
        for section in sections:
            paragraphs = [p for p in section.split("\n\n")[1:] if p.strip()]
            quotes = [p for p in paragraphs if p.startswith("> ")]
            assert quotes, section[:60]
            if source == "001":  # the IbuSibuk abstract carries the authors' own English abstract instead
                assert any(not p.startswith("> ") for p in paragraphs), section[:60]


def test_the_parameters_quote_the_sources():
    """Observed parameters cite a source; every quote is found (there are quotes to check)."""
    quotes = [(p.name, s, q) for p in PARAMS.values() for s, q in attributed(p.source)]
    assert len(quotes) >= 20
    missing = [(name, q) for name, s, q in quotes if not quoted(q, s)]
    assert missing == []


@pytest.mark.parametrize("source,quote", _attributed_quotes())
def test_every_attributed_quote_is_in_docs_sources(source, quote):
    """`001: "..."` in the docs, the code and the scenario files: the quote is in one passage of that source."""
    assert quoted(quote, source), f"{quote!r} is not in a passage of docs/sources/{source}-*.md"


def test_target_quotes_are_in_docs_sources():
    for t in load_targets().values():
        assert quoted(t.quote, t.source), t.name


def test_quote_matching_needs_every_fragment_in_order_in_one_passage():
    text = "Sejak 2020, telah terdaftar 15ribu ibu, dan 91% menyelesaikan pembelajaran"
    assert in_order("Sejak 2020 ... 91% menyelesaikan", text)
    assert not in_order("91% menyelesaikan ... Sejak 2020", text)  # out of order
    assert not in_order("Sejak 2021", text)
    assert not in_order("Sejak 2020 ...", text)  # an elision at the end
    assert in_order("sebagai momfluencer", "sebagai *momfluencer*")  # italics marks ignored
    assert quoted("Sejak 2020, telah terdaftar 15ribu ibu", "001")
    assert not quoted("Sejak 2020, telah terdaftar 15ribu ibu", "000")  # the wrong source
    assert not quoted("Komunitas ini berdiri ... 31 dari 38 provinsi", "001")  # fragments of two passages


def test_attributed_finds_quotes_but_not_numbers():
    text = '001: "satu"; 000: mothers "dua" | 15,000: "tiga" | 5_000, end="2020-12" | 001 "empat"'
    assert attributed(text) == [("001", "satu"), ("000", "dua")]


# ---------------------------------------------------------------- against the extracted text


@pytest.mark.skipif(seed_text("001") is None, reason=NO_SEEDS)
@pytest.mark.parametrize("source", SOURCE_IDS)
def test_every_passage_is_verbatim_in_the_extracted_text(source):
    text = seed_text(source)
    missing = [p[:80] for p in passages(source) if p not in text]
    assert missing == []


def _quotes_in_project():
    """Every double-quoted string of two words or more in the project's docs, code and tests."""
    files = [*QUOTING, *ROOT.glob("tests/**/*.py")]
    pattern = re.compile(r'"([^"\n]{6,300})"|“([^”\n]{6,300})”')
    out = set()
    for path in files:
        if path.name in ("test_sources.py", "source_quotes.py"):
            continue
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            q = m.group(1) or m.group(2)
            # two words and ten characters at least: two short common words ("di dalam", a table header of
            # the command line's Indonesian) are found in order in any Indonesian text
            if len(q.split()) >= 2 and len(q) >= 10:
                out.add((q, str(path.relative_to(ROOT))))
    return out


def _indonesian(source: str) -> str:
    """The extracted text without its English abstract (the project quotes the Indonesian)."""
    text = normalise(seed_text(source))
    if source == "000":
        return text[: text.index("ABSTRACT")]
    return text[: text.index("Abstract The phenomenon")] + text[text.index("PENDAHULUAN") :]


@pytest.mark.skipif(seed_text("001") is None, reason=NO_SEEDS)
def test_every_quote_of_a_source_in_the_project_is_carried_in_docs_sources():
    """A quote from a source document anywhere in the project (attributed or not) is in docs/sources."""
    texts = {s: _indonesian(s) for s in SOURCE_IDS}
    missing = []
    for q, where in sorted(_quotes_in_project()):
        for s, text in texts.items():
            if in_order(q, text) and not quoted(q, s):
                missing.append((s, q, where))
    assert missing == []


def test_the_toml_sources_are_the_known_ids():
    data = tomllib.loads((ROOT / "model" / "targets.toml").read_text(encoding="utf-8"))
    assert {t["source"] for t in data.values()} <= set(SOURCE_IDS)
