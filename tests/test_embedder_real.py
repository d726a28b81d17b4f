"""The embedded MiniLM's plain pass (scoring.bert_layers) against sentence-transformers itself.

A turn's few sentences go through the plain pass; the rubric exemplars and labelled replies
they are compared with went through sentence-transformers. Both must give the same vectors, or
the calibration fitted on the one would judge the other.
"""

from __future__ import annotations

import numpy as np
import pytest

from scoring.embedder import SMALL_BATCH, SentenceTransformerEmbedder
from scoring.rubric import behaviour_specs, exemplar_texts, load_rubrics

pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def embedder():
    e = SentenceTransformerEmbedder()
    e.load()
    return e


def reference(embedder, texts):
    return embedder._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)


def test_a_turn_uses_the_plain_pass(embedder):
    assert embedder._plain is not None


def test_plain_pass_gives_sentence_transformers_vectors_for_every_exemplar(embedder):
    texts = exemplar_texts(behaviour_specs(load_rubrics()))
    # one at a time and in padded groups of uneven lengths, as turns come
    plain = np.vstack([embedder.encode(texts[i : i + 3]) for i in range(0, len(texts), 3)])
    assert plain.dtype == np.float32 and plain.shape == (len(texts), 384)
    assert np.abs(plain - reference(embedder, texts)).max() < 1e-5
    single = np.vstack([embedder.encode([t]) for t in texts[:40]])
    assert np.abs(single - reference(embedder, texts[:40])).max() < 1e-5


def test_long_typed_and_odd_texts_match_too(embedder):
    texts = ["ja", "?", "Goedemiddag!!! " * 90, "ik kom ff kijken naar de cv ketel want die doet " * 8,
             "Ça va? Één moment ✓ 🙂", "  spaties   rond  "]
    assert len(texts) <= SMALL_BATCH
    plain = embedder.encode(texts)
    assert np.abs(plain - reference(embedder, texts)).max() < 1e-5
    assert np.allclose(np.linalg.norm(plain, axis=1), 1.0, atol=1e-5)
