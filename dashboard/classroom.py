"""The classroom mode of the Communication tab: predict, run, compare; the guided explanation; a worksheet.

Pure functions of a language and of the demonstration's network snapshots
(:func:`ibusim.dashboard.views.demonstration`), so the lesson is tested without a browser:

* :func:`judge` sets a class's prediction (a pattern and a level of centralisation) for one setting of the
  demonstration ("Admins lead", "Peers talk") beside what the model measured, says right or wrong, and why;
* :func:`level_of` turns a degree centralisation into low / medium / high with the thresholds
  :func:`ibusim.model.patterns.classify` uses to name a pattern (``Y_LIKE``, ``WHEEL_LIKE``);
* :func:`explanation` is the guided explanation: McMillan's three kinds of interactivity, Bavelas and
  Leavitt's communication patterns, and the consequences Model 2.0 adds (model/interaction.py), with the
  sources quoted;
* :func:`guidance` is what the tab says at week 0, before anything has run (:func:`show_guidance`);
* :func:`worksheet` is a printable worksheet (one HTML page) with the steps, the questions and spaces
  for the predictions.

Every text goes through :func:`ibusim.i18n.gettext`; numbers through :func:`ibusim.numbers.format_number`.
"""

from __future__ import annotations

import html

from ibusim.i18n import N_, check_language, gettext
from ibusim.model.patterns import PATTERNS, WHEEL_LIKE, Y_LIKE
from ibusim.numbers import format_number

from .views import fixed

# the demonstration's two settings (the keys of views.DEMO), in the order the lesson takes them
SETTINGS = ("Admins lead", "Peers talk")
SETTING_NAMES = {"Admins lead": N_("Admins lead"), "Peers talk": N_("Peers talk")}
PATTERN_NAMES = {
    "wheel": N_("wheel"),
    "Y": N_("Y"),
    "chain": N_("chain"),
    "circle": N_("circle"),
    "all-channel": N_("all-channel"),
}
NO_PATTERN = N_("none yet")  # classify's "none": nobody in the window has written to anybody
LEVELS = ("low", "medium", "high")

# Two sources quoted in the explanation and the worksheet: (source, the Indonesian as written, an English
# translation). tests/test_dashboard_classroom.py finds each quote in docs/sources.
QUOTES = {
    "kinds": (
        "000",
        "Pemberdayaan pada komunitas virtual ini menerapkan interaktivitas user to system, user to user, "
        "dan user to document dengan pola komunikasi yang berbeda sesuai dengan tujuan komunikasinya.",
        N_(
            "Empowerment in this virtual community applies user-to-system, user-to-user and user-to-document "
            "interactivity, with communication patterns that differ according to the purpose of the communication."
        ),
    ),
    "admin": (
        "001",
        "Diskusi ini dipandu oleh seorang admin dari tim IPM, dengan pertanyaan pemantik yang dapat memicu "
        "respon dari anggota grup.",
        N_(
            "This discussion is guided by an admin from the IPM team, with prompting questions that can "
            "spark responses from the group's members."
        ),
    ),
    "consequences": (
        "000",
        "Interaktivitas anggota pada program pemberdayaan menjadikan kesempatan dan jaringan yang lebih luas "
        "bagi para anggotanya, serta adanya penghasilan tambahan sebagai momfluencer.",
        N_(
            "Members' interactivity in the empowerment programme brings its members wider opportunities and "
            "networks, and extra income as momfluencers."
        ),
    ),
}


def _lang(lang: str) -> str:
    return check_language(lang)


def level_of(centralisation: float) -> str:
    """``"low"``, ``"medium"`` or ``"high"``: below ``Y_LIKE``, below ``WHEEL_LIKE``, from ``WHEEL_LIKE`` on.

    The same thresholds name a measured network Y or wheel (model/patterns.py), so a level and a pattern
    never disagree.
    """
    c = float(centralisation)
    if c != c:
        raise ValueError("centralisation is not a number")
    if c >= WHEEL_LIKE:
        return "high"
    return "medium" if c >= Y_LIKE else "low"


def level_label(level: str, lang: str) -> str:
    """A level with its range of centralisation, e.g. ``high (0.5 or more)``, ``rendah (di bawah 0,2)``."""
    _ = gettext(_lang(lang))
    y, w = format_number(Y_LIKE, lang, "rate"), format_number(WHEEL_LIKE, lang, "rate")
    if level == "low":
        return _("low (below {y})").format(y=y)
    if level == "medium":
        return _("medium ({y} to {w})").format(y=y, w=w)
    if level == "high":
        return _("high ({w} or more)").format(w=w)
    raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")


def pattern_label(pattern: str, lang: str) -> str:
    """A pattern's name in ``lang`` (``wheel``: ``roda``; ``none``, an empty window: ``belum ada``)."""
    if pattern == "none":
        return gettext(_lang(lang))(NO_PATTERN)
    if pattern not in PATTERN_NAMES:
        raise ValueError(f"pattern {pattern!r} is not one of {', '.join(PATTERNS)}")
    return gettext(_lang(lang))(PATTERN_NAMES[pattern])


def check_prediction(pattern: str | None, level: str | None) -> None:
    """ValueError naming what is wrong unless ``pattern`` is one of PATTERNS and ``level`` one of LEVELS."""
    if pattern not in PATTERNS:
        raise ValueError(f"predicted pattern {pattern!r} is not one of {', '.join(PATTERNS)}")
    if level not in LEVELS:
        raise ValueError(f"predicted centralisation {level!r} is not one of {', '.join(LEVELS)}")


def judge(setting: str, pattern: str, level: str, snap: dict, lang: str) -> dict:
    """A prediction for one setting of the demonstration beside what the model measured.

    Args:
        setting: "Admins lead" or "Peers talk".
        pattern: the predicted pattern (one of model.patterns.PATTERNS).
        level: the predicted centralisation ("low", "medium", "high").
        snap: the demonstration's network snapshot of that setting (views.demonstration).
        lang: "id" or "en".

    Returns:
        ``pattern_right``, ``level_right`` (bool), ``measured_pattern``, ``measured_level``, the
        centralisation, and the texts a class reads: ``predicted`` and ``measured`` (pattern and level),
        ``verdict`` (right / partly right / wrong) and ``why``.
    """
    if setting not in SETTINGS:
        raise ValueError(f"setting {setting!r} is not one of {', '.join(SETTINGS)}")
    check_prediction(pattern, level)
    _ = gettext(_lang(lang))
    c = float(snap["centralisation"])
    measured_pattern, measured_level = str(snap["pattern"]), level_of(c)
    pattern_right, level_right = pattern == measured_pattern, level == measured_level
    if pattern_right and level_right:
        verdict = _("Right")
    elif pattern_right or level_right:
        verdict = _("Partly right")
    else:
        verdict = _("Not this time")
    return {
        "setting": setting,
        "pattern_right": pattern_right,
        "level_right": level_right,
        "measured_pattern": measured_pattern,
        "measured_level": measured_level,
        "centralisation": c,
        "predicted": f"{pattern_label(pattern, lang)}, {level_label(level, lang)}",
        "measured": _("{pattern}, {level}: degree centralisation {c}").format(
            pattern=pattern_label(measured_pattern, lang),
            level=level_label(measured_level, lang),
            c=fixed(c, lang, 2),
        ),
        "verdict": verdict,
        "why": _why(setting, pattern, measured_pattern, lang),
    }


def _why(setting: str, predicted: str, measured: str, lang: str) -> str:
    _ = gettext(lang)
    if setting == "Admins lead":
        text = _(
            "Every message went to the admin who posted the prompting question, so one person is at the end "
            "of almost every line: a star, which Bavelas and Leavitt call a wheel. Its centralisation is the "
            "largest a network can have (1)."
        )
    else:
        text = _(
            "Members answered each other, so many people talk with many and nobody holds most of the lines: "
            "centralisation stays low, and the model names such a network all-channel (decentralised)."
        )
    if predicted in ("chain", "circle", "Y") and predicted != measured:
        text += " " + _(
            "A chain, a circle or a Y needs every person to talk with exactly one or two others in a fixed line "
            "or ring; the messages of three years among hundreds of members are never that tidy, so the model "
            "names a real network by its centralisation: wheel (0.5 or more), Y (0.2 to 0.5) or all-channel."
        )
    return text


def show_guidance(week: int) -> bool:
    """Whether the tab shows the week-0 guidance: the current run has not been stepped yet."""
    return int(week) <= 0


def guidance(lang: str) -> str:
    """What to do first, as Markdown: the tab at week 0, before the current run has any week."""
    _ = gettext(_lang(lang))
    return "\n".join(
        [
            "### " + _("Nothing has run yet: start here"),
            "1. "
            + _(
                "Read the short explanation below, then make your class's prediction for both settings of the "
                "demonstration: which pattern, and how centralised."
            ),
            "2. "
            + _(
                "Press **Run the demonstration**: the model runs the same community for three years, once with "
                "admins leading and once with peers talking, and sets your prediction beside what it measured."
            ),
            "3. "
            + _(
                "To see the interactivity of your own design, go to **Programme design**, press **Step** or "
                "**Run to end**, and come back: the charts of this tab then follow that run."
            ),
        ]
    )


def _quote(key: str, lang: str) -> str:
    source, indonesian, english = QUOTES[key]
    _ = gettext(lang)
    line = f'> "{indonesian}" ({source})'
    return line if lang == "id" else f"{line}\n>\n> {_(english)}"


def explanation(lang: str) -> str:
    """The guided explanation, as Markdown: the three kinds, the patterns, and what Model 2.0 adds."""
    lang = _lang(lang)
    _ = gettext(lang)
    return "\n\n".join(
        [
            "### " + _("1. Three kinds of interactivity (McMillan 2002)"),
            _(
                "**User-to-user**: people talking with people (group messages, forum replies, comments, "
                "Happy Hour). **User-to-document**: reading materials and posts. **User-to-system**: using "
                "Zoom and the learning platform. Reading is by far the most frequent, so each kind has its own "
                "chart: on one scale the other two would vanish."
            ),
            _quote("kinds", lang),
            "### " + _("2. Communication patterns (Bavelas 1950; Leavitt 1951)"),
            _(
                "In a **wheel** every line runs through one person: it is fast and accurate for simple tasks, "
                "its centralisation is 1, but the members at the rim are the least satisfied and the centre is "
                "overloaded as messages grow (Shaw 1964). In an **all-channel** network everybody can talk with "
                "everybody: slower to coordinate, better for complex tasks, and its members are more satisfied; "
                "its centralisation is near 0. The chain, the circle and the Y lie between."
            ),
            _quote("admin", lang),
            "### " + _("3. What Model 2.0 adds: consequences"),
            _(
                "In the model the pattern changes what happens next (model/interaction.py). Two mothers who "
                "exchange messages may form a lasting **community tie**. A member to whom several people "
                "respond **internalises** the community more (her commitment grows); one nobody answers lets "
                "it fade and may become dormant. The admins' replies are limited by the team's capacity, so in "
                "a wheel many messages go unanswered. A member who earns passes **opportunities** (referrals, "
                "customers, campaigns) along her ties, more along stronger ties."
            ),
            _quote("consequences", lang),
        ]
    )


# the worksheet's questions, in order (tests check that none is left in English in the Indonesian sheet)
QUESTIONS = (
    N_(
        "When the admins lead (every message goes to the admin who asked), which pattern do you expect, and how "
        "centralised?"
    ),
    N_("When the peers talk (members answer each other), which pattern do you expect, and how centralised?"),
    N_("Which setting forms more community ties, and why?"),
    N_("Which kind of interactivity is the most frequent? Which is the rarest? Why does that matter for a community?"),
    N_("If you ran a community like IPM, when would you let the admins lead, and when the peers talk?"),
)


def worksheet(lang: str) -> str:
    """A printable worksheet, one HTML page in ``lang``: the steps, the questions, spaces for predictions."""
    lang = _lang(lang)
    _ = gettext(lang)
    e = html.escape
    patterns = " / ".join(pattern_label(p, lang) for p in PATTERNS)
    levels = " / ".join(level_label(level, lang) for level in LEVELS)
    rows = "".join(
        f"<tr><th>{e(_(SETTING_NAMES[s]))}</th><td>{e(patterns)}</td><td>{e(levels)}</td>"
        "<td class='blank'></td><td class='blank'></td></tr>"
        for s in SETTINGS
    )
    questions = "".join(f"<li><p>{e(_(q))}</p><div class='lines'></div></li>" for q in QUESTIONS)
    steps = [
        _("Open the dashboard's Communication tab and read the guided explanation."),
        _("Before running anything, circle your prediction for both settings in the table below."),
        _("Press Run the demonstration, then write what the model measured beside your prediction."),
        _("Answer the questions; compare the two networks and their consequences."),
    ]
    quotes = "".join(
        f"<blockquote>&ldquo;{e(ind)}&rdquo; ({e(src)})"
        + ("" if lang == "id" else f"<br><em>{e(_(eng))}</em>")
        + "</blockquote>"
        for src, ind, eng in QUOTES.values()
    )
    title = _("Communication patterns: a worksheet")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: sans-serif; max-width: 46em; margin: 1em auto; padding: 0 1em; line-height: 1.4; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #444; padding: 6px; \
vertical-align: top; font-size: 0.9em; }}
td.blank {{ height: 3em; min-width: 6em; }} .lines {{ border-bottom: 1px solid #888; height: 4.5em; \
background: repeating-linear-gradient(transparent, transparent 1.45em, #bbb 1.5em); \
-webkit-print-color-adjust: exact; print-color-adjust: exact; }}
blockquote {{ margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #888; font-size: 0.9em; }}
.name {{ border-bottom: 1px solid #444; display: inline-block; width: 20em; }}
@media print {{ body {{ margin: 0; max-width: none; }} li, tr, blockquote {{ break-inside: avoid; }} }}
</style></head><body>
<h1>{e(title)}</h1>
<p>{e(_("Name"))}: <span class="name">&nbsp;</span></p>
<h2>{e(_("Steps"))}</h2>
<ol>{"".join(f"<li>{e(s)}</li>" for s in steps)}</ol>
<h2>{e(_("Your prediction"))}</h2>
<table><tr><th>{e(_("Setting"))}</th><th>{e(_("Pattern"))}</th><th>{e(_("Centralisation"))}</th>
<th>{e(_("What the model measured"))}</th><th>{e(_("Right or wrong, and why"))}</th></tr>{rows}</table>
<h2>{e(_("Questions"))}</h2>
<ol>{questions}</ol>
<h2>{e(_("From the sources"))}</h2>
{quotes}
</body></html>
"""


def worksheet_filename(lang: str) -> str:
    """The worksheet's download name in ``lang``."""
    return f"ibusim-{'lembar-kerja' if _lang(lang) == 'id' else 'worksheet'}-{lang}.html"
