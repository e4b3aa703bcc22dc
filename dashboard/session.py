"""One browser session's model and the edits waiting to be applied.

The dashboard keeps no state of its own beyond this: a :class:`Session` holds the
form (the values shown in the controls, which start from a preset or a loaded
scenario file), the seed, the validation message of any field holding bad text,
and the current :class:`~model.CommunityModel`. Edits apply only on
:meth:`Session.reset`, as in Mesa's SolaraViz and NetLogo's setup button; until
then :attr:`Session.pending` says so. Every value goes through the parameter
declarations in model/parameters.py (``parse_value``, ``check``, ``validate``), the
same functions as ``ibusim run --set``, so the dashboard and the CLI agree on what
is allowed and on the results (same parameters and seed, same numbers).

The page's Play loop steps the model in a background thread while renders read it, so
every read and every change of the model happens under :attr:`Session.lock`; a render
takes one :meth:`Session.snapshot` (week, figures, cards and weekly series of the same
week) instead of reading the model piece by piece.

The session also holds the page's language (:attr:`Session.lang`): fields show numbers as a reader
of that language writes them (:func:`field_text`, ``Rp 1.500.000`` and ``45%`` in Indonesian) and read
what a person types the same way (``parse_value(name, text, lang)``), so typing back what a field shows
gives the same value. The target cards (:meth:`Session.cards`) say honestly what they can: "not yet" at
week 0, no observed figure for a community that has none (the observed figures are IPM's), and why a
figure is empty.

Plain Python, no Solara: tests drive it directly and the pages call it.
"""

from __future__ import annotations

import io
import math
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ibusim.i18n import N_, check_language, error_text, gettext, number
from ibusim.model import CommunityModel
from ibusim.model.parameters import (
    DEFAULTS,
    GROUPS,
    PARAMS,
    PROGRAMMES,
    ParameterError,
    check,
    parse_value,
    validate,
)
from ibusim.model.scenarios import load, parse, presets, read_run, to_toml
from ibusim.model.targets import load as load_targets
from ibusim.numbers import format_number, kind_for

# The parameter groups of model/parameters.py, gathered by the role a planner thinks in (the Advanced search's groups).
ROLES: dict[str, tuple[str, ...]] = {
    N_("Programmes"): ("programmes", "scholarship", "alumni", "work"),
    N_("Mothers"): ("mothers", "awareness", "channels", "onboarding", "engagement", "network", "market", "survey"),
    N_("Admins"): ("admins", "communication", "interactivity"),
    N_("Volunteers"): ("volunteers",),
    N_("Brands"): ("momfluencers", "brands"),
    N_("Run settings"): ("run",),
}
assert sorted(g for gs in ROLES.values() for g in gs) == sorted(GROUPS), "every parameter group has a role"

PRESETS = {"IPM": "ipm", "IbuSibuk": "ibusibuk", "Baseline": "baseline"}
SEED_MAX = 2**31 - 1


def role_params(role: str) -> list[str]:
    """Names of the parameters shown under ``role``, in declaration order."""
    groups = ROLES[role]
    return [name for name, p in PARAMS.items() if p.group in groups]


def to_text(value: Any) -> str:
    """How a value is shown in a text field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # round-trips exactly (a shortened form would read back as an edit)
    return str(value)


def field_text(name: str, value: Any, lang: str) -> str:
    """How a value is shown in its field for a reader of ``lang``: numbers as that reader writes them.

    Exact (``format_number(..., exact=True)``): ``parse_value(name, field_text(name, v, lang), lang)``
    gives ``v`` back. A Rupiah price is ``Rp 1.500.000`` in Indonesian and ``Rp 1,500,000`` in English,
    a probability ``45%``; true/false, months and choices as :func:`to_text`.
    """
    p = PARAMS[name]
    if p.type in ("int", "float") and not isinstance(value, bool):
        return format_number(value, lang, kind_for(p.unit, p.type), exact=True)
    return to_text(value)


# The community whose observed figures the target cards compare with: model/targets.toml holds IPM's
# figures (source 001) only. IbuSibuk has none of its own (its preset says every value is assumed), so
# its cards show the simulated figures without a verdict, never IPM's figures as failures.
OBSERVED_COMMUNITY = "IPM"
NO_FIGURES = ("ibusibuk",)  # presets (and files saved from them, "ibusibuk-edited.toml") without observed figures

# Card labels that name a date: the run's start replaces the source's "since 2020".
DATED_LABELS = {"registered": N_("Mothers registered since {start}")}

CARD_STATES = ("inside", "outside", "not_yet", "no_figure", "closed", "empty")


def community_of(source: str) -> str | None:
    """The community whose observed figures apply to a run started from ``source`` (preset or file), or None."""
    stem = Path(str(source)).name.removesuffix(".toml").lower()
    return None if any(stem.startswith(n) for n in NO_FIGURES) else OBSERVED_COMMUNITY


def paid_open(params: dict[str, Any]) -> bool:
    """Whether any paid class has places (a programme with 0 places is closed)."""
    return any(params[f"{prog}_places"] > 0 for prog in PROGRAMMES)


M_BAD_SEED = N_("seed = {text} is not allowed: expected an integer in [0, {high}]")


def parse_seed(text: str | int) -> int:
    """A seed from a field's text; ParameterError unless an integer in [0, SEED_MAX]."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        seed = -1
    if not 0 <= seed <= SEED_MAX:
        raise ParameterError(M_BAD_SEED, text=repr(str(text)), high=number(SEED_MAX, "count", f"{SEED_MAX:,}"))
    return seed


@dataclass(frozen=True)
class Snapshot:
    """The model at one moment, read under the session's lock (what one render shows)."""

    week: int
    n_weeks: int
    date: str  # ISO date of the week the next step simulates
    finished: bool
    applied_seed: int
    cards: list[dict[str, Any]]
    frame: pd.DataFrame  # the weekly series, weeks 0..week


class Session:
    """The form, the seed and the model of one browser session.

    ``lock`` guards the model: take it around anything that reads or steps ``model``
    (the methods here do). Never set a Solara reactive while holding it: a render in
    another thread may hold Solara's render lock and wait for this one.
    """

    message = ""  # the last form-wide problem (cross-parameter rule, bad file, fields to fix), in the page's language
    _fix_message = ""  # the message asking to fix fields first (it goes when they are fixed)
    _problem: ParameterError | None = None  # the error behind the last reset's message

    def __init__(self, preset: str = "ipm", seed: int = 1, changes: dict[str, Any] | None = None, lang: str = "en"):
        self.lang = check_language(lang)  # "id" or "en": the language this session's page is shown in
        self.source = preset  # preset name, or the name of a loaded scenario file
        self.form: dict[str, Any] = load(preset)
        self.form.update(changes or {})  # e.g. a smaller population for tests (validated by reset)
        self.origin: dict[str, Any] = dict(self.form)  # what "Revert to preset" goes back to
        self.origin_seed: int | None = None  # the seed of a loaded scenario file, if it has one
        self.applied_source = preset
        self.errors: dict[str, str] = {}  # field -> message, for fields holding bad text
        self.texts: dict[str, str] = {}  # field -> the bad text, shown back in the field
        self.seed = parse_seed(seed)
        self.message = ""  # the last form-wide problem (cross-parameter rule, bad file)
        self.applied: dict[str, Any] = {}
        self.applied_seed = -1
        self.model: CommunityModel | None = None
        self.lock = threading.RLock()  # the page's play loop and its buttons step the same model
        if self.reset() is not None:
            raise self._problem  # the error itself (English as a string), not the page's line

    # ------------------------------------------------------------- the form
    def text(self, name: str) -> str:
        """What the field shows: the bad text while there is one, else the form's value ("seed" too)."""
        if name in self.texts:
            return self.texts[name]
        return str(self.seed) if name == "seed" else field_text(name, self.form[name], self.lang)

    def set_value(self, name: str, value: Any) -> str | None:
        """Change a field (text typed in the page's language, or a typed value); return the error message or None.

        Text is read as a reader of :attr:`lang` writes it (``500.000`` is five hundred thousand in
        Indonesian); an ambiguous or malformed number is refused with its reason, never misread.
        """
        if name not in PARAMS:
            raise ParameterError(f"unknown parameter {name!r}")
        try:
            v = parse_value(name, value, self.lang) if isinstance(value, str) else check(PARAMS[name], value)
        except ParameterError as e:
            self.errors[name] = error_text(e, self.lang)
            self.texts[name] = str(value)
            return self.errors[name]
        self.errors.pop(name, None)
        self.texts.pop(name, None)
        self.form[name] = v
        self._clear_fix_message()
        return None

    def _clear_fix_message(self) -> None:
        if not self.errors and self.message and self.message == self._fix_message:
            self.message = ""

    def set_seed(self, text: str | int) -> str | None:
        """Change the seed (pending until reset); return the error message or None."""
        try:
            self.seed = parse_seed(text)
        except ParameterError as e:
            self.errors["seed"] = error_text(e, self.lang)
            self.texts["seed"] = str(text)
            return self.errors["seed"]
        self.errors.pop("seed", None)
        self.texts.pop("seed", None)
        self._clear_fix_message()
        return None

    def new_seed(self) -> int:
        """A fresh seed for the next reset (drawn by the operating system, shown in the seed field)."""
        self.set_seed(secrets.randbelow(SEED_MAX))
        return self.seed

    def choose_preset(self, preset: str) -> None:
        """Replace the form with a preset's values (pending until reset)."""
        if preset not in presets():
            raise ParameterError(f"unknown preset {preset!r} (allowed: {', '.join(presets())})")
        self.form, self.source = load(preset), preset
        self.origin, self.origin_seed = dict(self.form), None
        self.errors, self.texts, self.message = {}, {}, ""

    def load_scenario(self, data: str | bytes, filename: str = "scenario.toml") -> str | None:
        """Replace the form (and the seed, when the file has one) with a scenario file's; return the error or None."""
        try:
            changes = parse(data, filename)
            run = read_run(data, filename)
        except ParameterError as e:
            self.message = error_text(e, self.lang)
            return self.message
        self.form, self.source = validate(changes), filename
        self.origin, self.origin_seed = dict(self.form), run.get("seed")
        self.errors, self.texts, self.message = {}, {}, ""
        if self.origin_seed is not None:
            self.seed = self.origin_seed
        return None

    def revert(self) -> None:
        """Back to the preset's (or the loaded file's) values and the file's seed, pending until reset."""
        self.form = dict(self.origin)
        if self.origin_seed is not None:
            self.seed = self.origin_seed
        self.errors, self.texts, self.message = {}, {}, ""

    def clear_pending(self) -> None:
        """Drop every edit not yet applied (bad text too): the form and seed go back to the current run's."""
        with self.lock:
            self.form, self.seed, self.source = dict(self.applied), self.applied_seed, self.applied_source
        self.errors, self.texts, self.message = {}, {}, ""

    def changes(self) -> dict[str, Any]:
        """The form's differences from the baseline (what a scenario file holds)."""
        return {k: v for k, v in self.form.items() if v != DEFAULTS[k]}

    def scenario_toml(self) -> str:
        """The form as a scenario file (changes from the baseline) with the seed, for the Save button."""
        name = Path(str(self.source)).name.removesuffix(".toml").removesuffix("-edited")
        return to_toml(
            self.changes(),
            name=name + "-edited",
            description=f"saved from the ibusim dashboard (started from {self.source})",
            seed=self.seed,
        )

    @property
    def edited(self) -> list[str]:
        """Fields whose form value differs from the model's."""
        return [k for k, v in self.form.items() if v != self.applied.get(k)]

    @property
    def pending(self) -> bool:
        """Edits (or bad text) not yet applied by a reset."""
        return bool(self.edited or self.errors or self.seed != self.applied_seed)

    # ------------------------------------------------------------ the model
    def reset(self) -> str | None:
        """Build a new model from the form and seed; on bad input keep the old one and return why."""
        if self.errors:
            name = next(iter(self.errors))
            _ = gettext(self.lang)
            self.message = _("fix {n} field(s) first: {error}").format(n=len(self.errors), error=self.errors[name])
            self._fix_message = self.message
            return self.message
        try:
            params = validate(self.form)
        except ParameterError as e:
            self.message, self._problem = error_text(e, self.lang), e
            return self.message
        model = CommunityModel(preset="baseline", rng=self.seed, **params)  # built outside the lock
        with self.lock:
            self.model = model
            self.applied, self.applied_seed, self.message = dict(params), self.seed, ""
            self.applied_source = self.source
        return None

    def step(self, weeks: int = 1) -> None:
        """Step the model ``weeks`` weeks (fewer at the end of the run)."""
        with self.lock:
            for _ in range(weeks):
                if not self.model.running:
                    break
                self.model.step()

    def run_to_end(self) -> None:
        """Step the model to the end of the run."""
        with self.lock:
            self.model.run()

    @property
    def finished(self) -> bool:
        """The run has reached its last week."""
        with self.lock:
            return not self.model.running

    @property
    def progress(self) -> tuple[int, int]:
        """The model's week and its number of weeks."""
        with self.lock:
            return self.model.week, self.model.n_weeks

    def frame(self) -> pd.DataFrame:
        """The weekly series so far (weeks 0..week)."""
        with self.lock:
            return self.model.dataframe()

    def snapshot(self) -> Snapshot:
        """Week, cards and weekly series of one and the same moment of the model."""
        with self.lock:
            m = self.model
            return Snapshot(
                week=m.week,
                n_weeks=m.n_weeks,
                date=m.date.isoformat(),
                finished=not m.running,
                applied_seed=self.applied_seed,
                cards=self.cards(),
                frame=m.dataframe(),
            )

    def csv(self) -> bytes:
        """The current run's weekly series (with the seed and changes in a header comment)."""
        with self.lock:
            changes = {k: v for k, v in self.applied.items() if v != DEFAULTS[k]}
            header = f"# ibusim dashboard run: seed {self.applied_seed}, changes from baseline {changes}\n"
            frame = self.frame()
        buf = io.StringIO()
        buf.write(header)
        frame.to_csv(buf)
        return buf.getvalue().encode()

    def cards(self) -> list[dict[str, Any]]:
        """One card per observed target: simulated now (survey figures after the last week) vs observed.

        Each card has a ``state`` (:data:`CARD_STATES`): ``inside`` / ``outside`` the observed band
        (``final`` once the run has ended, "so far" before); ``not_yet`` at week 0 and for a survey
        figure before the survey; ``no_figure`` when the run's community has no observed figures
        (IbuSibuk: the simulated figure is shown, without a verdict); ``closed`` for completion when
        no paid class was open; ``empty`` for a figure the run ended without (nobody finished).
        ``label`` is an English msgid, ``start`` the run's first month for labels naming it
        (:data:`DATED_LABELS`), ``community`` whose figures ``observed``/``low``/``high`` are.
        """
        with self.lock:
            summary = self.model.summary()
            final = not self.model.running
            week = self.model.week
            params = dict(self.applied)
            source = self.applied_source
            start = self.model.start_date.isoformat()
        community = community_of(source)
        cards = []
        for t in load_targets().values():
            sim = float(summary[t.summary])
            missing = math.isnan(sim)
            inside = (not missing) and t.inside(sim)
            if community is None:
                state = "no_figure"
            elif t.name == "completion" and not paid_open(params):
                state = "closed"
            elif week == 0 or (missing and not final):
                state = "not_yet"
            elif missing:
                state = "empty"
            else:
                state = "inside" if inside else "outside"
            cards.append(
                {
                    "name": t.name,
                    "label": DATED_LABELS.get(t.name, t.label),
                    "start": start,
                    "community": community,
                    "observed": t.value,
                    "low": t.low,
                    "high": t.high,
                    "simulated": sim,
                    "inside": inside and community is not None and state == "inside",
                    "final": final,
                    "pending": state == "not_yet",
                    "state": state,
                    "quote": t.quote,
                    "unit": t.unit,
                }
            )
        return cards
