"""Impact survey: the financial and parenting figures, measured the way a survey is.

Rule: the survey invites its frame (``survey_frame``): every registered member,
everyone who completed a class (free or paid), or the alumnae of paid classes and
scholarship (default, see the parameter's provenance). A member answers with probability ``survey_response_base +
survey_response_engaged * s_i`` (capped at 1): engaged members answer more,
as in any voluntary survey. The reported figures are the shares of respondents
with a financial change and with a parenting change (the IPM Impact Survey 2024:
55% and 7 in 10, 001). The model runs it on the last week; the draws come from
their own stream, so running the survey never shifts any other rule's randomness,
and the same model state always gives the same answers.

Parameters read: survey_frame, survey_response_base, survey_response_engaged.
"""

from __future__ import annotations

import numpy as np


def run(model, rng: np.random.Generator) -> dict[str, float]:
    """Survey the registered members; return respondents and the two shares."""
    p = model.p
    frame = np.sort(model.member_idx)
    if p["survey_frame"] == "alumnae":
        frame = frame[model.alumna[frame]]
    elif p["survey_frame"] == "completers":
        frame = frame[model.classes_done[frame] > 0]
    prob = np.minimum(1.0, p["survey_response_base"] + p["survey_response_engaged"] * model.score[frame])
    resp = frame[rng.random(frame.size) < prob]
    if resp.size == 0:
        return {"survey_respondents": 0, "financial_change": float("nan"), "parenting_change": float("nan")}
    return {
        "survey_respondents": int(resp.size),
        "financial_change": float(model.fin_change[resp].mean()),
        "parenting_change": float(model.par_change[resp].mean()),
    }
