"""The source passages in docs/sources/ and the quotes the project attributes to them.

``docs/sources/<id>-*.md`` holds, for each source document (``000``, ``001``), every passage the
project quotes: the lines starting with ``>`` are verbatim extracted text. A quote matches a
source when its fragments (split at an elision ``...``) appear, in order, in one passage. The
asterisks that mark italics in the extracted text are ignored on both sides.

The extracted text itself (``../shared/seeds/``) is only beside the repository on the developers'
machines; :func:`seed_text` returns None elsewhere.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "docs" / "sources"
SEEDS = ROOT.parent / "shared" / "seeds"
SOURCE_IDS = ("000", "001")
# `001: "quoted text"` or `000: mothers "quoted text"`: the id, a few words, then the quote (one line,
# not across a Markdown table cell); not the end of a number such as 15,000
ATTRIBUTED = re.compile(r'(?<![\w,.])(00[01]):\s*[^"|\n]*?"([^"\n]+)"')


def normalise(text: str) -> str:
    """The text without the asterisks that mark italics."""
    return text.replace("*", "")


def fragments(quote: str) -> list[str]:
    """The parts of a quote between elisions (``...``)."""
    return [f.strip() for f in normalise(quote).split("...")]


def in_order(quote: str, text: str) -> bool:
    """Whether every fragment of ``quote`` appears in ``text``, in order."""
    text, pos = normalise(text), 0
    for f in fragments(quote):
        pos = text.find(f, pos)
        if not f or pos < 0:
            return False
        pos += len(f)
    return True


def source_file(source: str) -> Path:
    """docs/sources/<id>-*.md for a source id."""
    (path,) = SOURCES.glob(f"{source}-*.md")
    return path


@cache
def passages(source: str) -> tuple[str, ...]:
    """The verbatim passages (the ``>`` lines) of one source's file."""
    lines = source_file(source).read_text(encoding="utf-8").splitlines()
    return tuple(line[2:] for line in lines if line.startswith("> "))


def quoted(quote: str, source: str) -> bool:
    """Whether ``quote`` appears (fragments in order) in one passage of ``source``."""
    return any(in_order(quote, p) for p in passages(source))


def attributed(text: str) -> list[tuple[str, str]]:
    """(source id, quote) for every quote ``text`` attributes to a source: ``001: ... "quote"``."""
    return [(m.group(1), m.group(2)) for m in ATTRIBUTED.finditer(text)]


def seed_text(source: str) -> str | None:
    """The extracted text of a source document, or None when ../shared/seeds is not beside the repository."""
    paths = list(SEEDS.glob(f"{source}_*.txt")) if SEEDS.is_dir() else []
    return paths[0].read_text(encoding="utf-8") if len(paths) == 1 else None
