"""The bridge from a practice session to scoring.feedback's session report."""

from __future__ import annotations

from typing import Any

from simulator.vocabulary import BEHAVIOURS


def pinned_score(text: str, lang: str, behaviours: list[str]) -> Any:
    """A TurnScore for a turn whose behaviours were given rather than scored (checks, tests)."""
    from scoring.scorer import Detection, TurnScore

    detections = {
        b: Detection(b, b in behaviours, 1.0 if b in behaviours else 0.0, text, "")
        for b in BEHAVIOURS
    }
    return TurnScore(text, lang, detections, [text])


def session_report(session: Any) -> Any:
    """scoring.feedback.session_report for the session's trainee turns so far."""
    from scoring.feedback import ReportTurn
    from scoring.feedback import session_report as build
    from scoring.scene import scenario_scene

    before = session.director.opening.state
    turns = []
    for turn in session.trainee_turns:
        score = turn.score or pinned_score(turn.text, session.lang, turn.behaviours)
        turns.append(ReportTurn(
            index=turn.index, text=turn.text, score=score,
            irritation_before=before.irritation, trust_before=before.trust,
            irritation_after=turn.state.irritation, trust_after=turn.state.trust,
            stance=turn.stance,
        ))
        before = turn.state
    start = session.director.opening.state
    return build(turns, session.lang, start, session.outcome or "unfinished",
                 scene=scenario_scene(session.scenario, session.lang))
