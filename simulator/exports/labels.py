"""Words in reports, in the session's language (Dutch first; English everywhere too)."""

from __future__ import annotations

from datetime import datetime

# Behaviour and stance names: the one table the app's screens use too.
from simulator.vocabulary import behaviour_name, stance_name

__all__ = [
    "behaviour_name", "lang_of", "local_time", "mode_name", "outcome_name", "stance_name", "words",
]

WORDS = {
    "nl": {
        "report": "Gespreksverslag",
        "trainee": "Medewerker",
        "tenant": "Huurder",
        "persona": "Persona",
        "scenario": "Scenario",
        "date": "Datum",
        "outcome": "Afloop",
        "scores": "Scores",
        "listening": "Luisteren",
        "hospitality": "Gastvrijheid",
        "mood": "Stemming van de huurder",
        "irritation": "Irritatie",
        "trust": "Vertrouwen",
        "transcript": "Gesprek",
        "behaviours": "Gedrag per beurt",
        "comments": "Opmerkingen van de teamleider",
        "no_comments": "Nog geen opmerkingen.",
        "evidence": "bewijs",
        "turn": "Beurt",
        "shown": "getoond",
        "of_turns": "van {n} beurten",
        "overridden": "aangepast door {who}",
        "not_scored": "niet gescoord",
        "model": "Model",
        "mode": "Vorm",
        "unfinished": "niet afgerond",
        "shared": "gedeeld met teamleider",
        "not_shared": "niet gedeeld",
        "stance": "houding",
        "generated": "Gemaakt met roleplay",
        "per_behaviour": "Gedrag over het hele gesprek",
        "fallback": "vaste tekst",
        "notes": "Aantekeningen voor het coachgesprek",
        "count_hint": "Aantal beurten van de medewerker waarin het gedrag te zien was"
        " (na correcties van de teamleider).",
        "after_tenant_turn": "na elke beurt van de huurder (beurtnummer onder de lijn)",
    },
    "en": {
        "report": "Conversation report",
        "trainee": "Technician",
        "tenant": "Tenant",
        "persona": "Persona",
        "scenario": "Scenario",
        "date": "Date",
        "outcome": "Outcome",
        "scores": "Scores",
        "listening": "Listening",
        "hospitality": "Hospitality",
        "mood": "Tenant's mood",
        "irritation": "Irritation",
        "trust": "Trust",
        "transcript": "Conversation",
        "behaviours": "Behaviours per turn",
        "comments": "Team leader's comments",
        "no_comments": "No comments yet.",
        "evidence": "evidence",
        "turn": "Turn",
        "shown": "shown",
        "of_turns": "of {n} turns",
        "overridden": "changed by {who}",
        "not_scored": "not scored",
        "model": "Model",
        "mode": "Mode",
        "unfinished": "unfinished",
        "shared": "shared with team leader",
        "not_shared": "not shared",
        "stance": "stance",
        "generated": "Made with roleplay",
        "per_behaviour": "Behaviours over the whole conversation",
        "fallback": "authored line",
        "notes": "Notes for the coaching talk",
        "count_hint": "Number of the technician's turns that showed the behaviour"
        " (after the team leader's corrections).",
        "after_tenant_turn": "after each tenant turn (turn number below the line)",
    },
}

OUTCOMES = {
    "nl": {
        "resolved": "opgelost",
        "escalated": "geëscaleerd",
        "turn_limit": "beurten op",
        "ended": "beëindigd",
        None: "niet afgerond",
    },
    "en": {
        "resolved": "resolved",
        "escalated": "escalated",
        "turn_limit": "out of turns",
        "ended": "ended",
        None: "unfinished",
    },
}


MODES = {
    "nl": {"practice": "oefenen", "assessment": "toets", "check": "testgesprek"},
    "en": {"practice": "practice", "assessment": "assessment", "check": "check"},
}


def lang_of(session: dict) -> str:
    return "en" if session.get("lang") == "en" else "nl"


def words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "nl"]


def outcome_name(outcome: str | None, lang: str) -> str:
    table = OUTCOMES["en" if lang == "en" else "nl"]
    return table.get(outcome, outcome or table[None])


def mode_name(mode: str | None, lang: str) -> str:
    return MODES["en" if lang == "en" else "nl"].get(mode or "", mode or "-")


def local_time(stamp: str | None) -> str:
    """A stored UTC time (ISO 8601) as the reader's local date and time, to the minute."""
    if not stamp:
        return "-"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16].replace("T", " ")  # an imported bundle's odd time: show it as it is
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
