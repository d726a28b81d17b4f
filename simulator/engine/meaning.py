"""The meaning gate: does a model's line belong to the scene at the door?

The guard checks form (language, length, role, repeats); a small model's lines can pass all of
that and still leave the scene: service-desk talk, poems, affection, talk about language. The gate
is a logistic regression over sentence embeddings plus character and word n-grams (MiniLM alone
separated the classes poorly: 71% of held-out harvested lines rejected at 9% of corpus lines),
trained on the tenant corpus (in scene) against lines harvested from the embedded model and
written examples of leaving the scene (out of scene, `data/offscene.jsonl`). It is trained when
first needed (about a second; the embeddings are cached by content hash), only when a model
speaks; `scripts/train_meaning_gate.py` reports its figures on the held-out lines.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
OFFSCENE = DATA / "offscene.jsonl"
C = 16.0  # inverse regularisation of the logistic regression
MAX_IN_REJECTED = 0.04  # the threshold may reject at most this share of corpus lines (in CV)
HELD_OUT = 0.25  # share of lines (by text hash) that training never sees
_cache: dict[str, MeaningGate] = {}
_lock = threading.Lock()


def held_out(text: str) -> bool:
    """A fixed split by text hash, so the held-out lines never change between runs."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < HELD_OUT


def offscene_lines() -> list[dict]:
    """Out-of-scene lines: {text, lang, origin ("harvested" | "written"), label, ...}.

    label "ambiguous" marks a harvested line a tenant might plausibly say ("No, please."): read by
    hand and left out of training and of the figures.
    """
    rows = [json.loads(line) for line in OFFSCENE.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r for r in rows if r.get("label", "out") == "out"]


def in_scene_lines(library: Any = None) -> list[str]:
    """Everything a tenant says in the shipped content: corpus, acts, openings, closings, facts."""
    if library is None:
        from simulator.content import load_library

        library = load_library()
    lines: list[str] = []
    for persona in library.personas.values():
        for lang in ("nl", "en"):
            lines += [e.tenant for e in persona.exchanges.get(lang)]
            lines += list(persona.opening.get(lang))
            lines += [t for acts in persona.repertoire.values() for ls in acts.values()
                      for t in ls.get(lang)]
            for outcome in ("resolved", "escalated", "turn_limit"):
                lines += list(getattr(persona.closings, outcome).get(lang))
    for scenario in library.scenarios.values():
        for fact in scenario.facts:
            if fact.says:
                lines += [*fact.says.nl, *fact.says.en]
    return sorted(set(lines))


class MeaningGate:
    """Probability that a line belongs to the scene: words, characters and sentence meaning."""

    def __init__(self, embedder: Any, texts: list[str], labels: np.ndarray, c: float = C,
                 vectors: np.ndarray | None = None):
        """vectors: the texts' embeddings when the caller has them already (training)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.embedder = embedder
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        self._words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        X = self._features(texts, fit=True, vectors=vectors)
        self._model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        self._model.fit(X, labels)
        self.threshold = 0.5

    @classmethod
    def for_embedder(cls, embedder: Any) -> MeaningGate:
        """The gate for this embedder, trained on first use (embeddings cached), then kept."""
        with _lock:
            gate = _cache.get(embedder.model_id)
            if gate is None:
                gate = train(embedder)[0]
                _cache[embedder.model_id] = gate
            return gate

    def _features(self, texts: list[str], fit: bool = False,
                  vectors: np.ndarray | None = None) -> Any:
        from scipy.sparse import csr_matrix, hstack

        chars = self._chars.fit_transform(texts) if fit else self._chars.transform(texts)
        words = self._words.fit_transform(texts) if fit else self._words.transform(texts)
        if vectors is None:
            vectors = _embed(self.embedder, texts)
        return hstack([chars, words, csr_matrix(vectors)]).tocsr()

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
        return self._model.predict_proba(self._features(list(texts), vectors=vectors))[:, 1]

    def reasons(self, text: str) -> list[str]:
        """[] when the line belongs to the scene, else one reason for the guard's record."""
        p = float(self.probabilities([text])[0])
        return [] if p >= self.threshold else [f"out of scene (p={p:.2f})"]


def _embed(embedder: Any, texts: list[str]) -> np.ndarray:
    if len(texts) <= 8:
        return embedder.encode(texts)
    from scoring.embedder import EmbeddingCache

    return EmbeddingCache(embedder.model_id).embed(embedder, texts)[0]


def _threshold(embedder: Any, texts: list[str], y: np.ndarray, X: np.ndarray) -> float:
    """The highest threshold that rejects <= MAX_IN_REJECTED of corpus lines in 5-fold CV."""
    folds = np.array([int(hashlib.sha256(t.encode()).hexdigest()[8:10], 16) % 5 for t in texts])
    p = np.zeros(len(texts))
    for k in range(5):
        fit, out = folds != k, folds == k
        gate = MeaningGate(embedder, [t for t, f in zip(texts, fit) if f], y[fit], vectors=X[fit])
        p[out] = gate.probabilities([t for t, o in zip(texts, out) if o], vectors=X[out])
    inside = np.sort(p[y == 1])
    return float(inside[int(MAX_IN_REJECTED * len(inside))])


def train(embedder: Any, library: Any = None) -> tuple[MeaningGate, dict]:
    """A gate fitted on the training part of the data, and its figures on the held-out part."""
    rows = offscene_lines()
    inside, outside = in_scene_lines(library), [r["text"] for r in rows]
    texts = inside + outside
    y = np.array([1.0] * len(inside) + [0.0] * len(outside))
    X = _embed(embedder, texts)  # once, in one batch (and cached by content hash on disk)
    test = np.array([held_out(t) for t in texts])
    train_texts = [t for t, held in zip(texts, test) if not held]
    gate = MeaningGate(embedder, train_texts, y[~test], vectors=X[~test])
    gate.threshold = _threshold(embedder, train_texts, y[~test], X[~test])
    rejected = gate.probabilities(texts, vectors=X) < gate.threshold
    report = {
        "held_out_out_of_scene": int((test & (y == 0)).sum()),
        "held_out_in_scene": int((test & (y == 1)).sum()),
        "out_of_scene_rejected": round(float(rejected[test & (y == 0)].mean()), 3),
        "in_scene_rejected": round(float(rejected[test & (y == 1)].mean()), 3),
        **_by_origin(rows, rejected[len(inside):], test[len(inside):]),
        "threshold": round(gate.threshold, 3),
        "train_rows": int((~test).sum()),
    }
    return gate, report


def _by_origin(rows: list[dict], rejected: np.ndarray, test: np.ndarray) -> dict:
    """Held-out rejection per origin and language, and for harvested lines with the guard in front
    (what reaches a trainee has to pass both)."""
    from simulator.engine.guard import Guard

    out: dict[str, float] = {}
    for origin in ("harvested", "written"):
        for lang in ("nl", "en"):
            rows_here = [i for i, r in enumerate(rows) if test[i] and r.get("origin") == origin
                         and r.get("lang") == lang]
            if rows_here:
                out[f"{origin}_{lang}_rejected"] = round(float(rejected[rows_here].mean()), 3)
    harvested = [i for i, r in enumerate(rows) if test[i] and r.get("origin") == "harvested"]
    guards = {lang: Guard(lang) for lang in ("nl", "en")}
    both = [rejected[i] or bool(guards[rows[i].get("lang", "en")].check(rows[i]["text"], [], {}))
            for i in harvested]
    if both:
        out["harvested_rejected_by_guard_or_gate"] = round(float(np.mean(both)), 3)
    return out
