"""Shared helpers for the UI tests (no tests here): a scripted session and an app builder.

The scripted session returns the engine's own types (TraineeTurn, TenantTurn, TurnFeedback, Tip,
SessionReport), so the UI reads in tests exactly what it reads in use;
tests/test_ui_double.py checks that it keeps matching PracticeSession.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from scoring.feedback import (
    Badge,
    ReportTurn,
    SessionReport,
    Tip,
    TurnFeedback,
    session_report,
)
from simulator.engine.actor import ReplyCancelled
from simulator.engine.director import Decision, TenantState
from simulator.engine.reporting import pinned_score
from simulator.engine.session import SessionError, TenantTurn, TraineeTurn
from simulator.ui.names import behaviour_name

START = TenantState(6.0, 3.0)


@dataclass
class Script:
    """Scripted tenant: replies in order; `fail_on` makes reply N raise; `end_after` ends the
    conversation with `outcome` after that many trainee turns (the reply is then `closing`)."""

    replies: list[str] = field(default_factory=lambda: [
        "Nou, het lekt al weken.", "Dat zei de vorige ook.", "Goed, kom maar binnen."])
    fail_on: int | None = None
    end_after: int | None = None
    outcome: str = "resolved"
    closing: str = "Nou, dan zie ik u straks. Fijne dag."
    behaviours: list[str] = field(default_factory=lambda: ["greet_introduce"])


class ScriptedSession:
    """The PracticeSession interface with a scripted tenant, for Pilot tests of the UI alone."""

    def __init__(self, script: Script, lang: str = "nl", mode: str = "practice") -> None:
        self.script, self.lang, self.mode = script, lang, mode
        self.opening = "Ja? Wat komt u doen?"
        self.trainee_turns: list[TraineeTurn] = []
        self.tenant_turns: list[TenantTurn] = []
        self.session_id: str | None = None
        self._states = [START]
        self._outcome: str | None = None
        self._pending: TraineeTurn | None = None
        self.hints = 0
        self.drafts: list[str] = []  # what the screen handed over while the trainee typed

    def draft(self, text: str, settled: bool = False) -> None:
        self.drafts.append(text)

    # -- state, as PracticeSession's properties -----------------------------------------------
    @property
    def state(self) -> TenantState:
        return self._states[-1]

    @property
    def stance(self) -> str:
        return "cooperative" if self.state.trust >= 5 else "guarded"

    @property
    def finished(self) -> bool:
        return self._outcome is not None and self._pending is None

    @property
    def outcome(self) -> str | None:
        return self._outcome

    @property
    def awaiting_reply(self) -> bool:
        return self._pending is not None

    @property
    def turns(self) -> list[tuple[str, str | None]]:
        """(trainee line, tenant reply) per exchange, for assertions."""
        replies = [t.text for t in self.tenant_turns] + [None]
        return [(t.text, replies[n]) for n, t in enumerate(self.trainee_turns)]

    # -- the exchange -------------------------------------------------------------------------
    def say(self, text: str, behaviours: list[str] | None = None, is_last: bool | None = None
            ) -> TraineeTurn:
        if self._outcome is not None:
            raise SessionError(f"the conversation has ended ({self._outcome})")
        found = list(self.script.behaviours if behaviours is None else behaviours)
        state = TenantState(max(0.0, self.state.irritation - 1), self.state.trust + 1)
        self._states.append(state)
        index = len(self.trainee_turns) + 1
        if self.script.end_after == index:
            self._outcome = self.script.outcome
        decision = Decision(index, tuple(found), state, self.stance, "answer", self.stance, (), (),
                            self._outcome)
        feedback = TurnFeedback(
            [Badge(b, behaviour_name(b, self.lang), text, False) for b in found], None)
        turn = TraineeTurn(index, text, found, None, feedback, state, self.stance, decision)
        self.trainee_turns.append(turn)
        self._pending = turn
        return turn

    def reply(self, on_chunk=None, should_stop=lambda: False) -> TenantTurn:
        n = len(self.trainee_turns) - 1
        if self.script.fail_on == n:
            raise RuntimeError("model crashed")
        if self._outcome is not None:
            text, act = self.script.closing, "closing"
        else:
            text, act = self.script.replies[n % len(self.script.replies)], "complain"
        for word in text.split(" "):
            if should_stop():
                raise ReplyCancelled()
            if on_chunk:
                on_chunk(word + " ")
        turn = TenantTurn(text, act, self.stance, "model", state=self.state,
                          outcome=self._outcome)
        self.tenant_turns.append(turn)
        self._pending = None
        return turn

    def rewind(self) -> bool:
        if not self.trainee_turns:
            return False
        if self._pending is None and self.tenant_turns:
            self.tenant_turns.pop()
        self.trainee_turns.pop()
        self._states.pop()
        self._pending, self._outcome = None, None
        return True

    def hint(self) -> Tip:
        self.hints += 1
        return Tip("acknowledge_emotion", "Benoem het gevoel.",
                   "Ik snap dat u hier klaar mee bent.")

    def end(self, outcome: str = "ended") -> None:
        self._pending = None
        if self._outcome is None:
            self._outcome = outcome

    def report(self) -> SessionReport:
        turns, before = [], START
        for turn in self.trainee_turns:
            turns.append(ReportTurn(
                turn.index, turn.text, pinned_score(turn.text, self.lang, turn.behaviours),
                before.irritation, before.trust, turn.state.irritation, turn.state.trust,
                turn.stance))
            before = turn.state
        return session_report(turns, self.lang, START, self._outcome or "unfinished")


def scripted_factory(script: Script | None = None, made: list | None = None):
    script = script or Script()

    def make(*, library, persona_id, scenario_id, lang, trainee, mode, consent=False, store=None):
        session = ScriptedSession(script, lang, mode)
        if made is not None:
            made.append(session)
        return session

    return make


@pytest.fixture
def library():
    from simulator.content import load_library

    return load_library()


@pytest.fixture
def anyio_backend():
    return "asyncio"


def engine_factory(backend=None, made: list | None = None, seed: int = 7):
    """The real PracticeSession: FakeEmbedder scorer, the given back-end (None: authored lines)."""
    from scoring.embedder import FakeEmbedder
    from scoring.scorer import Scorer
    from simulator.engine.session import PracticeSession

    scorer = Scorer(embedder=FakeEmbedder(), use_cache=False)

    def make(*, library, persona_id, scenario_id, lang, trainee, mode, consent=False, store=None):
        session = PracticeSession(library, persona_id, scenario_id, lang, backend=backend,
                                  scorer=scorer, store=store, trainee=trainee, mode=mode,
                                  seed=seed, consent=consent)
        if made is not None:
            made.append(session)
        return session

    return make


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines (as export_screenshot draws it)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()
