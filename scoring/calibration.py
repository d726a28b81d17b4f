"""Fit the per-behaviour decision (scoring.model) on a labelled file, and report honest figures.

Per behaviour: a logistic regression in numpy (a dozen features, a few hundred rows: no need for
scikit-learn) on the features of scoring.scorer, then a threshold per language that maximises F1
on out-of-fold probabilities. Reported figures come from nested k-fold cross-validation: the
items of a fold are scored by a model (and thresholds) fitted without them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from scoring.evaluation import Item, item_candidates, metrics
from scoring.features import feature_names
from scoring.model import BehaviourModel, Calibration
from simulator.vocabulary import BEHAVIOURS, LANGS, NEGATIVE

L2 = 3.0  # ridge on standardised features; keeps weights sane with ~15-40 positives per language
# Ridge strengths tried per behaviour; the inner folds pick one (by out-of-fold F1), so the
# choice is part of the nested cross-validation and never sees the items it is measured on.
L2_GRID = (3.0, 10.0, 30.0)
# Ridge on an optional linear probe over the raw sentence embedding; None: no probe. Measured on
# the dev set with MiniLM it did not beat the similarity features (CV macro-F1 0.770 vs 0.766 at
# 0.03, 0.765 at 1.0) and makes calibration ~100x slower, so it is off.
L2_PROBE: float | None = None
GRID = np.round(np.linspace(0.1, 0.9, 33), 3)
# Negative feedback must be right when it is given: a false "dismissive" tells a technician they
# brushed a tenant off when they did not (and they stop trusting the feedback), and makes the
# simulated tenant angrier. Its threshold is the best-F1 one among those whose out-of-fold
# precision reaches this floor (if none does: the most precise one); a miss costs less.
# The floor sits above the 0.85 the flag should reach on replies by people the scorer never
# learned from. Fitted without one of the training split's five batches (each written by other
# helpers) and tested on it: a floor of 0.85 gave 0.84 precision (0.67-0.71 on the first
# batch), 0.90 gave 0.89 (recall nl 0.60, en 0.49), 0.95 gave 0.92 (recall 0.48 / 0.38).
FLOOR = {behaviour: 0.90 for behaviour in NEGATIVE}
Message = Callable[[str], None]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float | None = None) -> tuple[np.ndarray, float]:
    """Newton's method on the L2-penalised log-loss (bias not penalised)."""
    n, d = X.shape
    penalty = np.full(d, L2 if l2 is None else l2) if np.isscalar(l2) or l2 is None else np.asarray(l2)
    A = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(d + 1)
    ridge = np.diag(np.concatenate([penalty, [1e-6]]))
    for _ in range(30):
        p = _sigmoid(A @ w)
        grad = A.T @ (p - y) + ridge @ w
        hess = (A * (p * (1 - p))[:, None]).T @ A + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return w[:-1], float(w[-1])


class Design:
    """The feature matrix of one behaviour over all items."""

    def __init__(self, behaviour: str, items: Sequence[Item], cands: Sequence[dict]):
        self.names = list(feature_names(behaviour))
        self.X = np.array([[c[behaviour].values[f] for f in self.names] for c in cands])
        self.V = np.stack([c[behaviour].vector for c in cands]) if L2_PROBE else None
        self.y = np.array([float(behaviour in it.labels) for it in items])
        self.allowed = np.array([c[behaviour].allowed for c in cands])
        self.langs = np.array([it.lang for it in items])
        self.floor = FLOOR.get(behaviour)


def _fit(d: Design, rows: np.ndarray, l2: float = L2) -> BehaviourModel:
    rows = rows[d.allowed[rows]]  # positions a behaviour cannot be in teach the model nothing
    X, y = d.X[rows], d.y[rows]
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std < 1e-6] = 1.0
    if d.V is None:
        w, b = fit_logistic((X - mean) / std, y, l2)
        return BehaviourModel(d.names, mean.tolist(), std.tolist(), w.tolist(), b)
    k = X.shape[1]
    penalty = np.concatenate([np.full(k, l2), np.full(d.V.shape[1], L2_PROBE)])
    w, b = fit_logistic(np.hstack([(X - mean) / std, d.V[rows]]), y, penalty)
    return BehaviourModel(d.names, mean.tolist(), std.tolist(), w[:k].tolist(), b,
                          vector_weights=[round(float(v), 5) for v in w[k:]])


def _probs(model: BehaviourModel, d: Design, rows: np.ndarray) -> np.ndarray:
    X = (d.X[rows] - np.array(model.mean)) / np.array(model.std)
    z = X @ np.array(model.weights) + model.bias
    if model.vector_weights:
        z = z + d.V[rows] @ np.array(model.vector_weights)
    p = _sigmoid(z)
    return np.where(d.allowed[rows], p, 0.0)


def best_threshold(p: np.ndarray, y: np.ndarray, floor: float | None = None) -> float:
    """The grid threshold with the best F1 (smoothed over neighbours so one item cannot decide),
    among those whose precision reaches `floor` when one is given."""
    if y.sum() == 0:
        return 0.5
    f1, precision = [], []
    for t in GRID:
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1.append(2 * tp / (pred.sum() + y.sum()) if pred.sum() + y.sum() else 0.0)
        precision.append(tp / pred.sum() if pred.sum() else 0.0)
    kernel = np.ones(3) / 3
    score = np.convolve(np.array(f1), kernel, mode="same")
    if floor is not None:
        precise = np.convolve(np.array(precision), kernel, mode="same")
        score = np.where(precise >= floor, score, precise - 1.0)
    return float(GRID[int(np.argmax(score))])


def folds(items: Sequence[Item], k: int, seed: int = 0) -> np.ndarray:
    """A fold number per item; each language is spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(items), dtype=int)
    for lang in LANGS:
        idx = np.array([i for i, it in enumerate(items) if it.lang == lang], dtype=int)
        rng.shuffle(idx)
        out[idx] = np.arange(len(idx)) % k
    return out


def _oof(d: Design, rows: np.ndarray, inner: np.ndarray, l2: float) -> np.ndarray:
    oof = np.zeros(len(rows))
    for f in np.unique(inner):
        train, test = rows[inner != f], rows[inner == f]
        oof[inner == f] = _probs(_fit(d, train, l2), d, test)
    return oof


def _f1_at(p: np.ndarray, y: np.ndarray, t: float) -> float:
    pred = p >= t
    total = pred.sum() + y.sum()
    return float(2 * (pred & (y == 1)).sum() / total) if total else 0.0


def _oof_f1(oof: np.ndarray, d: Design, rows: np.ndarray) -> float:
    """Mean over languages of the F1 the chosen thresholds reach on the out-of-fold probabilities."""
    scores = []
    for lang in LANGS:
        mask = d.langs[rows] == lang
        p, y = oof[mask], d.y[rows][mask]
        scores.append(_f1_at(p, y, best_threshold(p, y, d.floor)))
    return float(np.mean(scores))


def fit_behaviour(d: Design, rows: np.ndarray, k_inner: int, seed: int) -> BehaviourModel:
    """Ridge and thresholds from inner out-of-fold probabilities; weights on all `rows`."""
    inner = np.random.default_rng(seed).permutation(len(rows)) % k_inner
    runs = {l2: _oof(d, rows, inner, l2) for l2 in L2_GRID}
    l2 = max(runs, key=lambda v: _oof_f1(runs[v], d, rows))
    oof = runs[l2]
    model = _fit(d, rows, l2)
    model.thresholds = {
        lang: best_threshold(oof[d.langs[rows] == lang], d.y[rows][d.langs[rows] == lang], d.floor)
        for lang in LANGS
    }
    return model


def cross_validate(designs: dict[str, Design], items: Sequence[Item], k: int = 5,
                   seed: int = 0) -> dict:
    """Metrics of nested k-fold CV: every item is judged by a model fitted without it."""
    fold = folds(items, k, seed)
    predicted: list[set[str]] = [set() for _ in items]
    for b, d in designs.items():
        for f in range(k):
            train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
            model = fit_behaviour(d, train, max(2, k - 1), seed)
            p = _probs(model, d, test)
            for i, prob in zip(test, p):
                if prob >= model.threshold(items[i].lang) and d.allowed[i]:
                    predicted[i].add(b)
    report = metrics(items, predicted)
    report["folds"] = k
    return report


def crossfit_candidates(scorer, items: Sequence[Item], k: int = 5, seed: int = 0) -> list[dict]:
    """Candidates of training-split items, each computed by probes fitted without it.

    The probes learn from the training split; features of an item they learned from would be
    too good, and calibration would trust the probes too much. So the split is cut in k folds
    and each fold is scored by a scorer whose probes learned from the other folds only.
    """
    fold = folds(items, k, seed)
    out: list[dict | None] = [None] * len(items)
    for f in range(k):
        held = np.flatnonzero(fold == f)
        others = [it for it, g in zip(items, fold) if g != f]
        sub = type(scorer)(scorer.rubrics, scorer.embedder, scorer.calibration, scorer.use_cache,
                           training=others, reader=scorer.reader)
        for i, cand in zip(held, item_candidates(sub, [items[i] for i in held])):
            out[i] = cand
    return out


def calibrate(scorer, items: Sequence[Item], k: int = 5, seed: int = 0,
              message: Message | None = None, progress=None,
              training: Sequence[Item] = ()) -> tuple[Calibration, dict]:
    """The calibration to store (fitted on all items) and its cross-validated report.

    `training`: the training split, calibrated on too, with cross-fitted probe features.
    """
    cands = item_candidates(scorer, items, progress)
    if training:
        if message:
            message(f"Cross-fitting the probes on {len(training)} training replies")
        cands += crossfit_candidates(scorer, training, k, seed)
        items = list(items) + list(training)
    designs = {b: Design(b, items, cands) for b in BEHAVIOURS}
    if message:
        message(f"Cross-validating ({k} folds, nested) on {len(items)} items")
    report = cross_validate(designs, items, k, seed)
    everything = np.arange(len(items))
    models = {b: fit_behaviour(d, everything, k, seed) for b, d in designs.items()}
    cv = {"folds": k, "items": len(items), "macro_f1": report["macro_f1"],
          "by_lang": {lang: r["macro_f1"] for lang, r in report["by_lang"].items()}}
    return Calibration(scorer.model_id, models, "calibrated", cv), report
