"""What a tenant line asks of the trainee (who they are, their pass, whom to ring), and what the
trainee gave.

A tenant who was just told "Ik ben Sandra van de corporatie, hier is mijn pasje" and answers
"Van welk bedrijf bent u dan? En waar is uw pasje?" has not listened. The corpus and the authored
act lines hold such questions for a trainee who did not say it; `asks(line) & given(history)`
names the ones that are answered already, so the tenant says something else.

Plain patterns (Dutch and English) on normalised text, so a choice can be explained and tested
without a model. `given` looks at every trainee line so far: a name or a company ("ik ben Mark
van ...", "namens de corporatie", "I'm Sam from ..."), the pass ("hier is mijn pasje", "my ID"),
whom to ring ("bel gerust de storingsdienst", "the number's on the sticker"); and a short yes
("Ja, hier.") right after the tenant asked for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from simulator.engine.guard import normalise
from simulator.engine.prompt import Turn

WHO, PASS, CALL = "who", "pass", "call"  # CALL: whom to ring if it goes wrong again

_ASKS_WHO = re.compile(
    r"\bwie (?:bent u|ben je|is daar|is dat)\b|\bhoe (?:u heet|heet u|je heet|heet je)\b"
    r"|\bwelk bedrijf\b|\bwaar (?:u|je) vandaan komt\b|\bwaar komt u vandaan\b"
    r"|\bwho (?:are you|is this|s there|sent you)\b|\bwhich company\b"
    r"|\bwhat (?:s|is) your name\b|\bknow your name\b|^your name\b"
)
# The pass in either mouth; "pas" alone only as "uw pas" (asked) or "mijn pas" (given): "pas op"
_PASS = r"\w*pasje\b|\blegitimatie\w*|\bidentiteitsbewijs\b|\bidentification\b|\bbadge\b|\bid card\b"
_PASS_WORD = re.compile(_PASS + r"|\b(?:uw|je|een) pas\b|\bid\b")
# A pass mentioned in a question or a demand ("ik wil eerst uw pasje zien"), not in a story
# ("sindsdien vraag ik altijd naar een pasje").
_DEMAND = re.compile(r"zien\b|\blaten\b|\bsee\b|\bseen\b|\bshow\b|\bhold\b")

_ASKS_CALL = re.compile(
    r"\bwie (?:moet|kan|mag) ik (?:dan |daarvoor )?bellen\b|\bwie bel ik\b|\bwelk nummer\b"
    r"|\bwho (?:do|should|shall|can) i (?:call|ring|phone)\b|\bwho to (?:call|ring)\b"
    r"|\bwhat number\b|\bwhich number\b"
)
_GIVES_CALL = re.compile(
    r"\b(?:tele(?:foon)?nummer|nummer|storingsdienst|storingslijn|storingsnummer|servicelijn)\b"
    r"|\bbel(?:t|len)? (?:u |je )?(?:gerust |maar |dan |even )?(?:mij|me|ons|kantoor|de corporatie)\b"
    r"|\b(?:number|repairs line|helpline|emergency line|out of hours line)\b"
    r"|\b(?:call|ring|phone) (?:me|us|the office|the repairs|the helpline|this)\b"
)
_GIVES_WHO = re.compile(
    r"\bik (?:ben|heet) \w+(?: \w+)? van\b|\bik heet\b|\bmijn naam is\b|\bnamens\b"
    r"|\bvan de (?:woning)?corporatie\b|\bmet \w+ van\b"
    r"|\bi m \w+(?: \w+)? from\b|\bi am \w+(?: \w+)? from\b|\bmy name is\b|\bthis is \w+ from\b"
    r"|\bon behalf of\b|\bfrom the housing\b"
)
_GIVES_WHO_CASED = re.compile(r"\b(?:[Ii]k ben|I'm|I am|[Tt]his is) [A-Z][a-z]+\b")
_GIVES_PASS = re.compile(_PASS + r"|\bmijn pas\b|\bmy (?:id|pass|card)\b")
_YES = re.compile(r"^(?:ja|jawel|jazeker|hier|tuurlijk|natuurlijk|zeker|yes|yeah|sure|here|"
                  r"of course|certainly)\b")


def asks(line: str) -> frozenset[str]:
    """What `line` (the tenant's) asks the trainee to tell or show: WHO, PASS, CALL."""
    found = set()
    for sentence in re.findall(r"[^.!?]+[.!?]*", line):  # with its end: a question or not
        text = normalise(sentence)
        if _ASKS_WHO.search(text):
            found.add(WHO)
        if _PASS_WORD.search(text) and ("?" in sentence or _DEMAND.search(text)):
            found.add(PASS)
        if _ASKS_CALL.search(text):
            found.add(CALL)
    return frozenset(found)


def gives(line: str) -> frozenset[str]:
    """What a trainee line tells or shows: WHO, PASS, CALL."""
    text = normalise(line)
    found = set()
    if _GIVES_WHO.search(text) or _GIVES_WHO_CASED.search(line):
        found.add(WHO)
    if _GIVES_PASS.search(text):
        found.add(PASS)
    if _GIVES_CALL.search(text):
        found.add(CALL)
    return frozenset(found)


def given(history: Sequence[Turn]) -> frozenset[str]:
    """What the trainee has told or shown so far, a yes to the tenant's question included."""
    found: set[str] = set()
    asked: frozenset[str] = frozenset()
    for turn in history:
        if turn.speaker == "tenant":
            asked = asks(turn.text)
            continue
        found |= gives(turn.text)
        if _YES.match(normalise(turn.text)):
            found |= asked
        asked = frozenset()
    return frozenset(found)
