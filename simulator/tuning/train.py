"""Training a LoRA adapter on tuning examples, on the CPU, with checkpoints to resume from.

Loss is on the tenant's line (and its end-of-turn marker) only, and the output head, Gemma's
262k-word vocabulary, is applied only at those positions. The adapter sits on the attention and
MLP projections of the top `layers` layers; the layers below stay frozen, which saves most of the
backward pass. Every `checkpoint_every` steps the adapter, optimizer, random state and loss log are
written (atomically) to checkpoint.pt; a new run with the same configuration and data resumes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from simulator.backends.base import usable_cores
from simulator.backends.tuned import CHAT_TEMPLATE, END_OF_TURN

TARGETS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")
CHECKPOINT = "checkpoint.pt"
LOSS_LOG = "loss.jsonl"


@dataclass(frozen=True)
class TuneConfig:
    rank: int = 16
    alpha: int = 32
    layers: int = 12  # of Gemma 3 270M's 18
    learning_rate: float = 2e-4
    epochs: float = 2.0
    batch: int = 4
    max_tokens: int = 768  # longer examples are left out (counted in the log)
    warmup: int = 10
    seed: int = 0
    checkpoint_every: int = 20
    bf16: bool = True  # autocast: ~1.5x faster on CPUs with AVX-512 BF16, harmless elsewhere


class TuneError(Exception):
    """A training run cannot go on (one user-readable line)."""


Step = Callable[[int, int, float, float], None]  # step, total, loss, seconds per step


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    start: int  # index of the first target token


def encode(tokenizer: Any, messages: list[dict[str, str]], target: str) -> Encoded:
    prompt = tokenizer.apply_chat_template(
        messages, chat_template=CHAT_TEMPLATE, add_generation_prompt=True, tokenize=False)
    head = tokenizer(prompt).input_ids  # with <bos>, as llama.cpp reads it
    tail = tokenizer(target.strip() + END_OF_TURN, add_special_tokens=False).input_ids
    return Encoded(head + tail, len(head))


def data_hash(examples: Sequence[dict]) -> str:
    text = json.dumps([[e["messages"], e["target"]] for e in examples], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def lr_at(step: int, total: int, config: TuneConfig) -> float:
    """Linear warm-up, then cosine down to a tenth."""
    if step < config.warmup:
        return config.learning_rate * (step + 1) / config.warmup
    share = (step - config.warmup) / max(1, total - config.warmup)
    return config.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * share)))


def batches(items: list[Encoded], config: TuneConfig, epoch: int) -> list[list[Encoded]]:
    """One epoch's batches: shuffled by seed and epoch, similar lengths together (less padding)."""
    order = list(items)
    random.Random(f"{config.seed}:{epoch}").shuffle(order)
    window = config.batch * 8
    out: list[list[Encoded]] = []
    for i in range(0, len(order), window):
        chunk = sorted(order[i:i + window], key=lambda e: len(e.ids))
        out += [chunk[j:j + config.batch] for j in range(0, len(chunk), config.batch)]
    random.Random(f"{config.seed}:{epoch}:batches").shuffle(out)
    return out


def schedule(items: list[Encoded], config: TuneConfig) -> list[list[Encoded]]:
    per_epoch = batches(items, config, 0)
    total = max(1, math.ceil(len(per_epoch) * config.epochs))
    out: list[list[Encoded]] = []
    epoch = 0
    while len(out) < total:
        out += batches(items, config, epoch)
        epoch += 1
    return out[:total]


def attach_lora(model: Any, config: TuneConfig) -> Any:
    from peft import LoraConfig, get_peft_model

    count = model.config.num_hidden_layers
    layers = range(max(0, count - config.layers), count)
    modules = [f"model.layers.{i}.{t}" for i in layers for t in TARGETS]
    lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=0.05,
                      target_modules=modules, bias="none")
    return get_peft_model(model, lora)


def batch_loss(model: Any, batch: list[Encoded], config: TuneConfig) -> Any:
    import torch

    width = max(len(e.ids) for e in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    predicts = torch.zeros((len(batch), width), dtype=torch.bool)  # position j predicts j+1
    for row, e in enumerate(batch):
        ids[row, :len(e.ids)] = torch.tensor(e.ids)
        mask[row, :len(e.ids)] = 1
        predicts[row, e.start - 1:len(e.ids) - 1] = True
    causal = model.get_base_model()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.bf16):
        hidden = causal.model(input_ids=ids, attention_mask=mask).last_hidden_state
        logits = causal.lm_head(hidden[predicts]).float()
    cap = getattr(causal.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    labels = ids[:, 1:][predicts[:, :-1]]
    return torch.nn.functional.cross_entropy(logits, labels)


def lora_state(model: Any) -> dict[str, Any]:
    return {k: v.detach().clone() for k, v in model.named_parameters() if v.requires_grad}


def save_checkpoint(folder: Path, state: dict[str, Any]) -> None:
    import torch

    partial = folder / f".{CHECKPOINT}.partial"
    torch.save(state, partial)
    os.replace(partial, folder / CHECKPOINT)  # a crash mid-write keeps the previous checkpoint


def load_checkpoint(folder: Path, fingerprint: dict[str, Any]) -> dict[str, Any] | None:
    import torch

    path = folder / CHECKPOINT
    if not path.is_file():
        return None
    state = torch.load(path, weights_only=False)
    if state.get("fingerprint") != fingerprint:
        raise TuneError(
            f"{path} belongs to a run with other settings or other examples; "
            "use --restart to start over (the old checkpoint is replaced)")
    return state


def train(model: Any, tokenizer: Any, examples: Sequence[dict], config: TuneConfig,
          folder: Path, on_step: Step | None = None, restart: bool = False) -> dict[str, Any]:
    """Trains (or resumes) and returns a summary; `model` is a transformers causal LM."""
    import torch

    torch.set_num_threads(usable_cores())
    folder.mkdir(parents=True, exist_ok=True)
    items = [encode(tokenizer, e["messages"], e["target"]) for e in examples]
    kept = [e for e in items if len(e.ids) <= config.max_tokens]
    if not kept:
        raise TuneError(f"every example is longer than {config.max_tokens} tokens for this "
                        "model's tokenizer; raise --max-tokens")
    plan = schedule(kept, config)
    fingerprint = {"config": asdict(config), "data": data_hash(examples)}
    state = None if restart else load_checkpoint(folder, fingerprint)
    torch.manual_seed(config.seed)
    model = attach_lora(model, config)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    losses, start = _restore(model, optimizer, state)
    _rewrite_log(folder, losses)  # steps after the last checkpoint are trained again
    model.train()
    for step in range(start, len(plan)):
        loss, seconds = _optimise(model, params, optimizer, plan[step],
                                  lr_at(step, len(plan), config), config)
        losses.append({"step": step + 1, "loss": round(loss, 4), "seconds": round(seconds, 2)})
        _log(folder, losses[-1])
        if (step + 1) % config.checkpoint_every == 0 or step + 1 == len(plan):
            save_checkpoint(folder, {"fingerprint": fingerprint, "step": step + 1,
                                     "lora": lora_state(model), "rng": torch.get_rng_state(),
                                     "optimizer": optimizer.state_dict(), "losses": losses})
        if on_step is not None:
            on_step(step + 1, len(plan), losses[-1]["loss"], seconds)
    model.eval()
    return {"model": model, "steps": len(plan), "resumed_at": start, "examples": len(kept),
            "too_long": len(items) - len(kept), "losses": losses, **fingerprint}


def _restore(model: Any, optimizer: Any, state: dict[str, Any] | None) -> tuple[list, int]:
    """(losses so far, first step to train) from a checkpoint, or a fresh start."""
    import torch

    if state is None:
        return [], 0
    model.load_state_dict(state["lora"], strict=False)
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["rng"])
    return state["losses"], state["step"]


def _optimise(model: Any, params: list, optimizer: Any, batch: list[Encoded], lr: float,
              config: TuneConfig) -> tuple[float, float]:
    """One step: (loss, seconds)."""
    import torch

    began = time.perf_counter()
    for group in optimizer.param_groups:
        group["lr"] = lr
    loss = batch_loss(model, batch, config)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.item(), time.perf_counter() - began


def _rewrite_log(folder: Path, losses: list[dict[str, float]]) -> None:
    (folder / LOSS_LOG).write_text("".join(json.dumps(e) + "\n" for e in losses), encoding="utf-8")


def _log(folder: Path, entry: dict[str, float]) -> None:
    with (folder / LOSS_LOG).open("a", encoding="utf-8") as file:
        file.write(json.dumps(entry) + "\n")
