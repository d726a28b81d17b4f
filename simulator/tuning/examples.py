"""Training examples for the tenant model: the prompt the actor uses at run time -> the tenant line.

Every authored exchange (persona x language: what a trainee said, how this tenant answers) becomes
one example. Its prompt is built by `TenantActor.messages`, the function the app uses, in a
made-up but plausible moment of a conversation: a scenario this persona plays in, the opening
line, zero to two earlier exchanges, then the trainee's line. The note's example line is what the
corpus actor would have chosen without this exchange (the exchange's own line is spent), so the
model learns to answer the trainee, not to copy the example.

A share of the exchanges is held out, per persona and language, by a hash of the tenant's line
(two exchanges with the same line fall on the same side): training never sees them, not as a
target, not in a history, not as an example line.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from simulator.content import Library, Persona, Scenario
from simulator.content.persona import Exchange
from simulator.engine.actor import TenantActor
from simulator.engine.director import Decision, TenantState
from simulator.engine.guard import normalise
from simulator.engine.prompt import Turn

HELD_OUT_EIGHTHS = 1  # one exchange in eight is held out
MAX_EARLIER = 2  # earlier exchanges in the made-up history
LANGS = ("nl", "en")


@dataclass(frozen=True)
class ExchangeRef:
    persona: str
    lang: str
    index: int  # in persona.exchanges.get(lang)

    @property
    def key(self) -> str:
        return f"{self.persona}:{self.lang}:{self.index}"


@dataclass(frozen=True)
class TuningExample:
    ref: ExchangeRef
    scenario: str
    messages: list[dict[str, str]]  # the actor's prompt
    target: str  # the tenant's line
    corpus: str = ""  # what the corpus actor says here (the note's example line)

    def as_json(self) -> dict[str, Any]:
        return {"exchange": self.ref.key, "scenario": self.scenario, "messages": self.messages,
                "target": self.target, "corpus": self.corpus}


@dataclass
class Moment:
    """A point in a made-up conversation where the trainee has just said an exchange's line."""

    ref: ExchangeRef
    scenario: str
    actor: TenantActor
    decision: Decision
    history: list[Turn]
    corpus: str  # the corpus actor's answer
    from_corpus: bool  # False: the act's authored line (nothing in the corpus fits)


def is_held_out(tenant_line: str) -> bool:
    digest = hashlib.sha256(normalise(tenant_line).encode()).digest()
    return digest[0] % 8 < HELD_OUT_EIGHTHS


def split(library: Library) -> tuple[list[ExchangeRef], list[ExchangeRef]]:
    """(training, held out) exchanges of every persona and language."""
    train: list[ExchangeRef] = []
    held: list[ExchangeRef] = []
    for pid, persona in sorted(library.personas.items()):
        for lang in LANGS:
            for i, ex in enumerate(persona.exchanges.get(lang)):
                (held if is_held_out(ex.tenant) else train).append(ExchangeRef(pid, lang, i))
    return train, held


def exchange(library: Library, ref: ExchangeRef) -> Exchange:
    return library.personas[ref.persona].exchanges.get(ref.lang)[ref.index]


def training_only(persona: Persona, lang: str) -> Persona:
    """The persona with its held-out exchanges removed (what the corpus actor may choose from)."""
    kept = [e for e in persona.exchanges.get(lang) if not is_held_out(e.tenant)]
    exchanges = persona.exchanges.model_copy(update={lang: kept})
    return persona.model_copy(update={"exchanges": exchanges})


class ExampleBuilder:
    """Prompts for exchanges, one actor per persona x scenario x language (the corpus embedded
    once). embedder: a scoring embedder for the corpus choice (None: words only)."""

    def __init__(self, library: Library, embedder: Any = None, seed: int = 0):
        self.library, self.embedder, self.seed = library, embedder, seed
        self._actors: dict[tuple[str, str, str], TenantActor] = {}

    def actor(self, persona_id: str, scenario_id: str, lang: str) -> TenantActor:
        key = (persona_id, scenario_id, lang)
        if key not in self._actors:
            persona = training_only(self.library.personas[persona_id], lang)
            self._actors[key] = TenantActor(
                persona, self.library.scenarios[scenario_id], lang,
                rng=random.Random(self.seed), embedder=self.embedder,
            )
        return self._actors[key]

    def moment(self, ref: ExchangeRef, pool: list[ExchangeRef]) -> Moment:
        """The conversation up to the exchange's trainee line; its history comes from `pool`
        (training exchanges only)."""
        rng = random.Random(f"{self.seed}:{ref.key}")
        ex = exchange(self.library, ref)
        scenario_id = rng.choice(sorted(self.library.scenarios_for(ref.persona)))
        actor = self.actor(ref.persona, scenario_id, ref.lang)
        history = self._history(ref, pool, rng, actor.persona)
        history.append(Turn("trainee", ex.trainee))
        earlier = [t.text for t in history if t.speaker == "tenant"]
        decision = _decision(actor.persona, actor.scenario, ex, len(history) // 2)
        # The exchange's own line is spent: the corpus answers with the next best, as it would
        # to a trainee line it has never seen.
        choice = actor.corpus.choose(decision, ex.trainee, [*earlier, ex.tenant])
        corpus = choice.text if choice is not None else _act_lines(actor.persona, decision, ref.lang)[0]
        return Moment(ref, scenario_id, actor, decision, history, corpus, choice is not None)

    def build(self, ref: ExchangeRef, pool: list[ExchangeRef]) -> TuningExample:
        m = self.moment(ref, pool)
        examples = [m.corpus] if m.from_corpus else _act_lines(m.actor.persona, m.decision, ref.lang)
        messages = m.actor.messages(m.decision, m.history, examples=examples)
        return TuningExample(ref, m.scenario, messages, exchange(self.library, ref).tenant, m.corpus)

    def _history(self, ref: ExchangeRef, pool: list[ExchangeRef], rng: random.Random,
                 persona: Persona) -> list[Turn]:
        # Off-topic deflections are left out: a history full of odd requests is not a visit.
        same = [r for r in pool if r.persona == ref.persona and r.lang == ref.lang and r != ref
                and exchange(self.library, r).act != "deflect"]
        history = [Turn("tenant", rng.choice(persona.opening.get(ref.lang)))]
        for other in rng.sample(same, min(len(same), rng.randint(0, MAX_EARLIER))):
            ex = exchange(self.library, other)
            history += [Turn("trainee", ex.trainee), Turn("tenant", ex.tenant)]
        return history

    def build_all(self, refs: list[ExchangeRef], pool: list[ExchangeRef],
                  progress: Callable[[int, int], None] | None = None) -> Iterator[TuningExample]:
        for done, ref in enumerate(refs, 1):
            yield self.build(ref, pool)
            if progress is not None:
                progress(done, len(refs))


def _decision(persona: Persona, scenario: Scenario, ex: Exchange, turn: int) -> Decision:
    """The director's decision that fits the exchange: its stance and act, the open facts."""
    allowed = tuple(f.id for f in scenario.facts if f.reveal is None)
    start = persona.start
    return Decision(
        turn=turn, behaviours=tuple(ex.behaviours),
        state=TenantState(irritation=start.irritation, trust=start.trust),
        stance=ex.stance, act=ex.act, act_stance=ex.stance,
        allowed_facts=allowed, new_facts=(),
    )


def _act_lines(persona: Persona, decision: Decision, lang: str) -> list[str]:
    """The authored lines of the act (the actor's own fallback for its note); for a general act
    (answer, deflect) those of the stance's first act."""
    acts = persona.repertoire[decision.stance]
    return list((acts.get(decision.act) or next(iter(acts.values()))).get(lang))
