"""The UI's test double keeps matching the engine: same public methods, same return types."""

from __future__ import annotations

import inspect
import typing

from test_ui_support import Script, ScriptedSession, engine_factory

from scoring.feedback import SessionReport, Tip, TurnFeedback
from simulator.engine.director import TenantState
from simulator.engine.session import PracticeSession, TenantTurn, TraineeTurn

# What the UI reads besides methods and properties: attributes set in PracticeSession.__init__.
ATTRIBUTES = ("opening", "trainee_turns", "tenant_turns", "session_id", "mode", "lang")
# PracticeSession says Any where scoring's types would import scoring at engine import time.
RETURNS = {"hint": Tip, "report": SessionReport}
ENGINE_ONLY = {"allowed_facts"}  # headless checks use it; the UI does not


def public(cls: type) -> dict[str, object]:
    return {n: m for n, m in vars(cls).items() if not n.startswith("_") and n not in ENGINE_ONLY}


def test_the_double_has_every_public_method_and_property_with_the_same_parameters():
    engine, double = public(PracticeSession), public(ScriptedSession)
    for name, member in engine.items():
        assert name in double, f"ScriptedSession lacks {name}"
        assert isinstance(double[name], type(member)), name  # property stays property
        if callable(member):
            assert list(inspect.signature(double[name]).parameters) == list(
                inspect.signature(member).parameters), name


def test_the_double_returns_the_engines_types():
    from simulator.content import load_library

    library = load_library()
    real = engine_factory()(library=library, persona_id="grumpy", scenario_id="late-leaking-tap",
                            lang="nl", trainee="Sam", mode="practice")
    double = ScriptedSession(Script(end_after=2))
    for session in (real, double):
        for name in ATTRIBUTES:
            assert hasattr(session, name), f"{type(session).__name__}.{name}"
    hints = typing.get_type_hints
    assert hints(PracticeSession.say)["return"] is TraineeTurn
    assert hints(PracticeSession.reply)["return"] is TenantTurn
    turn = double.say("Goedemiddag, ik ben Sam.")
    assert isinstance(turn, TraineeTurn) and isinstance(turn.feedback, TurnFeedback)
    assert isinstance(turn.state, TenantState) and isinstance(double.state, TenantState)
    assert isinstance(double.reply(), TenantTurn)
    assert isinstance(double.hint(), RETURNS["hint"])
    double.say("Ik ga de kraan vervangen.")
    closing = double.reply()
    assert double.finished and double.outcome == "resolved" and closing.act == "closing"
    report = double.report()
    assert isinstance(report, RETURNS["report"]) and len(report.timeline) == 3
    assert isinstance(real.hint(), RETURNS["hint"]) and isinstance(real.report(), SessionReport)
