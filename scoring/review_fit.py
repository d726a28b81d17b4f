"""Team leaders teach the scorer: refit the thresholds on the turns they reviewed.

Only the thresholds move (per behaviour and language); the weights of the calibrated models stay
as shipped, because an organisation reviews tens of turns, not the hundreds a refit of the
weights would need. A threshold moves only where the reviewed turns hold enough of both labels.
The figures are honest: before and after are measured on reviewed turns held out from the fit
(a fixed share, chosen by the turn's id, so reruns agree); what is stored is then fitted on all.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.calibration import FLOOR, best_threshold
from scoring.evaluation import Item, item_candidates, metrics
from scoring.model import Calibration
from simulator.vocabulary import BEHAVIOURS, LANGS

MIN_EACH = 5  # reviewed turns with and without a behaviour (per language) before its threshold moves
HELD_OUT = 0.3  # share of reviewed turns kept out of the fit to measure before/after


@dataclass
class ReviewFit:
    calibration: Calibration  # to store: thresholds fitted on every reviewed turn
    items: int
    held_out: int
    before: dict | None  # metrics on the held-out turns with the current thresholds
    after: dict | None  # ...and with thresholds fitted on the other reviewed turns
    moved: dict[str, dict[str, tuple[float, float]]]  # behaviour -> lang -> (old, new)


def held_out(item_id: str) -> bool:
    digest = hashlib.sha256(item_id.encode()).digest()
    return digest[0] / 256 < HELD_OUT


def _probabilities(scorer, items: Sequence[Item]) -> dict[str, np.ndarray]:
    """Per behaviour, the scorer's confidence on every item (as `Scorer.decide` gives it)."""
    scores = [scorer.decide(it.text, it.lang, [], c)
              for it, c in zip(items, item_candidates(scorer, items))]
    return {b: np.array([s.detections[b].confidence for s in scores]) for b in BEHAVIOURS}


def _thresholds(base: Calibration, probs: dict[str, np.ndarray], items: Sequence[Item],
                rows: np.ndarray) -> Calibration:
    # One copy per behaviour: an uncalibrated model shares one object between behaviours.
    fitted = copy.copy(base)
    fitted.behaviours = {b: copy.deepcopy(m) for b, m in base.behaviours.items()}
    langs = np.array([it.lang for it in items])
    for b in BEHAVIOURS:
        y = np.array([float(b in it.labels) for it in items])
        for lang in LANGS:
            mask = rows[langs[rows] == lang]
            positives = int(y[mask].sum())
            if positives >= MIN_EACH and len(mask) - positives >= MIN_EACH:
                fitted.behaviours[b].thresholds[lang] = best_threshold(
                    probs[b][mask], y[mask], FLOOR.get(b))
    return fitted


def _predict(calibration: Calibration, probs: dict[str, np.ndarray], items: Sequence[Item],
             rows: np.ndarray) -> list[set[str]]:
    return [{b for b in BEHAVIOURS
             if probs[b][i] > 0 and probs[b][i] >= calibration.behaviours[b].threshold(items[i].lang)}
            for i in rows]


def refit(scorer, items: Sequence[Item]) -> ReviewFit:
    """Thresholds refitted on reviewed turns, with before/after figures on held-out turns."""
    scorer.load()
    base = scorer.calibration
    probs = _probabilities(scorer, items)
    test = np.array([i for i, it in enumerate(items) if held_out(it.id)], dtype=int)
    train = np.array([i for i, it in enumerate(items) if not held_out(it.id)], dtype=int)
    before = after = None
    if len(test):
        gold = [items[i] for i in test]
        before = metrics(gold, _predict(base, probs, items, test))
        after = metrics(gold, _predict(_thresholds(base, probs, items, train), probs, items, test))
    final = _thresholds(base, probs, items, np.arange(len(items)))
    final.source = "reviews"
    final.cv = {**base.cv, "reviews": {"items": len(items), "held_out": len(test)}}
    moved = {b: {lang: (base.behaviours[b].threshold(lang), final.behaviours[b].threshold(lang))
                 for lang in LANGS
                 if base.behaviours[b].threshold(lang) != final.behaviours[b].threshold(lang)}
             for b in BEHAVIOURS}
    return ReviewFit(final, len(items), len(test), before, after,
                     {b: m for b, m in moved.items() if m})
