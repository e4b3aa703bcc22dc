"""The classroom mode of the Communication tab (dashboard/classroom.py and its page in dashboard/app.py).

A prediction is judged against the pattern the demonstration measured; each kind of interactivity has its
own chart with nonzero values; the worksheet in Indonesian has no English question left; the tab guides a
class at week 0. The page is rendered in-process (solara.render), in Indonesian.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import ipyvuetify as v
import networkx as nx
import numpy as np
import pytest
import solara
from dashboard_helpers import wait_for

from ibusim.dashboard import app, classroom, views
from ibusim.dashboard.session import Session
from ibusim.i18n import gettext
from ibusim.model import CommunityModel
from ibusim.model.communication import KINDS
from ibusim.model.patterns import PATTERNS, WHEEL_LIKE, Y_LIKE, centralisation, classify, graph_degrees

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "docs" / "sources"
WAIT_S = 180  # background work on a busy machine (never asserted as a duration)


@pytest.fixture(scope="module")
def demo() -> dict:
    """The demonstration's two settings at seed 1, as the page runs them."""
    return {s: views.demonstration(s, seed=1) for s in classroom.SETTINGS}


# ---------------------------------------------------------------- levels and patterns
def test_levels_follow_the_thresholds_that_name_the_pattern():
    assert classroom.level_of(0.0) == "low" and classroom.level_of(Y_LIKE - 1e-9) == "low"
    assert classroom.level_of(Y_LIKE) == "medium" and classroom.level_of(WHEEL_LIKE - 1e-9) == "medium"
    assert classroom.level_of(WHEEL_LIKE) == "high" and classroom.level_of(1.0) == "high"
    # a level never contradicts the name classify gives a graph: a star is high, a complete graph low
    for g, pattern, level in ((nx.star_graph(9), "wheel", "high"), (nx.complete_graph(10), "all-channel", "low")):
        deg = graph_degrees(g)
        assert classify(g) == pattern and classroom.level_of(centralisation(deg)) == level
    with pytest.raises(ValueError, match="not a number"):
        classroom.level_of(float("nan"))


def test_labels_in_both_languages():
    assert classroom.level_label("high", "en") == "high (0.5 or more)"
    assert classroom.level_label("medium", "id") == "sedang (0,2 sampai 0,5)"
    assert classroom.level_label("low", "id") == "rendah (di bawah 0,2)"
    assert [classroom.pattern_label(p, "id") for p in PATTERNS] == ["roda", "Y", "rantai", "lingkaran", "semua saluran"]
    assert set(classroom.PATTERN_NAMES) == set(PATTERNS)
    assert classroom.pattern_label("none", "id") == "belum ada"  # an empty window (classify's "none")


def test_bad_predictions_are_refused_with_one_line():
    for pattern, level, word in (("star", "high", "pattern 'star'"), ("wheel", "huge", "centralisation 'huge'")):
        with pytest.raises(ValueError) as e:
            classroom.check_prediction(pattern, level)
        assert word in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(ValueError, match="setting 'Admins talk'"):
        classroom.judge("Admins talk", "wheel", "high", {"pattern": "wheel", "centralisation": 1.0}, "en")


# ---------------------------------------------------------------- judging a prediction
def test_a_prediction_is_judged_against_the_measured_pattern(demo):
    admins, peers = demo["Admins lead"], demo["Peers talk"]
    assert admins["pattern"] == "wheel" and peers["pattern"] == "all-channel"  # what the lesson relies on
    right = classroom.judge("Admins lead", "wheel", "high", admins, "en")
    assert right["pattern_right"] and right["level_right"] and right["verdict"] == "Right"
    assert right["measured"] == f"wheel, high (0.5 or more): degree centralisation {admins['centralisation']:.2f}"
    assert "admin who posted the prompting question" in right["why"]

    wrong = classroom.judge("Peers talk", "wheel", "high", peers, "en")
    assert not wrong["pattern_right"] and not wrong["level_right"] and wrong["verdict"] == "Not this time"
    assert wrong["measured_pattern"] == "all-channel" and wrong["measured_level"] == "low"
    assert "Members answered each other" in wrong["why"]

    partly = classroom.judge("Peers talk", "all-channel", "medium", peers, "en")
    assert partly["pattern_right"] and not partly["level_right"] and partly["verdict"] == "Partly right"

    chain = classroom.judge("Peers talk", "chain", "low", peers, "en")  # why a tidy chain is never measured
    assert chain["level_right"] and not chain["pattern_right"] and "A chain, a circle or a Y" in chain["why"]


def test_the_judgement_in_indonesian(demo):
    j = classroom.judge("Peers talk", "all-channel", "low", demo["Peers talk"], "id")
    assert j["verdict"] == "Tepat"
    assert j["predicted"] == "semua saluran, rendah (di bawah 0,2)"
    c = demo["Peers talk"]["centralisation"]
    assert j["measured"] == f"semua saluran, rendah (di bawah 0,2): sentralisasi derajat {c:.2f}".replace(".", ",")
    assert "saling menjawab" in j["why"]


# ---------------------------------------------------------------- interactivity, one panel per kind
def test_each_kind_of_interactivity_has_its_own_chart_with_nonzero_values():
    df = CommunityModel("ipm", rng=2, n_mothers=20000, end="2021-06").run().dataframe()
    charts = views.communication_charts(df, "en")
    per_kind = charts[: len(KINDS)]
    for k, chart in zip(KINDS, per_kind, strict=True):
        assert chart.kind == "lines" and set(chart.data["series"]) == {views.KIND_LABELS[k]}
        assert (chart.data["y"] > 0).any(), k
        assert (chart.data["y"].to_numpy() == df[f"new_{k}"].to_numpy(dtype=float)).all(), k  # its own y scale
    pattern = charts[-1]
    assert pattern.y_title == "centralisation and density (1 = the most possible)"


# ---------------------------------------------------------------- the explanation and its sources
def test_quotes_are_in_the_sources():
    text = " ".join(p.read_text(encoding="utf-8") for p in SOURCES.glob("0*.md")).replace("*", "")
    text = re.sub(r"\s+", " ", text)
    for source, indonesian, _english in classroom.QUOTES.values():
        assert indonesian in text, indonesian
        assert any(p.name.startswith(source) for p in SOURCES.iterdir())


def test_the_explanation_covers_the_three_kinds_the_patterns_and_the_consequences():
    for lang in ("en", "id"):
        text = classroom.explanation(lang)
        for word in ("McMillan 2002", "Bavelas 1950", "Leavitt 1951", "Shaw 1964", "model/interaction.py"):
            assert word in text, (lang, word)
        assert text.count('> "') == len(classroom.QUOTES)  # each source quoted once, in Indonesian
    en, id_ = classroom.explanation("en"), classroom.explanation("id")
    assert "**community tie**" in en and "**opportunities**" in en and "**internalises**" in en
    assert "**ikatan komunitas**" in id_ and "**kesempatan**" in id_
    assert "Members' interactivity in the empowerment programme" in en  # the translation, for English readers
    assert "Members' interactivity" not in id_ and "people talking with people" not in id_


# ---------------------------------------------------------------- the worksheet
def test_the_indonesian_worksheet_has_no_english_question():
    sheet = classroom.worksheet("id")
    assert sheet.startswith("<!DOCTYPE html>") and '<html lang="id">' in sheet and "@media print" in sheet
    _ = gettext("id")
    for q in classroom.QUESTIONS:
        assert q not in sheet, q
        assert _(q) != q and _(q) in sheet
    for word in ("Pola komunikasi: lembar kerja", "Perkiraan kalian", "Langkah-langkah", "Pertanyaan", "roda"):
        assert word in sheet
    assert "Which" not in sheet and "When the" not in sheet and "Your prediction" not in sheet
    assert classroom.worksheet_filename("id") == "ibusim-lembar-kerja-id.html"


def test_the_english_worksheet_has_the_questions_the_steps_and_spaces_to_write():
    sheet = classroom.worksheet("en")
    for q in classroom.QUESTIONS:
        assert q.replace("'", "&#x27;") in sheet
    assert sheet.count("<td class='blank'></td>") == 2 * len(classroom.SETTINGS)  # measured, right or wrong
    assert sheet.count("<div class='lines'></div>") == len(classroom.QUESTIONS)
    assert "Press Run the demonstration" in sheet
    with pytest.raises(ValueError, match="language 'fr'"):
        classroom.worksheet("fr")


# ---------------------------------------------------------------- week 0
def test_guidance_at_week_0_only():
    assert classroom.show_guidance(0) and not classroom.show_guidance(1)
    en, id_ = classroom.guidance("en"), classroom.guidance("id")
    assert "Run the demonstration" in en and "Programme design" in en
    assert "Jalankan demonstrasi" in id_ and "Desain program" in id_ and "Run the" not in id_


# ---------------------------------------------------------------- the page, in Indonesian
def _texts(rc, cls: str) -> list[str]:
    return ["".join(map(str, w.children)) for w in rc.find(v.Html).widgets if cls in (w.class_ or "").split()]


def _wait(predicate, what: str):
    return wait_for(predicate, WAIT_S, what)


def _has_class(w, cls: str) -> bool:
    return cls in (getattr(w, "class_", None) or "").split()


def test_the_page_guides_at_week_0_then_predicts_runs_and_compares_in_indonesian():
    session = Session(changes={"n_mothers": 20000}, lang="id")
    _, rc = solara.render(app.CommunicationPage(session, solara.reactive(0), session.lang), handle_error=False)
    try:
        assert not any(type(w).__name__ == "LiveChart" for w in rc.find(v.VuetifyTemplate).widgets)  # no empty charts
        assert _texts(rc, "comm-empty") == [
            "Belum ada minggu yang dijalankan: grafiknya muncul setelah Maju 1 minggu atau Jalankan sampai akhir."
        ]
        assert "Belum ada yang dijalankan: mulai dari sini" in _markdown(rc)
        assert not _texts(rc, "network-monitors")  # nothing runs before the class has predicted

        selects = rc.find(v.Select).widgets
        patterns = [w for w in selects if _has_class(w, "predict-pattern")]
        levels = [w for w in selects if _has_class(w, "predict-level")]
        assert len(patterns) == len(levels) == 2
        patterns[0].v_model, levels[0].v_model = "roda", "tinggi (0,5 atau lebih)"  # admins lead: right
        patterns[1].v_model, levels[1].v_model = "roda", "sedang (0,2 sampai 0,5)"  # peers talk: wrong
        rc.find(v.Btn, children=["Jalankan demonstrasi"]).widget.click()
        verdicts = _wait(
            lambda: len(_texts(rc, "comparison-verdict")) == 2 and _texts(rc, "comparison-verdict"), "the verdicts"
        )
        assert verdicts == ["Tepat", "Kali ini belum tepat"]
        text = _markdown(rc)
        assert "Perkiraan kalian: roda, tinggi (0,5 atau lebih)" in text
        assert "Hasil ukur model: semua saluran, rendah (di bawah 0,2)" in text
        patterns[1].v_model = "semua saluran"  # a change after the run does not change the verdict shown ...
        settled = time.monotonic() + 1.0
        while time.monotonic() < settled:
            assert _texts(rc, "comparison-verdict") == ["Tepat", "Kali ini belum tepat"]
            time.sleep(0.05)
        rc.find(v.Btn, children=["Jalankan demonstrasi"]).widget.click()  # ... until the class runs it again
        again = ["Tepat", "Sebagian tepat"]
        _wait(lambda: _texts(rc, "comparison-verdict") == again, "the verdicts of the second run")
        (monitors,) = _texts(rc, "network-monitors")
        assert monitors.startswith("pola: roda; sentralisasi derajat 1,00;")
        (consequences,) = _texts(rc, "demo-consequences")
        assert consequences.startswith(f"Sampai minggu ke-{views.DEMO_WEEKS}: ikatan komunitas terbentuk ")
    finally:
        rc.close()


def _markdown(rc) -> str:
    import html

    return "\n".join(
        html.unescape(w.template)
        for w in rc.find(v.VuetifyTemplate).widgets
        if type(w) is v.VuetifyTemplate and isinstance(w.template, str)
    )


def test_after_a_step_the_page_shows_the_runs_charts_one_per_kind():
    session = Session(changes={"n_mothers": 20000}, lang="en")
    session.step(30)
    _, rc = solara.render(app.CommunicationPage(session, solara.reactive(0), session.lang), handle_error=False)
    try:
        assert not _texts(rc, "comm-empty")
        assert "Nothing has run yet" not in _markdown(rc)
        titles = [
            w.spec["title"]["text"] for w in rc.find(v.VuetifyTemplate).widgets if type(w).__name__ == "LiveChart"
        ]
        assert titles == [c.title for c in views.communication_charts(session.frame(), "en")]
        assert [views.KIND_TITLES[k] for k in KINDS] == titles[: len(KINDS)]
        assert np.isfinite(session.frame()["comm_centralisation"].iloc[-1])
    finally:
        rc.close()
