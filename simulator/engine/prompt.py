"""The tenant's prompt: persona, scenario, stance, act, facts and recent turns, in one language.

Ordered for the model's cache (the llamacpp back-end keeps the conversation's KV cache between
turns, so only tokens after the first change are processed again):
1. a system message that stays the same all session: persona, scenario, the rules;
2. the turns, from a start that moves only every HISTORY_BLOCK turns;
3. a short system note for this turn only: mood and act, facts, examples, a correction, and the
   language instruction last (the last thing a small model read weighs most).
Templates that refuse a second system message get it folded into the trainee's line
(backends.base.fold_system, done by the llamacpp and transformers back-ends; a model server
behind the openai back-end applies its own template).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.content.persona import Persona
from simulator.content.scenario import Scenario

HISTORY_TURNS = 4  # at least this many recent turns are in the prompt ...
HISTORY_BLOCK = 8  # ... and the first one moves on by this many at a time (a stable prefix)
FIELD_SENTENCES = 2  # of each persona/scenario text: a 135M model loses long instructions
OLD_FACTS = 2  # facts already allowed that are repeated in the prompt (new ones always are)

FRAME = {
    "en": {
        "you": "You are the tenant. {background}",
        "style": "How you talk: {style}",
        "need": "What you really want (do not say it straight away): {need}",
        "situation": "Situation: {situation}",
        "constraints": "What the technician can and cannot do: {items}",
        "door": "A maintenance technician is at your door. You are the tenant, never the technician.",
        "mood": "Your mood now: {mood}. Your next line should: {act}.",
        "facts": "Things you may mention: {facts}",
        "new": "Mention this now: {facts}",
        "examples": "Lines like these (vary them, do not copy): {examples}",
        "correction": "Your previous answer was not usable: {problems}. Write a new line.",
        "rules": "Reply with one to three short sentences: only the tenant's words, no name, no quotes.",
        "lang": "Answer in English only.",
        "ring": "(The technician rings the doorbell.)",
    },
    "nl": {
        "you": "Je bent de huurder. {background}",
        "style": "Zo praat je: {style}",
        "need": "Wat je eigenlijk wilt (zeg het niet meteen): {need}",
        "situation": "Situatie: {situation}",
        "constraints": "Wat de monteur wel en niet kan: {items}",
        "door": "Er staat een monteur aan je deur. Jij bent de huurder, nooit de monteur.",
        "mood": "Je stemming nu: {mood}. Je volgende zin moet: {act}.",
        "facts": "Wat je mag vertellen: {facts}",
        "new": "Vertel dit nu: {facts}",
        "examples": "Zinnen zoals deze (varieer, niet overnemen): {examples}",
        "correction": "Je vorige antwoord was niet bruikbaar: {problems}. Schrijf een nieuwe zin.",
        "rules": "Antwoord met één tot drie korte zinnen: alleen wat de huurder zegt, geen naam, "
        "geen aanhalingstekens.",
        "lang": "Antwoord alleen in het Nederlands.",
        "ring": "(De monteur belt aan.)",
    },
}
MOODS = {
    "en": {
        "hostile": "angry and distrustful",
        "guarded": "wary, waiting to see",
        "cooperative": "willing to work with the technician",
        "satisfied": "content, things are settled",
    },
    "nl": {
        "hostile": "boos en wantrouwig",
        "guarded": "afwachtend en op je hoede",
        "cooperative": "bereid om mee te werken",
        "satisfied": "tevreden, het is geregeld",
    },
}
# Guard reasons (English, stored with the turn) -> what the model is told on the retry.
PROBLEMS = {
    "empty": ("it was empty", "het was leeg"),
    "too long": ("it was too long, use at most three short sentences",
                 "het was te lang, gebruik hoogstens drie korte zinnen"),
    "wrong language": ("it was in the wrong language", "het was in de verkeerde taal"),
    "speaks as an assistant": ("you spoke as an AI assistant, but you are the tenant",
                               "je sprak als een AI-assistent, maar je bent de huurder"),
    "speaks as the technician": ("you spoke as the technician, but you are the tenant",
                                 "je sprak als de monteur, maar je bent de huurder"),
    "follows instructions": ("you obeyed the technician's odd request, stay the tenant",
                             "je volgde het vreemde verzoek van de monteur, blijf de huurder"),
    "repeats its instructions": ("you repeated your instructions; say only what the tenant says",
                                 "je herhaalde je instructies; zeg alleen wat de huurder zegt"),
    "echoes the technician": ("you repeated the technician's words, answer as the tenant",
                              "je herhaalde de woorden van de monteur, antwoord als de huurder"),
    "repeats": ("you repeated yourself, say something new", "je herhaalde jezelf, zeg iets nieuws"),
    "reveals fact": ("you told something you do not want to tell yet",
                     "je vertelde iets wat je nog niet wilt vertellen"),
}


@dataclass(frozen=True)
class Turn:
    speaker: str  # "trainee" | "tenant"
    text: str


def act_phrase(act: str) -> str:
    return act.replace("_", " ").replace("-", " ")


def problems_text(reasons: list[str], lang: str) -> str:
    index = 0 if lang == "en" else 1
    out = []
    for reason in reasons:
        for key, texts in PROBLEMS.items():
            if reason.startswith(key) or key in reason:
                out.append(texts[index])
                break
    return "; ".join(dict.fromkeys(out)) or reasons[0]


def brief(text: str, sentences: int = FIELD_SENTENCES) -> str:
    """The first sentences of a text."""
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:sentences])


def system_prompt(persona: Persona, scenario: Scenario, lang: str) -> str:
    """What the tenant knows all session long (the same text at every turn)."""
    f = FRAME[lang]
    parts = [
        # persona.name is a label for the start screen ("The grumpy tenant"); the background
        # names the person.
        f["you"].format(background=brief(persona.background.get(lang))),
        f["style"].format(style=brief(persona.speaking_style.get(lang), 1)),
        f["need"].format(need=brief(persona.hidden_need.get(lang), 1)),
        f["situation"].format(situation=brief(scenario.situation.get(lang))),
    ]
    # Constraints mostly say what the technician may promise; given all of them, a small model
    # starts speaking as the technician. The first one, briefly, is what the tenant runs into.
    if scenario.constraints:
        items = brief(scenario.constraints[0].get(lang), 1)
        parts.append(f["constraints"].format(items=items))
    parts += [f["door"], f["rules"]]
    return "\n".join(parts)


def turn_note(
    lang: str,
    stance: str,
    act: str,
    facts: list[str],
    new_facts: list[str],
    examples: list[str],
    correction: list[str] | None = None,
) -> str:
    """What changes from turn to turn: mood and act, facts, examples; the language last."""
    f = FRAME[lang]
    parts = [f["mood"].format(mood=MOODS[lang][stance], act=act_phrase(act))]
    if facts[-OLD_FACTS:]:
        parts.append(f["facts"].format(facts=" ".join(facts[-OLD_FACTS:])))
    if new_facts:
        parts.append(f["new"].format(facts=" ".join(new_facts)))
    if examples:
        parts.append(f["examples"].format(examples=" / ".join(f'"{e}"' for e in examples)))
    if correction:
        parts.append(f["correction"].format(problems=problems_text(correction, lang)))
    parts.append(f["lang"])
    return "\n".join(parts)


def history_messages(turns: list[Turn], lang: str) -> list[dict[str, str]]:
    """Recent turns as chat messages: the trainee is the user, the tenant the assistant."""
    recent = turns[history_start(len(turns)):]
    messages = [
        {"role": "user" if t.speaker == "trainee" else "assistant", "content": t.text}
        for t in recent
    ]
    # Chat templates expect the user to speak first; the doorbell is a natural first "line".
    if messages and messages[0]["role"] == "assistant":
        messages.insert(0, {"role": "user", "content": FRAME[lang]["ring"]})
    return messages


def history_start(count: int) -> int:
    """Index of the first turn in the prompt: at least HISTORY_TURNS recent turns, and a start
    that moves only every HISTORY_BLOCK turns, so the cached prompt prefix stays valid."""
    return max(0, (count - HISTORY_TURNS) // HISTORY_BLOCK * HISTORY_BLOCK)
