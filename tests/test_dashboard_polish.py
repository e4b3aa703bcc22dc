"""The dashboard's last English words and phone polish (issue 12), rendered in-process with solara.render.

* the share buttons follow an in-page language switch (they took no ``lang``, so reacton never
  re-rendered them) and the form (their file names name the seed);
* the scenario file button is labelled only "Open scenario (.toml)" (ipywidgets' FileUpload added
  "(0)"), and a file chosen with it loads (a file too large to be a scenario is refused in one line);
* "Rp" never wraps away from its number where the page shows money (a non-breaking space in the
  A/B table and the field hints), while ``format_number`` keeps its plain space;
* the A/B comparison's "to" for a true/false parameter is a yes/no list in the page's language (it
  showed a raw ``false``), and choosing another parameter proposes its value as the reader writes it;
* the A/B comparison over a posterior says what it ran over in the page's language;
* after a language switch, the A/B results and the forecast's name their variants in the new language
  (table and charts), and the number typed in "to" is rewritten for the new reader.

The layout (title, upload button, A/B picker at 390 and 1024 px) is checked in Chromium:
tests/browser/test_polish.py.
"""

from __future__ import annotations

import base64

import ipyvuetify as v
import ipywidgets
import pandas as pd
import pytest
import solara
from dashboard_helpers import classes, page_renderer, switch_language, wait_for
from solara.components.file_download import FileDownloadWidget

from ibusim.dashboard import app, decision, designer
from ibusim.dashboard.session import Session, field_text
from ibusim.dashboard.share_view import ShareButtons
from ibusim.dashboard.widgets import NBSP, FilePicker, LiveChart, keep_money_together, picked_file
from ibusim.i18n import gettext
from ibusim.numbers import format_number

WAIT_S = 300
POSTERIOR = "results/calibration-ipm"
TINY = {"n_mothers": 3000, "end": "2021-06"}


def button_labels(rc) -> list[str]:
    """The text of every button (after its icon, if any)."""
    return [c for w in rc.find(v.Btn).widgets for c in w.children or [] if isinstance(c, str)]


@pytest.fixture
def page():
    """The whole page (app.Page) with its own small session; closed at the end."""
    renderer = page_renderer()
    render_page = next(renderer)
    yield lambda: render_page({"n_mothers": 20000})
    next(renderer, None)


def decide(rc, lang: str) -> None:
    (modes,) = [w for w in rc.find(v.BtnToggle).widgets if "mode-buttons" in classes(w)]
    modes.v_model = 1  # Decide
    wait_for(lambda: rc.find(v.Autocomplete).widgets, 60, "the A/B picker")


def share_downloads(rc) -> dict[str, str]:
    """The share buttons' labels by file name (the report downloads, ``ibusim-<design>-seed<n>-<lang>.html|pdf``)."""
    out = {}
    for w in rc.find(FileDownloadWidget).widgets:
        if w.filename.startswith("ibusim-") and w.filename.endswith((".html", ".pdf")):
            (btn,) = [c for c in w.children if isinstance(c, v.Btn)]
            out[w.filename] = next(c for c in btn.children if isinstance(c, str))
    return out


# ---------------------------------------------------------------- the share buttons
def test_the_share_buttons_follow_the_language_switch_and_the_seed(page):
    rc, s = page()
    ID = gettext("id")
    assert "Report (HTML)" in share_downloads(rc).values()
    switch_language(rc, "Bahasa Indonesia")
    shown = share_downloads(rc)
    assert ID("Report (HTML)") in shown.values() and "Report (HTML)" not in shown.values(), shown
    assert any(name.endswith("-id.html") for name in shown)  # the report's language is the page's
    (seed,) = [w for w in rc.find(v.TextField).widgets if "seed-field" in classes(w)]
    seed.v_model = "7"
    seed.fire_event("keyup.enter", None)
    assert any(name.endswith("seed7-id.html") for name in share_downloads(rc)), share_downloads(rc)
    switch_language(rc, "English")
    assert "Report (HTML)" in share_downloads(rc).values()


def test_share_buttons_take_the_language_as_an_argument():
    s = Session(changes={"n_mothers": 20000})
    s.lang = "en"  # the session's language is not what the buttons show: the page's is
    _, rc = solara.render(ShareButtons(s, "id"), handle_error=False)
    try:
        labels = button_labels(rc)
        assert gettext("id")("Report (HTML)") in labels and "Report (HTML)" not in labels
    finally:
        rc.close()


# ---------------------------------------------------------------- the scenario file button
def test_the_open_button_has_no_count_and_loads_the_chosen_file(page):
    rc, s = page()
    assert not rc.find(ipywidgets.FileUpload).widgets
    (picker,) = rc.find(FilePicker).widgets
    assert picker.label == "Open scenario (.toml)" and picker.accept == ".toml"
    text = b'[scenario]\nname = "mine"\n\n[params]\nfollow_rate = 0.041\nfree_class = false\n'
    picker.picked = {"name": "mine.toml", "size": len(text), "data": base64.b64encode(text).decode(), "n": 1}
    messages = lambda: ["".join(map(str, w.children)) for w in rc.find(v.Alert).widgets if "file-message" in classes(w)]  # noqa: E731
    assert messages() == ["loaded mine.toml: press Reset to apply"]
    assert s.form["follow_rate"] == 0.041 and s.form["free_class"] is False and s.pending
    switch_language(rc, "Bahasa Indonesia")
    (picker,) = rc.find(FilePicker).widgets
    assert picker.label == gettext("id")("Open scenario (.toml)")
    # too large to be a scenario file: not read, one line
    picker.picked = {"name": "big.toml", "size": app.MAX_SCENARIO_BYTES + 1, "n": 2}
    (msg,) = messages()
    assert "big.toml" in msg and "1.000.000" in msg and "\n" not in msg


def test_picked_file_reads_the_pickers_choice():
    data = base64.b64encode(b"abc").decode()
    assert picked_file({"name": "a.toml", "size": 3, "data": data, "n": 1}, 10) == ("a.toml", b"abc")
    assert picked_file({"name": "a.toml", "size": 30, "n": 1}, 10) == ("a.toml", None)
    with pytest.raises(ValueError):
        picked_file({"size": 3}, 10)


# ---------------------------------------------------------------- money on one line
def strings(w):
    """Every text inside widget ``w`` (a table's cells are widgets inside its children)."""
    for c in getattr(w, "children", None) or []:
        if isinstance(c, str):
            yield c
        else:
            yield from strings(c)


def test_rp_stays_with_its_number_where_the_page_shows_money():
    assert keep_money_together("from Rp 0 to Rp 100.000.000") == f"from Rp{NBSP}0 to Rp{NBSP}100.000.000"
    assert format_number(1_500_000, "id", "money") == "Rp 1.500.000"  # the CLI's and the fields' plain space stays
    # the A/B table's cells
    table = decision.comparison_table(
        pd.DataFrame({"variant": ["A", "B"], "replication": [0, 0], "total_income": [4.0e8, 4.4e8]}),
        ["A", "B"],
        ("total_income",),
    )
    rows = decision.comparison_rows(table, "id")
    _, rc = solara.render(decision.ComparisonTable(rows, ["A: x", "B: harga = Rp 500.000"], "id"), handle_error=False)
    try:
        (table,) = rc.find(v.SimpleTable).widgets
        texts = list(strings(table))
        money = [t for t in texts if "Rp" in t]
        assert money and all(f"Rp{NBSP}" in t and "Rp " not in t for t in money), money
        assert f"B: harga = Rp{NBSP}500.000" in texts
    finally:
        rc.close()


def test_a_price_fields_hint_keeps_rp_with_its_number(page):
    rc, s = page()
    (field,) = [w for w in rc.find(v.TextField).widgets if "param-kembali_diri_price" in classes(w)]
    (hint,) = field.messages
    assert f"Rp{NBSP}0" in hint and "Rp " not in hint, hint
    assert hint == keep_money_together(designer.field_hint("kembali_diri_price", "en", on_card=True))


# ---------------------------------------------------------------- the A/B comparison's "to"
def yes_no(rc) -> v.Select:
    (w,) = [w for w in rc.find(v.Select).widgets if "ab-value" in classes(w)]
    return w


def test_a_true_false_parameter_is_a_yes_no_list_in_the_pages_language(page):
    rc, s = page()
    decide(rc, "en")
    to = yes_no(rc)
    assert to.label == "to" and [i["text"] for i in to.items] == ["yes", "no"]
    assert to.v_model == "false"  # the free class is open in the form: B proposes closing it
    assert not [w for w in rc.find(v.TextField).widgets if "ab-value" in classes(w)]  # no raw "false" to read
    switch_language(rc, "Bahasa Indonesia")
    to = yes_no(rc)
    assert to.label == "menjadi" and [i["text"] for i in to.items] == ["ya", "tidak"] and to.v_model == "false"
    # another parameter: a text field with the form's value as an Indonesian reader writes it
    (picker,) = rc.find(v.Autocomplete).widgets
    picker.v_model = "kembali_diri_price"
    (to,) = [w for w in rc.find(v.TextField).widgets if "ab-value" in classes(w)]
    assert to.v_model == field_text("kembali_diri_price", s.form["kembali_diri_price"], "id")
    assert to.v_model.startswith("Rp ") and "." in to.v_model  # Rp 1.500.000, ready to edit
    # a switch of language rewrites the number for the new reader (an Indonesian "Rp 350.000" is ambiguous in English)
    switch_language(rc, "English")
    (to,) = wait_for(lambda: [w for w in rc.find(v.TextField).widgets if "ab-value" in classes(w)], 60, "the to field")
    wait_for(lambda: to.v_model == field_text("kembali_diri_price", s.form["kembali_diri_price"], "en"), 60, "retyped")


def test_the_to_text_is_rewritten_for_the_new_reader():
    assert decision.retype_b_value("follow_rate", "0,035", "id", "en") == field_text("follow_rate", 0.035, "en")
    assert decision.retype_b_value("kembali_diri_price", "Rp 500.000", "id", "en") == "Rp 500,000"
    assert decision.retype_b_value("kembali_diri_price", "abc", "id", "en") == "abc"  # unread: left for its message
    assert decision.retype_b_value("free_class", "false", "en", "id") == "false"


def test_b_is_labelled_with_yes_or_no_in_the_readers_words():
    for typed in ("false", "tidak", "Tidak"):
        _, b = decision.comparison_variants({}, "free_class", typed, "id")
        assert b.label == "B: Kelas awal gratis 'Ibu untuk Ibu' = tidak" and b.changes == {"free_class": False}
    _, b = decision.comparison_variants({}, "free_class", "false", "en")
    assert b.label.endswith("= no")
    assert decision.first_b_value("free_class", {"free_class": False}, "id") == "true"
    assert decision.first_b_value("follow_rate", {"follow_rate": 0.035}, "id") == field_text("follow_rate", 0.035, "id")
    assert "," in decision.first_b_value("follow_rate", {"follow_rate": 0.035}, "id")  # 0,035 or 3,5%


def test_an_a_b_comparison_over_a_posterior_says_so_in_the_pages_language(tmp_path):
    """It showed experiments.posterior.describe's English line on the Indonesian page."""
    res = decision.run_comparison(
        TINY, "free_class", "false", "id", 1, 1, posterior=POSTERIOR, draws=2, out=tmp_path / "ab"
    )
    assert res["posterior"] == decision.posterior_line(POSTERIOR, "id")
    assert res["posterior"].startswith("posterior ") and "partikel" in res["posterior"]
    assert "particles" not in res["posterior"] and res["posterior_folder"] == POSTERIOR


def legends(rc) -> set[str]:
    """The variants the rendered charts' legends name."""
    return {r["variant"] for w in rc.find(LiveChart).widgets for r in w.values}


def test_the_a_b_results_follow_a_language_switch(monkeypatch, tmp_path):
    """A and B ran in Indonesian; after a switch to English the table and the charts name them in English."""
    monkeypatch.setattr(decision, "RESULTS", tmp_path)
    session = Session(changes=TINY)
    lang = solara.reactive("id")

    @solara.component
    def Panel():
        decision.ComparisonPanel(session, lang.value)

    _, rc = solara.render(Panel(), handle_error=False)
    try:
        (seeds,) = [w for w in rc.find(v.TextField).widgets if w.label == "Jumlah seed acak"]
        seeds.v_model = "2"
        rc.find(v.Btn, children=["Jalankan A/B"]).widget.click()

        def heads():
            (table,) = rc.find(v.SimpleTable).widgets
            return [t for w in table.children[0].children[0].children for t in strings(w)]

        assert wait_for(heads, WAIT_S, "the A/B table")[:2] == [
            "A: sesuai rancangan",
            "B: Kelas awal gratis 'Ibu untuk Ibu' = tidak",
        ]
        lang.value = "en"
        english = ["A: as designed", "B: Free entry class 'Ibu untuk Ibu' = no"]
        # the table and the charts' legends (the switch's render may run in the runs' thread, table first)
        wait_for(lambda: heads()[:2] == english and legends(rc) == set(english), 60, "the English names")
    finally:
        rc.close()


def test_the_forecast_results_follow_a_language_switch(monkeypatch, tmp_path):
    """The forecast's variants (the design, without the free class) are renamed in the table and the charts."""
    monkeypatch.setattr(decision, "RESULTS", tmp_path)  # no posterior here: seed noise only
    session = Session(changes={"n_mothers": 2000, "end": "2020-12"})
    lang = solara.reactive("id")

    @solara.component
    def Panel():
        decision.ForecastPanel(session, lang.value)

    _, rc = solara.render(Panel(), handle_error=False)
    try:
        (draws,) = [w for w in rc.find(v.TextField).widgets if w.label == "Jumlah seed acak"]
        draws.v_model = "2"
        (also,) = rc.find(v.Checkbox).widgets
        also.v_model = True  # also without the free entry class
        rc.find(v.Btn, children=["Jalankan prakiraan"]).widget.click()

        def variants():
            (table,) = rc.find(v.SimpleTable).widgets
            rows = table.children[1].children
            return [next(strings(r)) for r in rows if "fc-variant" in (r.class_ or "").split()]

        assert wait_for(variants, WAIT_S, "the forecast table") == ["sesuai rancangan", "tanpa kelas awal gratis"]
        lang.value = "en"
        english = ["as designed", "no free entry class"]
        # the table and the charts' legends (the switch's render may run in the runs' thread, table first)
        wait_for(lambda: variants() == english and legends(rc) == set(english), 60, "the English names")
    finally:
        rc.close()
