"""The scorer's second reading of a reply (scoring.reader): Gemma 3 270M's first 8 layers.

Real model tests read the reply the way the app does; the unit tests use a counting reader that
returns real numpy vectors, like the reader it stands in for.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from scoring.embedder import FakeEmbedder
from scoring.model import SHIPPED, SHIPPED_MINILM, resolve
from scoring.probes import DeepProbe
from scoring.reader import MODEL_ID, GemmaReader, frame, make_reader
from scoring.scorer import Scorer
from simulator.vocabulary import BEHAVIOURS


class CountingReader:
    """Stands in for GemmaReader: hashed vectors (real float32 arrays), and what it was asked."""

    model_id = "counting-reader"

    def __init__(self):
        self.asked: list[list[str]] = []
        self.drafts: list[str] = []
        self._words = FakeEmbedder(dim=64)

    def load(self, progress=None) -> None:
        return None

    def encode(self, texts):
        self.asked.append(list(texts))
        return self._words.encode(texts) * 3.0 + 1.0  # raw, not unit length, like Gemma's states

    def read_prefix(self, text: str) -> None:
        self.drafts.append(text)


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder (real unit vectors) that notes what it was asked to embed."""

    def __init__(self):
        super().__init__()
        self.asked: list[list[str]] = []

    def encode(self, texts):
        self.asked.append(list(texts))
        return super().encode(texts)


@pytest.fixture
def counted():
    reader = CountingReader()
    return Scorer(embedder=FakeEmbedder(), use_cache=False, reader=reader), reader


def test_a_turn_after_read_ahead_reads_only_the_reply_and_scores_the_same(counted):
    scorer, reader = counted
    tenant, reply = "Het lekt al drie weken!", "Drie weken al, wat vervelend voor u."
    plain = scorer.score_turn(reply, "nl", tenant_said=tenant, turn_index=2)
    assert reader.asked[-2:] == [[frame(reply, tenant)], [tenant]]  # the reply in its scene
    scorer.read_ahead(tenant)
    assert reader.asked[-1] == [tenant] and reader.drafts == [frame("", tenant)]
    ahead = scorer.score_turn(reply, "nl", tenant_said=tenant, turn_index=2)
    # the tenant's line was read while the trainee typed
    assert reader.asked[-1] == [frame(reply, tenant)]
    assert {b: d.confidence for b, d in ahead.detections.items()} == pytest.approx(
        {b: d.confidence for b, d in plain.detections.items()}, abs=1e-5)


def test_work_done_while_typing_leaves_the_turn_only_what_is_new_and_the_same_score():
    tenant = "Het lekt al drie weken!"
    reply = "Drie weken al, wat vervelend. Mag ik even kijken?"
    cold = Scorer(embedder=FakeEmbedder(), use_cache=False, reader=CountingReader())
    plain = cold.score_turn(reply, "nl", tenant_said=tenant, turn_index=2)
    embedder, reader = CountingEmbedder(), CountingReader()
    scorer = Scorer(embedder=embedder, use_cache=False, reader=reader)
    scorer.load()
    scorer.read_ahead(tenant)  # the tenant's line is shown
    scorer.read_ahead(tenant, "Drie weken al, wat vervelend. Mag")  # a pause while typing
    assert embedder.asked[-1] == ["Drie weken al, wat vervelend.", "Mag"]
    assert reader.drafts == [frame("", tenant), frame("Drie weken al, wat vervelend. Mag", tenant)]
    score = scorer.score_turn(reply, "nl", tenant_said=tenant, turn_index=2)
    assert embedder.asked[-1] == ["Mag ik even kijken?"]  # the finished sentence was done
    assert [tenant] not in reader.asked[-1:]  # the tenant's line was read when it was shown
    assert {b: d.confidence for b, d in score.detections.items()} == pytest.approx(
        {b: d.confidence for b, d in plain.detections.items()}, abs=1e-5)


def test_the_reader_feeds_a_deep_feature_per_behaviour(counted):
    scorer, _ = counted
    sentences = ["Sorry dat u moest wachten."]
    reading = scorer.read(sentences[0], "Eindelijk!")
    cands = scorer.candidates(sentences, scorer.encode(sentences), "nl", None, 2, False, reading)
    deep = {b: cands[b].values["deep"] for b in BEHAVIOURS}
    assert len(set(deep.values())) > 1  # each behaviour has its own read-out
    without = Scorer(embedder=FakeEmbedder(), use_cache=False)
    plain = without.candidates(sentences, without.encode(sentences), "nl", None, 2, False)
    assert all(plain[b].values["deep"] == 0.0 for b in BEHAVIOURS)
    assert without.model_id == "fake-hash-embedder" and scorer.model_id.endswith("+counting-reader")


def test_the_deep_probe_learns_which_replies_show_a_behaviour():
    rng = np.random.default_rng(0)
    replies = rng.normal(size=(200, 16)).astype(np.float32)
    labels = np.zeros((200, len(BEHAVIOURS)))
    labels[:, 0] = replies[:, 3] > 0  # behaviour 0 shows where dimension 3 is high
    probe = DeepProbe(replies, np.zeros_like(replies), labels)
    high, low = replies[0].copy(), replies[0].copy()
    high[3], low[3] = 2.0, -2.0
    assert probe.scores(high, None)[0] > 0.7
    assert probe.scores(low, None)[0] < 0.3


def test_without_the_reader_the_scorer_uses_minilm_alone_and_its_own_shipped_calibration(monkeypatch):
    monkeypatch.setenv("ROLEPLAY_READER", "off")
    assert make_reader() is None
    scorer = Scorer.default()
    assert scorer.reader is None and scorer.model_id == "all-MiniLM-L6-v2"
    assert resolve(scorer.model_id).source == str(SHIPPED_MINILM)
    monkeypatch.delenv("ROLEPLAY_READER")
    assert resolve(Scorer.default().model_id).source == str(SHIPPED)


@pytest.mark.real_model
def test_the_real_reader_gives_one_vector_per_text_and_the_same_one_every_time():
    reader = GemmaReader()
    texts = ["Sorry maar daar ga ik niet over.", "Goedemorgen, ik kom voor de kraan.", ""]
    first, again = reader.encode(texts), reader.encode(texts[:1])
    assert reader.model_id == MODEL_ID
    assert first.shape == (3, 2 * 640) and first.dtype == np.float32 and np.isfinite(first).all()
    # Alone or in a batch: the same reading, up to bfloat16 noise far below what tells two
    # sentences apart (raw states share a few huge dimensions, so no cosine here).
    noise = np.linalg.norm(first[0] - again[0])
    assert noise < 0.1 * np.linalg.norm(first[0] - first[1])
    assert reader.encode([]).shape == (0, 2 * 640)


@pytest.mark.real_model
@pytest.mark.parametrize("drafts", [
    ["Goedemiddag mev", "Goedemiddag mevrouw, ik kom voor de lekkende kraan, mag ik even"],
    ["Goedemiddag mevrouw, ik kom voor de lekkende kraan, mag ik even binnenkomen?"],
    ["Hallo meneer, ik kom", "Goedemiddag"],  # the start was typed over
], ids=["enter-at-once", "paused", "retyped"])
def test_reading_a_reply_while_it_is_typed_gives_the_same_reading(drafts):
    tenant = "Wie is daar?"
    reply = frame("Goedemiddag mevrouw, ik kom voor de lekkende kraan, mag ik even binnenkomen?",
                  tenant)
    cold = GemmaReader().encode([reply])[0]
    reader = GemmaReader()
    reader.read_prefix(frame("", tenant))  # the tenant's line is shown
    for draft in drafts:
        reader.read_prefix(frame(draft, tenant))
    assert same_reading(reader.encode([reply])[0], cold)
    other = frame("Sorry, maar daar ga ik niet over.", tenant)  # another reply is read as it is
    assert same_reading(reader.encode([other])[0], GemmaReader().encode([other])[0])


LONG_SENTENCE = ("Ik zet eerst de kraan dicht, dan haal ik het kastje leeg en leg ik een kleed neer, "
                 "want ik wil niet dat er water op uw vloer komt.")


@pytest.mark.real_model
@pytest.mark.parametrize("reply, tail", [
    ("Dus de verwarming doet het al sinds vrijdag niet, klopt dat?", 3),
    # near the reader's longest text, a pasted end of 30 tokens read after the cache
    (" ".join([LONG_SENTENCE] * 6), 30),
], ids=["short", "long"])
def test_the_plain_pass_reads_on_from_a_prefix_exactly_as_transformers_does(reply, tail):
    import torch
    from transformers import DynamicCache

    from scoring.gemma_layers import GemmaLayers, crop
    from scoring.reader import MAX_TOKENS

    reader = GemmaReader()
    reader.load()
    model, layers = unpacked_model(), GemmaLayers(reader._model, MAX_TOKENS)
    ids = reader._ids(frame(reply, "Hij doet het niet."))
    assert len(ids) > (200 if tail > 3 else 20)
    parts = (ids[:-tail], ids[-tail:-1], ids[-1:])  # a prefix, a few tokens, one token
    with torch.inference_mode():
        cache = DynamicCache(config=model.config)
        expected = [model(input_ids=torch.tensor([part]), use_cache=True,
                          cache=cache).last_hidden_state[0].float() for part in parts]
        first, kv = layers.read(parts[0], None)
        second, kv = layers.read(parts[1], kv)
        last, _ = layers.read(parts[2], kv)
        retyped, _ = layers.read(parts[1], crop(kv, len(parts[0])))  # cut back, read again
    for got, want in zip((first, second, last, retyped), expected + expected[1:2]):
        assert torch.equal(got, want)


def unpacked_model() -> Any:
    """The reader's model as transformers loads it: no packed weights."""
    import torch

    from scoring.reader import FOLDER
    from simulator import paths
    from simulator.backends.transformers_backend import import_transformers

    model = import_transformers().AutoModel.from_pretrained(paths.cache_dir("models") / FOLDER,
                                                            dtype=torch.bfloat16)
    model.norm = torch.nn.Identity()
    return model.eval()


@pytest.mark.real_model
def test_packed_weights_read_a_padded_batch_exactly_as_the_plain_model_does():
    """Calibrations and cached readings were made without packed weights: the packed model must
    give the same numbers, or every stored reading would be subtly off."""
    import torch

    from scoring.gemma_layers import PackedLinear, pack

    reader = GemmaReader()
    reader.load()
    if not any(isinstance(m, PackedLinear) for m in reader._model.modules()):
        pytest.skip("no oneDNN bfloat16 on this CPU: nothing is packed")
    assert sum(isinstance(m, PackedLinear) for m in reader._model.modules()) == 8 * 7
    plain = unpacked_model()
    texts = [frame("Goedemorgen, ik kom voor de ketel.", "Eindelijk!"), frame(LONG_SENTENCE)]
    ids = [reader._ids(t) for t in texts]
    batch = torch.zeros((2, max(map(len, ids))), dtype=torch.long)
    mask = torch.zeros_like(batch)
    for row, tokens in enumerate(ids):
        batch[row, : len(tokens)], mask[row, : len(tokens)] = torch.tensor(tokens), 1
    with torch.inference_mode():
        want = plain(input_ids=batch, attention_mask=mask).last_hidden_state
        got = reader._model(input_ids=batch, attention_mask=mask).last_hidden_state
    assert torch.equal(got, want)
    assert pack(plain) == 8 * 7  # and a second model packs the same way


def one_layer() -> tuple[Any, Any, Any]:
    """A model of one decoder layer, as pack() walks it: (model, self_attn, mlp)."""
    from torch import nn

    attention, mlp = nn.Module(), nn.Module()
    return SimpleNamespace(layers=[SimpleNamespace(self_attn=attention, mlp=mlp)]), attention, mlp


def test_only_maps_that_give_the_same_numbers_packed_are_packed():
    import torch
    from torch import nn

    from scoring.gemma_layers import PackedLinear, pack

    model, attention, mlp = one_layer()
    attention.q_proj = nn.Linear(64, 64, bias=False, dtype=torch.bfloat16)
    attention.o_proj = nn.Linear(64, 64, bias=True, dtype=torch.bfloat16)  # a bias: left alone
    mlp.up_proj = nn.Linear(64, 128, bias=False)  # float32: left alone
    plain = attention.q_proj
    x = torch.randn(1, 3, 64, dtype=torch.bfloat16)
    swapped = pack(model)
    if not getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)():
        assert swapped == 0 and attention.q_proj is plain
        return
    assert swapped == 1 and isinstance(attention.q_proj, PackedLinear)
    assert type(attention.o_proj) is nn.Linear and type(mlp.up_proj) is nn.Linear
    with torch.inference_mode():
        assert torch.equal(attention.q_proj(x), plain(x))


def test_a_packed_map_that_would_change_the_numbers_is_not_used(monkeypatch):
    import torch
    from torch import nn

    from scoring import gemma_layers
    from scoring.gemma_layers import pack

    model, attention, _ = one_layer()
    attention.q_proj = plain = nn.Linear(64, 64, bias=False, dtype=torch.bfloat16)
    monkeypatch.setattr(gemma_layers, "_packed_product", lambda x, weight: x + 1)  # off by one
    assert pack(model) == 0 and attention.q_proj is plain

    def cannot(x, weight):
        raise RuntimeError("oneDNN: unsupported")

    monkeypatch.setattr(gemma_layers, "_packed_product", cannot)
    assert pack(model) == 0 and attention.q_proj is plain


def test_the_plain_pass_refuses_a_model_it_was_not_written_for():
    from scoring.gemma_layers import GemmaLayers

    config = SimpleNamespace(layer_types=["sliding_attention"], sliding_window=512,
                             rope_parameters={"sliding_attention": {"rope_type": "yarn"}},
                             attention_bias=False, attn_logit_softcapping=None,
                             hidden_activation="gelu_pytorch_tanh")
    with pytest.raises(ValueError, match="rotary"):
        GemmaLayers(SimpleNamespace(config=config), 256)
    config.rope_parameters["sliding_attention"]["rope_type"] = "default"
    with pytest.raises(ValueError, match="sliding window"):
        GemmaLayers(SimpleNamespace(config=config), 1024)


def same_reading(read: np.ndarray, cold: np.ndarray) -> bool:
    """The mean of the states within 0.3 %; the last token's state within 1.5 %: in bfloat16 a
    cached and a cold read differ by about one step, more where the CPU has AMX (its kernels
    sum in another order by the number of rows: 0.15 % and 0.7 % seen; the reader probe's
    scores move by < 0.01). A different reading differs by more: "mag ik even binnen?" for
    "binnenkomen?" 0.56 % and 3.4 %, "meneer" for "mevrouw" 0.71 % and 1.6 %, another tenant
    line 2.6 % and 2.8 %."""
    half = len(cold) // 2
    gap = [np.linalg.norm(read[s] - cold[s]) / np.linalg.norm(cold[s])
           for s in (slice(0, half), slice(half, None))]
    return gap[0] < 3e-3 and gap[1] < 1.5e-2


@pytest.mark.real_model
def test_the_default_scorer_reads_with_gemma_and_uses_the_shipped_calibration_for_it():
    scorer = Scorer.default()
    assert scorer.model_id == f"all-MiniLM-L6-v2+{MODEL_ID}"
    score = scorer.score_turn("Sorry, maar daar ga ik echt niet over.", "nl",
                              tenant_said="Dit is al de derde keer dat het misgaat!", turn_index=3)
    assert scorer.calibration.source == str(SHIPPED)
    assert "dismissive" in score.detected, {b: d.confidence for b, d in score.detections.items()}


def test_the_shipped_reader_probes_fit_the_shipped_rubric_and_training_split():
    """A first start loads them instead of reading ~3,800 texts (minutes); after a change to
    the rubric or the training split, `roleplay calibrate --ship` must write them again."""
    from scoring.probes import load_probes
    from scoring.scorer import READER_PROBES, training_replies
    from simulator.vocabulary import LANGS

    scorer = Scorer(reader=GemmaReader())  # nothing loads: the stamp needs only the model id
    probes = load_probes(READER_PROBES, scorer.probe_stamp(training_replies()), LANGS)
    assert probes is not None, "run `roleplay calibrate --ship` to refit the reader probes"
    # the framed reply's mean and last state, the tenant line's mean, the product of the means
    assert probes["nl"].weights.shape == (4 * 640, len(BEHAVIOURS))


def test_saved_probes_come_back_only_for_what_they_were_fitted_on(tmp_path):
    from scoring.probes import load_probes, save_probes

    rng = np.random.default_rng(1)
    replies = rng.normal(size=(40, 8)).astype(np.float32)
    labels = (rng.random((40, len(BEHAVIOURS))) > 0.5).astype(float)
    probe = DeepProbe(replies, np.zeros_like(replies), labels)
    path = tmp_path / "probes.npz"
    save_probes(path, "stamp-1", {"nl": probe, "en": probe})
    back = load_probes(path, "stamp-1", ("nl", "en"))
    assert np.allclose(back["en"].scores(replies[0], None), probe.scores(replies[0], None))
    assert load_probes(path, "stamp-2", ("nl", "en")) is None  # other data: fit again
    assert load_probes(tmp_path / "missing.npz", "stamp-1", ("nl", "en")) is None


class BrokenReader(CountingReader):
    def load(self, progress=None) -> None:
        from scoring.reader import ReaderError

        raise ReaderError("could not prepare the reader: No space left on device")


def test_a_reader_that_cannot_load_leaves_minilm_scoring_and_says_so():
    from simulator.ui.i18n import progress_text

    scorer, messages = Scorer(embedder=FakeEmbedder(), use_cache=False, reader=BrokenReader()), []
    scorer.load(progress=messages.append)
    assert scorer.reader is None and scorer.model_id == "fake-hash-embedder"
    assert any("No space left on device" in m for m in messages)
    assert progress_text(messages[-1], "nl").startswith("Scoren zonder leesmodel:")
    scorer.read_ahead("Het lekt!")  # no reader, no error
    assert scorer.score_turn("Sorry dat u moest wachten.", "nl", "Eindelijk!", 2).detections


def test_a_turn_with_the_reader_leaves_torch_threads_as_they_were(counted):
    import torch

    scorer, _ = counted
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        scorer.score_turn("Ik kijk eerst even naar de kraan. Mag ik binnenkomen?", "nl", "Ja?", 0)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_a_damaged_probe_file_is_fitted_again_not_a_crash(tmp_path):
    from scoring.probes import load_probes

    damaged = tmp_path / "reader_probes.npz"
    damaged.write_bytes(b"PK\x03\x04 truncated")
    assert load_probes(damaged, "stamp", ("nl", "en")) is None
    damaged.write_bytes(b"")
    assert load_probes(damaged, "stamp", ("nl", "en")) is None
