"""Work done before the trainee presses Enter.

A turn embeds the reply's sentences and the tenant's line with MiniLM, and reads the reply and
the tenant's line with the reader: ~50 ms on 2 cores when all of it waits for Enter. Most of it
can be done earlier. The tenant's line is known once it is shown, and while the trainee types,
every finished sentence of the reply (and, for the reader, every token but the last) will not
change any more. `Scorer.read_ahead` does that work as it comes; a turn then embeds only its
last sentence and reads only its last few tokens.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

KEPT = 64  # texts whose vectors are kept (a few turns of tenant lines and finished sentences)


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


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
