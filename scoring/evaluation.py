"""Labelled files of trainee replies: reading them (FILE:LINE problems), scoring them, metrics.

One JSON object per line: {"id", "lang", "tenant_said", "text", "labels": [behaviour ids]}, plus
optionally "turn_index" (default 0) and "is_last" (default false), as score_turn takes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.features import split_sentences
from simulator.vocabulary import BEHAVIOURS, LANGS

Progress = Callable[[int, int], None]  # (done, total)
REQUIRED = ("id", "lang", "text", "labels")


class DataError(Exception):
    """A malformed labelled file; str() is FILE:LINE: what is wrong; expected what."""

    def __init__(self, file: str, line: int, message: str):
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    text: str
    labels: tuple[str, ...]
    tenant_said: str = ""
    turn_index: int = 0
    is_last: bool = False
    line: int = 0


def load_items(path: Path) -> list[Item]:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or "not UTF-8 text"
        raise DataError(str(path), 1, f"cannot read file ({reason}); expected a UTF-8 JSONL file")
    items, seen = [], {}
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        item = _parse_line(str(path), number, line)
        if item.id in seen:
            raise DataError(str(path), number,
                            f"duplicate id '{item.id}' (first at line {seen[item.id]}); expected unique ids")
        seen[item.id] = number
        items.append(item)
    if not items:
        raise DataError(str(path), 1, "file has no items; expected one JSON object per line")
    return items


def _parse_line(file: str, number: int, line: str) -> Item:
    def fail(message: str) -> DataError:
        return DataError(file, number, message)

    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        raise fail(f"invalid JSON ({err.msg}); expected one JSON object per line") from None
    if not isinstance(data, dict):
        raise fail(f"a JSON {type(data).__name__}; expected an object with {', '.join(REQUIRED)}")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise fail(f"missing {', '.join(missing)}; expected the fields {', '.join(REQUIRED)}")
    if not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool):
        raise fail("id is not a string; expected a text or number id")
    if data["lang"] not in LANGS:
        raise fail(f"lang is {data['lang']!r}; expected one of: {', '.join(LANGS)}")
    if not isinstance(data["text"], str) or not data["text"].strip():
        raise fail("text is empty or not a string; expected the trainee's reply")
    tenant = data.get("tenant_said", "")
    if tenant is None:
        tenant = ""
    if not isinstance(tenant, str):
        raise fail("tenant_said is not a string; expected the tenant's last line or \"\"")
    labels = data["labels"]
    if not isinstance(labels, list) or not all(isinstance(b, str) for b in labels):
        raise fail("labels is not a list of strings; expected e.g. [\"apologize\"] or []")
    unknown = [b for b in labels if b not in BEHAVIOURS]
    if unknown:
        raise fail(f"unknown behaviour '{unknown[0]}'; expected one of: {', '.join(BEHAVIOURS)}")
    turn = data.get("turn_index", 0)
    if not isinstance(turn, int) or isinstance(turn, bool) or turn < 0:
        raise fail(f"turn_index is {turn!r}; expected a whole number >= 0")
    last = data.get("is_last", False)
    if not isinstance(last, bool):
        raise fail(f"is_last is {last!r}; expected true or false")
    return Item(str(data["id"]), data["lang"], data["text"], tuple(dict.fromkeys(labels)),
                tenant, turn, last, number)


def item_candidates(scorer, items: Sequence[Item], progress: Progress | None = None,
                    chunk: int = 64) -> list[dict]:
    """The scorer's per-behaviour candidates for every item, embedding each distinct text once.

    Texts go through the on-disk embedding cache, so re-running calibration is quick.
    """
    from scoring.embedder import EmbeddingCache

    scorer.load()
    sentences = [split_sentences(it.text) for it in items]
    texts = list(dict.fromkeys(
        [s for group in sentences for s in group] + [it.tenant_said for it in items if it.tenant_said.strip()]
    ))
    cache = EmbeddingCache(scorer.embedder.model_id)
    vectors: dict[str, np.ndarray] = {}
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        matrix, _ = cache.embed(scorer.embedder, part)
        vectors.update(zip(part, matrix))
        if progress:
            progress(min(start + chunk, len(texts)), len(texts))
    readings = _readings(scorer, items)
    out = []
    for it, group, reading in zip(items, sentences, readings):
        tenant = vectors[it.tenant_said] if it.tenant_said.strip() else None
        matrix = np.stack([vectors[s] for s in group])
        out.append(scorer.candidates(group, matrix, it.lang, tenant, it.turn_index, it.is_last,
                                     reading))
    return out


def _readings(scorer, items: Sequence[Item]) -> list:
    """The reader's vectors of every item's reply and tenant line, through the cache."""
    from scoring.embedder import EmbeddingCache
    from scoring.reader import frame
    from scoring.scorer import Reading

    if scorer.reader is None:
        return [None] * len(items)
    framed = [frame(it.text, it.tenant_said) for it in items]
    texts = list(dict.fromkeys(framed + [it.tenant_said for it in items if it.tenant_said.strip()]))
    matrix, _ = EmbeddingCache(scorer.reader.model_id).embed(scorer.reader, texts)
    vectors = dict(zip(texts, matrix))
    return [Reading(vectors[f], vectors[it.tenant_said] if it.tenant_said.strip() else None)
            for it, f in zip(items, framed)]


def predict(scorer, items: Sequence[Item], cands: Sequence[dict]) -> list[set[str]]:
    return [set(scorer.decide(it.text, it.lang, [], c).detected) for it, c in zip(items, cands)]


def _prf(gold: Sequence[set], pred: Sequence[set], behaviour: str) -> dict:
    tp = sum(1 for g, p in zip(gold, pred) if behaviour in g and behaviour in p)
    fp = sum(1 for g, p in zip(gold, pred) if behaviour not in g and behaviour in p)
    fn = sum(1 for g, p in zip(gold, pred) if behaviour in g and behaviour not in p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": tp + fn, "predicted": tp + fp}


def _block(gold: Sequence[set], pred: Sequence[set]) -> dict:
    per = {b: _prf(gold, pred, b) for b in BEHAVIOURS}
    scored = [m["f1"] for m in per.values() if m["support"]]
    return {"behaviours": per, "macro_f1": round(float(np.mean(scored)), 4) if scored else 0.0,
            "items": len(gold)}


def metrics(items: Sequence[Item], predicted: Sequence[set[str]]) -> dict:
    """Per behaviour precision/recall/F1/support, macro-F1 (over behaviours with support), by lang."""
    gold = [set(it.labels) for it in items]
    report = _block(gold, predicted)
    report["by_lang"] = {}
    for lang in LANGS:
        idx = [i for i, it in enumerate(items) if it.lang == lang]
        if idx:
            report["by_lang"][lang] = _block([gold[i] for i in idx], [predicted[i] for i in idx])
    return report


def evaluate(scorer, items: Sequence[Item], progress: Progress | None = None) -> dict:
    cands = item_candidates(scorer, items, progress)
    report = metrics(items, predict(scorer, items, cands))
    report["model"] = scorer.model_id
    report["calibration"] = scorer.calibration.source if scorer.calibration else "none"
    return report


def format_report(report: dict) -> str:
    """A plain table: per behaviour P/R/F1/support overall and per language, then macro-F1."""
    langs = list(report.get("by_lang", {}))
    head = f"{'behaviour':<22}{'P':>6}{'R':>6}{'F1':>6}{'n':>5}" + "".join(
        f"  {lang + ' F1':>6}{'n':>4}" for lang in langs)
    rows = [head, "-" * len(head)]
    for b in BEHAVIOURS:
        m = report["behaviours"][b]
        row = f"{b:<22}{m['precision']:>6.2f}{m['recall']:>6.2f}{m['f1']:>6.2f}{m['support']:>5}"
        for lang in langs:
            lm = report["by_lang"][lang]["behaviours"][b]
            row += f"  {lm['f1']:>6.2f}{lm['support']:>4}"
        rows.append(row)
    rows.append("-" * len(head))
    summary = f"macro-F1 {report['macro_f1']:.3f}" + "".join(
        f"   {lang}: {report['by_lang'][lang]['macro_f1']:.3f}" for lang in langs)
    rows.append(summary)
    return "\n".join(rows)
