"""The rubric files the scorer reads; the file format lives with the other content files."""

from __future__ import annotations

from simulator.content.rubric import (
    RUBRIC_DIR,
    BehaviourSpec,
    Exemplars,
    ExemplarsByLang,
    Rubric,
    RubricId,
    behaviour_specs,
    load_rubric,
    load_rubrics,
)

__all__ = [
    "RUBRIC_DIR", "BehaviourSpec", "Exemplars", "ExemplarsByLang", "Rubric", "RubricId",
    "behaviour_specs", "load_rubric", "load_rubrics",
]
