"""Scenario checks, run headless: a scripted conversation and expectations about the tenant.

A turn with `behaviours:` goes straight to the director; a plain string is scored by the real
scorer. The tenant speaks authored lines unless a back-end is given, so checks are fast and
deterministic (the seed fixes the choice of lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.content.scenario import Check, Expectation
from simulator.engine.session import PracticeSession


@dataclass
class Played:
    """What happened in a check's script: stance and allowed facts after every trainee turn."""

    stances: dict[int, str] = field(default_factory=dict)
    allowed: dict[int, set[str]] = field(default_factory=dict)  # 0: before the first turn
    outcome: str = "unfinished"
    turns: int = 0
    transcript: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CheckResult:
    scenario: str
    name: str
    passed: bool
    reasons: list[str]  # why it failed (empty when it passed)
    played: Played


def needs_scorer(check: Check) -> bool:
    return any(t.behaviours is None for t in check.scripted())


def play_check(
    library: Any, scenario_id: str, check: Check, scorer: Any = None, backend: Any = None,
    seed: int = 0,
) -> Played:
    session = PracticeSession(
        library, check.persona, scenario_id, check.lang, backend=backend, scorer=scorer,
        mode="check", seed=seed,
    )
    played = Played()
    played.allowed[0] = set(session.allowed_facts())
    played.transcript.append(("tenant", session.opening))
    script = check.scripted()
    for number, turn in enumerate(script, start=1):
        if session.finished:
            break
        said = session.say(turn.text, behaviours=turn.behaviours, is_last=number == len(script))
        played.stances[number] = said.stance
        played.allowed[number] = set(session.allowed_facts())
        played.transcript.append(("trainee", turn.text))
        played.transcript.append(("tenant", session.reply().text))
        played.turns = number
    played.outcome = session.outcome or "unfinished"
    return played


def judge(exp: Expectation, played: Played) -> str | None:
    """None when the expectation holds, else why not."""
    if exp.outcome is not None:
        if played.outcome != exp.outcome:
            return f"expected outcome {exp.outcome}, got {played.outcome} after {played.turns} turn(s)"
        return None
    if exp.stance is not None:
        got = played.stances.get(exp.after_turn)
        if got is None:
            return (f"expected stance {exp.stance} after turn {exp.after_turn}, but the "
                    f"conversation ended after turn {played.turns} ({played.outcome})")
        if got != exp.stance:
            return f"expected stance {exp.stance} after turn {exp.after_turn}, got {got}"
        return None
    for turn in range(exp.hidden_before):
        if turn in played.allowed and exp.fact in played.allowed[turn]:
            when = "before the first turn" if turn == 0 else f"after turn {turn}"
            return f"expected fact {exp.fact} hidden before turn {exp.hidden_before}, allowed {when}"
    return None


def run_check(
    library: Any, scenario_id: str, check: Check, scorer: Any = None, backend: Any = None,
    seed: int = 0,
) -> CheckResult:
    played = play_check(library, scenario_id, check, scorer, backend, seed)
    reasons = [r for r in (judge(e, played) for e in check.expect) if r]
    return CheckResult(scenario_id, check.title("en"), not reasons, reasons, played)
