"""Work done before the trainee presses Enter.

A turn embeds the reply's sentences and the tenant's line with MiniLM, and reads the reply and
the tenant's line with the reader: ~50 ms on 2 cores when all of it waits for Enter. Most of it
can be done earlier. The tenant's line is known once it is shown, and while the trainee types,
every finished sentence of the reply (and, for the reader, every token but the last) will not
change any more. `Ahead.prepare` (through `Scorer.read_ahead`) does that work as it comes; a
turn then embeds only its last sentence and reads only its last few tokens.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from scoring.features import split_sentences
from scoring.probes import Reading
from scoring.reader import frame

KEPT = 64  # texts whose vectors are kept (a few turns of tenant lines and finished sentences)


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Reader(Encoder, Protocol):
    def read_prefix(self, text: str) -> None: ...


class Recent:
    """Vectors of texts seen lately, from one encoder; the oldest are dropped first."""

    def __init__(self, size: int = KEPT):
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
        """The vectors of `texts`, in order: the known ones from memory, the others encoded
        (in one call) and kept."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, encoder.encode(missing)))
        with self._lock:
            for text in missing:
                self._vectors[text] = known[text]
            for text in texts:
                if text in self._vectors:
                    self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])


class Ahead:
    """What the scorer worked out before the turn: MiniLM's vectors of recent texts and the
    reader's of recent tenant lines (the reader keeps its reading of the reply being typed).
    The models are passed per call: the scorer may drop a reader that fails to load."""

    def __init__(self):
        self._embedded, self._read = Recent(), Recent()

    def prepare(self, embedder: Encoder, reader: Reader | None, tenant_said: str,
                draft: str) -> None:
        """Embed and read the tenant's line, and the reply as far as it is typed."""
        said = [tenant_said] if tenant_said.strip() else []
        sentences = split_sentences(draft) if draft.strip() else []
        if said or sentences:
            self._embedded.encode(embedder, said + sentences)
        if reader is not None:
            if said:
                self._read.encode(reader, said)
            reader.read_prefix(frame(draft, tenant_said))  # the reply is read in its scene

    def embed(self, embedder: Encoder, texts: Sequence[str]) -> np.ndarray:
        """MiniLM's vectors of a turn's texts, embedding only those not done ahead."""
        return self._embedded.encode(embedder, texts)

    def read(self, reader: Encoder, text: str, tenant_said: str) -> Reading:
        """The reader's vectors of a reply (in its scene) and the tenant's line."""
        reply = reader.encode([frame(text, tenant_said)])[0]  # first: it may go on from the draft
        tenant = self._read.encode(reader, [tenant_said])[0] if tenant_said.strip() else None
        return Reading(reply, tenant)
