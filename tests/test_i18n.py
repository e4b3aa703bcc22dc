"""ibusim.i18n: every string has its Indonesian translation, placeholders survive, the language is chosen by the rules.

The catalogue is ibusim/locale/id/LC_MESSAGES/ibusim.po; scripts/i18n_extract.py finds the strings the code
marks (``_()``, ``_n()``, ``N_()``) and the observed figures' labels (model/targets.toml).
"""

from __future__ import annotations

import fnmatch
import importlib.util
import re
import string
import tomllib
from pathlib import Path

import pytest

from ibusim import i18n
from ibusim.i18n import choose_language, from_accept_language, gettext, ngettext, normalise

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("i18n_extract", ROOT / "scripts" / "i18n_extract.py")
extract_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(extract_script)

CATALOG = extract_script.read_catalogue()
ENTRIES = [m for m in CATALOG if m.id]

# English word in a msgid -> the community's word its Indonesian translation must use
# (docs/sources/001-ipm-article.md: "kelas awal", "program beasiswa", "6 batch", "tim manajerial", ...)
GLOSSARY = {
    r"\bclass(es)?\b": "kelas",
    r"\bcohorts?\b": "angkatan",
    r"\bvolunteers?\b": "relawan",
    r"\bscholarships?\b": "beasiswa",
    r"\bmanagers?\b|\bmanagement team\b": "tim manajerial",
    r"\bmembers?\b": "anggota",
    r"\bmothers?\b": "ibu",
    r"\bregist(ered|rations?)\b|\benrolments?\b": "daftar",
    r"\bfollowers\b": "pengikut",
}


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _id(m) -> str:
    return m.id if isinstance(m.id, str) else m.id[0]


def brace_fields(text: str) -> list[str]:
    """The ``{name}`` placeholders of ``text`` (str.format's own parser), sorted."""
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def percent_fields(text: str) -> list[str]:
    """The ``%s``/``%(name)s``/``%d`` placeholders of ``text``, sorted."""
    return sorted(re.findall(r"%(?:\(\w+\))?[sdfir]", text))


def test_the_catalogue_has_strings():
    assert len(ENTRIES) >= 100


@pytest.mark.parametrize("m", ENTRIES, ids=_id)
def test_every_string_has_its_indonesian_translation(m):
    assert not m.fuzzy, f"{_id(m)!r}: marked fuzzy (needs review)"
    assert all(s.strip() for s in _strings(m.string)), f"{_id(m)!r}: no Indonesian translation"


@pytest.mark.parametrize("m", ENTRIES, ids=_id)
def test_translations_keep_every_placeholder(m):
    source = " ".join(_strings(m.id))
    for s in _strings(m.string):
        assert brace_fields(s) == brace_fields(_strings(m.id)[0]), f"{_id(m)!r} -> {s!r}"
        assert percent_fields(s) == percent_fields(_strings(m.id)[0]), f"{_id(m)!r} -> {s!r}"
        fields = {name: "X" for name in brace_fields(source)}
        s.format(**fields)  # no stray or broken braces


@pytest.mark.parametrize("pattern, word", GLOSSARY.items())
def test_the_communities_words_are_used(pattern, word):
    using = [m for m in ENTRIES if re.search(pattern, " ".join(_strings(m.id)), re.IGNORECASE)]
    assert using, f"no string mentions {pattern}: the glossary line is stale"
    wrong = [(_id(m), m.string) for m in using if not all(word in s.lower() for s in _strings(m.string))]
    assert not wrong, f"these should say '{word}': {wrong}"


def test_every_marked_string_and_target_label_is_in_the_catalogue():
    template = extract_script.extract()
    labels = [t["label"] for t in tomllib.loads((ROOT / "model" / "targets.toml").read_text("utf-8")).values()]
    found = {_id(m) for m in template if m.id}
    assert set(labels) <= found
    assert "ambiguous: is it {first} or {second}? Type the one you mean as written here" in found  # numbers.py
    assert extract_script.missing(CATALOG, template) == []


def test_extraction_collects_every_parameters_texts_with_a_note():
    from ibusim.model.parameters import PARAMS, Param, text_msgids

    template = extract_script.extract()
    for p in PARAMS.values():
        for what, msgid in text_msgids(p).items():
            m = template.get(msgid)
            assert m is not None, f"{p.name} {what}: {msgid!r} not extracted"
            if what != "allowed":
                assert any("parameter '" in c for c in m.auto_comments), (p.name, what)
    label = template.get(PARAMS["enrol_rate"].label)
    assert "parameter 'enrol_rate' (label, unit 1/week); help: " in label.auto_comments[0]
    price = template.get(PARAMS["ibu_pebisnis_price"].label)  # one msgid for the four programmes
    assert "programme = Comeback Journey" in price.auto_comments[0]
    new = Param(
        "x_rate", 0.1, "float", "1/week", "assumed", "a test", "run", "Help of x.", (0.0, 1.0), label="Label of x"
    )
    only_new = extract_script.extract(ROOT, params=[new])
    assert only_new.get("Label of x") is not None and only_new.get("Help of x.") is not None
    assert extract_script.missing(CATALOG, only_new) == ["Label of x", "Help of x."]


def test_extraction_collects_every_outputs_label_and_unit_with_a_note():
    """Output labels come from the catalogue (the rules' flows mark nothing), each noted with the output's name."""
    from ibusim.model import outputs

    template = extract_script.extract()
    for name, o in outputs.catalogue().items():
        for msgid in (o.label, o.unit):
            m = template.get(msgid)
            assert m is not None, f"output {name}: {msgid!r} not extracted"
            assert m.auto_comments, (name, msgid)
    flow = template.get(outputs.label("new_registered"))  # declared in model/onboarding.py, marked nowhere
    assert any("output 'new_registered'" in c for c in flow.auto_comments)
    units = [t["unit"] for t in tomllib.loads((ROOT / "model" / "targets.toml").read_text("utf-8")).values()]
    assert all(template.get(u) is not None for u in units)
    new = extract_script.extract(ROOT, params=(), outputs={"Label of a new output": ["output 'x' (flow)"]})
    assert extract_script.missing(CATALOG, new) == ["Label of a new output"]


def test_extraction_finds_a_new_string_and_update_keeps_translations(tmp_path):
    for folder in extract_script.SOURCE_DIRS:
        (tmp_path / folder).mkdir()
    (tmp_path / "model" / "targets.toml").write_text('[x]\nlabel = "Paid classes"\nquote = "kelas"\n', encoding="utf-8")
    (tmp_path / "dashboard" / "page.py").write_text(
        '# TRANSLATORS: a button\nA = _("Run to end")\nB = _n("{n} run", "{n} runs", 2)\nC = N_("New string")\n'
        'D = gettext("id")  # a language, not a message\n',
        encoding="utf-8",
    )
    template = extract_script.extract(tmp_path, params=(), outputs={})
    assert {_id(m) for m in template if m.id} == {"Paid classes", "Run to end", "{n} run", "New string"}
    catalog = extract_script.read_catalogue()
    assert set(extract_script.missing(catalog, template)) == {"Paid classes", "{n} run", "New string"}
    extract_script.update(catalog, template)
    assert catalog.get("Run to end").string == "Jalankan sampai akhir"  # kept
    assert catalog.get("New string").string == ""  # added, to be translated
    assert "Step" in {_id(m) for m in catalog}  # seeded entries kept without --prune
    extract_script.update(catalog, template, prune=True)
    assert "Step" not in {_id(m) for m in catalog if m.id}


def test_gettext_in_both_languages():
    assert gettext("id")("Run to end") == "Jalankan sampai akhir"
    assert gettext("id_ID.UTF-8")("Business scholarship recipients") == "Penerima beasiswa bisnis"
    assert gettext("en")("Run to end") == "Run to end"
    assert gettext("id")("a string nobody translated") == "a string nobody translated"
    assert ngettext("id")("{n} run", "{n} runs", 2) == "{n} runs"  # untranslated: English plural rules
    with pytest.raises(ValueError, match="choose one of id, en"):
        gettext("fr")


def test_the_catalogue_is_package_data():
    """A wheel (pip install without -e) must ship the .po file: pyproject's package-data must match it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    globs = config.get("package-data", {}).get("ibusim", [])
    rel = i18n.catalogue_path("id").relative_to(ROOT / "ibusim").as_posix()
    assert any(fnmatch.fnmatch(rel, g) for g in globs), f"add {rel!r} to [tool.setuptools.package-data] ibusim"


# ------------------------------------------------------------------ which language
@pytest.mark.parametrize(
    "tag, code",
    [
        ("id", "id"),
        ("id_ID.UTF-8", "id"),
        ("id-ID", "id"),
        ("in_ID", "id"),
        ("ID", "id"),
        ("en_GB.UTF-8", "en"),
        ("en-US", "en"),
        ("fr_FR", None),
        ("C", None),
        ("POSIX", None),
        ("", None),
        (None, None),
        ("indonesian", None),
    ],
)
def test_normalise(tag, code):
    assert normalise(tag) == code


@pytest.mark.parametrize(
    "choice, env, lang",
    [
        (None, {}, "en"),
        ("id", {"IBUSIM_LANG": "en", "LANG": "en_US.UTF-8"}, "id"),  # an explicit choice wins
        (None, {"IBUSIM_LANG": "id", "LANG": "en_US.UTF-8"}, "id"),  # then IBUSIM_LANG
        (None, {"IBUSIM_LANG": " ", "LANG": "id_ID.UTF-8"}, "id"),  # blank counts as unset
        (None, {"LANG": "id_ID.UTF-8"}, "id"),
        (None, {"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "id"),  # LC_ALL before LANG
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "id_ID", "LANG": "en_US"}, "id"),
        (None, {"LANGUAGE": "fr:id:en", "LANG": "en_US"}, "id"),  # the first supported of LANGUAGE's list
        (None, {"LANGUAGE": "fr", "LANG": "id_ID"}, "id"),  # nothing supported in LANGUAGE: go on
        (None, {"LC_ALL": "fr_FR.UTF-8", "LANG": "id_ID"}, "en"),  # the first locale set decides
        (None, {"LANG": "C.UTF-8"}, "en"),
        ("", {"LANG": "id_ID"}, "id"),  # an empty choice is no choice
    ],
)
def test_choose_language(choice, env, lang):
    assert choose_language(choice, env) == lang


def test_an_unsupported_own_choice_is_an_error():
    with pytest.raises(ValueError, match="choose one of id, en"):
        choose_language("fr", {})
    with pytest.raises(ValueError, match="IBUSIM_LANG"):
        choose_language(None, {"IBUSIM_LANG": "klingon"})


def test_choose_language_reads_the_environment(monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "IBUSIM_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert choose_language() == "id"


@pytest.mark.parametrize(
    "header, lang",
    [
        ("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", "id"),  # Chrome on an Indonesian phone
        ("en-US,en;q=0.9,id;q=0.8", "en"),
        ("en-US;q=0.5,id;q=0.8", "id"),  # weights, not order
        ("fr-FR,fr;q=0.9,id;q=0.5", "id"),  # the first supported
        ("in-ID", "id"),  # old Android code
        ("fr-FR,de", "en"),  # nothing supported: the default
        ("", "en"),
        (None, "en"),
        ("*", "en"),
        ("id;q=0,*", "en"),  # id refused, anything else
        ("en;q=0,*;q=0.5", "id"),
        ("en;q=0", "id"),
        ("id;q=abc,en;q=0.1", "en"),  # a malformed weight skips its range
        ("id;q=1.5,en;q=0.1", "en"),  # q above 1 is malformed
        ("<script>,id", "id"),
        ("id ; q = 0.8 , en ; q = 0.9", "en"),
        ("," * 100 + "id", "en"),  # only the first 50 ranges are read
    ],
)
def test_from_accept_language(header, lang):
    assert from_accept_language(header) == lang


def test_from_accept_language_default():
    assert from_accept_language("fr", default="id") == "id"
    assert from_accept_language(None, default="id_ID") == "id"
    assert from_accept_language("id;q=0", default="id") == "en"


def test_language_names_are_in_their_own_language():
    assert set(i18n.NAMES) == set(i18n.LANGUAGES)
    assert i18n.NAMES["id"] == "Bahasa Indonesia"
