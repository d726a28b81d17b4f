"""The words every part shares: behaviour ids, rubrics, stances, languages and their names.

The lowest layer (with `paths`): content files, the scorer, the store, the exports and the app all
read their ids and display names here, so the screen and the exported report say the same thing.
Rubric files (DESIGN.md section 5) must cover exactly these behaviours.
"""

from __future__ import annotations

LISTENING = (
    "acknowledge_emotion",
    "paraphrase",
    "open_question",
    "check_understanding",
    "dismissive",
)
HOSPITALITY = (
    "greet_introduce",
    "explain_plan",
    "apologize",
    "ask_permission",
    "care_for_home",
    "close_next_steps",
)
BEHAVIOURS: tuple[str, ...] = LISTENING + HOSPITALITY
RUBRICS: tuple[str, ...] = ("listening", "hospitality")
RUBRIC_OF: dict[str, str] = {
    **{b: "listening" for b in LISTENING},
    **{b: "hospitality" for b in HOSPITALITY},
}
NEGATIVE = frozenset({"dismissive"})
LANGS: tuple[str, ...] = ("nl", "en")
STANCES: tuple[str, ...] = ("hostile", "guarded", "cooperative", "satisfied")

# Display names: the one table. Dutch first (B1, what a trainer says), English alongside.
BEHAVIOUR_NAMES: dict[str, dict[str, str]] = {
    "nl": {
        "acknowledge_emotion": "Gevoel erkennen",
        "paraphrase": "Samenvatten",
        "open_question": "Open vraag",
        "check_understanding": "Begrip checken",
        "dismissive": "Afwimpelen",
        "greet_introduce": "Begroeten en voorstellen",
        "explain_plan": "Plan uitleggen",
        "apologize": "Excuses maken",
        "ask_permission": "Toestemming vragen",
        "care_for_home": "Zorg voor de woning",
        "close_next_steps": "Afsluiten en vervolg",
    },
    "en": {
        "acknowledge_emotion": "Acknowledge emotion",
        "paraphrase": "Paraphrase",
        "open_question": "Open question",
        "check_understanding": "Check understanding",
        "dismissive": "Dismissive",
        "greet_introduce": "Greet and introduce",
        "explain_plan": "Explain the plan",
        "apologize": "Apologise",
        "ask_permission": "Ask permission",
        "care_for_home": "Care for the home",
        "close_next_steps": "Close and next steps",
    },
}
RUBRIC_NAMES: dict[str, dict[str, str]] = {
    "nl": {"listening": "Luisteren", "hospitality": "Gastvrijheid"},
    "en": {"listening": "Listening", "hospitality": "Hospitality"},
}
STANCE_NAMES: dict[str, dict[str, str]] = {
    "nl": {
        "hostile": "vijandig",
        "guarded": "afwachtend",
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
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "nl": {"nl": "Nederlands", "en": "Engels"},
    "en": {"nl": "Dutch", "en": "English"},
}


def shown_in(lang: str) -> str:
    """The language names are shown in: English for "en", Dutch for anything else."""
    return "en" if lang == "en" else "nl"


def behaviour_name(behaviour: str, lang: str) -> str:
    """The behaviour's name in `lang`; an unknown id reads as its words ("some_id" -> "some id")."""
    return BEHAVIOUR_NAMES[shown_in(lang)].get(behaviour, behaviour.replace("_", " "))


def rubric_name(rubric: str, lang: str) -> str:
    return RUBRIC_NAMES[shown_in(lang)].get(rubric, rubric)


def stance_name(stance: str | None, lang: str) -> str:
    return STANCE_NAMES[shown_in(lang)].get(stance or "", stance or "")


def language_name(code: str, lang: str) -> str:
    """The name of language `code` in language `lang` ("en" in Dutch: "Engels")."""
    return LANGUAGE_NAMES[shown_in(lang)].get(code, code)


def is_negative(behaviour: str) -> bool:
    """A behaviour that costs (dismissive): shown as a warning, never as praise."""
    return behaviour in NEGATIVE
