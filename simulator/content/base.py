"""Building blocks shared by persona, scenario and rubric files."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from simulator.content.limits import quoted
from simulator.vocabulary import BEHAVIOURS

SCHEMA_VERSION = 1

Lang = Literal["nl", "en"]
Stance = Literal["hostile", "guarded", "cooperative", "satisfied"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
Score = Annotated[float, Field(ge=0, le=10)]
Delta = Annotated[float, Field(ge=-10, le=10)]



class Strict(BaseModel):
    """Rejects unknown fields, so a typo is an error rather than a silently ignored key."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """One text in both languages."""

    nl: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class Lines(Strict):
    """Authored alternatives in both languages (at least three each)."""

    nl: list[Text] = Field(min_length=3)
    en: list[Text] = Field(min_length=3)

    def get(self, lang: str) -> list[str]:
        return self.en if lang == "en" else self.nl


def check_behaviour(value: str) -> str:
    if value not in BEHAVIOURS:
        raise ValueError(
            f"unknown behaviour id {quoted(value)}; expected one of: {', '.join(BEHAVIOURS)}"
        )
    return value


BehaviourId = Annotated[str, AfterValidator(check_behaviour)]

SchemaVersion = Annotated[int, Field(description="Version of the file format; currently 1.")]


def check_schema_version(value: int) -> int:
    if value != SCHEMA_VERSION:
        raise ValueError(
            f"schema_version {value} is not supported; expected {SCHEMA_VERSION} "
            "(a newer roleplay may read this file)"
        )
    return value
