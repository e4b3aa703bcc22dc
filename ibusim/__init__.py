"""ibusim: an agent-based simulation of online empowerment communities for mothers.

The installed packages are layered, each importing only those below it:

* ``ibusim.cli``: the ``ibusim`` command line;
* ``ibusim.dashboard``: the Solara dashboard (calls the same functions as the CLI);
* ``ibusim.experiments``: building and running models, sweeps, comparisons, calibration;
* ``ibusim.model``: the model itself (``from ibusim.model import CommunityModel``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ibusim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
