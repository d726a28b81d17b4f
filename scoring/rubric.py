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
from simulator.vocabulary import LANGS

__all__ = [
    "RUBRIC_DIR", "BehaviourSpec", "Exemplars", "ExemplarsByLang", "Rubric", "RubricId",
    "behaviour_specs", "exemplar_texts", "load_rubric", "load_rubrics",
]


def exemplar_texts(specs: dict[str, BehaviourSpec]) -> list[str]:
    """Every positive and near-miss example line of the rubric, once, in a fixed order."""
    texts = []
    for spec in specs.values():
        for lang in LANGS:
            ex = spec.examples.get(lang)
            texts += ex.positive + ex.negative
    return list(dict.fromkeys(texts))
