"""Cohen's kappa between the automatic detections and the team leaders' overrides.

Each override is one rated item: the scorer's label (detected or not) against the human label
(the same when the reviewer agrees, the opposite when they disagree). Kappa corrects the raw
agreement for the agreement expected by chance; it is undefined (None) when both raters used
only one and the same label, e.g. every override is "agree" on a detected behaviour.
"""

from __future__ import annotations

from simulator.store.store import Store
from simulator.vocabulary import BEHAVIOURS

KAPPA_MIN = 10  # judgements before a kappa is shown: with fewer, chance decides it


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Kappa for two raters with yes/no labels; None without items or when undefined."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    p_auto = sum(a for a, _ in pairs) / n
    p_human = sum(b for _, b in pairs) / n
    expected = p_auto * p_human + (1 - p_auto) * (1 - p_human)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def label_pairs(store: Store) -> dict[str, list[tuple[bool, bool]]]:
    """Behaviour -> [(automatic, human)] over every override in the database."""
    rows = store.db.query(
        "SELECT o.behaviour, o.agree, COALESCE(d.detected, 0) AS detected FROM overrides o"
        " LEFT JOIN detections d ON d.turn_id = o.turn_id AND d.behaviour = o.behaviour"
    )
    pairs: dict[str, list[tuple[bool, bool]]] = {}
    for row in rows:
        auto = bool(row["detected"])
        pairs.setdefault(row["behaviour"], []).append((auto, auto if row["agree"] else not auto))
    return pairs


def _summary(pairs: list[tuple[bool, bool]]) -> dict:
    n = len(pairs)
    agreed = sum(a == b for a, b in pairs)
    return {
        "items": n,
        "agree": agreed,
        "disagree": n - agreed,
        "agreement": agreed / n if n else None,
        "kappa": cohen_kappa(pairs),
    }


def agreement(store: Store) -> dict:
    """{"behaviours": {id: summary}, "overall": summary}; summary has items, kappa, ..."""
    pairs = label_pairs(store)
    per = {b: _summary(pairs.get(b, [])) for b in BEHAVIOURS}
    for extra in sorted(set(pairs) - set(BEHAVIOURS)):
        per[extra] = _summary(pairs[extra])
    everything = [p for ps in pairs.values() for p in ps]
    return {"behaviours": per, "overall": _summary(everything)}
