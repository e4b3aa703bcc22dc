"""The rules one step runs, in order (the step order of model/community.py's docstring).

Adding a rule: write its module (ending in one ``RULE = Rule(...)``, see
model/rule.py), its test, one line here, and its ODD text (CONTRIBUTING.md).
"""

from __future__ import annotations

from . import (
    alumni,
    awareness,
    brands,
    channels,
    classes,
    communication,
    engagement,
    happy_hour,
    interaction,
    momfluencers,
    onboarding,
    progress,
    promotion,
    scholarship,
    volunteering,
    work,
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
    alumni.RULE,
    happy_hour.RULE,
    volunteering.RULE,
    promotion.RULE,
    brands.RULE,
    work.RULE,
    communication.RULE,
    interaction.RULE,
)
