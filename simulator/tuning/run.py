"""One tuning run, as `roleplay tune-tenant` does it: examples -> LoRA training -> adapter GGUF.

The output folder holds checkpoint.pt (resume), loss.jsonl (one line per step), examples.jsonl
(what was trained on), held_out.json (the exchanges training never saw), meta.json (seed, data
hash, configuration, time) and adapter.gguf, the file the llamacpp back-end loads.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simulator.content import Library
from simulator.tuning.examples import ExampleBuilder, split
from simulator.tuning.lora_gguf import write_adapter
from simulator.tuning.train import Step, TuneConfig, train

Say = Callable[[str], None]


@dataclass(frozen=True)
class TuneResult:
    adapter: Path
    steps: int
    resumed_at: int
    examples: int
    held_out: int
    minutes: float
    first_loss: float
    last_loss: float  # mean of the last tenth of the steps


def build_examples(library: Library, embedder: Any, seed: int, limit: int | None,
                   say: Say) -> tuple[list[dict], list[str]]:
    """(training examples as JSON, keys of the held-out exchanges)."""
    train_refs, held = split(library)
    refs = train_refs[:limit] if limit else train_refs
    builder = ExampleBuilder(library, embedder, seed)
    say(f"Building {len(refs)} training examples ({len(held)} exchanges held out)")
    examples = [e.as_json() for e in builder.build_all(refs, train_refs)]
    return examples, [r.key for r in held]


def load_base(base: Path, say: Say) -> tuple[Any, Any]:
    """A transformers model and tokenizer from a GGUF (converted once, cached) or a folder."""
    from simulator.backends import gguf_cache
    from simulator.backends.transformers_backend import import_transformers

    if base.suffix.lower() == ".gguf":
        base = gguf_cache.converted_copy(base, lambda message, _f: say(message))
    transformers = import_transformers()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(base))
    model = transformers.AutoModelForCausalLM.from_pretrained(str(base), dtype="float32")
    return model, tokenizer


def tune(library: Library, base: Path, out: Path, config: TuneConfig, embedder: Any = None,
         limit: int | None = None, restart: bool = False, say: Say = print,
         on_step: Step | None = None) -> TuneResult:
    began = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    examples, held = build_examples(library, embedder, config.seed, limit, say)
    _write_jsonl(out / "examples.jsonl", examples)
    (out / "held_out.json").write_text(json.dumps(held, indent=0), encoding="utf-8")
    model, tokenizer = load_base(base, say)
    summary = train(model, tokenizer, examples, config, out, on_step, restart)
    adapter = out / "adapter.gguf"
    partial = out / ".adapter.gguf.partial"
    write_adapter(summary["model"], partial, config.alpha)
    os.replace(partial, adapter)
    losses = [e["loss"] for e in summary["losses"]]
    tail = losses[-max(1, len(losses) // 10):]
    result = TuneResult(adapter, summary["steps"], summary["resumed_at"], summary["examples"],
                        len(held), round((time.perf_counter() - began) / 60, 1),
                        losses[0] if losses else 0.0, round(sum(tail) / len(tail), 4))
    meta = {**asdict(result), "adapter": str(adapter), "base": str(base),
            "config": asdict(config), "data_hash": summary["data"],
            "too_long": summary["too_long"], "step_seconds": _mean_seconds(summary["losses"]),
            "train_minutes": round(sum(e["seconds"] for e in summary["losses"]) / 60, 1)}
    (out / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return result


def _mean_seconds(losses: list[dict[str, float]]) -> float:
    return round(sum(e["seconds"] for e in losses) / len(losses), 2) if losses else 0.0


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
