"""The meaning gate: does a model's line belong to the scene at the door?

The guard checks form (language, length, role, repeats); a small model's lines can pass all of
that and still leave the scene: service-desk talk, poems, affection, talk about language. The gate
is a logistic regression over sentence embeddings, trained on the tenant corpus (in scene) against
lines harvested from the embedded model plus written examples of leaving the scene (out of scene,
`data/offscene.jsonl`). Weights for the default embedder ship in `data/meaning_gate.json`
(`scripts/train_meaning_gate.py` writes them and reports precision and recall on held-out lines);
for another embedder the gate is trained on first use, with the embeddings cached.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
WEIGHTS = DATA / "meaning_gate.json"
OFFSCENE = DATA / "offscene.jsonl"
L2 = 1.0
HELD_OUT = 0.25  # share of lines (by text hash) that training never sees
_cache: dict[str, MeaningGate] = {}
_lock = threading.Lock()


def held_out(text: str) -> bool:
    """A fixed split by text hash, so the held-out lines never change between runs."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < HELD_OUT


def offscene_lines() -> list[dict]:
    """Out-of-scene lines: {text, lang, origin ("harvested" | "written"), ...}."""
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


@dataclass
class MeaningGate:
    embedder: Any
    weights: np.ndarray
    bias: float
    threshold: float = 0.5  # probability of "in scene" below which a line is rejected

    @classmethod
    def for_embedder(cls, embedder: Any) -> MeaningGate:
        """The shipped gate for this embedder's model, else one trained now (cached per model)."""
        with _lock:
            gate = _cache.get(embedder.model_id)
            if gate is None:
                shipped = _shipped().get(embedder.model_id)
                if shipped is not None:
                    gate = cls(embedder, np.asarray(shipped["weights"], dtype=np.float32),
                               float(shipped["bias"]), float(shipped["threshold"]))
                else:
                    gate = train(embedder)[0]
                _cache[embedder.model_id] = gate
            return gate

    def probabilities(self, texts: list[str]) -> np.ndarray:
        from scoring.embedder import EmbeddingCache

        vectors = self.embedder.encode(texts) if len(texts) <= 8 else EmbeddingCache(
            self.embedder.model_id).embed(self.embedder, texts)[0]
        return 1.0 / (1.0 + np.exp(-(vectors @ self.weights + self.bias)))

    def reasons(self, text: str) -> list[str]:
        """[] when the line belongs to the scene, else one reason for the guard's record."""
        p = float(self.probabilities([text])[0])
        return [] if p >= self.threshold else [f"out of scene (p={p:.2f})"]


def _shipped() -> dict[str, dict]:
    try:
        return json.loads(WEIGHTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def train(embedder: Any, library: Any = None) -> tuple[MeaningGate, dict]:
    """A gate fitted on the training part of the data, and its figures on the held-out part."""
    from scoring.calibration import fit_logistic
    from scoring.embedder import EmbeddingCache

    inside, outside = in_scene_lines(library), [r["text"] for r in offscene_lines()]
    texts = inside + outside
    y = np.array([1.0] * len(inside) + [0.0] * len(outside))
    X, _ = EmbeddingCache(embedder.model_id).embed(embedder, texts)
    test = np.array([held_out(t) for t in texts])
    # Balance the classes: there are many more corpus lines than harvested ones.
    weight = np.where(y[~test] == 1, 1.0, (y[~test] == 1).sum() / max(1, (y[~test] == 0).sum()))
    reps = np.maximum(1, np.round(weight).astype(int))
    Xt, yt = np.repeat(X[~test], reps, axis=0), np.repeat(y[~test], reps)
    w, b = fit_logistic(Xt.astype(np.float64), yt, L2)
    gate = MeaningGate(embedder, w.astype(np.float32), float(b))
    p = 1.0 / (1.0 + np.exp(-(X @ gate.weights + gate.bias)))
    rejected = p < gate.threshold
    report = {
        "held_out_out_of_scene": int((test & (y == 0)).sum()),
        "held_out_in_scene": int((test & (y == 1)).sum()),
        "out_of_scene_rejected": round(float(rejected[test & (y == 0)].mean()), 3),
        "in_scene_rejected": round(float(rejected[test & (y == 1)].mean()), 3),
        "train_rows": int((~test).sum()),
    }
    return gate, report
