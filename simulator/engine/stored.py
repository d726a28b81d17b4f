"""What a practice session hands its store: the session's columns and a turn's detections."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.scorer import Detection, TurnScore
    from simulator.backends.base import Backend


def content_hash(model: Any) -> str:
    """A short fingerprint of a persona or scenario, stored so a report can tell it changed."""
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()[:16]


def session_columns(
    persona: Any, scenario: Any, *, backend: Backend | None, options: Any, **given: Any
) -> dict:
    """`Store.start_session`'s arguments for a session (`given`: trainee, ids, lang, mode,
    consent), less the opening, which is stored with the trainee's first words."""
    return {
        **given,
        "backend": backend_name(backend),
        "model_id": getattr(backend, "model_id", None),
        "options": options_dict(options),
        "persona_hash": content_hash(persona),
        "scenario_hash": content_hash(scenario),
    }


def detections(score: TurnScore | None, behaviours: list[str], text: str) -> list[Detection]:
    """What the scorer found; for given behaviours (scripted checks), those, as detected."""
    if score is not None:
        return list(score.detections.values())
    from scoring.scorer import Detection

    return [Detection(b, True, 1.0, text, "") for b in behaviours]


def backend_name(backend: Any) -> str | None:
    if backend is None:
        return "authored"
    return getattr(backend, "name", None) or type(backend).__name__


def options_dict(options: Any) -> dict:
    if options is None:
        return {}
    if hasattr(options, "model_dump"):
        return options.model_dump()
    return dict(options) if isinstance(options, dict) else {"options": str(options)}
