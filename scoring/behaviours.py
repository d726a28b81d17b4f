"""The fixed behaviour ids: re-exported from `simulator.vocabulary`, where they live."""

from __future__ import annotations

from simulator.vocabulary import (
    BEHAVIOURS,
    HOSPITALITY,
    LANGS,
    LISTENING,
    NEGATIVE,
    RUBRIC_OF,
    STANCES,
)

__all__ = ["BEHAVIOURS", "HOSPITALITY", "LANGS", "LISTENING", "NEGATIVE", "RUBRIC_OF", "STANCES"]
