"""What a reply honestly tells us beyond its embedding: sentences, question form, position.

These are cheap string rules; the embedding similarities come from scoring.scorer.
"""

from __future__ import annotations

import re

from scoring.behaviours import BEHAVIOURS

# Sentence ends, and the dashes people use to glue two sentences ("Sorry I'm late - what happened?").
_SPLIT = re.compile(r"(?<=[.!?…])\s+|\s+[—–-]{1,2}\s+|;\s*|\n+")
_WORD = re.compile(r"[\w’']+", re.UNICODE)

OPEN_WORDS = {
    "nl": {"wat", "hoe", "waarom", "wanneer", "waar", "welke", "welk", "wie", "waardoor", "hoezo",
           "waarmee", "waarvan", "vertel", "sinds", "hoelang"},
    "en": {"what", "how", "why", "when", "where", "which", "who", "whose", "tell", "since",
           "what's", "how's", "where's", "when's", "who's", "what’s", "how’s", "where’s"},
}
# A closed question starts with the verb ("Klopt het dat...", "Is dat...", "Heeft u...").
CLOSED_WORDS = {
    "nl": {"is", "was", "zijn", "ben", "bent", "heeft", "hebt", "heb", "had", "kan", "kunt", "kun",
           "klopt", "mag", "wilt", "wil", "zal", "zou", "zullen", "doet", "doe", "gaat", "ga",
           "moet", "weet", "begrijp", "snapt", "snap", "bedoelt", "vindt", "lekt", "zit", "past",
           "hoort", "merkt", "dus", "oké", "ok"},
    "en": {"is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "have", "has",
           "had", "will", "would", "shall", "should", "may", "might", "must", "any", "so",
           "alright", "okay", "ok", "mind", "sound", "sounds", "isn't", "aren't", "don't",
           "didn't", "won't", "can't", "doesn't"},
}
TAGS = {
    "nl": ("klopt dat?", "klopt het?", "toch?", "hè?", "oké?", "goed?", "ja?", "niet?"),
    "en": ("right?", "correct?", "isn't it?", "okay?", "yeah?", "ok?", "didn't it?", "aren't you?"),
}
# Greetings and closings are only credited where they belong (DESIGN.md section 5).
START_TURNS = 2  # greet_introduce counts in the first two trainee turns
EDGE_SENTENCES = 2  # ...and within the first two (or, for a closing, the last two) sentences

FEATURES_BASE = ("pos1", "pos3", "neg1", "margin", "other", "lead", "knn", "is_nl", "is_q")
EXTRA: dict[str, tuple[str, ...]] = {
    "open_question": ("open_start", "closed_start"),
    "check_understanding": ("open_start", "closed_start", "tag_q"),
    "paraphrase": ("tenant_sim",),
    "greet_introduce": ("first_sentence", "first_turn"),
    "close_next_steps": ("last_sentence", "is_last"),
    "ask_permission": ("closed_start",),
}


def feature_names(behaviour: str) -> tuple[str, ...]:
    return FEATURES_BASE + EXTRA.get(behaviour, ())


def split_sentences(text: str) -> list[str]:
    parts = [p.strip(" ,") for p in _SPLIT.split(text.strip())]
    sentences = [p for p in parts if _WORD.search(p)]
    return sentences or ([text.strip()] if text.strip() else [])


def first_word(sentence: str) -> str:
    match = _WORD.search(sentence.lower())
    return match.group(0) if match else ""


def question_flags(sentence: str, lang: str) -> dict[str, float]:
    lang = "en" if lang == "en" else "nl"
    low = sentence.lower().strip()
    word = first_word(low)
    is_q = low.endswith("?")
    return {
        "is_q": float(is_q),
        "open_start": float(is_q and word in OPEN_WORDS[lang]),
        "closed_start": float(is_q and word in CLOSED_WORDS[lang]),
        "tag_q": float(low.endswith(TAGS[lang])),
    }


def position_allowed(behaviour: str, position: str, sentence_index: int, count: int,
                     turn_index: int) -> bool:
    """The position rule: greetings near the start of the conversation, closings at a reply's end."""
    if position == "start":
        return turn_index < START_TURNS and sentence_index < EDGE_SENTENCES
    if position == "end":
        return sentence_index >= count - EDGE_SENTENCES
    return True


assert set(EXTRA) <= set(BEHAVIOURS)
