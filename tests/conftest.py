"""Shared fixtures for the whole-model tests (rule-module tests do not need them)."""

from __future__ import annotations

import pytest

from ibusim.model import CommunityModel


@pytest.fixture(scope="session")
def ipm_run() -> CommunityModel:
    """One full default run: the IPM preset, April 2020 - December 2024, seed 1 (~2 s).

    Session-scoped so that every test file on a worker reuses it; do not mutate it.
    """
    return CommunityModel(preset="ipm", rng=1).run()
