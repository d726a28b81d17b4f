"""Words in reports, in the session's language (Dutch first; English everywhere too)."""

from __future__ import annotations

BEHAVIOUR_NAMES = {
    "nl": {
        "acknowledge_emotion": "Erkent gevoel",
        "paraphrase": "Vat samen",
        "open_question": "Open vraag",
        "check_understanding": "Checkt begrip",
        "dismissive": "Wuift weg",
        "greet_introduce": "Begroet en stelt voor",
        "explain_plan": "Legt het plan uit",
        "apologize": "Excuses",
        "ask_permission": "Vraagt toestemming",
        "care_for_home": "Zorg voor de woning",
        "close_next_steps": "Sluit af, volgende stappen",
    },
    "en": {
        "acknowledge_emotion": "Acknowledges feeling",
        "paraphrase": "Paraphrases",
        "open_question": "Open question",
        "check_understanding": "Checks understanding",
        "dismissive": "Dismissive",
        "greet_introduce": "Greets and introduces",
        "explain_plan": "Explains the plan",
        "apologize": "Apologises",
        "ask_permission": "Asks permission",
        "care_for_home": "Cares for the home",
        "close_next_steps": "Closes, next steps",
    },
}

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
        "mode": "Modus",
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

STANCES = {
    "nl": {
        "hostile": "vijandig",
        "guarded": "op zijn hoede",
        "cooperative": "meewerkend",
        "satisfied": "tevreden",
    },
    "en": {
        "hostile": "hostile",
        "guarded": "guarded",
        "cooperative": "cooperative",
        "satisfied": "satisfied",
    },
}


def lang_of(session: dict) -> str:
    return "en" if session.get("lang") == "en" else "nl"


def words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "nl"]


def behaviour_name(behaviour: str, lang: str) -> str:
    return BEHAVIOUR_NAMES["en" if lang == "en" else "nl"].get(behaviour, behaviour)


def outcome_name(outcome: str | None, lang: str) -> str:
    table = OUTCOMES["en" if lang == "en" else "nl"]
    return table.get(outcome, outcome or table[None])


def stance_name(stance: str | None, lang: str) -> str:
    return STANCES["en" if lang == "en" else "nl"].get(stance or "", stance or "")
