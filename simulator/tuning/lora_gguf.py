"""A peft LoRA adapter written as a llama.cpp LoRA GGUF (what `--lora` and the llamacpp back-end
load on top of the base GGUF).

llama.cpp names the base tensors `blk.N.attn_q.weight`; the adapter holds `<name>.lora_a` (r x in)
and `<name>.lora_b` (out x r) and the alpha, from which it takes the scale alpha / r. For the llama
architecture, llama.cpp's converter permutes the rows of q and k for its rotary layout (and
transformers undoes that when it reads the GGUF), so the rows of lora_b are permuted the same way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

NAMES = {
    "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
PEFT_NAME = re.compile(r"layers\.(\d+)\.(\w+\.\w+)\.lora_([AB])\.default\.weight$")
ARCHITECTURES = {"gemma3_text": "gemma3", "gemma3": "gemma3", "llama": "llama"}


def gguf_name(peft_name: str) -> tuple[str, str] | None:
    """("blk.3.attn_q.weight", "a") for a peft LoRA weight's name; None for other weights."""
    found = PEFT_NAME.search(peft_name)
    if found is None or found.group(2) not in NAMES:
        return None
    layer, module, part = found.groups()
    return f"blk.{layer}.{NAMES[module]}.weight", part.lower()


def permute_rows(rows: Any, heads: int) -> Any:
    """llama.cpp's q/k layout for the llama architecture (rows = output features)."""
    shape = rows.shape
    return rows.reshape(heads, 2, shape[0] // heads // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def write_adapter(model: Any, path: Path, alpha: float) -> int:
    """Writes the LoRA weights of a peft `model` to `path`; returns the number of tensor pairs."""
    import gguf
    import numpy as np

    config = model.get_base_model().config
    arch = ARCHITECTURES.get(config.model_type)
    if arch is None:
        raise ValueError(f"no llama.cpp adapter layout known for {config.model_type!r} models")
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    count = 0
    for name, tensor in sorted(model.named_parameters()):
        target = gguf_name(name)
        if target is None:
            continue
        base, part = target
        data = tensor.detach().float().numpy()
        if arch == "llama" and part == "b" and base.split(".")[2] in ("attn_q", "attn_k"):
            heads = config.num_attention_heads if "attn_q" in base else config.num_key_value_heads
            data = permute_rows(data, heads)
        writer.add_tensor(f"{base}.lora_{part}", np.ascontiguousarray(data, dtype=np.float16))
        count += part == "a"
    _finish(writer)
    return count


def _finish(writer: Any) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
