"""Scenarios: named parameter sets written as differences from the baseline.

The baseline is the declared defaults (model/parameters.py). A scenario file is
TOML::

    [scenario]
    name = "ipm"
    description = "..."

    [params]          # only what differs from the baseline, each with a comment
    n_mothers = 120000

Shipped presets live in ``model/scenarios/`` (``ipm``, the default, and
``ibusibuk``); a path to any ``.toml`` file works as well. Loading validates
every name and value (ParameterError naming the file and the parameter).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .parameters import ParameterError, validate

PRESET_DIR = Path(__file__).with_name("scenarios")
DEFAULT = "ipm"


def presets() -> list[str]:
    """Names of the shipped scenarios (baseline included)."""
    return ["baseline"] + sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def overrides(scenario: str | Path) -> dict[str, Any]:
    """The scenario's differences from the baseline (validated)."""
    if str(scenario) == "baseline":
        return {}
    path = Path(scenario)
    if path.suffix != ".toml":
        path = PRESET_DIR / f"{scenario}.toml"
        if not path.is_file():
            raise ParameterError(f"unknown scenario '{scenario}' (allowed: {', '.join(presets())}, or a .toml file)")
    elif not path.is_file():
        raise ParameterError(f"scenario file '{scenario}' does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ParameterError(f"scenario file '{path}' is not valid TOML: {e}") from None
    unknown_tables = set(data) - {"scenario", "params"}
    if unknown_tables:
        raise ParameterError(f"scenario file '{path}': unknown table(s) {sorted(unknown_tables)} (allowed: scenario, params)")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise ParameterError(f"scenario file '{path}': 'params' must be a table of name = value lines")
    try:
        validate(params)
    except ParameterError as e:
        raise ParameterError(f"scenario file '{path}': {e}") from None
    return dict(params)


def load(scenario: str | Path = DEFAULT, **changes: Any) -> dict[str, Any]:
    """Full, validated parameters of ``scenario`` with ``changes`` applied on top."""
    return validate({**overrides(scenario), **changes})


def describe(scenario: str | Path) -> str:
    if str(scenario) == "baseline":
        return "Declared defaults: generic priors, no community-specific tuning."
    path = Path(scenario) if str(scenario).endswith(".toml") else PRESET_DIR / f"{scenario}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")).get("scenario", {}).get("description", "")
