"""Rubric files: for each behaviour its explanation, tip and exemplars in nl and en.

A content file like personas and scenarios (same loader, same FILE:LINE problems), read by the
scorer. The files ship with the scorer's data in `scoring/rubrics/`; display names are not in
them but in `simulator.vocabulary`, the one table the screen and the exports share.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from simulator.content.base import (
    Localized,
    SchemaVersion,
    Strict,
    Text,
    check_behaviour,
    check_schema_version,
)
from simulator.content.yamlfile import ContentError, Problem, load_model
from simulator.vocabulary import BEHAVIOURS, RUBRIC_OF

# simulator/content/rubric.py -> the folder that holds the simulator and scoring packages.
RUBRIC_DIR = Path(__file__).resolve().parents[2] / "scoring" / "rubrics"
RubricId = Literal["listening", "hospitality"]


class Exemplars(Strict):
    positive: list[Text] = Field(min_length=10)
    negative: list[Text] = Field(
        min_length=5, description="Near misses that are NOT the behaviour."
    )


class ExemplarsByLang(Strict):
    nl: Exemplars
    en: Exemplars

    def get(self, lang: str) -> Exemplars:
        return self.en if lang == "en" else self.nl


class BehaviourSpec(Strict):
    explanation: Localized
    tip: Localized
    negative: bool = False
    position: Literal["any", "start", "end"] = "any"
    examples: ExemplarsByLang


class Rubric(Strict):
    schema_version: SchemaVersion
    id: RubricId
    behaviours: dict[str, BehaviourSpec]

    _check_version = field_validator("schema_version")(check_schema_version)

    @field_validator("behaviours")
    @classmethod
    def _this_rubrics_behaviours(cls, value: dict, info: ValidationInfo) -> dict:
        for key in value:
            check_behaviour(key)
        rubric = info.data.get("id")
        wrong = [b for b in value if rubric and RUBRIC_OF[b] != rubric]
        if wrong:
            raise ValueError(
                f"{', '.join(wrong)} belong to the {RUBRIC_OF[wrong[0]]} rubric; expected only "
                f"{rubric} behaviours"
            )
        missing = [b for b in BEHAVIOURS if RUBRIC_OF[b] == rubric and b not in value]
        if missing:
            raise ValueError(
                f"no entry for {', '.join(missing)}; expected every {rubric} behaviour"
            )
        return value


def load_rubric(path: Path) -> Rubric:
    return load_model(Path(path), Rubric)


def load_rubrics(folder: Path | None = None) -> dict[str, Rubric]:
    """Both rubrics by id; ContentError listing every problem in every file."""
    folder = Path(folder) if folder else RUBRIC_DIR
    rubrics: dict[str, Rubric] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            rubric = load_rubric(path)
            rubrics[rubric.id] = rubric
        except ContentError as err:
            problems.extend(err.problems)
    if problems:
        raise ContentError(problems)
    return rubrics


def behaviour_specs(rubrics: dict[str, Rubric]) -> dict[str, BehaviourSpec]:
    return {bid: spec for r in rubrics.values() for bid, spec in r.behaviours.items()}
