"""``run_one``: one run of the model, as a plain function any tool can call.

    >>> from experiments import run_one
    >>> run_one({"free_class": False}, seed=3)["registered"]

No hidden state: the result depends only on ``params`` and ``seed``. ``params``
may hold ``"scenario"`` (a preset name or scenario file; default ``"ipm"``) and
any declared model parameter. EMA Workbench, SALib, pyabc or a notebook can call
it directly; the sweep runs it in worker processes.
"""

from __future__ import annotations

from typing import Any


def _finished_model(params: dict[str, Any], seed: int):
    from ibusim.model import CommunityModel

    params = dict(params)
    scenario = params.pop("scenario", "ipm")
    return CommunityModel(preset=scenario, rng=int(seed), **params).run()


def run_one(params: dict[str, Any], seed: int) -> dict[str, float]:
    """Run the model to its end; return the end-of-run figures (``summary()``) as floats."""
    return {k: float(v) for k, v in _finished_model(params, seed).summary().items()}


SERIES_KEY = "__series__"


def run_with_series(params: dict[str, Any], seed: int, columns: tuple[str, ...]) -> dict:
    """``run_one`` plus the weekly values of ``columns`` (a list per column, week 0 first) under
    ``SERIES_KEY``; sweeps write them to the run folder's ``timeseries/`` partitions, ``ibusim
    compare`` to its ``series.parquet``.
    """
    model = _finished_model(params, seed)
    df = model.dataframe()
    out: dict = {k: float(v) for k, v in model.summary().items()}
    out[SERIES_KEY] = {c: df[c].tolist() for c in columns}
    return out
