"""The reader's 8 Gemma layers as one plain function, for reading on from a cached prefix.

A turn where Enter comes straight after the last word reads the reply's last one or two tokens
on top of what was read while typing. transformers' Gemma spends ~8 ms of such a pass on its
generic machinery (masks, cache objects, module calls) beside ~17 ms of matrix products over
the layers' 88 MB of weights. `GemmaLayers.read` computes the same layers with the same weights
and precision without that machinery; its states equal transformers' (bit for bit on the texts
tested, short and long, one token or many after a cache; tests/test_reader.py).
Reading many texts at once (padding, batches) stays with transformers.

`pack(model)` swaps the layers' linear maps for oneDNN's prepacked form (`PackedLinear`), for both
paths: a bfloat16 product with a few rows then takes ~270 instead of ~330-400 µs (2048 x 640,
weights not in cache; a turn read on from a prefix: ~5 ms less). It packs a map only where the
packed product gives the very same numbers as the plain one on a few random inputs (1 to 40
rows, and a batch of 4 x 64), tried per weight at load; elsewhere the model stays as it is. A
packed model cannot be saved, copied or cast (its weights are oneDNN's own tensors): the reader
only reads with it.

It holds for the model it was written for, which the constructor checks: default rotary
embeddings, no biases or logit soft-capping, and a sliding window of Gemma's local layers (512
tokens) no shorter than the longest text read, so every layer attends to the whole text.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

KV = list[tuple[torch.Tensor, torch.Tensor]]  # per layer: keys and values, (1, heads, tokens, dim)


class _Layer:
    """One decoder layer's weights, as the pass uses them."""

    def __init__(self, layer: Any, kind: str):
        attention, mlp = layer.self_attn, layer.mlp
        self.kind = kind
        self.q, self.k, self.v = attention.q_proj, attention.k_proj, attention.v_proj
        self.o, self.scaling = attention.o_proj, attention.scaling
        self.gate, self.up, self.down = mlp.gate_proj, mlp.up_proj, mlp.down_proj
        # Gemma's RMSNorm multiplies by (1 + weight), in float32
        self.q_norm, self.k_norm = _scale(attention.q_norm), _scale(attention.k_norm)
        self.norms = [_scale(n) for n in (layer.input_layernorm, layer.post_attention_layernorm,
                                          layer.pre_feedforward_layernorm,
                                          layer.post_feedforward_layernorm)]


def _scale(norm: Any) -> torch.Tensor:
    return (1.0 + norm.weight.float()).detach()


class GemmaLayers:
    """A Gemma3TextModel's layers (transformers), run as plain tensor operations."""

    def __init__(self, model: Any, longest: int):
        """`model`: a Gemma3TextModel; `longest`: the most tokens a text will have."""
        config = model.config
        _check(config, longest)
        self.embed = model.embed_tokens  # scales by √width, as Gemma does
        self.head_dim, self.eps = config.head_dim, config.rms_norm_eps
        self.layers = [_Layer(layer, config.layer_types[i]) for i, layer in enumerate(model.layers)]
        steps = torch.arange(0, self.head_dim, 2, dtype=torch.float) / self.head_dim
        self.inv_freq = {kind: 1.0 / (config.rope_parameters[kind]["rope_theta"] ** steps)
                         for kind in set(config.layer_types)}

    def read(self, ids: list[int], cache: KV | None) -> tuple[torch.Tensor, KV]:
        """The states (float32, tokens × width) of `ids` read after the tokens in `cache`, and
        the cache after them. Call under torch.inference_mode()."""
        past, n = (cache[0][0].shape[2] if cache else 0), len(ids)
        h = self.embed(torch.tensor([ids]))
        rope = self._rope(torch.arange(past, past + n, dtype=torch.float), h.dtype)
        # each new token sees all earlier ones and itself; None: one token sees everything
        mask = torch.ones(n, past + n, dtype=torch.bool).tril(past) if n > 1 else None
        kept = []
        for i, layer in enumerate(self.layers):
            h, kv = self._layer(layer, h, rope[layer.kind], cache[i] if cache else None, mask)
            kept.append(kv)
        return h[0].float(), kept

    def _layer(self, layer: _Layer, h: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor],
               past: tuple[torch.Tensor, torch.Tensor] | None,
               mask: torch.Tensor | None) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        n, pre_attention, post_attention, pre_mlp, post_mlp = h.shape[1], *layer.norms
        x = self._norm(h, pre_attention)
        q, k, v = (_linear(x, w).view(1, n, -1, self.head_dim).transpose(1, 2)
                   for w in (layer.q, layer.k, layer.v))
        q, k = (_rotate(self._norm(t, scale), *rope) for t, scale in
                ((q, layer.q_norm), (k, layer.k_norm)))
        if past is not None:
            k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=layer.scaling,
                                                  enable_gqa=True)
        h = h + self._norm(_linear(attended.transpose(1, 2).reshape(1, n, -1), layer.o),
                           post_attention)
        x = self._norm(h, pre_mlp)
        x = F.gelu(_linear(x, layer.gate), approximate="tanh") * _linear(x, layer.up)
        h = h + self._norm(_linear(x, layer.down), post_mlp)
        return h, (k, v)

    def _norm(self, x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        return F.rms_norm(x.float(), (scale.shape[0],), scale, self.eps).to(x.dtype)

    def _rope(self, positions: torch.Tensor,
              dtype: torch.dtype) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        out = {}
        for kind, inv_freq in self.inv_freq.items():
            angles = positions[:, None] * inv_freq
            angles = torch.cat((angles, angles), -1)
            out[kind] = (angles.cos().to(dtype), angles.sin().to(dtype))
        return out


def _check(config: Any, longest: int) -> None:
    """The model is the one this pass was written for (else: ValueError, with what differs)."""
    rope = {kind: config.rope_parameters[kind].get("rope_type") for kind in set(config.layer_types)}
    found = {"rotary": set(rope.values()), "attention bias": config.attention_bias,
             "soft-capping": config.attn_logit_softcapping,
             "sliding window": config.sliding_window, "activation": config.hidden_activation}
    wanted = {"rotary": {"default"}, "attention bias": False, "soft-capping": None,
              "sliding window": max(config.sliding_window, longest),
              "activation": "gelu_pytorch_tanh"}
    differs = [f"{k} {found[k]!r}" for k in wanted if found[k] != wanted[k]]
    if differs:
        raise ValueError(f"the reader's plain pass does not fit this model: {', '.join(differs)}")


class PackedLinear(torch.nn.Module):
    """A bias-free linear map whose weight is in oneDNN's prepacked layout (not a parameter:
    not in state_dict(), not moved or cast by .to())."""

    def __init__(self, weight: torch.Tensor) -> None:
        super().__init__()
        self.weight = torch.ops.mkldnn._reorder_linear_weight(weight.detach(), 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _packed_product(x, self.weight)


def _packed_product(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    return torch.ops.mkldnn._linear_pointwise(x, weight, None, "none", [], "")


def pack(model: Any) -> int:
    """Swap the decoder layers' bias-free bfloat16 linear maps for PackedLinear where it gives
    the very same numbers (tried on rows of random input); the number swapped."""
    try:
        if not (torch.backends.mkldnn.is_available()
                and torch.ops.mkldnn._is_mkldnn_bf16_supported()):
            return 0
    except (AttributeError, RuntimeError):  # a torch without these operations
        return 0
    swapped = 0
    for parent in (m for layer in model.layers for m in (layer.self_attn, layer.mlp)):
        for name, child in list(parent.named_children()):
            packed = _packed(child) if type(child) is torch.nn.Linear else None
            if packed is not None:
                setattr(parent, name, packed)
                swapped += 1
    return swapped


def _packed(plain: torch.nn.Linear) -> PackedLinear | None:
    """`plain` packed, if the packed product is the same to the bit; else None."""
    if plain.bias is not None or plain.weight.dtype != torch.bfloat16:
        return None
    tries = torch.Generator().manual_seed(0)  # leaves torch's own random state alone
    try:
        packed = PackedLinear(plain.weight)
        with torch.inference_mode():
            same = all(torch.equal(plain(x), packed(x)) for x in
                       (torch.randn(*shape, plain.in_features, generator=tries).bfloat16()
                        for shape in ((1, 1), (1, 2), (1, 7), (1, 40), (4, 64))))
    except (AttributeError, RuntimeError):  # oneDNN cannot pack it here
        return None
    return packed if same else None


def _linear(x: torch.Tensor, layer: torch.nn.Module) -> torch.Tensor:
    if isinstance(layer, PackedLinear):
        return _packed_product(x, layer.weight)  # without a module call: ~56 per pass
    return F.linear(x, layer.weight)


def crop(cache: KV, tokens: int) -> KV:
    """The cache of the first `tokens` tokens."""
    return [(k[:, :, :tokens], v[:, :, :tokens]) for k, v in cache]


def _rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., half:], x[..., :half]), -1) * sin
