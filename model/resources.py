"""Memory a parameter set implies, checked before a model allocates anything.

Values that are each inside their declared bounds can combine into a model that does not fit
in memory: ``n_mothers = 5000000`` with ``ties_per_side = 25`` needs about 10 GB. :func:`check`
refuses such a set with one line (ParameterError) that says how much it needs, how much the
machine has available, and what would fit, instead of a ``MemoryError`` and a traceback after
minutes of work.

The estimate (:func:`estimate`) is a fit of the measured peak resident memory (``ru_maxrss``,
one fresh process per size, model built and run, on top of the ~150 MB an idle process with
the model imported takes)::

    n_mothers   ties_per_side   weeks   peak - idle (MB)   estimate (MB)
       10,000         5            22          5                 4
      120,000         5           248         54                51
      200,000         5            22         89                85
      200,000        25            22        384               391
      500,000         5           248        218               214
      500,000        25           248        957               977
    1,000,000         1            22        119               122
    1,000,000        10            22        798               809
    1,000,000        25            22      1,913             1,953
    2,000,000         5            22        831               854
    3,000,000        25             9      5,738             5,859

The peak is reached while the ties are built (the full 248-week runs peak at the value they
have right after construction), so it does not grow with the number of weeks. A least-squares
fit gives 47.4 bytes per mother plus 78.3 bytes per mother and tie side (the network's edge
arrays and their sparse-matrix conversion), within 6.5% of every row from 120,000 mothers up
(14% at 10,000 mothers: half a megabyte); the constants below round both up (48 and 80
bytes), the estimate column. Measured on Linux x86-64, Python 3.12, numpy 2.

Not covered: the message window of the communication rule (``leader_messages``,
``window_weeks``), whose cost is per message, not per mother; runs are given a memory limit
for that by the execution layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .parameters import PARAMS, ParameterError

BYTES_PER_MOTHER = 48  # state arrays and population (fit: 47.4)
BYTES_PER_MOTHER_AND_SIDE = 80  # ties: edge lists and their CSR conversion (fit: 78.3)
MEMINFO = Path("/proc/meminfo")


def estimate(params: dict[str, Any]) -> int:
    """Peak bytes a model of ``params`` adds to the process that builds it (see the module's fit)."""
    n = int(params["n_mothers"])
    return n * (BYTES_PER_MOTHER + BYTES_PER_MOTHER_AND_SIDE * int(params["ties_per_side"]))


def available() -> int | None:
    """Bytes the machine can still give (``MemAvailable`` of /proc/meminfo); None where unknown."""
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _size(b: float) -> str:
    return f"{b / 2**30:.1f} GB" if b >= 2**30 else f"{b / 2**20:.0f} MB"


def check(params: dict[str, Any], copies: int = 1, free: int | None = None) -> int:
    """Refuse (ParameterError, one line) a parameter set whose models will not fit in memory.

    ``params`` is a full, validated parameter set; ``copies`` models are held at once (e.g. one
    per worker process); ``free`` overrides the available bytes (default :func:`available`; no
    check where the machine does not say). Returns the estimate in bytes.
    """
    need = estimate(params) * copies
    free = available() if free is None else free
    if free is None or need <= free:
        return need
    n, side = int(params["n_mothers"]), int(params["ties_per_side"])
    per_model = free // copies
    max_n = per_model // (BYTES_PER_MOTHER + BYTES_PER_MOTHER_AND_SIDE * side)
    max_side = (per_model // n - BYTES_PER_MOTHER) // BYTES_PER_MOTHER_AND_SIDE
    fits = f"at most {max_n:,} mothers at ties_per_side = {side}" if max_n >= PARAMS["n_mothers"].bounds[0] else ""
    if max_side >= PARAMS["ties_per_side"].bounds[0]:
        fits += (" or " if fits else "at most ") + f"ties_per_side = {max_side} at {n:,} mothers"
    times = f" x {copies} at once" if copies > 1 else ""
    raise ParameterError(
        f"n_mothers = {n:,} with ties_per_side = {side} needs about {_size(need)} of memory{times}, "
        f"but {_size(free)} is available: {fits or 'even the smallest model would not fit'} would fit"
    )
