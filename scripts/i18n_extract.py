"""Collect the strings people read and bring the Indonesian catalogue up to date with them.

    .venv/bin/python scripts/i18n_extract.py            # add new strings to ibusim/locale/id/LC_MESSAGES/ibusim.po
    .venv/bin/python scripts/i18n_extract.py --check    # only list what lacks a translation (exit 1 if anything)
    .venv/bin/python scripts/i18n_extract.py --prune    # also drop entries no longer found (see below)

Strings are found (Babel's Python extractor) where the code marks them: ``_("...")``, ``_n("...", "...", n)``
and ``N_("...")`` in ``ibusim/``, ``model/``, ``experiments/`` and ``dashboard/``, with a ``# TRANSLATORS:``
comment just above as a note to the translator; the ``label`` and ``unit`` of every observed figure in
``model/targets.toml``; every declared parameter's label, help and unit (and the English values
of its ``text_args`` that are not proper names), read straight from ``model.parameters.PARAMS``
(``text_msgids``), each with a note naming the parameter, so none is forgotten and the translator sees
what the label is about; and every output's label and unit, read straight from the output catalogue
(``model.outputs.msgids``: the flows' labels come from the rules' declarations, which mark nothing),
each with a note naming the output. New strings are added with an empty translation, which ``tests/test_i18n.py``
refuses until someone writes it (docs/TRANSLATING.md). Existing translations are never changed.

Entries the code does not mark (yet) are kept and listed, unless ``--prune``: the catalogue was seeded
with the command line's and the dashboard's strings before their code was wired to ``_()``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "ibusim" / "locale" / "id" / "LC_MESSAGES" / "ibusim.po"
SOURCE_DIRS = ("ibusim", "model", "experiments", "dashboard")
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}
TARGETS = ROOT / "model" / "targets.toml"


def extract(root: Path = ROOT, params: Iterable | None = None, outputs: dict | None = None) -> Catalog:
    """Every marked string of the code, the observed figures', parameters' and outputs' texts, as a template.

    ``params``: the declared parameters whose texts are collected (``None``: ``model.parameters.PARAMS``;
    pass ``()`` to extract a tree other than this project's). ``outputs``: msgid -> notes of the outputs'
    labels and units (``None``: ``model.outputs.msgids()``; pass ``{}`` for a tree other than this one).
    """
    template = Catalog(domain="ibusim")
    for folder in SOURCE_DIRS:
        found = extract_from_dir(
            root / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            template.add(message, locations=[(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context)
    with open(root / "model" / "targets.toml", "rb") as f:
        targets = tomllib.load(f)
    for name, target in targets.items():
        template.add(
            target["label"],
            locations=[("model/targets.toml", 0)],
            auto_comments=[f"observed figure '{name}' (a target card, the run table); source quote: {target['quote']}"],
        )
        if target.get("unit"):
            add_noted(template, target["unit"], "model/targets.toml", f"unit of the observed figure '{name}'")
    if params is None:
        from ibusim.model.parameters import PARAMS

        params = PARAMS.values()
    for p in params:
        add_parameter(template, p)
    if outputs is None:
        from ibusim.model.outputs import msgids

        outputs = msgids()
    for msgid, notes in outputs.items():
        for note in notes:
            add_noted(template, msgid, "model/outputs.py", note)
    return template


def add_noted(template: Catalog, msgid: str, where: str, note: str) -> None:
    """Add ``msgid`` found in ``where`` with a note for translators (a few notes at most on a shared msgid)."""
    existing = template.get(msgid)
    if existing is None:
        template.add(msgid, locations=[(where, 0)], auto_comments=[note])
    elif len(existing.auto_comments) < 3:
        existing.auto_comments = [*existing.auto_comments, note]


def add_parameter(template: Catalog, p) -> None:
    """Add parameter ``p``'s label, help, unit and translated ``text_args`` values, each with a note for translators."""
    from ibusim.model.parameters import text_msgids

    for what, msgid in text_msgids(p).items():
        if what == "allowed":
            continue  # marked with N_() in model/parameters.py, found with the code
        note = f"parameter '{p.name}' ({what}, unit {p.unit})"
        if what == "label":
            note += f"; help: {p.help}"
        if p.text_args:
            note += "; {placeholders} filled after translating: " + ", ".join(f"{k} = {v}" for k, v in p.text_args)
        existing = template.get(msgid)
        if existing is None:
            template.add(msgid, locations=[("model/parameters.py", 0)], auto_comments=[note])
        elif len(existing.auto_comments) < 3:  # a few uses are enough to show the meaning
            existing.auto_comments = [*existing.auto_comments, note]


def read_catalogue(path: Path = PO) -> Catalog:
    """The Indonesian catalogue as Babel reads it."""
    with open(path, "rb") as f:
        return read_po(f, locale="id", domain="ibusim")


def missing(catalog: Catalog, template: Catalog) -> list[str]:
    """The template's strings that the catalogue lacks or has not translated (fuzzy counts as not)."""
    out = []
    for m in template:
        if not m.id:
            continue
        have = catalog.get(m.id, context=m.context)
        strings = () if have is None else (have.string if isinstance(have.string, (list, tuple)) else (have.string,))
        if have is None or have.fuzzy or not strings or not all(strings):
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out


def unmarked(catalog: Catalog, template: Catalog) -> list[str]:
    """The catalogue's strings that no code marks (seeded ahead of the wiring, or no longer used)."""
    return [
        m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and template.get(m.id, m.context) is None
    ]


def update(catalog: Catalog, template: Catalog, prune: bool = False) -> Catalog:
    """Add the template's new strings (empty translation), refresh where each is used; keep every translation."""
    for m in template:
        if not m.id:
            continue
        have = catalog.get(m.id, context=m.context)
        if have is None:
            catalog.add(m.id, string=("", "") if m.pluralizable else "", context=m.context)
            have = catalog.get(m.id, context=m.context)
        have.locations = list(m.locations)
        have.auto_comments = list(m.auto_comments)
    if prune:
        for msgid in unmarked(catalog, template):
            catalog.delete(msgid)
    return catalog


def write_catalogue(catalog: Catalog, path: Path = PO) -> None:
    """Write the catalogue back (written beside it first, then moved, so a crash leaves the old file)."""
    tmp = path.with_suffix(".po.tmp")
    with open(tmp, "wb") as f:
        write_po(f, catalog, width=100, include_lineno=False, include_previous=False)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Check or update the catalogue; exit 1 under ``--check`` when a string lacks its translation."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a string lacks a translation")
    ap.add_argument("--prune", action="store_true", help="drop entries that no code marks")
    args = ap.parse_args(argv)
    template = extract()
    catalog = read_catalogue()
    if not args.check:
        update(catalog, template, prune=args.prune)
        write_catalogue(catalog)
    lacking = missing(catalog, template)
    extra = unmarked(catalog, template)
    where = "the code, targets.toml and the parameters"
    print(f"{len(template)} strings marked in {where}; {len(catalog)} in {PO.relative_to(ROOT)}")
    if extra:
        print(f"{len(extra)} catalogue entries not marked in the code (seeded ahead of the wiring, or unused)")
    for msgid in lacking:
        print(f"  no Indonesian translation: {msgid!r}")
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
