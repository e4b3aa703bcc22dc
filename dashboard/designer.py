"""The programme designer of the Programme design tab: one card per programme, the rest under "Advanced".

A planner designs programmes, not parameters: each programme (the free entry class, the four paid
classes of ``model.parameters.PROGRAMMES`` and the business scholarship) gets one card with a switch
(open or closed) and its plain fields: places, rhythm (a new cohort every so many weeks), length, price,
monthly instalments, sign-up window and first cohort. A paid class is closed when it has no places; the
scholarship when it has no batches. Every other parameter is under "Advanced", found with a search box
(by name or by label, in the page's language) instead of scrolling through dozens of fields.

The fields are generated from the parameter declarations (model/parameters.py): label, unit and help in
the page's language (``parameters.text``), numbers shown and read as a reader of that language writes them
(``Session.text`` and ``Session.set_value``).
"""

from __future__ import annotations

from dataclasses import dataclass

import solara

from ibusim.i18n import N_, gettext, ngettext
from ibusim.model.parameters import DEFAULTS, PARAMS, PROGRAMME_LABELS, PROGRAMMES, text
from ibusim.numbers import example, format_number, kind_for

from .session import ROLES, Session
from .widgets import keep_money_together

# the fields of a paid class on its card, in the order a planner reads them
PROGRAMME_FIELDS = ("places", "every_weeks", "weeks", "price", "instalments", "window_weeks", "start")
SCHOLARSHIP_FIELDS = ("scholarship_batch_size", "scholarship_every_weeks", "scholarship_start")
# what a field is called on its programme's card (the card already names the programme)
FIELD_LABELS = {
    "places": N_("Places per cohort"),
    "every_weeks": N_("A new cohort every (weeks)"),
    "weeks": N_("Length of the class (weeks)"),
    "price": N_("Price (Rp)"),
    "instalments": N_("Monthly instalments"),
    "window_weeks": N_("Sign-up window (weeks)"),
    "start": N_("First cohort (month)"),
    "scholarship_batch_size": N_("Scholars per batch"),
    "scholarship_every_weeks": N_("A new batch every (weeks)"),
    "scholarship_start": N_("First batch (month)"),
}
MAX_SHOWN = 25  # fields the Advanced search shows at once (type more to narrow it)
OPEN_PLACES = 20  # places a paid class reopens with when neither the preset nor the baseline has any (assumed)


def _fields(prog: str) -> tuple[str, ...]:
    return tuple(f"{prog}_{f}" for f in PROGRAMME_FIELDS)


@dataclass(frozen=True)
class ProgrammeCardSpec:
    """One card of the designer: its title, the parameter that opens or closes it, and its fields."""

    key: str
    title: str  # a programme's own name (not translated) or an N_() msgid
    switch: str  # the parameter behind the open/closed switch
    fields: tuple[str, ...]
    translate_title: bool = False


CARDS: tuple[ProgrammeCardSpec, ...] = (
    ProgrammeCardSpec("free_class", N_("Free entry class"), "free_class", (), translate_title=True),
    *(ProgrammeCardSpec(prog, PROGRAMME_LABELS[prog], f"{prog}_places", _fields(prog)) for prog in PROGRAMMES),
    ProgrammeCardSpec(
        "scholarship", N_("Business scholarship"), "scholarship_batches", SCHOLARSHIP_FIELDS, translate_title=True
    ),
)
DESIGNER_PARAMS = frozenset(n for c in CARDS for n in (c.switch, *c.fields))
ALL_GROUPS = N_("All groups")


def advanced_params() -> list[str]:
    """Every parameter that is not on a programme card, in declaration order."""
    return [n for n in PARAMS if n not in DESIGNER_PARAMS]


def is_open(form: dict, card: ProgrammeCardSpec) -> bool:
    """Whether the card's programme is open in ``form`` (the free class on, places or batches above 0)."""
    return bool(form[card.switch])


def open_value(session: Session, card: ProgrammeCardSpec):
    """What the switch parameter becomes when a closed programme is opened.

    The preset's (or loaded file's) value when it had the programme open, else the baseline's, else
    :data:`OPEN_PLACES` places (or one batch).
    """
    if PARAMS[card.switch].type == "bool":
        return True
    for value in (session.origin[card.switch], DEFAULTS[card.switch]):
        if value:
            return value
    return OPEN_PLACES if card.switch.endswith("_places") else 1


def set_open(session: Session, card: ProgrammeCardSpec, on: bool) -> None:
    """Open or close the card's programme (pending until reset, like every edit)."""
    if PARAMS[card.switch].type == "bool":
        session.set_value(card.switch, bool(on))
    else:
        session.set_value(card.switch, open_value(session, card) if on else 0)


def search(query: str, lang: str, role: str | None = None) -> list[str]:
    """Advanced parameters whose name or label (in ``lang`` or English) holds every word of ``query``.

    Case is ignored and an underscore counts as a space (``price sens`` finds ``price_sensitivity``).
    ``role`` (one of :data:`~ibusim.dashboard.session.ROLES`: Mothers, Admins, ...) narrows the list;
    an empty query lists the role's parameters (or every advanced parameter without one).
    """
    words = query.lower().replace("_", " ").split()
    found = []
    for name in advanced_params():
        p = PARAMS[name]
        if role and p.group not in ROLES[role]:
            continue
        hay = " ".join((name.replace("_", " "), text(p, "label", lang), text(p, "label", "en"))).lower()
        hay = hay.replace("_", " ")
        if all(w in hay for w in words):
            found.append(name)
    return found


def card_label(name: str, lang: str) -> str:
    """A field's label on its programme's card (``Places per cohort``), in ``lang``."""
    for prog in PROGRAMMES:
        if name.startswith(prog + "_"):
            return gettext(lang)(FIELD_LABELS[name.removeprefix(prog + "_")])
    return gettext(lang)(FIELD_LABELS[name])


def field_label(name: str, lang: str) -> str:
    """A field's label: the parameter's plain label with its unit, in ``lang``."""
    p = PARAMS[name]
    label, unit = text(p, "label", lang), text(p, "unit", lang)
    return f"{label} ({unit})" if unit and unit != "-" and p.type != "month" else label


def field_hint(name: str, lang: str, on_card: bool = False) -> str:
    """The line under a field: the help text, the allowed values and how to type a number in ``lang``.

    ``on_card``: the field is on its programme's card, so a help text starting with the programme's
    name (``Comeback Journey: places per cohort``) drops it.
    """
    _ = gettext(lang)
    p = PARAMS[name]
    help_ = text(p, "help", lang)
    if on_card:
        for prog, title in PROGRAMME_LABELS.items():
            if name.startswith(prog + "_") and help_.startswith(title + ": "):
                help_ = help_.removeprefix(title + ": ")
                help_ = help_[:1].upper() + help_[1:]
    help_ = help_.rstrip()
    if help_ and not help_.endswith((".", "!", "?", ")")) or help_.endswith(")") and not help_.endswith(".)"):
        help_ += "."  # one sentence ends before the next begins
    if p.type in ("int", "float"):
        kind = kind_for(p.unit, p.type)
        low, high = (format_number(b, lang, kind, exact=True) for b in p.bounds)
        hint = f"{help_} " + _("From {low} to {high}; type it as {example}.").format(
            low=low, high=high, example=example(kind, lang)
        )
    else:
        allowed = text(p, "allowed", lang)
        hint = f"{help_} {allowed[:1].upper()}{allowed[1:]}."
    return hint


# ------------------------------------------------------------------ components
@solara.component
def ParamField(session: Session, name: str, on_change, text: str, error: str | None, lang: str = "en", label: str = ""):
    """One control generated from a parameter declaration, in the page's language.

    Label with the unit, the help text and the allowed values under it, or the validation message in
    its place when the text is not allowed. ``text``, ``error`` and ``lang`` (what the field shows) are
    arguments so that the field re-renders when they change: reacton re-renders a child only when its
    arguments change. ``label`` replaces the parameter's own label (the programme cards' short ones).
    """
    p = PARAMS[name]
    label = label or field_label(name, lang)

    def set_text(value):
        session.set_value(name, value if value is not None else "")
        on_change()

    if p.type == "bool":
        solara.Checkbox(
            label=label,
            value=bool(session.form[name]),
            on_value=lambda v: (session.set_value(name, bool(v)), on_change()),
            classes=[f"param-{name}"],
        )
    elif p.type == "choice":
        solara.Select(
            label=label,
            values=list(p.choices),
            value=session.form[name],
            on_value=lambda v: (session.set_value(name, v), on_change()),
            dense=True,
            classes=[f"param-{name}"],
        )
    else:
        solara.InputText(
            label,
            value=text,
            on_value=set_text,
            error=error or False,
            # "Rp" kept on the line of its number when the hint wraps on a narrow card
            message=keep_money_together(error or field_hint(name, lang, on_card=bool(label))),
            dense=True,
            classes=[f"param-{name}"],
        )


@solara.component
def ProgrammeCard(session: Session, key: str, on_change, is_on: bool, texts: tuple, errors: tuple, lang: str = "en"):
    """One programme: its open/closed switch and, when open, its fields.

    ``is_on``, ``texts`` and ``errors`` are what the card shows, passed so that it re-renders when
    they change.
    """
    _ = gettext(lang)
    card = next(c for c in CARDS if c.key == key)
    title = _(card.title) if card.translate_title else card.title

    def switch(on):
        set_open(session, card, bool(on))
        on_change()

    with solara.Card(classes=["programme-card", f"programme-{key}"], style={"margin": "4px 0", "padding": "6px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="8px"):
            solara.Text(title, style={"font-weight": "bold"})
            solara.Switch(
                label=_("open") if is_on else _("closed"),
                value=is_on,
                on_value=switch,
                classes=[f"switch-{key}"],
            )
        if key == "free_class":
            solara.Text(
                _("Mothers join through a free first class before the paid classes.")
                if is_on
                else _("No free class: mothers sign up directly."),
                style={"font-size": "0.8em"},
            )
        if is_on:
            for name, value, error in zip(card.fields, texts, errors, strict=True):
                ParamField(session, name, on_change, value, error, lang, card_label(name, lang)).key(f"{key}-{name}")
        elif card.switch.endswith("_places"):
            solara.Text(_("Closed: no places, no cohorts."), style={"font-size": "0.8em"})
        elif card.switch == "scholarship_batches":
            solara.Text(_("Closed: no scholarship batches."), style={"font-size": "0.8em"})


@solara.component
def ProgrammeDesigner(session: Session, on_change, lang: str = "en", version: int = 0):
    """The cards of every programme; ``version`` (the form's) re-renders them when the form changes."""
    with solara.Column(gap="0px", classes=["programme-designer"]):
        for card in CARDS:
            ProgrammeCard(
                session,
                card.key,
                on_change,
                is_open(session.form, card),
                tuple(session.text(n) for n in card.fields),
                tuple(session.errors.get(n) for n in card.fields),
                lang,
            ).key(card.key)


@solara.component
def AdvancedPicker(session: Session, on_change, lang: str = "en", version: int = 0):
    """Every other parameter, found by typing part of its name or label (and narrowed by group).

    ``version`` (the form's) re-renders the fields when the form changes.
    """
    _ = gettext(lang)
    _n = ngettext(lang)
    query, set_query = solara.use_state("")
    role, set_role = solara.use_state(ALL_GROUPS)  # a key of ROLES, or ALL_GROUPS
    roles = [r for r in ROLES if any(PARAMS[n].group in ROLES[r] for n in advanced_params())]
    chosen = role if role in roles else None
    found = search(query, lang, chosen) if (query.strip() or chosen) else []
    with solara.Column(gap="2px", classes=["advanced-picker"]):
        solara.InputText(
            _("Find a parameter"),
            value=query,
            on_value=lambda t: set_query(t or ""),
            continuous_update=True,
            message=_("Type part of its name or label, e.g. price or volunteer."),
            classes=["advanced-search"],
        )
        solara.Select(
            label=_("Group"),
            values=[_(ALL_GROUPS), *(_(r) for r in roles)],
            value=_(chosen or ALL_GROUPS),
            on_value=lambda label: set_role(next((r for r in roles if _(r) == label), ALL_GROUPS)),
            dense=True,
            classes=["advanced-group"],
        )
        if not found:
            solara.Text(
                _("No parameter matches.")
                if (query.strip() or chosen)
                else _("{n} more parameters: type a word or choose a group to show them.").format(
                    n=len(advanced_params())
                ),
                classes=["advanced-count"],
                style={"font-size": "0.85em"},
            )
        else:
            more = len(found) - MAX_SHOWN
            solara.Text(
                _n("{n} parameter matches.", "{n} parameters match.", len(found)).format(n=len(found))
                + (" " + _("Showing the first {k}: type more to narrow it.").format(k=MAX_SHOWN) if more > 0 else ""),
                classes=["advanced-count"],
                style={"font-size": "0.85em"},
            )
            for name in found[:MAX_SHOWN]:
                ParamField(session, name, on_change, session.text(name), session.errors.get(name), lang).key(
                    f"adv-{name}"
                )
