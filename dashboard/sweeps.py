"""The dashboard's sweeps: specs built from the form, run by the experiments package.

The Sweep page builds an ordinary experiment spec (the TOML that ``ibusim sweep``
reads, downloadable as such) from one or two chosen parameters and runs it with
:func:`ibusim.experiments.sweep.run_sweep` into ``results/dashboard-sweep-<time>``,
polling the sweep's ``progress.json`` for the progress bar. It runs its models through the
experiments' execution layer (worker processes, per-run time and memory limits, a dead worker
recorded as a failed run). The A/B comparison is in dashboard/decision.py.

The form's numbers (low, high, levels, replications) are read as the page's reader types them
(:func:`ibusim.numbers.parse_number`: ``0,05`` and ``1.500.000`` on the Indonesian page), an ambiguous
one refused with the reason in the page's language; :func:`default_range` writes them the same way.
"""

from __future__ import annotations

import datetime as dt
import threading
import tomllib
from pathlib import Path
from typing import Any, Callable

from ibusim.experiments.spec import Spec, SpecError, parse_spec
from ibusim.i18n import N_
from ibusim.model.parameters import PARAMS
from ibusim.model.scenarios import toml_value
from ibusim.numbers import NumberError, format_number, kind_for, parse_number
from ibusim.numbers import retype as retype_number

RESULTS = Path("results")


def sweepable() -> list[str]:
    """Parameters a sweep can vary: numbers and switches."""
    return [n for n, p in PARAMS.items() if p.type in ("int", "float", "bool") and n not in ("n_mothers",)]


# TRANSLATORS: a number typed in the sweep form that cannot be read; {key} is low or high, {problem} says why
M_NOT_READ = N_("{name}: {key} = {value}: {problem}")
M_LEVELS = N_("{name}: levels = {value} must be an integer in 2-12")
M_REPLICATIONS = N_("replications = {value} must be an integer in 1-20")


def default_range(name: str, value: Any, lang: str = "en") -> tuple[str, str]:
    """A starting range around the current value (half to one and a half times), inside the bounds.

    Written as a reader of ``lang`` types numbers (``0,005`` in Indonesian), so :func:`build_spec` with
    the same ``lang`` reads them back.
    """
    p = PARAMS[name]
    if p.type == "bool":
        return "false", "true"
    lo, hi = p.bounds
    if value:
        a, b = sorted((value * 0.5, value * 1.5))  # sorted: a negative value's half is the larger end
        a, b = max(lo, a), min(hi, b)
    else:
        a = max(lo, 0)
        b = min(hi, a + 1)
    if p.type == "int":
        a, b = int(round(a)), int(round(b))
        if a >= b:  # every integer inside the bounds is valid (ties_per_side replaced the even ties_per_mother)
            b = min(int(hi), a + 1)
        return str(a), str(b)
    if lang == "en":
        return f"{a:.4g}", f"{b:.4g}"
    return tuple(format_number(float(f"{x:.4g}"), lang, "rate", exact=True) for x in (a, b))


def spec_text(factors: list[dict], fixed: dict[str, Any], replications: int, seed: int, name: str) -> str:
    """The experiment spec TOML. ``factors``: dicts with name, low, high (text) and levels."""
    lines = [
        "[experiment]",
        f"name = {toml_value(name)}",
        'description = "built in the ibusim dashboard (Sweep vs observed)"',
        'scenario = "baseline"',
        'design = "full_factorial"',
        f"replications = {int(replications)}",
        f"seed = {int(seed)}",
        "",
        "[fixed]",
    ]
    names = {f["name"] for f in factors}
    lines += [f"{k} = {toml_value(v)}" for k, v in fixed.items() if k not in names]
    for f in factors:
        p = PARAMS[f["name"]]
        lines += ["", f"[factors.{f['name']}]"]
        if p.type == "bool":
            lines.append("values = [false, true]")
        else:
            num = (lambda t: str(int(float(t)))) if p.type == "int" else (lambda t: repr(float(t)))
            lines += [f"range = [{num(f['low'])}, {num(f['high'])}]", f"levels = {int(f['levels'])}"]
    return "\n".join(lines) + "\n"


def build_spec(
    factors: list[dict], fixed: dict[str, Any], replications: int | str, seed: int, *, lang: str = "en"
) -> Spec:
    """Validated spec (SpecError / ParameterError with one line on bad input).

    ``factors``: dicts with the parameter's name and, for a number, the typed low, high and levels; the
    typed numbers (and ``replications``, an int or the typed text) are read as a reader of ``lang`` types
    them (:func:`ibusim.numbers.parse_number`). The dicts are not changed.
    """
    if not factors:
        raise SpecError(N_("choose a parameter to sweep"))
    if len({f["name"] for f in factors}) != len(factors):
        raise SpecError(N_("choose two different parameters"))
    read = []
    for f in factors:
        if f["name"] not in PARAMS:
            raise SpecError(N_("unknown parameter '{name}'"), name=f["name"])
        p = PARAMS[f["name"]]
        f = dict(f)
        if p.type in ("int", "float"):
            for key in ("low", "high"):
                try:
                    f[key] = parse_number(str(f[key]), lang, kind_for(p.unit, p.type), integer=p.type == "int")
                except NumberError as e:
                    raise SpecError(M_NOT_READ, name=f["name"], key=key, value=repr(f[key]), problem=e) from None
            levels = _integer(f["levels"], lang)
            if levels is None or not 2 <= levels <= 12:
                raise SpecError(M_LEVELS, name=f["name"], value=repr(f["levels"]))
            f["levels"] = levels
        read.append(f)
    reps = _integer(replications, lang)
    if reps is None or not 1 <= reps <= 20:
        raise SpecError(M_REPLICATIONS, value=repr(replications))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = spec_text(read, fixed, reps, seed, f"dashboard-{stamp}")
    return parse_spec(tomllib.loads(text), "dashboard sweep", text)


def retype(factor: dict, old: str, new: str) -> dict:
    """``factor``'s typed low and high (language ``old``) written for a reader of ``new``, for a language switch.

    ``0,05`` typed on the Indonesian page becomes ``0.05`` on the English one instead of a number the new
    reader's page would refuse; a text ``old`` cannot read (or a switch) is kept as typed. A new dict.
    """
    out = dict(factor)
    p = PARAMS.get(factor.get("name"))
    if p is None or p.type not in ("int", "float") or old == new:
        return out
    kind = kind_for(p.unit, p.type)
    for key in ("low", "high"):
        if key in factor:
            out[key] = retype_number(factor[key], old, new, kind, integer=p.type == "int", shown_as="rate")
    return out


def _integer(typed: int | str, lang: str) -> int | None:
    """An int, or a whole number typed as a reader of ``lang`` types it (``1.000`` in Indonesian); else None."""
    if isinstance(typed, bool):
        return None
    if isinstance(typed, int):
        return typed
    try:
        return int(parse_number(str(typed), lang, "count", integer=True))
    except NumberError:
        return None


def new_folder() -> Path:
    """A new folder for a dashboard sweep: results/dashboard-sweep-<time, to the microsecond>."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return RESULTS / f"dashboard-sweep-{stamp}"


def run_in_background(
    spec: Spec, folder: Path, on_progress: Callable[[dict], None], workers: int | None = None, poll: float = 0.5
) -> dict:
    """Run the sweep in a thread; call ``on_progress`` with progress.json's content until it ends."""
    import json

    from ibusim.experiments.sweep import run_sweep

    outcome: dict[str, Any] = {}

    def work():
        try:
            outcome["result"] = run_sweep(spec, folder, executor="processes", workers=workers, progress=False)
        except Exception as e:  # reported on the page, never raised into the UI
            outcome["error"] = f"{type(e).__name__}: {e}"
            outcome["exception"] = e  # for error_text(e, lang): the page's language

    t = threading.Thread(target=work, daemon=True)
    t.start()
    while t.is_alive():
        t.join(poll)
        try:
            on_progress(json.loads((folder / "progress.json").read_text()))
        except (OSError, ValueError):
            pass
    try:
        on_progress(json.loads((folder / "progress.json").read_text()))
    except (OSError, ValueError):
        pass
    return outcome
