"""A tenant persona: who they are, how their mood moves, and what they may say."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from simulator.content.acts import GENERAL_ACTS, ActName
from simulator.content.base import (
    BehaviourId,
    Delta,
    Ident,
    Lines,
    Localized,
    SchemaVersion,
    Score,
    Stance,
    Strict,
    Text,
    check_schema_version,
)
from simulator.vocabulary import BEHAVIOURS, STANCES


class MoodState(Strict):
    irritation: Score
    trust: Score


class Reaction(Strict):
    """How much one detected behaviour changes this tenant's irritation and trust."""

    irritation: Delta = 0
    trust: Delta = 0


class Threshold(Strict):
    """A stance applies when every bound given here holds (bounds are inclusive)."""

    irritation_min: Score | None = None
    irritation_max: Score | None = None
    trust_min: Score | None = None
    trust_max: Score | None = None

    def matches(self, irritation: float, trust: float) -> bool:
        return (
            (self.irritation_min is None or irritation >= self.irritation_min)
            and (self.irritation_max is None or irritation <= self.irritation_max)
            and (self.trust_min is None or trust >= self.trust_min)
            and (self.trust_max is None or trust <= self.trust_max)
        )


class Closings(Strict):
    """The tenant's last words for each way a conversation can end."""

    resolved: Lines
    escalated: Lines
    turn_limit: Lines


class StepLimit(Strict):
    """The most one trainee reply can improve the mood, however many behaviours it stacks."""

    irritation: float = Field(1.5, gt=0, le=10, description="Largest drop in irritation per reply.")
    trust: float = Field(1.5, gt=0, le=10, description="Largest rise in trust per reply.")


class Exchange(Strict):
    """One authored exchange: what the trainee said and how this tenant answers it."""

    trainee: Text
    tenant: Text
    stance: Stance
    act: Ident = Field(description="An act of the persona's repertoire for this stance, or answer/deflect.")
    behaviours: list[BehaviourId] = Field(
        default_factory=list, description="The behaviours the trainee line shows."
    )


class Exchanges(Strict):
    """The tenant corpus of a persona: exchanges in each language."""

    nl: list[Exchange] = Field(default_factory=list)
    en: list[Exchange] = Field(default_factory=list)

    def get(self, lang: str) -> list[Exchange]:
        return self.en if lang == "en" else self.nl


class Persona(Strict):
    schema_version: SchemaVersion
    name: Localized
    description: Localized
    background: Localized
    speaking_style: Localized
    hidden_need: Localized
    start: MoodState
    drift: float = Field(
        0.1, ge=0, le=1, description="Share of the distance back to the start state, per turn."
    )
    reactions: dict[BehaviourId, Reaction]
    stances: dict[Stance, Threshold] = Field(
        description="Checked in the order hostile, satisfied, cooperative, guarded; first match wins."
    )
    opening: Lines
    repertoire: dict[Stance, dict[ActName, Lines]] = Field(
        description="Per stance, the dialogue acts this tenant uses, each with authored lines."
    )
    closings: Closings
    need_behaviours: list[BehaviourId] = Field(
        default_factory=list,
        description="The hidden need, as behaviours: no resolution before all were shown.",
    )
    step_limit: StepLimit = Field(default_factory=StepLimit)
    exchanges: Exchanges = Field(default_factory=Exchanges)

    _check_version = field_validator("schema_version")(check_schema_version)

    @field_validator("reactions")
    @classmethod
    def _every_behaviour(cls, value: dict[str, Reaction]) -> dict[str, Reaction]:
        missing = [b for b in BEHAVIOURS if b not in value]
        if missing:
            raise ValueError(f"no reaction for {', '.join(missing)}; expected one for every behaviour")
        return value

    @field_validator("stances", "repertoire")
    @classmethod
    def _every_stance(cls, value: dict) -> dict:
        missing = [s for s in STANCES if s not in value]
        if missing:
            raise ValueError(f"no {', '.join(missing)}; expected all of: {', '.join(STANCES)}")
        empty = [s for s, acts in value.items() if isinstance(acts, dict) and not acts]
        if empty:
            raise ValueError(f"{empty[0]} has no dialogue acts; expected at least one")
        return value

    @model_validator(mode="after")
    def _exchange_acts(self) -> Persona:
        for lang in ("nl", "en"):
            for i, ex in enumerate(self.exchanges.get(lang)):
                acts = self.repertoire.get(ex.stance, {})
                if ex.act not in acts and ex.act not in GENERAL_ACTS:
                    raise ValueError(
                        f"@exchanges.{lang}.{i}.act: act '{ex.act}' is not an act of stance "
                        f"'{ex.stance}'; expected one of: {', '.join([*acts, *GENERAL_ACTS])}"
                    )
        return self

    def stance_for(self, irritation: float, trust: float) -> str:
        for stance in ("hostile", "satisfied", "cooperative"):
            if self.stances[stance].matches(irritation, trust):
                return stance
        return "guarded"
