"""MiniLM's pass as plain tensor operations, for the few short sentences of a turn.

sentence-transformers runs a BERT model through transformers' generic machinery (mask builders,
module calls, output objects) and its own pipeline of modules; for one short sentence on one
thread that is ~19 ms, of which the layers' products are ~10 (all-MiniLM-L6-v2, 2 cores, AVX-512).
`BertLayers.encode` computes the same layers with the same float32 weights: the query, key and
value maps fused into one product, attention through scaled_dot_product_attention, then the mean
over the text's tokens and L2 normalisation, as the model's pipeline does. Its vectors equal
sentence-transformers' to ~1e-7 (tests/test_embedder_real.py compares every rubric exemplar).

It holds for the pipelines it was written for, which `BertLayers.fits` checks: a BERT model with
absolute positions and exact GELU, then mean pooling, then normalisation. Any other
sentence-transformers model goes through sentence-transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F


class _Layer:
    """One encoder layer's weights, as the pass uses them."""

    def __init__(self, layer: Any):
        attention = layer.attention.self
        self.qkv = torch.cat([attention.query.weight, attention.key.weight,
                              attention.value.weight]).detach().contiguous()
        self.qkv_bias = torch.cat([attention.query.bias, attention.key.bias,
                                   attention.value.bias]).detach()
        self.out, self.out_norm = layer.attention.output.dense, layer.attention.output.LayerNorm
        self.up, self.down = layer.intermediate.dense, layer.output.dense
        self.down_norm = layer.output.LayerNorm


class BertLayers:
    """A sentence-transformers BERT pipeline (transformer, mean pooling, normalise) as one pass."""

    def __init__(self, pipeline: Any):
        self.tokenizer = pipeline[0].tokenizer
        self.longest = int(pipeline.max_seq_length)
        bert = pipeline[0].auto_model
        self.embeddings = bert.embeddings
        self.width = bert.config.hidden_size
        self.heads = bert.config.num_attention_heads
        self.layers = [_Layer(layer) for layer in bert.encoder.layer]

    @staticmethod
    def fits(pipeline: Any) -> bool:
        """Whether `pipeline` is a model this pass computes exactly."""
        try:
            bert, pooling = pipeline[0].auto_model, pipeline[1]
            config = bert.config
            return (len(pipeline) == 3 and type(bert).__name__ == "BertModel"
                    and type(pipeline[2]).__name__ == "Normalize"
                    and getattr(pooling, "pooling_mode", None) == "mean"
                    and config.hidden_act == "gelu"
                    and getattr(config, "position_embedding_type", "absolute") == "absolute"
                    and not getattr(config, "is_decoder", False))
        except (AttributeError, IndexError, TypeError):
            return False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per text (padded to the longest; padding ignored)."""
        batch = self.tokenizer(list(texts), padding=True, truncation=True,
                               max_length=self.longest, return_tensors="pt")
        keep = batch["attention_mask"].bool()
        with torch.inference_mode():
            h = self.embeddings(input_ids=batch["input_ids"],
                                token_type_ids=batch.get("token_type_ids"))
            # padded batches: every token attends to the real tokens of its own text only
            mask = keep[:, None, None, :] if not bool(keep.all()) else None
            for layer in self.layers:
                h = self._layer(layer, h, mask)
            weights = keep.unsqueeze(-1).to(h.dtype)
            means = (h * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return F.normalize(means, dim=-1).numpy().astype(np.float32, copy=False)

    def _layer(self, layer: _Layer, h: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        rows, n = h.shape[0], h.shape[1]
        qkv = F.linear(h, layer.qkv, layer.qkv_bias)
        q, k, v = qkv.view(rows, n, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        attended = attended.transpose(1, 2).reshape(rows, n, self.width)
        h = _add_norm(F.linear(attended, layer.out.weight, layer.out.bias), h, layer.out_norm)
        x = F.gelu(F.linear(h, layer.up.weight, layer.up.bias))
        return _add_norm(F.linear(x, layer.down.weight, layer.down.bias), h, layer.down_norm)


def _add_norm(x: torch.Tensor, residual: torch.Tensor, norm: Any) -> torch.Tensor:
    return F.layer_norm(x + residual, (x.shape[-1],), norm.weight, norm.bias, norm.eps)
