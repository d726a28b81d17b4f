"""One practice conversation: scorer -> director -> actor, every turn stored as it happens.

    session = PracticeSession(library, "grumpy", "boiler-winter", "nl", backend=b, scorer=s)
    session.opening                     # the tenant's first words
    t = session.say("Goedemiddag, ik ben Sam van Bouwbedrijf Jansen.")
    r = session.reply(on_chunk=print)   # streamed; r.text is the final, guarded line

The chunks passed to on_chunk are the model's raw output; when the guard rejects a line the final
`TenantTurn.text` differs, so a UI replaces what it streamed with it.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator.engine.actor import TenantActor
from simulator.engine.director import Decision, Director, TenantState
from simulator.engine.prompt import Turn
from simulator.engine.seams import Backend, SessionStore, TurnScorer
from simulator.engine.stored import detections, session_columns

if TYPE_CHECKING:
    from scoring.feedback import TurnFeedback
    from scoring.scorer import TurnScore
    from simulator.backends.base import GenerationOptions
    from simulator.content import Library
    from simulator.engine.meaning import MeaningGate


class SessionError(ValueError):
    """A session was asked for something it cannot do (unknown ids, say after the end, ...)."""


@dataclass
class TraineeTurn:
    index: int  # 1 for the trainee's first line
    text: str
    behaviours: list[str]
    score: TurnScore | None  # None when the behaviours were given
    feedback: TurnFeedback | None
    state: TenantState
    stance: str
    decision: Decision


@dataclass
class TenantTurn:
    text: str
    act: str
    stance: str
    source: str  # "model" | "corpus" | "fallback" (the act's authored lines, closings included)
    guard: list[str] = field(default_factory=list)
    latency_ms: int = 0
    first_token_ms: int | None = None
    prompt: list[dict[str, str]] | None = None
    state: TenantState | None = None
    outcome: str | None = None
    fact: str | None = None  # the fact this line tells (corpus lines)


def check_ids(library: Library, persona_id: str, scenario_id: str) -> None:
    """SessionError naming the valid ids when a persona or scenario is unknown or not allowed."""
    if persona_id not in library.personas:
        raise SessionError(
            f"unknown persona '{persona_id}'; expected one of: {', '.join(sorted(library.personas))}"
        )
    if scenario_id not in library.scenarios:
        raise SessionError(
            f"unknown scenario '{scenario_id}'; expected one of: "
            f"{', '.join(sorted(library.scenarios))}"
        )
    if not library.scenarios[scenario_id].allows(persona_id):
        raise SessionError(
            f"scenario '{scenario_id}' does not allow persona '{persona_id}'; expected one of: "
            f"{', '.join(library.personas_for(scenario_id))}"
        )


class PracticeSession:
    def __init__(
        self,
        library: Library,
        persona_id: str,
        scenario_id: str,
        lang: str,
        backend: Backend | None = None,
        scorer: TurnScorer | None = None,
        store: SessionStore | None = None,
        trainee: str = "",
        mode: str = "practice",
        seed: int | None = None,
        consent: bool = False,
        options: GenerationOptions | dict | None = None,
        model_langs: tuple[str, ...] | None = None,
        gate: MeaningGate | None = None,
    ):
        """model_langs: languages the back-end may speak (None: any); others use the corpus.

        With a store, the session is stored from the trainee's first words on (the tenant's
        opening with it): a conversation in which the trainee said nothing is never kept."""
        if lang not in ("nl", "en"):
            raise SessionError(f"unknown language '{lang}'; expected nl or en")
        check_ids(library, persona_id, scenario_id)
        self.persona = library.personas[persona_id]
        self.scenario = library.scenarios[scenario_id]
        self.persona_id, self.scenario_id, self.lang = persona_id, scenario_id, lang
        self.scorer, self.store, self.mode = scorer, store, mode
        rng = random.Random(seed)
        self.director = Director(self.persona, self.scenario, seed=rng.randrange(2**32))
        speaks = backend is not None and (model_langs is None or lang in model_langs)
        self.actor = TenantActor(
            self.persona, self.scenario, lang, backend if speaks else None, options,
            random.Random(rng.randrange(2**32)),
            embedder=scorer.embedder if scorer is not None else None,
            gate=gate,
        )
        # A scenario may set the scene differently (e.g. the technician is already inside).
        openings = getattr(self.scenario, "opening", None) or self.persona.opening
        self.opening = rng.choice(openings.get(lang))
        self.history: list[Turn] = [Turn("tenant", self.opening)]
        self.trainee_turns: list[TraineeTurn] = []
        self.tenant_turns: list[TenantTurn] = []
        self._pending: TraineeTurn | None = None
        self._undo: list[tuple[Any, int]] = []  # director snapshot, history length, per exchange
        self._deciding = threading.Lock()  # say() and draft() (a worker thread) use the director
        # What draft() had the tenant model read ahead this turn: the conversation so far, and
        # the prompt for this line (which holds the conversation too).
        self._history_read, self._line_read = False, ""
        self._drafts, self._newest = itertools.count(1), 0  # draft() calls, the newest one
        self.session_id: str | None = None  # stored from the trainee's first words on
        self._stored_as = session_columns(
            self.persona, self.scenario, backend=backend, options=options, trainee=trainee,
            persona_id=persona_id, scenario_id=scenario_id, lang=lang, mode=mode, consent=consent,
        )

    # -- state -------------------------------------------------------------------------------
    @property
    def state(self) -> TenantState:
        return self.director.state

    @property
    def stance(self) -> str:
        return self.director.stance

    @property
    def finished(self) -> bool:
        return self.director.finished and self._pending is None

    @property
    def outcome(self) -> str | None:
        return self.director.outcome

    @property
    def awaiting_reply(self) -> bool:
        return self._pending is not None

    def allowed_facts(self) -> list[str]:
        return [f.id for f in self.director.allowed_facts()]

    def _state_dict(self, decision: Decision) -> dict:
        return {**decision.state.as_dict(), "stance": decision.stance, "act": decision.act}

    # -- the exchange ------------------------------------------------------------------------
    def say(self, text: str, behaviours: list[str] | None = None, is_last: bool | None = None
            ) -> TraineeTurn:
        """Score the trainee's line (or use the given behaviours) and let the director decide."""
        text = (text or "").strip()
        if not text:
            raise SessionError("the trainee's line is empty; expected some words")
        if self.director.finished:
            raise SessionError(f"the conversation has ended ({self.outcome})")
        if self._pending is not None:
            raise SessionError("the tenant has not replied yet; call reply() first")
        index = len(self.trainee_turns) + 1
        before = self.director.last
        score = None
        if behaviours is None:
            if self.scorer is None:
                raise SessionError("no scorer: pass the behaviours of this line")
            score = self._score(text, is_last)
            behaviours = list(score.detected)
        with self._deciding:  # not while draft() previews a decision
            self._undo.append((self.director.snapshot(), len(self.history)))
            decision = self.director.observe(behaviours)
        feedback = self._feedback(score, before)
        turn = TraineeTurn(index, text, list(decision.behaviours), score, feedback,
                           decision.state, decision.stance, decision)
        self.history.append(Turn("trainee", text))
        self.trainee_turns.append(turn)
        self._history_read, self._line_read = False, ""
        self._pending = turn
        self._store_trainee(turn)
        return turn

    def draft(self, text: str, settled: bool = False) -> None:
        """What the trainee has typed so far (the practice screen calls it at each pause):
        the scorer works ahead on it, so that Enter leaves it less to do. Where the tenant model
        keeps a cache (llamacpp), the first pause of a turn has it read the conversation so far,
        and a line that looks finished (ends a sentence, or `settled`: a longer pause) is also
        scored and decided as if sent, without keeping either, and the tenant's prompt for it
        read ahead (actor.prefill): sent as it is, the reply starts at once. Never fails."""
        if self.scorer is None or self._pending is not None or self.director.finished:
            return
        # Each pause's call runs in its own worker thread: only the newest may still fill the
        # model's cache (an older one that got the model last would undo the newer's work).
        self._newest = mine = next(self._drafts)

        def wanted() -> bool:
            return self._newest == mine and self._pending is None

        self.scorer.read_ahead(self.history[-1].text, text)
        if not self.actor.prefills:
            return
        line = text.strip()
        try:
            if not self._history_read and self.actor.prefill_history(self.history, wanted):
                self._history_read = True  # once a turn
            if line == self._line_read or not (settled or line.endswith((".", "?", "!", "…"))):
                return
            score = self._score(line)
            with self._deciding:
                decision = self.director.preview(score.detected)
            if not decision.finished and wanted() and self.actor.prefill(
                    decision, [*self.history, Turn("trainee", line)], wanted):
                self._history_read, self._line_read = True, line
        except Exception:  # noqa: BLE001 - only a head start: the turn does it all itself
            return

    def _score(self, text: str, is_last: bool | None = None) -> Any:
        index = len(self.trainee_turns) + 1
        last = is_last if is_last is not None else index >= self.scenario.turn_limit
        return self.scorer.score_turn(text, self.lang, tenant_said=self.history[-1].text,
                                      turn_index=index - 1, is_last=last)

    def _feedback(self, score: Any, before: Decision) -> Any:
        if score is None:
            return None
        try:
            from scoring.feedback import turn_feedback
            from scoring.scene import scenario_scene
        except ImportError:  # feedback is optional for the engine (e.g. headless checks)
            return None

        return turn_feedback(score, self.lang, stance=before.stance,
                             irritation=before.state.irritation,
                             scene=scenario_scene(self.scenario, self.lang))

    def reply(
        self,
        on_chunk: Callable[[str], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> TenantTurn:
        """The tenant's answer to the last trainee line (a closing line when it has ended).

        Raises actor.ReplyCancelled when should_stop() turned true: nothing is said then, and
        rewind() takes back the trainee's line.
        """
        if self._pending is None:
            raise SessionError("nothing to reply to; call say() first")
        decision = self._pending.decision
        if decision.finished:
            answer = self.actor.last_words(decision, self.history)
            turn = TenantTurn(answer or self.director.closing(self.lang), "closing",
                              decision.stance, "corpus" if answer else "fallback",
                              state=decision.state, outcome=decision.outcome)
            if on_chunk is not None:
                on_chunk(turn.text)
        else:
            gated = {f.id: f.text.get(self.lang) for f in self.director.gated_facts()}
            line = self.actor.speak(decision, self.history, gated, on_chunk, should_stop)
            turn = TenantTurn(line.text, line.act or decision.act, decision.stance, line.source,
                              line.guard, line.latency_ms, line.first_token_ms, line.prompt,
                              decision.state, fact=line.fact)
        self.history.append(Turn("tenant", turn.text))
        self.tenant_turns.append(turn)
        self._pending = None
        self._store_tenant(turn, decision)
        if decision.finished:
            self._store_end(decision.outcome)
        elif self.scorer is not None:
            self.scorer.read_ahead(turn.text)
        return turn

    # -- undo, hints, the end ------------------------------------------------------------------
    def rewind(self) -> bool:
        """Undo the last exchange (or the unanswered trainee line); False when there is none."""
        if not self._undo:
            return False
        snapshot, length = self._undo.pop()
        self._history_read, self._line_read = False, ""
        self.director.restore(snapshot)
        del self.history[length:]
        if self._pending is None and self.tenant_turns:
            self.tenant_turns.pop()
        self.trainee_turns.pop()
        self._pending = None
        if self.store is not None and self.session_id is not None:
            self.store.remove_turns_from(self.session_id, length)
            if not self.trainee_turns and self.store.discard_if_empty(self.session_id):
                self.session_id = None  # back to the opening: nothing of the trainee to keep
        return True

    def hint(self) -> Any:
        from scoring.feedback import hint
        from scoring.scene import scenario_scene

        shown = set(self.director.shown)
        return hint(self.lang, self.stance, self.state.irritation, shown, len(self.trainee_turns),
                    scene=scenario_scene(self.scenario, self.lang))

    def end(self, outcome: str = "ended") -> None:
        """The trainee ends the conversation."""
        self._pending = None
        if not self.director.finished:
            self.director.end(outcome)
            self._store_end(outcome)

    def report(self) -> Any:
        from simulator.engine.reporting import session_report

        return session_report(self)

    # -- storage -------------------------------------------------------------------------------
    def _store_trainee(self, turn: TraineeTurn) -> None:
        """The trainee's line; the first one also stores the session and the tenant's opening,
        in the same write (an empty session is never stored)."""
        if self.store is None:
            return
        words = {"text": turn.text, "state": self._state_dict(turn.decision),
                 "detections": detections(turn.score, turn.behaviours, turn.text)}
        if self.session_id is None:
            self.session_id = self.store.start_session(
                **self._stored_as, opening=self.opening,
                opening_state=self._state_dict(self.director.opening), first_words=words,
            )
        else:
            self.store.add_trainee_turn(self.session_id, **words)

    def _store_tenant(self, turn: TenantTurn, decision: Decision) -> None:
        if self.store is None or self.session_id is None:
            return
        self.store.add_tenant_turn(
            self.session_id, text=turn.text, source=turn.source,
            state={**self._state_dict(decision), "act": turn.act}, guard=turn.guard,
            latency_ms=turn.latency_ms, first_token_ms=turn.first_token_ms, prompt=turn.prompt,
        )

    def _store_end(self, outcome: str | None) -> None:
        if self.store is None or self.session_id is None or outcome is None:
            return
        scores = None
        try:
            scores = self.report().rubric_scores
        except Exception:  # noqa: BLE001 - a report problem must not lose the outcome
            scores = None
        self.store.end_session(self.session_id, outcome, scores)
