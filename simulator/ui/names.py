"""Display names of behaviours and rubrics, from the rubric files (loaded once)."""

from __future__ import annotations

from functools import lru_cache

from scoring.behaviours import NEGATIVE


@lru_cache(maxsize=1)
def _specs() -> dict:
    try:
        from scoring.rubric import behaviour_specs, load_rubrics

        return behaviour_specs(load_rubrics())
    except Exception:  # noqa: BLE001 - missing or broken rubric files: fall back to readable ids
        return {}


def behaviour_name(behaviour: str, lang: str) -> str:
    spec = _specs().get(behaviour)
    return spec.name.get(lang) if spec else behaviour.replace("_", " ")


def is_negative(behaviour: str) -> bool:
    return behaviour in NEGATIVE


def field(obj: object, *names: str, default=None):
    """The first attribute (or dict key) of obj that exists: engine objects are read duck-typed."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default
