"""The default back-end: the embedded GGUF, converted once, streamed token by token."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.backends import BackendError, GenerationOptions, TransformersBackend, gguf_cache

MESSAGES = [
    {"role": "system", "content": "You are a grumpy tenant. Answer in one short sentence."},
    {"role": "user", "content": "Good morning, I am here for the heating."},
]
TEST_CACHE = Path(__file__).resolve().parent.parent / ".test-cache"


@pytest.fixture(scope="module")
def backend():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ROLEPLAY_CACHE_DIR", str(TEST_CACHE))
        model = TransformersBackend()
        steps: list[str] = []
        model.load(progress=lambda message, fraction=None: steps.append(message))
        assert steps, "loading reports progress"
        yield model


@pytest.mark.real_model
def test_embedded_model_streams_a_reply_in_chunks(backend):
    assert backend.model_id == "SmolLM2-135M-Instruct"
    chunks = list(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=20, seed=1)))
    assert len(chunks) > 1 and "".join(chunks).strip()
    assert not any("<|im_" in chunk for chunk in chunks)  # special tokens never leak


@pytest.mark.real_model
def test_the_int8_model_still_knows_things(backend):
    question = [{"role": "user", "content": "What is the capital of France?"}]
    answer = "".join(backend.stream(question, GenerationOptions(temperature=0, max_new_tokens=20)))
    assert "Paris" in answer


@pytest.mark.real_model
def test_same_seed_same_reply(backend):
    options = GenerationOptions(seed=42, max_new_tokens=15)
    assert "".join(backend.stream(MESSAGES, options)) == "".join(backend.stream(MESSAGES, options))


@pytest.mark.real_model
def test_max_new_tokens_bounds_the_reply(backend):
    text = "".join(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=4, seed=2)))
    assert 0 < len(backend._tokenizer(text, add_special_tokens=False)["input_ids"]) <= 5


@pytest.mark.real_model
def test_cancel_mid_reply_then_generate_again(backend):
    received: list[str] = []
    options = GenerationOptions(max_new_tokens=40, temperature=0, repetition_penalty=1.0)
    for chunk in backend.stream(MESSAGES, options, should_stop=lambda: len(received) >= 2):
        received.append(chunk)  # noqa: PERF402 (should_stop reads it while streaming)
    assert len(received) == 2
    assert "".join(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=5, seed=1)))


@pytest.mark.real_model
def test_an_explicit_gguf_path_reuses_the_converted_copy(monkeypatch):
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(TEST_CACHE))
    gguf = gguf_cache.embedded_gguf()
    folder = gguf_cache.converted_copy(gguf)
    assert gguf_cache.is_converted(folder) and (folder / "chat_template.jinja").is_file()
    monkeypatch.setattr(gguf_cache, "_convert", lambda *a: pytest.fail("converted twice"))
    assert gguf_cache.converted_copy(gguf) == folder


@pytest.mark.parametrize(
    ("model", "message"),
    [("/no/such/model.gguf", "model file not found"), ("./no/such/folder", "folder not found")],
)
def test_missing_model_fails_fast_and_clearly(model, message):
    with pytest.raises(BackendError, match=message):
        TransformersBackend(model).load()


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError, match="could not load the model"):
        TransformersBackend(str(tmp_path)).load()


def test_a_crash_while_converting_leaves_no_half_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF not really")

    def crash(source, target, progress):
        (target / "model.safetensors").write_bytes(b"half")
        raise RuntimeError("killed")

    monkeypatch.setattr(gguf_cache, "_convert", crash)
    with pytest.raises(BackendError, match="could not convert the model"):
        gguf_cache.converted_copy(gguf)
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_a_changed_gguf_gets_a_new_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"one")
    before = gguf_cache.cache_folder(gguf)
    gguf.write_bytes(b"longer")
    assert gguf_cache.cache_folder(gguf) != before


def test_converting_again_removes_the_stale_copies_only(tmp_path, monkeypatch):
    """Each reinstall gave the embedded GGUF a new key, and its 0.5-0.7 GB copy stayed behind."""
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"one")
    elsewhere = tmp_path / "other" / "tiny.gguf"  # same name, another file that still exists
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"two")

    def fake_convert(_gguf, target, _progress):
        (target / "model.safetensors").write_bytes(b"w")
        (target / "tokenizer_config.json").write_text("{}")

    monkeypatch.setattr(gguf_cache, "_convert", fake_convert)
    older = gguf_cache.converted_copy(gguf)
    kept = gguf_cache.converted_copy(elsewhere)
    legacy = older.parent / "tiny-0123456789ab"  # from before copies recorded their source
    legacy.mkdir()
    gone = older.parent / "tiny-ba9876543210"
    gone.mkdir()
    (gone / gguf_cache.SOURCE).write_text(str(tmp_path / "deleted" / "tiny.gguf"))
    gguf.write_bytes(b"updated")  # a reinstall: same path, new size and time
    newer = gguf_cache.converted_copy(gguf)
    assert sorted(p.name for p in newer.parent.iterdir()) == sorted([newer.name, kept.name])
