"""One session gathered for reports: transcript, final labels, mood points, behaviour totals."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.exports.labels import lang_of
from simulator.store import Store
from simulator.store.review import final_labels
from simulator.vocabulary import BEHAVIOURS, NEGATIVE


@dataclass
class SessionView:
    session: dict
    turns: list[dict]
    reviews: list[dict]
    lang: str
    totals: dict[str, int] = field(default_factory=dict)  # behaviour -> trainee turns shown
    trainee_turns: int = 0

    @property
    def mood(self) -> list[tuple[int, float, float]]:
        """(turn number, irritation, trust) after each tenant turn that recorded a state."""
        points = []
        for turn in self.turns:
            state = turn.get("state") or {}
            if turn["speaker"] == "tenant" and "irritation" in state and "trust" in state:
                points.append((turn["number"], float(state["irritation"]), float(state["trust"])))
        return points


def session_view(store: Store, sid: str) -> SessionView:
    session = store.session(sid)
    if session is None:
        raise KeyError(sid)
    turns = store.turns(sid)
    totals = dict.fromkeys(BEHAVIOURS, 0)
    trainee_turns = 0
    for turn in turns:
        turn["number"] = turn["position"] + 1
        turn["labels"] = final_labels(turn) if turn["speaker"] == "trainee" else {}
        turn["shown"] = [b for b in BEHAVIOURS if turn["labels"].get(b)]
        turn["evidence"] = _evidence(turn)
        turn["changed"] = {o["behaviour"]: o["reviewer"] for o in turn["overrides"]}
        turn["removed"] = [b for b in BEHAVIOURS if b in turn["changed"] and b not in turn["shown"]]
        if turn["speaker"] == "trainee":
            trainee_turns += 1
            for b in turn["shown"]:
                totals[b] += 1
    return SessionView(session, turns, store.reviews(sid), lang_of(session), totals, trainee_turns)


def _evidence(turn: dict) -> list[tuple[str, str]]:
    """(behaviour, quoted sentence) where the quote adds something (not the whole line again)."""
    quotes = []
    for b in turn["shown"]:
        sentence = ((turn["detections"].get(b) or {}).get("sentence") or "").strip()
        if sentence and sentence != turn["text"].strip():
            quotes.append((b, sentence))
    return quotes


def content_titles(session: dict, lang: str) -> dict[str, str]:
    """The persona's name and the scenario's title in `lang`; the ids if content is missing."""
    titles = {"persona": session["persona_id"], "scenario": session["scenario_id"]}
    try:
        from simulator.content import load_library

        library = load_library()
        persona = library.personas.get(session["persona_id"])
        scenario = library.scenarios.get(session["scenario_id"])
    except Exception:  # noqa: BLE001 - a broken content file must not stop a report
        return titles
    if persona is not None:
        titles["persona"] = persona.name.get(lang)
    if scenario is not None:
        titles["scenario"] = scenario.title.get(lang)
    return titles


def is_negative(behaviour: str) -> bool:
    return behaviour in NEGATIVE
