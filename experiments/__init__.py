"""ibusim experiments: running scenarios, writing self-describing run folders, the CLI."""

from .run import run_scenario, write_run_folder

__all__ = ["run_scenario", "write_run_folder"]
