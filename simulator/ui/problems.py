"""Content problems (FILE:LINE: message) in the app's language.

The content layer words its problems in English, for `roleplay validate` and the log; the author
screen shows them to a Dutch trainer in Dutch. Known phrases are translated one by one, so a
message built from several parts ("unknown field 'x' (did you mean 'y'?); expected one of: ...")
reads as Dutch; a phrase this table does not know stays as it was, never lost.
"""

from __future__ import annotations

import re

from simulator.content import Problem

# (English phrase as a regex, Dutch replacement), applied in this order.
DUTCH: tuple[tuple[str, str], ...] = (
    (r"^(\S+) is missing; expected a text in both languages, nl and en$",
     r"\1 ontbreekt; schrijf een tekst in beide talen, nl en en"),
    (r"^(\S+) is missing; expected the field '(.*)'$", r"\1 ontbreekt; het veld '\2' is nodig"),
    (r"unknown field (.+?) in (\S+)", r"onbekend veld \1 in \2"),
    (r"; expected no extra fields", r"; hier horen geen andere velden"),
    (r"\(did you mean '([^']*)'\?\)", r"(bedoel je '\1'?)"),
    (r"unknown act ", r"onbekende act "),
    (r"unknown behaviour id ", r"onbekend gedrag "),
    (r"unknown persona id ", r"onbekende persona "),
    (r"act '([^']*)' is not an act of stance '([^']*)'", r"act '\1' hoort niet bij houding '\2'"),
    (r"(\S+) has no dialogue acts; expected at least one", r"\1 heeft geen acts; minstens één nodig"),
    (r"no reaction for (.+); expected one for every behaviour",
     r"geen reactie op \1; elk gedrag heeft een reactie nodig"),
    (r"duplicate key (.+) \(first at line (\d+)\); expected each key once",
     r"\1 staat er twee keer (eerst op regel \2); elk veld mag één keer"),
    (r"fact id (.+) is used twice; expected unique ids",
     r"feit \1 staat er twee keer; elke id mag één keer"),
    (r"check (.+?) uses persona (.+?), which this scenario does not allow",
     r"testgesprek \1 gebruikt persona \2, die dit scenario niet toelaat"),
    (r"check (.+?) uses unknown persona ", r"testgesprek \1 gebruikt onbekende persona "),
    (r"check (.+?) names fact ", r"testgesprek \1 noemt feit "),
    (r"expected exactly one of: after_turn \+ stance, fact \+ hidden_before, or outcome",
     r"verwacht precies één van: after_turn + stance, fact + hidden_before, of outcome"),
    (r"empty reveal condition; expected min_trust and/or behaviour",
     r"lege voorwaarde; verwacht min_trust en/of behaviour"),
    (r"YAML syntax error: (.+); expected valid YAML", r"fout in de YAML-opmaak: \1"),
    (r"mapping values are not allowed here", r"hier mag geen ':' met een waarde staan"),
    (r"could not find expected ':'", r"er ontbreekt een ':'"),
    (r"expected (.+?), but (?:got|found) (.+)$", r"verwacht \1, maar vond \2"),
    (r"found character (.+) that cannot start any token", r"teken \1 mag hier niet staan"),
    (r" in \(top level\)", r" bovenaan"),
    (r"\(e\.g\. ", r"(bijv. "),
    (r" is list; ", r" is een lijst; "),
    (r" is dict; ", r" zijn velden; "),
    (r"file is empty; expected a YAML mapping of fields", r"het bestand is leeg; verwacht velden"),
    (r"is not UTF-8; expected a file saved as UTF-8", r"is geen UTF-8; bewaar het bestand als UTF-8"),
    (r"schema_version (\S+) is not supported; expected (\d+) \(a newer roleplay may read this file\)",
     r"schema_version \1 kennen we niet; verwacht \2 (een nieuwere roleplay leest dit misschien)"),
    ((r"file name (.+?) is not a valid (\w+) id(.*); expected lowercase ASCII words joined by "
     r"hyphens, at most (\d+) characters: rename the file"),
     (r"bestandsnaam \1 kan geen id zijn\3; gebruik kleine letters, cijfers en koppeltekens, "
     r"hoogstens \4 tekens: geef het bestand een andere naam")),
    ((r"replaces the shipped (\w+) '([^']*)' \((.+?)\), so trainees get this version; rename the "
     r"file to add a new \w+, or delete it to use the shipped one"),
     (r"vervangt de meegeleverde \1 '\2' (\3), dus medewerkers krijgen deze versie; geef het "
     r"bestand een andere naam voor een nieuwe, of verwijder het voor de meegeleverde")),
    (r"expected: input should be a valid number.*$", r"verwacht: een getal"),
    (r"expected: input should be a valid integer.*$", r"verwacht: een heel getal"),
    (r"expected: input should be less than or equal to (\S+)", r"verwacht: hoogstens \1"),
    (r"expected: input should be greater than or equal to (\S+)", r"verwacht: minstens \1"),
    (r"expected: input should be less than (\S+)", r"verwacht: minder dan \1"),
    (r"expected: input should be greater than (\S+)", r"verwacht: meer dan \1"),
    (r"expected: list should have at least (\d+) items? after validation, not (\d+)",
     r"verwacht: minstens \1 regels, niet \2"),
    (r"expected: input should be a valid string", r"verwacht: tekst"),
    (r"expected: input should be a valid list", r"verwacht: een lijst"),
    (r"expected: input should be a valid dictionary.*$", r"verwacht: velden"),
    (r"expected: input should be (.+)$", r"verwacht: \1"),
    (r"; expected one of: ", r"; kies uit: "),
    (r"; expected all of: ", r"; nodig zijn: "),
    (r"(^|: )no ([a-z, ]+); nodig zijn: ", r"\1geen \2; nodig zijn: "),
    (r"' or '", r"' of '"),
)
_DUTCH = tuple((re.compile(english), dutch) for english, dutch in DUTCH)


def message_in(message: str, lang: str) -> str:
    if lang == "en":
        return message
    for english, dutch in _DUTCH:
        message = english.sub(dutch, message)
    return message


def problem_text(problem: Problem, lang: str) -> str:
    """FILE:LINE: message, in `lang`."""
    warning = ("waarschuwing: " if lang != "en" else "warning: ") if problem.warning else ""
    return f"{problem.file}:{problem.line}: {warning}{message_in(problem.message, lang)}"
