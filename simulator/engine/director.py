"""The director: the tenant's mood, stance, next dialogue act, allowed facts and the end.

Deterministic and model-free; it follows "Content semantics" in docs/architecture.md exactly, so
trainers can predict a persona from its YAML and write scenario checks against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from simulator.content.persona import Persona
from simulator.content.scenario import Fact, Scenario
from simulator.vocabulary import BEHAVIOURS

LOW, HIGH = 0.0, 10.0
# Each earlier turn that showed a behaviour halves what it does now: a formula recited every turn
# wears off. Dismissive remarks never wear off (being brushed off again hurts again).
REPEAT_DECAY = 0.5
UNFADING = frozenset({"dismissive"})
# A tenant who opens the door hostile is not won over before this trainee turn, whatever is said.
HOSTILE_MIN_TURNS = 4
OUTCOMES = ("resolved", "escalated", "turn_limit")
# When a stance has only one act and it was used twice in a row, borrow from the nearest stance.
NEIGHBOURS = {
    "hostile": ("guarded", "cooperative", "satisfied"),
    "guarded": ("hostile", "cooperative", "satisfied"),
    "cooperative": ("guarded", "satisfied", "hostile"),
    "satisfied": ("cooperative", "guarded", "hostile"),
}


@dataclass(frozen=True)
class TenantState:
    irritation: float
    trust: float

    def as_dict(self) -> dict[str, float]:
        return {"irritation": round(self.irritation, 2), "trust": round(self.trust, 2)}


@dataclass(frozen=True)
class Decision:
    """What the director decided after one trainee turn (or at the door, turn 0)."""

    turn: int
    behaviours: tuple[str, ...]
    state: TenantState
    stance: str
    act: str
    act_stance: str  # the stance whose repertoire holds `act` (usually `stance`)
    allowed_facts: tuple[str, ...]
    new_facts: tuple[str, ...]  # allowed for the first time in this turn
    outcome: str | None = None

    @property
    def finished(self) -> bool:
        return self.outcome is not None


@dataclass
class _Memory:
    """Everything that changes per turn; copied for rewind."""

    state: TenantState
    turns: int = 0
    shown: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)  # turns that showed each behaviour
    acts: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    outcome: str | None = None
    rng_state: object = None


def clamp(value: float) -> float:
    return min(HIGH, max(LOW, value))


def check_behaviours(behaviours) -> tuple[str, ...]:
    """The ids, de-duplicated in BEHAVIOURS order; ValueError for an unknown id."""
    given = list(behaviours)
    unknown = [b for b in given if b not in BEHAVIOURS]
    if unknown:
        raise ValueError(
            f"unknown behaviour id(s): {', '.join(map(str, unknown))}; "
            f"expected some of: {', '.join(BEHAVIOURS)}"
        )
    return tuple(b for b in BEHAVIOURS if b in given)


class Director:
    """Holds the tenant's state and decides, after every trainee turn, what happens next."""

    def __init__(self, persona: Persona, scenario: Scenario, seed: int | None = None):
        self.persona = persona
        self.scenario = scenario
        self._rng = random.Random(seed)
        start = TenantState(persona.start.irritation, persona.start.trust)
        self.starts_hostile = persona.stance_for(start.irritation, start.trust) == "hostile"
        self._m = _Memory(state=start)
        self._m.allowed = self._facts_now(start, set())
        self.opening = self._decide(())

    # -- read-only views -------------------------------------------------------------------
    @property
    def state(self) -> TenantState:
        return self._m.state

    @property
    def turns(self) -> int:
        return self._m.turns

    @property
    def shown(self) -> frozenset[str]:
        return frozenset(self._m.shown)

    @property
    def outcome(self) -> str | None:
        return self._m.outcome

    @property
    def finished(self) -> bool:
        return self._m.outcome is not None

    @property
    def stance(self) -> str:
        return self.stance_of(self._m.state, self._m.turns, self._m.shown)

    def allowed_facts(self) -> list[Fact]:
        return [f for f in self.scenario.facts if f.id in self._m.allowed]

    def gated_facts(self) -> list[Fact]:
        """Facts the tenant may not tell yet."""
        return [f for f in self.scenario.facts if f.id not in self._m.allowed]

    # -- the rules ---------------------------------------------------------------------------
    @property
    def min_turns(self) -> int:
        floor = HOSTILE_MIN_TURNS if self.starts_hostile else 1
        return max(self.scenario.resolution.min_turns, floor)

    def missing_for_resolution(self, shown: set[str] | frozenset[str]) -> list[str]:
        """Behaviours the scenario's resolution and the persona's hidden need still wait for."""
        needed = [*self.scenario.resolution.required_behaviours, *self.persona.need_behaviours]
        return [b for b in dict.fromkeys(needed) if b not in shown]

    def stance_of(self, state: TenantState, turns: int, shown: set[str] | frozenset[str]) -> str:
        stance = self.persona.stance_for(state.irritation, state.trust)
        if stance == "satisfied" and (turns < self.min_turns or self.missing_for_resolution(shown)):
            return "cooperative"  # minimum resistance: no instant surrender
        return stance

    def next_state(
        self, state: TenantState, behaviours: tuple[str, ...], counts: dict[str, int] | None = None
    ) -> TenantState:
        """Reactions (fading with repetition, improvement capped per reply), then drift."""
        counts = counts or {}
        d_irritation = d_trust = 0.0
        for b in behaviours:
            reaction = self.persona.reactions[b]
            weight = 1.0 if b in UNFADING else REPEAT_DECAY ** counts.get(b, 0)
            d_irritation += weight * reaction.irritation
            d_trust += weight * reaction.trust
        # Stacking five behaviours in one sentence is not five times as good.
        step = self.persona.step_limit
        irritation = state.irritation + max(d_irritation, -step.irritation)
        trust = state.trust + min(d_trust, step.trust)
        start, drift = self.persona.start, self.persona.drift
        irritation += drift * (start.irritation - irritation)
        trust += drift * (start.trust - trust)
        return TenantState(clamp(irritation), clamp(trust))

    def _facts_now(self, state: TenantState, shown: set[str]) -> list[str]:
        allowed = []
        for fact in self.scenario.facts:
            cond = fact.reveal
            if (
                cond is None
                or (cond.min_trust is None or state.trust >= cond.min_trust)
                and (cond.behaviour is None or cond.behaviour in shown)
            ):
                allowed.append(fact.id)
        return allowed

    def _ending(self, state: TenantState, stance: str, turns: int) -> str | None:
        if state.irritation >= HIGH:
            return "escalated"
        if stance == "satisfied":
            return "resolved"
        if turns >= self.scenario.turn_limit:
            return "turn_limit"
        return None

    # -- acting ------------------------------------------------------------------------------
    def observe(self, behaviours) -> Decision:
        """Apply one trainee turn's detected behaviours; ValueError on unknown ids or after the end."""
        ids = check_behaviours(behaviours)
        if self.finished:
            raise ValueError(f"the conversation has ended ({self._m.outcome})")
        m = self._m
        m.turns += 1
        m.state = self.next_state(m.state, ids, m.counts)
        m.shown |= set(ids)
        for b in ids:
            m.counts[b] = m.counts.get(b, 0) + 1
        # Facts stay allowed once allowed: the tenant cannot take back what they may have said.
        m.allowed += [f for f in self._facts_now(m.state, m.shown) if f not in m.allowed]
        m.outcome = self._ending(m.state, self.stance, m.turns)
        return self._decide(ids)

    def _decide(self, ids: tuple[str, ...]) -> Decision:
        m = self._m
        before = set(self._last.allowed_facts) if m.turns else set()
        stance = self.stance
        act_stance, act = self._choose_act(stance)
        m.acts.append(act)
        decision = Decision(
            turn=m.turns,
            behaviours=ids,
            state=m.state,
            stance=stance,
            act=act,
            act_stance=act_stance,
            allowed_facts=tuple(m.allowed),
            new_facts=tuple(f for f in m.allowed if f not in before) if m.turns else (),
            outcome=m.outcome,
        )
        self._last = decision
        return decision

    @property
    def last(self) -> Decision:
        return self._last

    def _choose_act(self, stance: str) -> tuple[str, str]:
        acts = self._m.acts
        blocked = acts[-1] if len(acts) >= 2 and acts[-1] == acts[-2] else None
        for source in (stance, *NEIGHBOURS[stance]):
            options = [a for a in self.persona.repertoire[source] if a != blocked]
            if options:
                return source, self._rng.choice(sorted(options))
        raise AssertionError("unreachable: every stance has at least one act")  # pragma: no cover

    def closing(self, lang: str) -> str:
        """The tenant's last words for the outcome (seeded choice from persona.closings)."""
        outcome = self._m.outcome if self._m.outcome in OUTCOMES else "turn_limit"
        return self._rng.choice(getattr(self.persona.closings, outcome).get(lang))

    def end(self, outcome: str) -> None:
        """End from outside (the trainee leaves): no further turns are accepted."""
        if not self.finished:
            self._m.outcome = outcome

    def preview(self, behaviours) -> Decision:
        """The decision observe(behaviours) would make now, without making it."""
        snap = self.snapshot()
        try:
            return self.observe(behaviours)
        finally:
            self.restore(snap)

    # -- rewind ------------------------------------------------------------------------------
    def snapshot(self) -> tuple[_Memory, Decision]:
        m = self._m
        copy = replace(m, shown=set(m.shown), counts=dict(m.counts), acts=list(m.acts),
                       allowed=list(m.allowed))
        copy.rng_state = self._rng.getstate()
        return copy, self._last

    def restore(self, snap: tuple[_Memory, Decision]) -> None:
        memory, last = snap
        self._m = replace(
            memory, shown=set(memory.shown), counts=dict(memory.counts), acts=list(memory.acts),
            allowed=list(memory.allowed),
        )
        self._rng.setstate(memory.rng_state)
        self._last = last

