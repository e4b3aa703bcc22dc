"""One run of the model: build it, run it, and ``run_one``, the plain function any tool can call.

    >>> from ibusim.experiments import run_one
    >>> run_one({"free_class": False}, seed=3)["registered"]

No hidden state: the result depends only on ``params`` and ``seed``. ``params``
may hold ``"scenario"`` (a preset name or scenario file; default ``"ipm"``) and
any declared model parameter. EMA Workbench, SALib, pyabc or a notebook can call
it directly; sweeps, comparisons and calibration run it (or ``run_with_series``)
on an executor through :mod:`ibusim.experiments.execution`. Every model the
experiments and the dashboard run is built by :func:`build_model`.
"""

from __future__ import annotations

from typing import Any


def build_model(scenario: str = "ipm", changes: dict[str, Any] | None = None, seed: int = 1):
    """A new model of ``scenario`` (preset name or scenario file) with ``changes``, seeded with ``seed``."""
    from ibusim.model import CommunityModel  # looked up at call time (tests replace the class)

    return CommunityModel(preset=scenario, rng=int(seed), **(changes or {}))


def run_model(scenario: str = "ipm", changes: dict[str, Any] | None = None, seed: int = 1, weeks: int | None = None):
    """Build a model and run it to its end (or for ``weeks`` weeks); return it."""
    model = build_model(scenario, changes, seed)
    if weeks is None:
        return model.run()
    for _ in range(weeks):
        model.step()
    return model


def _params_model(params: dict[str, Any], seed: int):
    params = dict(params)
    return run_model(params.pop("scenario", "ipm"), params, seed)


def run_one(params: dict[str, Any], seed: int) -> dict[str, float]:
    """Run the model to its end; return the end-of-run figures (``summary()``) as floats."""
    return {k: float(v) for k, v in _params_model(params, seed).summary().items()}


SERIES_KEY = "__series__"


def run_with_series(params: dict[str, Any], seed: int, columns: tuple[str, ...]) -> dict:
    """Return ``run_one``'s figures plus the weekly values of ``columns`` under ``SERIES_KEY``.

    The series are a list per column, week 0 first; sweeps write them to the run folder's
    ``timeseries/`` partitions, ``ibusim compare`` to its ``series.parquet``.
    """
    model = _params_model(params, seed)
    df = model.dataframe()
    out: dict = {k: float(v) for k, v in model.summary().items()}
    out[SERIES_KEY] = {c: df[c].tolist() for c in columns}
    return out
