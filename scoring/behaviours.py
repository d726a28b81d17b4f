"""The fixed behaviour ids (DESIGN.md section 5). Rubric files must cover exactly these."""

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
RUBRIC_OF: dict[str, str] = {
    **{b: "listening" for b in LISTENING},
    **{b: "hospitality" for b in HOSPITALITY},
}
NEGATIVE = frozenset({"dismissive"})
LANGS: tuple[str, ...] = ("nl", "en")
STANCES: tuple[str, ...] = ("hostile", "guarded", "cooperative", "satisfied")
