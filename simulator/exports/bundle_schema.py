"""The schema of one session in a roleplay bundle (version 1), checked before anything is written.

Bundles come from other machines, so every value is checked for the type and shape this store
writes, and every reference stays inside its own session record: a turn or review names the
session it sits in, a detection or override names a turn of that session. A bundle can add
sessions; it cannot reach into one that is already here.

Unknown fields are ignored (never written): a newer roleplay may add columns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from simulator.content.base import BehaviourId, Lang, Stance
from simulator.store.ids import ID_PATTERN

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    return value


def _time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a date and time (ISO 8601)") from None
    if moment.tzinfo is None:
        raise ValueError("has no time zone (roleplay writes UTC times, e.g. ...+00:00)")
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]  # checked in Rust: quick
NOT_AN_ID = "is not an id as roleplay makes them (26 capital letters and digits)"
# A person's name as typed: may be empty (an anonymous trainee), never control characters.
Name = Annotated[str, StringConstraints(max_length=200), AfterValidator(_plain)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_plain)]
Text = Annotated[str, StringConstraints(max_length=100_000)]
LongText = Annotated[str, StringConstraints(max_length=2_000_000)]  # a model prompt
Time = Annotated[str, StringConstraints(max_length=64), AfterValidator(_time)]
# Plain validators rather than unions: a union's errors name its members, not the value.


def _number_from(low: float, high: float) -> PlainValidator:
    def check(value: object) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("is not a number")  # noqa: TRY004 - pydantic wants ValueError
        if not low <= value <= high:  # NaN fails this too
            raise ValueError(f"is not a number from {low:g} to {high:g}")
        return value

    return PlainValidator(check)


def _flag(value: object) -> bool:
    if value not in (True, False) or not isinstance(value, int):
        raise ValueError("is not true or false (or 1 or 0)")
    return bool(value)


def _json_list_or_object(value: object) -> list | dict:
    if not isinstance(value, list | dict):
        raise ValueError("is not a JSON list or object")  # noqa: TRY004 - as above
    return value


Score = Annotated[int | float, _number_from(0, 100)]
Level = Annotated[int | float, _number_from(0, 10)]  # irritation and trust
Millis = Annotated[float, _number_from(0, 1e9)]
Confidence = Annotated[float, _number_from(-1e9, 1e9)]
Flag = Annotated[bool, PlainValidator(_flag)]  # detections and overrides are exported as 0/1
Guard = Annotated[list | dict, PlainValidator(_json_list_or_object)]


class Row(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class Session(Row):
    id: Id
    trainee: Name = ""
    persona_id: Label
    scenario_id: Label
    lang: Lang
    mode: Label = "practice"
    backend: Label | None = None
    model_id: Label | None = None
    options: dict[str, Any] | None = None
    persona_hash: Label | None = None
    scenario_hash: Label | None = None
    started: Time
    ended: Time | None = None
    outcome: Label | None = None
    consent: StrictBool = False
    scores: dict[Label, Score] | None = None


class TurnState(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    irritation: Level | None = None
    trust: Level | None = None
    stance: Stance | None = None
    act: Label | None = None


class Turn(Row):
    id: Id
    session_id: Id
    position: Annotated[StrictInt, Field(ge=0, le=1_000_000)]
    speaker: Literal["trainee", "tenant"]
    text: Text
    created: Time
    latency_ms: Millis | None = None
    first_token_ms: Millis | None = None
    prompt: LongText | None = None
    source: Label | None = None
    guard: Guard | None = None
    state: TurnState | None = None


class Detection(Row):
    turn_id: Id
    behaviour: BehaviourId
    detected: Flag
    confidence: Confidence | None = None
    sentence: Text | None = None
    exemplar: Text | None = None


class Review(Row):
    id: Id
    session_id: Id
    reviewer: Annotated[Name, StringConstraints(min_length=1)]
    comment: Text
    created: Time


class Override(Row):
    id: Id
    turn_id: Id
    behaviour: BehaviourId
    reviewer: Annotated[Name, StringConstraints(min_length=1)]
    agree: Flag
    created: Time


class Record(Row):
    """One session with everything under it, as `bundle.session_record` writes it."""

    session: Session
    turns: list[Turn] = []
    detections: list[Detection] = []
    reviews: list[Review] = []
    overrides: list[Override] = []

    @model_validator(mode="after")
    def _stays_inside(self) -> Record:
        sid = self.session.id
        for kind, rows in (("turn", self.turns), ("review", self.reviews)):
            for row in rows:
                if row.session_id != sid:
                    raise ValueError(f"{kind} {row.id} names session {row.session_id}, not {sid}")
        turn_ids = {t.id for t in self.turns}
        for kind, rows in (("detection", self.detections), ("override", self.overrides)):
            for row in rows:
                if row.turn_id not in turn_ids:
                    raise ValueError(f"{kind} names turn {row.turn_id}, not a turn of {sid}")
        _unique("turn id", (t.id for t in self.turns))
        _unique("turn position", (t.position for t in self.turns))
        _unique("review id", (r.id for r in self.reviews))
        _unique("override id", (o.id for o in self.overrides))
        _unique("detection", ((d.turn_id, d.behaviour) for d in self.detections))
        _unique("override", ((o.turn_id, o.behaviour, o.reviewer) for o in self.overrides))
        return self


def _unique(what: str, values: Iterable[object]) -> None:
    twice = [v for v, n in Counter(values).items() if n > 1]
    if twice:
        raise ValueError(f"{what} {_show(twice[0])} appears twice")


def _show(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def problem(err: ValidationError) -> str:
    """The first problem of a validation error as one line: where in the record, what is wrong."""
    first = err.errors(include_url=False)[0]
    path = ""
    for part in first["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    kind = first["type"]
    message = {"missing": "is missing", "string_pattern_mismatch": NOT_AN_ID}.get(
        kind, first["msg"].removeprefix("Value error, ")
    )
    if path and kind != "missing":
        message += f" (got {_show(first.get('input'))})"
    return f"{path}: {message}" if path else message
