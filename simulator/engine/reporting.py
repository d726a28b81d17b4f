"""The bridge from a practice session to scoring.feedback's session report."""

from __future__ import annotations

from typing import Any


def session_report(session: Any) -> Any:
    """scoring.feedback.session_report for the session's turns (see docs/architecture.md)."""
    from scoring.feedback import ReportTurn
    from scoring.feedback import session_report as build

    turns = []
    for i, trainee in enumerate(session.trainee_turns):
        tenant = session.tenant_turns[i] if i < len(session.tenant_turns) else None
        turns.append(_report_turn(ReportTurn, session, trainee, tenant))
    start = session.director.opening.state
    return build(turns, session.lang, _state(start, session.director.opening.stance),
                 session.outcome or "unfinished")


def _state(state: Any, stance: str) -> dict:
    return {**state.as_dict(), "stance": stance}


def _report_turn(report_turn: Any, session: Any, trainee: Any, tenant: Any) -> Any:
    """A ReportTurn from whatever fields it declares (the scoring side owns that shape)."""
    values = {
        "index": trainee.index,
        "text": trainee.text,
        "trainee": trainee.text,
        "score": trainee.score,
        "behaviours": list(trainee.behaviours),
        "detected": list(trainee.behaviours),
        "state": _state(trainee.state, trainee.stance),
        "irritation": trainee.state.irritation,
        "trust": trainee.state.trust,
        "stance": trainee.stance,
        "tenant": tenant.text if tenant else "",
        "tenant_said": tenant.text if tenant else "",
        "lang": session.lang,
    }
    fields = getattr(report_turn, "__dataclass_fields__", None) or getattr(
        report_turn, "model_fields", {}
    )
    return report_turn(**{k: v for k, v in values.items() if k in fields})
