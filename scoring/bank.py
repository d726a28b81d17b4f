"""What a reply is compared with, per language: the rubric's exemplars and the probes fitted on
them and the training split; and the features of a reply's best sentence per behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring import features as F
from scoring.evaluation import Item
from scoring.lexical import LexicalProbe
from scoring.probes import DeepProbe, ridge_probe
from scoring.reader import frame
from scoring.rubric import BehaviourSpec
from simulator.vocabulary import BEHAVIOURS

PROBE_RIDGE = 1.0  # ridge of the exemplar probe, on unit-length embeddings


@dataclass(frozen=True)
class Candidate:
    """The best sentence of a reply for one behaviour, with the features the model reads."""

    values: dict[str, float]
    sentence: str
    exemplar: str
    allowed: bool
    vector: np.ndarray | None = None  # the sentence's embedding, for a calibrated linear probe


class Bank:
    """Exemplar vectors of one language, stacked once so a turn costs two matrix products."""

    def __init__(self, specs: dict[str, BehaviourSpec], lang: str, vectors: dict[str, np.ndarray],
                 replies: Sequence[Item] = (), readings: dict[str, np.ndarray] | None = None):
        pos_t, neg_t, pos_o, neg_o = [], [], [], []
        for k, b in enumerate(BEHAVIOURS):
            ex = specs[b].examples.get(lang)
            pos_t += ex.positive
            neg_t += ex.negative
            pos_o += [k] * len(ex.positive)
            neg_o += [k] * len(ex.negative)
        self.pos_text, self.neg_text = pos_t, neg_t
        self.pos = np.stack([vectors[t] for t in pos_t])
        self.neg = np.stack([vectors[t] for t in neg_t])
        self.pos_owner, self.neg_owner = np.array(pos_o), np.array(neg_o)
        self.pos_start = np.searchsorted(self.pos_owner, np.arange(len(BEHAVIOURS)))
        texts = pos_t + neg_t + [it.text for it in replies]
        labels = np.zeros((len(texts), len(BEHAVIOURS)))
        labels[np.arange(len(pos_t)), pos_o] = 1.0
        for row, it in enumerate(replies, len(pos_t) + len(neg_t)):
            labels[row, [BEHAVIOURS.index(b) for b in it.labels]] = 1.0
        X = np.stack([vectors[t] for t in texts])
        self.probe, self.probe_bias = ridge_probe(X, labels, PROBE_RIDGE)
        self.lexical = LexicalProbe(texts, labels)
        self.deep = None
        if readings is not None:
            said = [""] * (len(pos_t) + len(neg_t)) + [it.tenant_said for it in replies]
            zero = np.zeros_like(next(iter(readings.values())))
            tenants = np.stack([readings[t] if t.strip() else zero for t in said])
            framed = np.stack([readings[frame(t, s)] for t, s in zip(texts, said)])
            self.deep = DeepProbe(framed, tenants, labels)

    def candidate(self, k, b, position, sp, sn, tsim, qflags, sentences, lang, turn_index,
                  is_last, knn, vectors, best, probe, lexical, lex_reply) -> Candidate:
        """Behaviour `b` (index `k`): its best sentence in a reply and that sentence's features."""
        own = self.pos_owner == k
        pos = np.sort(sp[:, own], axis=1)[:, ::-1]
        pos1, pos3 = pos[:, 0], pos[:, :3].mean(axis=1)
        other = sp[:, ~own].max(axis=1)
        neg1 = sn[:, self.neg_owner == k].max(axis=1)
        rank = (pos1 - neg1) + (pos1 - other) + knn + (tsim if b == "paraphrase" else 0.0)
        n = len(sentences)
        ok = np.array([F.position_allowed(b, position, i, n, turn_index) for i in range(n)])
        i = int(np.argmax(np.where(ok, rank, -np.inf))) if ok.any() else int(np.argmax(rank))
        values = {
            "pos1": float(pos1[i]), "pos3": float(pos3[i]), "neg1": float(neg1[i]),
            "margin": float(pos1[i] - neg1[i]), "other": float(other[i]),
            "lead": float(pos1[i] - other[i]), "is_nl": float(lang != "en"),
            "tenant_sim": float(tsim[i]), "first_sentence": float(i == 0),
            "first_turn": float(turn_index == 0), "last_sentence": float(i == n - 1),
            "is_last": float(is_last), "knn": float(knn[i]), "probe": float(probe[i]), "lex": float(lexical[i]),
            "lex_reply": lex_reply, "lex_max": float(np.where(ok, lexical, -np.inf).max())
            if ok.any() else float(lexical.max()), **qflags[i],
            "rival": float(pos1[i] - best[i, BEHAVIOURS.index(F.RIVAL[b])]) if b in F.RIVAL else 0.0,
        }
        texts = [t for t, o in zip(self.pos_text, own) if o]
        exemplar = texts[int(np.argmax(sp[i, own]))]
        return Candidate(values, sentences[i], exemplar, bool(ok.any()), vectors[i])
