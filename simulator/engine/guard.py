"""The guard: checks every generated tenant line before the trainee sees it.

A line passes when `Guard.check()` returns no reasons. The rules are deliberately plain (regular
expressions, word overlap, an offline language identifier) so a rejection can be explained in one
short reason that is stored with the turn.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections.abc import Iterable

from simulator.engine.prompt import FRAME, MOODS

MAX_SENTENCES = 3
MAX_WORDS = 40  # the authored lines stay under 25 words; rambling is a small model's failure
SHORT_WORDS = 4  # fewer words than this: language id is unreliable, only reject when it is sure
REPEAT_OVERLAP = 0.8
MIN_MARGIN = 0.45  # per character; shipped Dutch lines score >= 0.54, invented Dutch often < 0.3
ECHO_OVERLAP = 0.6  # small models parrot the last user message

_ASSISTANT = [
    r"\bas an? (ai|a\.i\.|assistant|language model|chatbot|virtual assistant)\b",
    r"\b(ai|large|a) language model\b",
    r"\bi(?:'m| am) (?:just )?(?:an? )?(?:ai|assistant|chatbot|bot|language model|virtual)\b",
    r"\bhow (?:can|may) i (?:assist|help) you\b",
    r"\bassist you\b",
    r"\bi(?:'m| am) sorry,? but i can(?:not|'t)\b",
    r"\bartificial intelligence\b|\bchatgpt\b|\bopenai\b|\bsmollm\b|\bhugging ?face\b",
    r"\bals (?:een )?(?:ai|assistent|taalmodel|chatbot|computerprogramma)\b",
    r"\btaalmodel\b|\bkunstmatige intelligentie\b",
    r"\bik ben (?:maar )?(?:een )?(?:ai|assistent|chatbot|computer|virtuele)\b",
    r"\bwaarmee kan ik (?:u|je|jou) (?:van dienst zijn|helpen)\b|\bhoe kan ik (?:u|je) vandaag\b",
    # Chatbot manners: the tenant is the one who needs help, not the one offering it.
    r"\b(?:great|good|excellent) question\b|\bhelp you with\b|\bhere to (?:help|assist)\b",
    r"\bi(?:'d| would) (?:love|be happy|be glad) to help\b|\bhappy to help\b",
    r"\bgoede vraag\b|\b(?:graag|blij) (?:om )?(?:u|je) (?:te )?helpen\b|\bik help (?:u|je) graag\b",
    # A tenant never talks about the exercise itself.
    r"\b(?:instructions?|instructies?|system ?prompt|systeemprompt|roleplay|rollenspel)\b",
    r"\b(?:in character|simulation|simulatie)\b",
]
_TECHNICIAN = [
    r"^\s*(?:technician|technicus|monteur|engineer|assistant|assistent|system|user)\s*:",
    r"\bi(?:'m| am) (?:(?!not\b)\w+,? )?(?:a|an|the|your) (?:\w+ )?(?:technician|repairman|repair man|engineer|plumber|mechanic)\b",
    r"\bi(?:'ll| will| am going to|'m going to) (?:fix|repair|replace|check|have a look at|take a look at) (?:your|the|this)\b",
    r"\b(?:may|can|could) i (?:come in|come inside|enter)\b",
    r"\bi(?:'m| am) here (?:to (?:fix|repair)|for the repair)\b",
    r"\bik ben (?:(?!niet\b)\w+,? )?(?:de|uw|je|jouw|een) (?:\w+ )?(?:monteur|technicus|loodgieter)\b",
    r"\bik (?:ga|kom|zal) (?:uw|je|jouw|de|het|die) [\w\s]{0,30}?(?:repareren|maken|vervangen|nakijken)\b",
    r"\b(?:mag|kan) ik (?:even )?(?:binnenkomen|binnen komen|naar binnen)\b",
    r"\bik kom (?:voor|namens) (?:de|het) (?:reparatie|lekkage|storing|woningcorporatie|corporatie)\b",
]
_INJECTION = [
    r"\b(?:ignore|forget|disregard|override)\b.{0,30}\b(?:instructions?|prompt|rules|role)\b",
    r"\byou are now\b|\bact as\b|\bpretend (?:to be|you are)\b|\bsystem prompt\b",
    r"\bnew instructions?\b|\bfrom now on you\b",
    r"\b(?:vergeet|negeer)\b.{0,30}\b(?:instructies?|opdracht|regels|prompt|rol)\b",
    r"\bje bent nu\b|\bdoe alsof\b|\bspeel (?:nu )?(?:de rol|een)\b|\bsysteemprompt\b",
    r"\bnieuwe instructies?\b|\bvanaf nu ben je\b",
]
_COMPLIANCE = [
    r"^\s*(?:sure|certainly|of course|absolutely|okay,? i will|ok,? i will|as you wish)\b",
    r"\bhere(?: is|'s) (?:a|the|your)\b|\bi will now\b|\bi'll now\b",
    r"^\s*(?:zeker|natuurlijk|uiteraard|oké,? ik zal|prima,? ik zal|zoals je wilt)\b",
    r"\bhier is (?:een|de|het|je|uw)\b|\bik zal nu\b",
]
_STOPWORDS = frozenset(
    ["de", "het", "een", "en", "van", "in", "op", "dat", "die", "is", "te", "met", "voor", "niet", "aan", "er", "maar", "om", "ook", "als", "dan", "bij", "nog", "al", "wat", "zijn", "was", "heeft", "hebben", "wordt", "worden", "door", "naar", "uit", "over", "kan", "zal", "ze", "hij", "zij", "wij", "jij", "ik", "je", "u", "hem", "haar", "hun", "mijn", "onze", "deze", "dit", "daar", "hier", "geen", "wel", "heel", "meer", "the", "a", "an", "and", "of", "to", "in", "on", "that", "is", "it", "for", "with", "not", "at", "but", "as", "be", "was", "has", "have", "had", "this", "there", "here", "his", "her", "their", "they", "she", "he", "you", "your", "my", "our", "from", "by", "are", "were", "will", "would", "can", "could", "been", "into", "than", "then", "when", "what", "which", "who", "about", "just", "only", "also", "very"]
)
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"')\]]|$)")


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: for comparing lines."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def words(text: str) -> list[str]:
    return normalise(text).split()


def sentences(text: str) -> list[str]:
    # An ellipsis is a hesitation ("Eh... ja."), not the end of a sentence.
    parts = _SENTENCE_END.split(re.sub(r"\.{2,}|…", ",", text))
    return [p for p in parts if re.search(r"\w", p)]


def overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two lines' word sets."""
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def keywords(text: str) -> set[str]:
    return {w for w in words(text) if (len(w) >= 4 or w.isdigit()) and w not in _STOPWORDS}


@functools.cache
def _instruction_chunks() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(fragments of the prompt's fixed text of 3+ words, the mood descriptions), normalised:
    a model that hands its own note back ("boos en wantrouwig. Je volgende zin moet: complain.")
    is not speaking as the tenant."""
    # Not "Zo praat je: ..." (style): "Zo praat je niet tegen mij!" is what a tenant says.
    chunks = {normalise(part) for frame in FRAME.values() for key, text in frame.items()
              if key != "style" for part in re.split(r"\{\w+\}", text)}
    moods = tuple(normalise(m) for moods in MOODS.values() for m in moods.values())
    return tuple(c for c in chunks if len(c.split()) >= 3), moods


def repeats_instructions(line: str) -> bool:
    said = normalise(line)
    chunks, moods = _instruction_chunks()
    # A stage direction or a note about who speaks: "(De monteur belt aan.)", "(the tenant)".
    aside = re.match(r"\s*\(", line) or re.search(r"\((?:the tenant|de huurder)\b", line,
                                                   re.IGNORECASE)
    return bool(aside) or any(c in said for c in chunks) or said.startswith(moods)


def _matches(patterns: list[str], text: str) -> bool:
    return any(re.search(p, text, flags=re.IGNORECASE) for p in patterns)


def is_injection(trainee_text: str) -> bool:
    """Does the trainee's text try to give the tenant new instructions?"""
    return _matches(_INJECTION, trainee_text)


_identifier = None
_identifier_lock = threading.Lock()


def identify(text: str) -> tuple[str, float, float]:
    """(language, probability, margin per character) between nl and en, by py3langid.

    The margin (log-likelihood difference per character) separates real Dutch or English from
    the half-English, half-invented words a small model writes when asked for Dutch: those
    look a bit like both languages, so the normalised probability alone is still close to 1.
    """
    global _identifier
    with _identifier_lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
            ident.set_languages(["nl", "en"])
            _identifier = ident
        ranked = _identifier.rank(text)
    (best, top), (_, second) = ranked[0], ranked[1]
    diff = min(top - second, 700.0)  # exp() overflow guard; 700 nats is certainty anyway
    return str(best), 1 / (1 + math.exp(-diff)), diff / max(1, len(text))


@functools.lru_cache(maxsize=2)
def vocabulary(lang: str) -> frozenset[str]:
    """Every word of the shipped content in one language: personas, scenarios, rubric examples.

    Language identification cannot judge a line of one or two words; for those the words
    themselves must be words people wrote in this language (not "Afwaack!!").
    """
    from scoring.rubric import load_rubrics
    from simulator.content import load_library

    texts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == lang or key not in ("nl", "en"):
                    collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            texts.append(value)

    library = load_library()
    for model in [*library.personas.values(), *library.scenarios.values(),
                  *load_rubrics().values()]:
        collect(model.model_dump())
    return frozenset(w for t in texts for w in words(t))


MAX_UNKNOWN_SHARE = 0.25
MAX_UNKNOWN_WORDS = 2
COMMON_ZIPF = 2.5  # wordfreq's Zipf scale: 2.5 is a word seen ~3 times per 10 million words


def unknown_words(line: str, lang: str) -> list[str]:
    """The line's words that are neither common in `lang` (wordfreq's offline word lists) nor in
    the shipped content: a small model asked for Dutch invents words."""
    from wordfreq import zipf_frequency

    known = vocabulary(lang)
    return [w for w in words(line) if w not in known and zipf_frequency(w, lang) < COMMON_ZIPF]


def reveals(line: str, fact_text: str) -> bool:
    """Does the line say (most of) what the fact says? Shared content words, not exact text."""
    fact_words = keywords(fact_text)
    if not fact_words:
        return False
    shared = fact_words & keywords(line)
    needed = min(len(fact_words), 2)
    return len(shared) >= needed and len(shared) / len(fact_words) >= 0.5


class Guard:
    """Checks tenant lines for one session language."""

    def __init__(self, lang: str):
        self.lang = lang

    def check(
        self,
        line: str,
        earlier: Iterable[str] = (),
        gated: dict[str, str] | None = None,
        trainee: str = "",
    ) -> list[str]:
        """Reasons the line may not be used; an empty list means it passes.

        earlier: the tenant's previous lines; gated: fact id -> fact text (session language) of
        facts not allowed yet; trainee: what the trainee just said.
        """
        if not re.search(r"\w", line or ""):
            return ["empty"]
        reasons = []
        count = len(sentences(line))
        if count > MAX_SENTENCES or len(words(line)) > MAX_WORDS:
            reasons.append(f"too long ({count} sentences, {len(words(line))} words)")
        reasons += self.early(line)
        if trainee and len(words(line)) >= 3 and overlap(line, trainee) >= ECHO_OVERLAP:
            reasons.append("echoes the technician")
        if trainee and is_injection(trainee) and _matches(_COMPLIANCE, line):
            reasons.append("follows instructions in the trainee's text")
        if self._repeats(line, earlier):
            reasons.append("repeats an earlier line")
        for fact_id, text in (gated or {}).items():
            if reveals(line, text):
                reasons.append(f"reveals fact '{fact_id}' too early")
        return reasons

    def early(self, partial: str) -> list[str]:
        """Reasons a line being generated will fail anyway (so generation can stop early)."""
        reasons = []
        wrong = self._wrong_language(partial)
        if wrong:
            reasons.append(f"wrong language ({wrong})")
        if _matches(_ASSISTANT, partial):
            reasons.append("speaks as an assistant")
        if _matches(_TECHNICIAN, partial):
            reasons.append("speaks as the technician")
        if repeats_instructions(partial):
            reasons.append("repeats its instructions")
        return reasons

    def _wrong_language(self, line: str) -> str | None:
        lang, prob, margin = identify(line)
        said, unknown = words(line), unknown_words(line, self.lang)
        short = len(said) < SHORT_WORDS
        if short and self.lang == "nl":
            # No invented word at all ("Alles amerkommen!"), and most words must be words of
            # the shipped content: "Ooh! Amen." is common enough, but no tenant talks like that.
            outside = [w for w in said if w not in vocabulary(self.lang)]
            return "unknown words" if unknown or 2 * len(outside) > len(said) else None
        if len(unknown) >= MAX_UNKNOWN_WORDS or len(unknown) > MAX_UNKNOWN_SHARE * len(said):
            # Invented words like "betyr leggers vant": no authored line has more than one.
            return "unknown words"
        if lang == self.lang:
            # Only Dutch: the English-trained model invents Dutch, not English (and short plain
            # English lines like "Can we just get started?" have small margins too).
            unclear = self.lang == "nl" and not short and margin < MIN_MARGIN
            return "mixed" if unclear else None
        return lang if prob >= (0.95 if short else 0.6) else None

    @staticmethod
    def _repeats(line: str, earlier: Iterable[str]) -> bool:
        said = [normalise(s) for s in sentences(line)]
        if len(said) != len(set(said)):
            return True  # "You're not sure. You're not sure." - a small model stuck in a loop
        norm = normalise(line)
        for old in earlier:
            if norm == normalise(old):
                return True
            if min(len(words(line)), len(words(old))) >= 3 and overlap(line, old) >= REPEAT_OVERLAP:
                return True
        return False

# For the corpus actor: words that carry no meaning.
STOPWORDS = _STOPWORDS
