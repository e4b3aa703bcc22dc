"""ibusim experiments: one run (``run_one``), many runs on an executor, sweeps over experiment specs, run folders.

The execution layer is :mod:`ibusim.experiments.core` (build and run one model) and
:mod:`ibusim.experiments.execution` (seeds, executors, limits, atomic writes, manifests).
"""

from .core import build_model, run_model, run_one
from .execution import run_many, spawn_seeds
from .run import run_scenario, write_run_folder

__all__ = ["build_model", "run_many", "run_model", "run_one", "run_scenario", "spawn_seeds", "write_run_folder"]
