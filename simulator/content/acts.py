"""Dialogue acts: the names a persona's repertoire may use.

The act the director picks goes into the tenant model's prompt as an instruction ("your next line
should: complain"), so a misspelt name in a trainer's file ("complian") would reach the model as
nonsense. Repertoire keys must therefore be one of these known acts.
"""

from __future__ import annotations

import difflib
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from simulator.content.limits import quoted

# The acts of the shipped personas, plus a few that new personas are likely to need.
ACTS: tuple[str, ...] = (
    "accept",
    "agree",
    "ask_question",
    "ask_safety",
    "ask_time",
    "challenge",
    "cite_rights",
    "complain",
    "demand",
    "distrust",
    "doubt",
    "give_information",
    "hesitate",
    "hurry",
    "insist",
    "interrupt",
    "panic",
    "refuse",
    "tell_story",
    "thank",
    "threaten_complaint",
    "vent",
    "worry",
)
# Acts every persona has besides its repertoire: answering a question, and staying a tenant when
# the trainee says something off-topic or tries to instruct the tenant like a chatbot.
GENERAL_ACTS: tuple[str, ...] = ("answer", "deflect")


def check_act(value: str) -> str:
    """`value` when it is a known repertoire act; ValueError naming the closest one otherwise."""
    if value in ACTS:
        return value
    hint = difflib.get_close_matches(value, ACTS, n=1) if len(value) < 60 else []
    did_you_mean = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise ValueError(
        f"unknown act {quoted(value)}{did_you_mean}; expected one of: {', '.join(ACTS)}"
    )


ActName = Annotated[
    str,
    AfterValidator(check_act),
    WithJsonSchema({"type": "string", "enum": list(ACTS)}),
]
