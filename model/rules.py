"""The rules one step runs, in order (the step order of model/community.py's docstring).

Adding a rule: write its module (ending in one ``RULE = Rule(...)``, see
model/rule.py), its test, one line here, and its ODD text (CONTRIBUTING.md).
"""

from __future__ import annotations

from . import (
    awareness,
    brands,
    channels,
    classes,
    communication,
    engagement,
    happy_hour,
    momfluencers,
    onboarding,
    progress,
    promotion,
    scholarship,
    volunteering,
)
from .rule import Rule

RULES: tuple[Rule, ...] = (
    awareness.RULE,
    channels.RULE,
    onboarding.RULE,
    classes.RULE,
    scholarship.RULE,
    progress.RULE,
    momfluencers.RULE,
    engagement.RULE,
    happy_hour.RULE,
    volunteering.RULE,
    promotion.RULE,
    brands.RULE,
    communication.RULE,
)
