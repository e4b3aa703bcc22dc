"""The About tab (dashboard/app.py ``about_markdown``, ``AboutPage``) in both languages.

In Indonesian every paragraph and heading is translated, the observed figures' labels too, and
their numbers are written as an Indonesian reader writes them; the quotes stay as the sources wrote
them (Indonesian) in both languages; the version is there.
"""

from __future__ import annotations

import html

import ipyvuetify as v
import solara

from ibusim.dashboard import app
from ibusim.i18n import gettext
from ibusim.model.outputs import fmt
from ibusim.model.targets import load as load_targets

TARGETS = load_targets()


def rows(md: str) -> list[list[str]]:
    """The figures table's rows (without the header and the separator), as cells."""
    table = [line for line in md.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in table[1:]]


def prose(md: str) -> list[str]:
    """The lines that are not the table, a blank or the tab's name."""
    return [line for line in md.splitlines() if line.strip() and not line.startswith("|") and line != "## ibusim"]


def test_about_in_indonesian_has_no_english_paragraph():
    en, ind = app.about_markdown("en"), app.about_markdown("id")
    assert len(prose(en)) == len(prose(ind)) >= 8
    for english, indonesian in zip(prose(en), prose(ind), strict=True):
        assert indonesian != english, english
    english_lines = set(prose(en))
    assert not english_lines & set(ind.splitlines())
    assert "### Cara mengutip" in ind and "### Angka-angka teramati" in ind
    assert app.about_markdown() == en  # English by default


def test_the_figures_table_in_indonesian_translates_labels_and_writes_numbers_the_indonesian_way():
    _ = gettext("id")
    md = app.about_markdown("id")
    header = [line for line in md.splitlines() if line.startswith("| ")][0]
    assert header == "| angka | teramati | rentang | kutipan | sumber |"
    table = rows(md)
    assert len(table) == len(TARGETS)
    for (label, observed, band, quote, source), t in zip(table, TARGETS.values(), strict=True):
        assert label == _(t.label) != t.label
        assert observed == fmt(t.value, t.unit, "id")
        assert band == f"{fmt(t.low, t.unit, 'id')}-{fmt(t.high, t.unit, 'id')}"
        assert quote == f'"{t.quote}"' and source == t.source  # the source's own words
    registered = table[list(TARGETS).index("registered")]
    assert registered[1:3] == ["15.000", "13.500-16.500"]
    completion = table[list(TARGETS).index("completion")]
    assert completion[1] == "91%"


def test_the_figures_table_in_english_is_as_before():
    table = rows(app.about_markdown("en"))
    for (label, observed, band, quote, _source), t in zip(table, TARGETS.values(), strict=True):
        assert label == t.label and observed == fmt(t.value, t.unit) and quote == f'"{t.quote}"'
        assert band == f"{fmt(t.low, t.unit)}-{fmt(t.high, t.unit)}"


def test_the_version_is_cited_in_both_languages():
    version = app._version()
    assert version and version != "unknown"
    assert f"(version {version})" in app.about_markdown("en")
    assert f"(versi {version})" in app.about_markdown("id")


def test_the_about_page_follows_its_language():
    for lang, heading, quote_label in (
        ("id", "Cara mengutip", "Ibu terdaftar sejak 2020"),
        ("en", "How to cite", "Mothers registered since 2020"),
    ):
        _box, rc = solara.render(app.AboutPage(lang), handle_error=False)
        shown = "\n".join(
            html.unescape(w.template)
            for w in rc.find(v.VuetifyTemplate).widgets
            if type(w) is v.VuetifyTemplate and isinstance(w.template, str)
        )
        assert heading in shown and quote_label in shown and "Sejak 2020, telah terdaftar 15ribu ibu" in shown
        rc.close()
