"""ibusim experiments: one run (``run_one``), sweeps over experiment specs, run folders, the CLI."""

from .core import run_one
from .run import run_scenario, write_run_folder

__all__ = ["run_one", "run_scenario", "write_run_folder"]
