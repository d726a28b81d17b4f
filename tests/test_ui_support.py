"""Shared helpers for the UI tests (no tests here): a scripted session and an app builder."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest


@dataclass
class Script:
    """Scripted tenant: replies in order; `fail_on` makes reply N raise."""

    replies: list[str] = field(default_factory=lambda: [
        "Nou, het lekt al weken.", "Dat zei de vorige ook.", "Goed, kom maar binnen."])
    fail_on: int | None = None


class ScriptedSession:
    """The PracticeSession interface with a scripted tenant, for Pilot tests of the UI alone."""

    def __init__(self, script: Script, lang: str = "nl", mode: str = "practice") -> None:
        self.script, self.lang, self.mode = script, lang, mode
        self.opening = "Ja? Wat komt u doen?"
        self.turns: list[tuple[str, str | None]] = []
        self.state = {"irritation": 6.0, "trust": 3.0}
        self.stance = "guarded"
        self.finished, self.outcome, self.hints = False, None, 0
        self._history = [dict(self.state)]

    def say(self, text: str):
        self.turns.append((text, None))
        self.state = {"irritation": max(0.0, self.state["irritation"] - 1),
                      "trust": self.state["trust"] + 1}
        self._history.append(dict(self.state))
        feedback = SimpleNamespace(badges=["greet_introduce"], tip=None)
        return SimpleNamespace(index=len(self.turns) - 1, text=text, feedback=feedback,
                               state=self.state, stance=self.stance, score=None)

    def reply(self, on_chunk=None, should_stop=lambda: False):
        n = len(self.turns) - 1
        if self.script.fail_on == n:
            raise RuntimeError("model crashed")
        text = self.script.replies[n % len(self.script.replies)]
        for word in text.split(" "):
            if should_stop():
                break
            if on_chunk:
                on_chunk(word + " ")
        self.turns[-1] = (self.turns[-1][0], text)
        return SimpleNamespace(text=text, act="complain", stance=self.stance, source="model")

    def rewind(self) -> None:
        self.turns.pop()
        self._history.pop()
        self.state = dict(self._history[-1])

    def hint(self):
        self.hints += 1
        return SimpleNamespace(behaviour="acknowledge_emotion", text="Benoem het gevoel.",
                               example="Ik snap dat u hier klaar mee bent.")

    def end(self, outcome: str = "ended") -> None:
        self.finished, self.outcome = True, outcome

    def report(self):
        return None


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
