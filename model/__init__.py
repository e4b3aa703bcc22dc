"""ibusim's model: an agent-based simulation of online empowerment communities for mothers.

    >>> from ibusim.model import CommunityModel
    >>> m = CommunityModel(rng=1).run()        # the IPM preset, April 2020 - December 2024
    >>> m.summary()["registered"]

See docs/ODD.md for the model description and ``ibusim params`` for every parameter.
"""

from .community import CommunityModel
from .parameters import PARAMS, ParameterError
from .scenarios import load as load_scenario

__all__ = ["CommunityModel", "PARAMS", "ParameterError", "load_scenario"]
