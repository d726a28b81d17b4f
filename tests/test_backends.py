"""The back-end contract without a model: options, registry, fake back-end, message checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from simulator.backends import (
    BACKENDS,
    BackendError,
    FakeBackend,
    GenerationOptions,
    LlamaCppBackend,
    OpenAIBackend,
    TransformersBackend,
    make_backend,
)
from simulator.backends.base import fold_system
from simulator.settings import Settings

MESSAGES = [
    {"role": "system", "content": "Je bent mevrouw Jansen."},
    {"role": "user", "content": "Goedemorgen, ik kom voor de verwarming."},
]


def test_options_reject_unknown_keys_and_bad_values():
    with pytest.raises(ValidationError, match="max_tokens"):
        GenerationOptions(max_tokens=10)
    with pytest.raises(ValidationError):
        GenerationOptions(temperature=-1)
    assert GenerationOptions().max_new_tokens <= 100  # tenant lines are short


def test_registry_builds_each_backend_without_loading_anything():
    assert set(BACKENDS) == {"llamacpp", "transformers", "openai", "fake"}
    assert isinstance(make_backend(Settings()), LlamaCppBackend)  # the embedded GGUF
    assert make_backend(Settings()).model_id == "SmolLM2-135M-Instruct"
    assert isinstance(make_backend(Settings(backend="transformers")), TransformersBackend)
    openai = make_backend(Settings(backend="openai", base_url="http://127.0.0.1:9", model="m"))
    assert isinstance(openai, OpenAIBackend) and openai.model_id == "m"
    assert isinstance(make_backend(Settings(backend="fake")), FakeBackend)


def test_auto_picks_llamacpp_for_gguf_files_and_transformers_for_hub_ids_and_folders():
    assert isinstance(make_backend(Settings(model="/models/tenant.Q4_K_M.GGUF")), LlamaCppBackend)
    for model in ("HuggingFaceTB/SmolLM2-360M-Instruct", "/models/my-tenant"):
        assert isinstance(make_backend(Settings(model=model)), TransformersBackend)
    forced = make_backend(Settings(backend="transformers", model="/models/tenant.gguf"))
    assert isinstance(forced, TransformersBackend)  # an explicit choice wins


def test_a_template_without_system_role_gets_the_notes_folded_into_user_turns():
    messages = [*MESSAGES, {"role": "assistant", "content": "Ja?"},
                {"role": "user", "content": "Mag ik binnenkomen?"},
                {"role": "system", "content": "Je stemming nu: boos."}]
    folded = fold_system(messages)
    assert [m["role"] for m in folded] == ["user", "assistant", "user"]
    assert folded[0]["content"].startswith("Je bent mevrouw Jansen.\n\nGoedemorgen")
    assert folded[-1]["content"] == "Mag ik binnenkomen?\n\nJe stemming nu: boos."
    assert messages[-2]["content"] == "Mag ik binnenkomen?"  # the caller's list is untouched


def test_openai_backend_needs_a_server_address():
    with pytest.raises(BackendError, match="--base-url"):
        make_backend(Settings(backend="openai"))
    with pytest.raises(BackendError, match="not an http"):
        make_backend(Settings(backend="openai", base_url="ftp://example.org"))


def test_fake_streams_scripted_replies_in_word_chunks_and_records_calls():
    backend = FakeBackend(["Nou, kom dan maar binnen.", "Wat nu weer?"])
    chunks = list(backend.stream(MESSAGES, None))
    assert len(chunks) == 5 and "".join(chunks) == "Nou, kom dan maar binnen."
    assert "".join(backend.stream(MESSAGES, {"seed": 1})) == "Wat nu weer?"
    assert "".join(backend.stream(MESSAGES)) == "Nou, kom dan maar binnen."  # cycles
    assert backend.calls[1][1].seed == 1
    assert backend.calls[0][0] == MESSAGES


def test_fake_reply_from_a_callable_and_raised_errors():
    echo = FakeBackend(lambda messages: messages[-1]["content"].upper())
    assert "".join(echo.stream(MESSAGES)) == "GOEDEMORGEN, IK KOM VOOR DE VERWARMING."
    broken = FakeBackend([BackendError("server down")])
    with pytest.raises(BackendError, match="server down"):
        broken.stream(MESSAGES)


def test_should_stop_cancels_mid_reply():
    backend = FakeBackend(["een twee drie vier vijf"])
    seen: list[str] = []
    for chunk in backend.stream(MESSAGES, should_stop=lambda: len(seen) >= 2):
        seen.append(chunk)  # noqa: PERF402 (should_stop reads it while streaming)
    assert seen == ["een ", "twee "]


@pytest.mark.parametrize(
    "messages",
    [[], [{"role": "narrator", "content": "x"}], [{"role": "user", "content": None}]],
)
def test_malformed_messages_are_rejected_before_generation(messages):
    with pytest.raises((ValueError, TypeError)):
        FakeBackend().stream(messages)


def test_options_as_dict_are_validated_too():
    with pytest.raises(ValidationError):
        FakeBackend().stream(MESSAGES, {"temprature": 0.5})
