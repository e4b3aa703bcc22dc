"""Scenarios: named parameter sets written as differences from the baseline.

The baseline is the declared defaults (model/parameters.py). A scenario file is
TOML::

    [scenario]
    name = "ipm"
    description = "..."

    [params]          # only what differs from the baseline, each with a comment
    n_mothers = 120000

    [run]             # optional: the seed of the run this file reproduces (the dashboard saves it)
    seed = 7

Shipped presets live in ``model/scenarios/`` (``ipm``, the default, and
``ibusibuk``); a path to any ``.toml`` file works as well. Loading validates
every name and value (ParameterError naming the file and the parameter).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from ibusim.i18n import N_, Localised, gettext, number

from .parameters import ParameterError, validate

PRESET_DIR = Path(__file__).with_name("scenarios")
DEFAULT = "ipm"
TABLES = ("scenario", "params", "run")
RUN_KEYS = ("seed",)
SEED_MAX = 2**31 - 1  # the dashboard's and the command line's seeds are in [0, SEED_MAX]


def presets() -> list[str]:
    """Names of the shipped scenarios (baseline included)."""
    return ["baseline"] + sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def scenario_path(scenario: str | Path) -> Path | None:
    """The file of a scenario: a preset's name or a ``.toml`` path; None for the baseline.

    ParameterError (one line) for an unknown preset or a missing file.
    """
    if str(scenario) == "baseline":
        return None
    path = Path(scenario)
    if path.suffix != ".toml":
        path = PRESET_DIR / f"{scenario}.toml"
        if not path.is_file():
            raise ParameterError(
                N_("unknown scenario '{scenario}' (allowed: {allowed}, or a .toml file)"),
                scenario=scenario,
                allowed=", ".join(presets()),
            )
    elif not path.is_file():
        raise ParameterError(N_("scenario file '{scenario}' does not exist"), scenario=scenario)
    return path


def overrides(scenario: str | Path) -> dict[str, Any]:
    """The scenario's differences from the baseline (validated)."""
    path = scenario_path(scenario)
    return {} if path is None else parse(path.read_bytes(), str(path))


def read_toml(text: str | bytes, what: str | Localised, error: type[Exception] = ParameterError) -> dict[str, Any]:
    """TOML text -> dict, every failure as one ``error`` line starting with ``what``.

    Covers what tomllib raises beyond TOMLDecodeError: ValueError for an integer of more than
    4,300 digits, RecursionError for arrays nested thousands deep. A ParameterError keeps its msgid
    and fields (translatable); another ``error`` class gets the English line.
    """

    def fail(message: str, **fields) -> Exception:
        e = ParameterError(message, what=what, **fields)
        return e if issubclass(ParameterError, error) else error(str(e))

    try:
        return tomllib.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except UnicodeDecodeError:
        raise fail(N_("{what} is not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as e:
        raise fail(N_("{what} is not valid TOML: {problem}"), problem=e) from None
    except ValueError as e:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
        raise fail(N_("{what} holds a number too large to read ({problem})"), problem=e) from None
    except RecursionError:
        raise fail(N_("{what} nests arrays or tables too deeply")) from None


def parse(text: str | bytes, origin: str = "scenario file") -> dict[str, Any]:
    """A scenario file's text -> its (validated) differences from the baseline.

    ``origin`` names the file in error messages (one line, ParameterError). A file without a
    ``[params]`` table is refused (an empty file would silently be the baseline: say
    ``--scenario baseline`` for that); ``[params]`` with no lines under it is an explicit baseline.
    """
    data = read_toml(text, _file(origin))
    unknown_tables = set(data) - set(TABLES)
    if unknown_tables:
        raise ParameterError(
            N_("scenario file '{origin}': unknown table(s) {tables} (allowed: {allowed})"),
            origin=origin,
            tables=sorted(unknown_tables),
            allowed=", ".join(TABLES),
        )
    _run_table(data, origin)
    head = data.get("scenario", {})
    if not isinstance(head, dict):
        raise ParameterError(
            N_("scenario file '{origin}': 'scenario' must be a table holding name and description"), origin=origin
        )
    extra = set(head) - {"name", "description"}
    if extra:
        raise ParameterError(
            N_("scenario file '{origin}': unknown key(s) {keys} in [scenario] (allowed: name, description)"),
            origin=origin,
            keys=sorted(extra),
        )
    bad = [k for k in ("name", "description") if k in head and not isinstance(head[k], str)]
    if bad:
        raise ParameterError(
            N_("scenario file '{origin}': [scenario] {key} must be a string"), origin=origin, key=bad[0]
        )
    if "params" not in data:
        raise ParameterError(
            N_(
                "scenario file '{origin}' has no [params] table: write the changes from the baseline under [params] "
                "(use --scenario baseline for the baseline itself)"
            ),
            origin=origin,
        )
    params = data["params"]
    if not isinstance(params, dict):
        raise ParameterError(
            N_("scenario file '{origin}': 'params' must be a table of name = value lines"), origin=origin
        )
    try:
        validate(params)
    except ParameterError as e:
        raise ParameterError(N_("scenario file '{origin}': {problem}"), origin=origin, problem=e) from None
    return dict(params)


M_FILE = N_("scenario file '{origin}'")


def _file(origin: str) -> Localised:
    """How messages name the file ``origin``, in each reader's language."""
    return Localised(M_FILE.format(origin=origin), lambda lang: gettext(lang)(M_FILE).format(origin=origin))


def _run_table(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """The checked ``[run]`` table of a parsed file ({} without one)."""
    run = data.get("run", {})
    if not isinstance(run, dict):
        raise ParameterError(N_("scenario file '{origin}': 'run' must be a table holding seed"), origin=origin)
    extra = set(run) - set(RUN_KEYS)
    if extra:
        raise ParameterError(
            N_("scenario file '{origin}': unknown key(s) {keys} in [run] (allowed: {allowed})"),
            origin=origin,
            keys=sorted(extra),
            allowed=", ".join(RUN_KEYS),
        )
    seed = run.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX):
        raise ParameterError(
            N_("scenario file '{origin}': [run] seed must be an integer in [0, {high}]"),
            origin=origin,
            high=number(SEED_MAX, "count", f"{SEED_MAX:,}"),
        )
    return dict(run)


def read_run(text: str | bytes, origin: str = "scenario file") -> dict[str, Any]:
    """A scenario file's optional ``[run]`` table (``{"seed": 7}``), checked; {} when the file has none."""
    return _run_table(read_toml(text, _file(origin)), origin)


def run_settings(scenario: str | Path) -> dict[str, Any]:
    """The ``[run]`` table (``{"seed": 7}``) of a scenario: a preset's or a ``.toml`` file's; {} for the baseline.

    ParameterError (one line) as :func:`overrides` for an unknown scenario or a bad file.
    """
    path = scenario_path(scenario)
    return {} if path is None else read_run(path.read_bytes(), str(path))


def toml_value(v: Any) -> str:
    """A parameter value (bool, number, string, or a list of them) as TOML."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):  # a JSON string is a TOML basic string, once DEL is escaped too
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def to_toml(changes: dict[str, Any], name: str = "custom", description: str = "", seed: int | None = None) -> str:
    """A scenario file (the inverse of :func:`parse`) holding ``changes`` from the baseline.

    With ``seed``, a ``[run]`` table records it (:func:`read_run` reads it back).
    """
    lines = ["[scenario]", f"name = {toml_value(name)}", f"description = {toml_value(description)}", "", "[params]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in changes.items()]
    if seed is not None:
        lines += ["", "[run]", f"seed = {int(seed)}"]
    return "\n".join(lines) + "\n"


def load(scenario: str | Path = DEFAULT, **changes: Any) -> dict[str, Any]:
    """Full, validated parameters of ``scenario`` with ``changes`` applied on top."""
    return validate({**overrides(scenario), **changes})


def describe(scenario: str | Path) -> str:
    """The scenario's one-paragraph description (empty if it has none)."""
    if str(scenario) == "baseline":
        return "Declared defaults: generic priors, no community-specific tuning."
    path = Path(scenario) if str(scenario).endswith(".toml") else PRESET_DIR / f"{scenario}.toml"
    head = read_toml(path.read_bytes(), f"scenario file '{path}'").get("scenario", {})
    return head.get("description", "") if isinstance(head, dict) else ""
