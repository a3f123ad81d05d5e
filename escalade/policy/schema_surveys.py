"""The `surveys` section of the policy file: periodic surveys beside the satisfaction survey after
each resolution (which every policy has). Part of the format defined in `schema.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .schema import doc


@dataclass(kw_only=True)
class NpsSurvey:
    """A Net Promoter Score survey: each customer contact is asked, now and then, how likely they
    are to recommend us (0–10). NPS = % promoters (9–10) − % detractors (0–6)."""
    every_days: int = doc("How often each contact is asked, in days.", 90, min=7,
                          example="every_days: 90")
    ask: Literal["primary", "contacts"] = doc(
        "Who is asked: `primary` (each customer's primary contacts) or `contacts` (every contact "
        "who may open tickets).", "contacts")
    question: str = doc("The question, as the invitation and the survey page put it.",
                        "How likely are you to recommend us to a friend or colleague?")


@dataclass(kw_only=True)
class Surveys:
    """Surveys beside the satisfaction survey after each resolution (which every policy has)."""
    nps: NpsSurvey | None = doc("A periodic Net Promoter Score survey; none: no NPS survey.", None,
                                example="nps: {every_days: 90}")
