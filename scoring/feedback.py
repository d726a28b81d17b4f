"""Feedback from detections: per-turn badges and one tip, hints, and the session report data.

Never praise that is not grounded in a detection: every badge quotes the trainee's own sentence.
Examples come from the rubric in the trainee's language, preferably the exemplar closest to what
the trainee actually said (the scorer reports it for every behaviour, detected or not), and only
ones that fit the job when a scene is given (scoring.scene: no boiler example in a tap job).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from scoring.rubric import BehaviourSpec, behaviour_specs, load_rubrics
from scoring.scene import Scene, pick
from scoring.scorer import TurnScore
from simulator.vocabulary import (
    BEHAVIOURS,
    HOSPITALITY,
    LISTENING,
    NEGATIVE,
    RUBRIC_OF,
    behaviour_name,
)

UPSET_IRRITATION = 6.0  # at or above this the tenant is upset enough that feelings come first
QUOTES_KEPT = 3


@lru_cache(maxsize=1)
def _specs() -> dict[str, BehaviourSpec]:
    return behaviour_specs(load_rubrics())


@dataclass(frozen=True)
class Badge:
    behaviour: str
    name: str
    quote: str
    negative: bool


@dataclass(frozen=True)
class Tip:
    behaviour: str
    text: str
    example: str


@dataclass(frozen=True)
class TurnFeedback:
    badges: list[Badge]
    tip: Tip | None


def make_tip(behaviour: str, lang: str, example: str = "", scene: Scene | None = None) -> Tip:
    """The behaviour's tip with `example`, or the first of its examples that fits the scene."""
    spec = _specs()[behaviour]
    return Tip(behaviour, spec.tip.get(lang), pick(example, spec.examples.get(lang).positive, scene))


def _upset(stance: str | None, irritation: float | None) -> bool:
    return stance == "hostile" or (irritation is not None and irritation >= UPSET_IRRITATION)


def turn_feedback(score: TurnScore, lang: str, stance: str | None = None,
                  irritation: float | None = None, scene: Scene | None = None) -> TurnFeedback:
    """Badges for what was detected, and at most one tip that fits this moment."""
    badges = [
        Badge(b, behaviour_name(b, lang), score.detections[b].sentence, b in NEGATIVE)
        for b in score.detected
    ]
    tip = None
    if "dismissive" in score.detected:
        # The near misses of "dismissive" are the constructive alternatives ("I can't, but ...").
        spec = _specs()["dismissive"]
        tip = Tip("dismissive", spec.tip.get(lang),
                  pick("", spec.examples.get(lang).negative[1:], scene))
    elif _upset(stance, irritation) and "acknowledge_emotion" not in score.detected:
        tip = make_tip("acknowledge_emotion", lang,
                       score.detections["acknowledge_emotion"].exemplar, scene)
    return TurnFeedback(badges, tip)


def hint(lang: str, stance: str | None, irritation: float | None, shown_so_far: set[str],
         turn_index: int, scene: Scene | None = None) -> Tip:
    """What to try in the next turn, from the state of the conversation and what is missing."""
    if turn_index == 0 and "greet_introduce" not in shown_so_far:
        return make_tip("greet_introduce", lang, scene=scene)
    if _upset(stance, irritation):
        return make_tip("acknowledge_emotion", lang, scene=scene)
    order = ["open_question", "explain_plan", "ask_permission", "paraphrase", "care_for_home",
             "check_understanding"]
    if turn_index >= 4:
        order.append("close_next_steps")
    for behaviour in order:
        if behaviour not in shown_so_far:
            return make_tip(behaviour, lang, scene=scene)
    return make_tip("close_next_steps" if turn_index >= 4 else "paraphrase", lang, scene=scene)


@dataclass(frozen=True)
class ReportTurn:
    index: int
    text: str
    score: TurnScore
    irritation_before: float
    trust_before: float
    irritation_after: float
    trust_after: float
    stance: str


@dataclass(frozen=True)
class BehaviourSummary:
    behaviour: str
    name: str
    rubric: str
    count: int
    quotes: list[tuple[int, str]]  # (turn index, the trainee's sentence)
    missing: bool
    example: str


@dataclass(frozen=True)
class MoodPoint:
    turn: int | None  # None: the moment the door opened
    irritation: float
    trust: float
    stance: str | None


@dataclass(frozen=True)
class MoodMove:
    turn: int
    text: str
    irritation_delta: float
    trust_delta: float
    behaviours: list[str]


@dataclass(frozen=True)
class SessionReport:
    lang: str
    outcome: str
    behaviours: dict[str, BehaviourSummary]
    rubric_scores: dict[str, int]
    tenant_rating: int
    timeline: list[MoodPoint]
    moves: list[MoodMove]
    missing: list[str] = field(default_factory=list)
    tips: list[Tip] = field(default_factory=list)


def _state(start: Any) -> tuple[float, float]:
    if isinstance(start, Mapping):
        return float(start["irritation"]), float(start["trust"])
    return float(start.irritation), float(start.trust)


def _mattered(b: str, turns: list[ReportTurn], outcome: str, count: int) -> bool:
    """Whether not showing behaviour b is worth naming in this conversation."""
    if count or (b in NEGATIVE) or b == "apologize":
        return False  # an apology is only owed when something went wrong; we cannot tell
    if b == "acknowledge_emotion":
        return any(_upset(t.stance, t.irritation_before) for t in turns)
    if b == "greet_introduce":
        return bool(turns)
    if b == "close_next_steps":
        return outcome != "escalated" and len(turns) >= 2
    return len(turns) >= 3


def _closest_example(b: str, turns: list[ReportTurn], lang: str, scene: Scene | None) -> str:
    """The exemplar closest to the trainee's best try, if it fits the job, else one that does."""
    closest = ""
    if turns:
        best = max(turns, key=lambda t: t.score.detections[b].confidence)
        closest = best.score.detections[b].exemplar
    return pick(closest, _specs()[b].examples.get(lang).positive, scene)


def _rubric_score(rubric: tuple[str, ...], counts: dict[str, int], turns: int) -> int:
    """Share of the rubric's positive behaviours shown (twice for listening: listening is a
    habit, hospitality steps once suffice), minus 15 per dismissive turn for listening."""
    positive = [b for b in rubric if b not in NEGATIVE]
    need = 2 if rubric is LISTENING else 1
    share = sum(min(counts[b], need) / need for b in positive) / len(positive)
    penalty = 15 * counts["dismissive"] if rubric is LISTENING else 0
    return round(max(0.0, min(100.0, 100 * share - penalty))) if turns else 0


def tenant_rating(irritation: float, trust: float, outcome: str) -> int:
    """1-10, like the satisfaction score corporations measure, from the tenant's final mood."""
    mood = (trust + (10 - irritation)) / 20
    rating = round(1 + 9 * max(0.0, min(1.0, mood)))
    return min(rating, 3) if outcome == "escalated" else rating


def session_report(turns: list[ReportTurn], lang: str, start_state: Any,
                   outcome: str, scene: Scene | None = None) -> SessionReport:
    counts = {b: sum(b in t.score.detected for t in turns) for b in BEHAVIOURS}
    summaries = {}
    for b in BEHAVIOURS:
        quotes = [(t.index, t.score.detections[b].sentence) for t in turns if b in t.score.detected]
        summaries[b] = BehaviourSummary(
            b, behaviour_name(b, lang), RUBRIC_OF[b], counts[b], quotes[:QUOTES_KEPT],
            _mattered(b, turns, outcome, counts[b]), _closest_example(b, turns, lang, scene))
    irritation, trust = _state(start_state)
    timeline = [MoodPoint(None, irritation, trust, None)]
    timeline += [MoodPoint(t.index, t.irritation_after, t.trust_after, t.stance) for t in turns]
    moves = [
        MoodMove(t.index, t.text, round(t.irritation_after - t.irritation_before, 2),
                 round(t.trust_after - t.trust_before, 2), t.score.detected)
        for t in turns
        if abs(t.irritation_after - t.irritation_before) >= 0.5
        or abs(t.trust_after - t.trust_before) >= 0.5
    ]
    final_irr, final_trust = (turns[-1].irritation_after, turns[-1].trust_after) if turns else (irritation, trust)
    missing = [b for b in BEHAVIOURS if summaries[b].missing]
    return SessionReport(
        lang, outcome, summaries,
        {"listening": _rubric_score(LISTENING, counts, len(turns)),
         "hospitality": _rubric_score(HOSPITALITY, counts, len(turns))},
        tenant_rating(final_irr, final_trust, outcome), timeline, moves, missing,
        [make_tip(b, lang, summaries[b].example, scene) for b in missing],
    )
