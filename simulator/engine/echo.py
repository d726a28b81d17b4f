"""What a tenant line takes over from the trainee line it was written for, and the plain word
comparisons the corpus makes.

An exchange "Hallo, ik ben Peter. Ik ga pas weg als het werkt." -> "Pas weg als het werkt, zeg
je." quotes its trainee: said to a technician who promised nothing of the kind, it puts words in
their mouth. `echoes` names what such a line takes over (a name, a day, a number, a quoted or
short opening); `says_all` whether a trainee line said all of it.
"""

from __future__ import annotations

import functools
import re

from simulator.engine.guard import STOPWORDS, normalise, words

# Counts said in words ("over twee weken", "a quarter of an hour"): as specific as a digit.
NUMBERS = frozenset(
    ["twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "vijftien", "twintig", "dertig", "veertig", "kwart", "kwartier", "anderhalf", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "quarter"]
)
DAYS = frozenset(
    ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december", "january", "february", "march", "june", "july", "august", "october"]
)


def _stem(word: str) -> str:
    for suffix in ("ing", "en", "es", "ed", "e", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=8192)  # the corpus cues are compared with every trainee line
def content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1)


# An opening that quotes the trainee: "Pas weg als het werkt, zeg je." "Over twee weken dan."
QUOTED = re.compile(r"^([^?!.,:;]+),\s*(?:zeg je|zegt u|zei je|zei u|you say|you said)\b"
                    r"|^([^?!.,:;]+?)\s+(?:dan|then)\s*[?.!]", re.IGNORECASE)
SMALL = "(?:tje|je)?"  # a need is said in its diminutive too ("kwartier": "een kwartiertje")


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?…"


def echoes(cue: str, tenant: str) -> frozenset[str]:
    """Specifics the tenant line takes over from its trainee line: a name, a day, a number.

    "Kim, eigen nummer." only answers a trainee who said Kim; said to Sam, it is wrong.
    """
    # A capital inside a sentence marks a name; at a sentence's start ("... werkt. Ik ga") not.
    found = [(m.group(0), m.start()) for m in re.finditer(r"\w+", cue)]
    specific = {_base(w) for w, at in found
                if any(c.isdigit() for c in w) or _base(w) in DAYS | NUMBERS
                or (w[:1].isupper() and w != "I" and not _starts_sentence(cue, at))}
    needs = {w for w in specific if re.search(rf"\b{re.escape(w)}{SMALL}\b", tenant.lower())}
    # "Appeltaart? Nu?", "Half uurtje, zeg je.": an opening that picks up the trainee's words needs
    # those words, in that order ("half een" does not answer "een half uur").
    # Only the words taken over: "Welke reparatie?" needs "reparatie", not "welke reparatie".
    # A quoted opening ("Pas weg als het werkt, zeg je.") takes them over whatever its length.
    quoted = QUOTED.match(tenant)
    opening = (quoted.group(1) or quoted.group(2) if quoted
               else re.split(r"[?!.,:;]", tenant, maxsplit=1)[0])
    if (quoted or len(opening.split()) <= 3) and any(
        len(w) >= 3 and w in content_words(cue) for w in content_words(opening)
    ):
        said = set(normalise(cue).split())
        needs.add(" ".join(w for w in normalise(opening).split() if w in said))
    return frozenset(needs)


def says_all(trainee: str, needs: frozenset[str]) -> bool:
    """Whether the trainee said every word (and phrase) an exchange's tenant line takes over."""
    said = normalise(trainee)
    return all(re.search(rf"\b{re.escape(n)}{SMALL}\b", said) for n in needs)


def _base(word: str) -> str:
    """A Dutch diminutive's base ("kwartiertje" -> "kwartier"); other words lowercased."""
    low = word.lower()
    return low[:-3] if low.endswith("tje") and low[:-3] in NUMBERS else low
