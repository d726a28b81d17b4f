"""A practice scenario: the situation, what the tenant knows, and checks a trainer can run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulator.content.base import (
    Ident,
    Lang,
    Lines,
    Localized,
    SchemaVersion,
    Score,
    Stance,
    Strict,
    Text,
    check_behaviour,
    check_schema_version,
)
from simulator.content.limits import quoted

Outcome = Literal["resolved", "escalated", "turn_limit", "unfinished"]


class RevealCondition(Strict):
    """A gated fact is revealed only once trust is high enough and/or a behaviour has happened."""

    min_trust: Score | None = None
    behaviour: str | None = None

    @field_validator("behaviour")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return value if value is None else check_behaviour(value)

    @model_validator(mode="after")
    def _some_condition(self) -> RevealCondition:
        if self.min_trust is None and self.behaviour is None:
            raise ValueError("empty reveal condition; expected min_trust and/or behaviour")
        return self


class Fact(Strict):
    id: Ident
    text: Localized
    reveal: RevealCondition | None = None
    says: Lines | None = Field(
        None, description="How the tenant tells this fact: first-person lines, 3+ per language."
    )
    asked_by: Lines | None = Field(
        None, description="Technician questions or remarks that this fact answers."
    )


class Resolution(Strict):
    description: Localized
    required_behaviours: list[str] = Field(default_factory=list)
    min_turns: int = Field(4, ge=1, le=50, description="No satisfied tenant before this turn.")

    @field_validator("required_behaviours")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return [check_behaviour(v) for v in value]


class ScriptedTurn(Strict):
    """A trainee line; `behaviours`, when given, pins what the scorer would detect."""

    text: Text
    behaviours: list[str] | None = None

    @field_validator("behaviours")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        return value if value is None else [check_behaviour(v) for v in value]


class Expectation(Strict):
    """One of: `after_turn` + `stance`; `fact` + `hidden_before`; or `outcome`."""

    after_turn: int | None = Field(None, ge=1)
    stance: Stance | None = None
    fact: Ident | None = None
    hidden_before: int | None = Field(None, ge=1)
    outcome: Outcome | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Expectation:
        kinds = [
            self.after_turn is not None or self.stance is not None,
            self.fact is not None or self.hidden_before is not None,
            self.outcome is not None,
        ]
        complete = [
            self.after_turn is not None and self.stance is not None,
            self.fact is not None and self.hidden_before is not None,
            self.outcome is not None,
        ]
        if sum(kinds) != 1 or kinds != complete:
            raise ValueError(
                "expected exactly one of: after_turn + stance, fact + hidden_before, or outcome"
            )
        return self


class Check(Strict):
    name: Text | Localized = Field(
        description="What the check shows: one text, or one per language (nl, en)."
    )
    persona: Ident
    lang: Lang = "nl"
    turns: list[Text | ScriptedTurn] = Field(min_length=1)
    expect: list[Expectation] = Field(min_length=1)

    def title(self, lang: str) -> str:
        """The check's name in `lang` (a single text serves both languages)."""
        return self.name if isinstance(self.name, str) else self.name.get(lang)

    def scripted(self) -> list[ScriptedTurn]:
        return [t if isinstance(t, ScriptedTurn) else ScriptedTurn(text=t) for t in self.turns]


class Scenario(Strict):
    schema_version: SchemaVersion
    title: Localized
    situation: Localized
    briefing: Localized
    personas: Literal["all"] | list[Ident] = "all"
    facts: list[Fact] = Field(min_length=1)
    constraints: list[Localized] = Field(default_factory=list)
    opening: Lines | None = Field(
        None, description="The tenant's first words in this scenario; default: the persona's opening."
    )
    turn_limit: int = Field(12, ge=2, le=50)
    resolution: Resolution
    checks: list[Check] = Field(default_factory=list)

    _check_version = field_validator("schema_version")(check_schema_version)

    @field_validator("personas")
    @classmethod
    def _known_personas(cls, value: str | list[str], info: ValidationInfo) -> str | list[str]:
        known = (info.context or {}).get("persona_ids")
        if known is not None and isinstance(value, list):
            for pid in value:
                if pid not in known:
                    raise ValueError(
                        f"unknown persona id '{pid}'; expected one of: {', '.join(sorted(known))}"
                    )
        return value

    @field_validator("facts")
    @classmethod
    def _unique_facts(cls, value: list[Fact]) -> list[Fact]:
        seen: set[str] = set()
        for fact in value:
            if fact.id in seen:
                raise ValueError(f"fact id '{fact.id}' is used twice; expected unique ids")
            seen.add(fact.id)
        return value

    @field_validator("checks")
    @classmethod
    def _checks_fit(cls, value: list[Check], info: ValidationInfo) -> list[Check]:
        allowed = info.data.get("personas", "all")
        known = (info.context or {}).get("persona_ids")
        fact_ids = {f.id for f in info.data.get("facts") or []}
        for check in value:
            if allowed != "all" and check.persona not in allowed:
                raise ValueError(
                    f"check {quoted(check.title('en'))} uses persona '{check.persona}', which this "
                    f"scenario does not allow; expected one of: {', '.join(allowed)}"
                )
            if known is not None and check.persona not in known:
                raise ValueError(
                    f"check {quoted(check.title('en'))} uses unknown persona '{check.persona}'; "
                    f"expected one of: {', '.join(sorted(known))}"
                )
            for exp in check.expect:
                if exp.fact is not None and fact_ids and exp.fact not in fact_ids:
                    raise ValueError(
                        f"check {quoted(check.title('en'))} names fact '{exp.fact}'; expected one of: "
                        f"{', '.join(sorted(fact_ids))}"
                    )
        return value

    def allows(self, persona_id: str) -> bool:
        return self.personas == "all" or persona_id in self.personas
