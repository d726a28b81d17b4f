"""The default back-end: a local transformers model (HF id, local folder or .gguf file).

Speed on 2 CPU cores, SmolLM2-135M, ~420-token tenant prompt (benchmarks/tenant_latency.py):
the float32 model is memory-bound at ~12 tokens/s. What we measured and kept:
- int8 dynamic quantisation (per output channel) of the decoder's Linear layers: ~2-3x faster
  decoding. Per-tensor int8, or quantising lm_head too, visibly broke the replies (loops,
  non-words), so lm_head stays float32.
- the prompt (prefill) runs on all cores; token-by-token decoding on at most two threads. On an
  idle 2-core machine two decode threads gave 22.8 tokens/s against 19.8 for one; more threads
  only add overhead for a model this small. The scorer never runs during a reply, so they do
  not fight it; another busy process on the machine slows either choice.
- not kept: bfloat16 (slower than int8 here), torch.compile / static KV cache (tens of seconds
  of compiling on every start, against a sub-second warm load).
Generation is a plain token loop in the caller's thread: cancelling is checking should_stop()
between tokens, and no thread is left behind when the caller stops reading.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from simulator.backends import gguf_cache
from simulator.backends.base import (
    BackendError,
    GenerationOptions,
    LoadingBackend,
    Message,
    Progress,
    ShouldStop,
    first_line,
    fold_system,
    no_progress,
    usable_cores,
)
from simulator.offline import ensure_offline

DECODE_THREADS = 2


def import_transformers() -> Any:
    """transformers, imported only after the offline switches are set; its own bars silenced."""
    ensure_offline()
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return transformers


class TransformersBackend(LoadingBackend):
    def __init__(self, model: str | None = None, quantize: bool = True):
        self.spec = model
        self.model_id = model or gguf_cache.EMBEDDED_NAME
        self.quantize = quantize
        self._model: Any = None
        self._tokenizer: Any = None
        self._stop_ids: set[int] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> TransformersBackend:
        return cls(model=getattr(settings, "model", None))

    def load(self, progress: Progress | None = None) -> None:
        with self._lock:
            if self._model is None:
                self._load(progress or no_progress)

    def _load(self, progress: Progress) -> None:
        source = self._locate(progress)
        progress(f"Loading the tenant model {self.model_id}", None)
        transformers = import_transformers()
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(source)
            model = self._cached_int8(source) if self.quantize else None
            if model is None:
                model = transformers.AutoModelForCausalLM.from_pretrained(source)
                model.eval()
                if self.quantize:
                    model = _quantized(model)
                    self._save_int8(source, model)
        except BackendError:
            raise
        except Exception as err:
            raise BackendError(self._load_problem(source, err)) from err
        self._model = model
        self._tokenizer = tokenizer
        self._stop_ids = _stop_ids(tokenizer, model)
        progress(f"Tenant model {self.model_id} ready", 1.0)

    def _cached_int8(self, source: str) -> Any:
        """The quantised model saved by an earlier start (quantising costs ~2 s every time)."""
        path = _int8_file(source)
        if path is None or not path.is_file():
            return None
        import torch

        try:
            # Our own cache file, written by _save_int8 below: safe to unpickle. Quantised
            # modules still use torch's deprecated TypedStorage; its warnings are noise here.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return torch.load(path, weights_only=False, mmap=True).eval()
        except Exception:  # noqa: BLE001 - a stale or broken cache is rebuilt, not fatal
            path.unlink(missing_ok=True)
            return None

    def _save_int8(self, source: str, model: Any) -> None:
        path = _int8_file(source)
        if path is None:
            return
        import torch

        tmp = path.with_suffix(".tmp")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.save(model, tmp)
            tmp.replace(path)  # atomic: a crash leaves no half file
        except OSError:  # a read-only model folder: just quantise again next time
            tmp.unlink(missing_ok=True)

    def _locate(self, progress: Progress) -> str:
        """A local folder to load (converting a GGUF first), or a hub id for the local cache."""
        if self.spec is None:
            return str(gguf_cache.converted_copy(gguf_cache.embedded_gguf(), progress))
        path = Path(self.spec).expanduser()
        if self.spec.lower().endswith(".gguf"):
            if not path.is_file():
                raise BackendError(f"model file not found: {self.spec}")
            return str(gguf_cache.converted_copy(path, progress))
        if path.is_dir():
            return str(path)
        if path.exists():
            raise BackendError(f"not a model folder or .gguf file: {self.spec}")
        if self.spec.startswith((".", "/", "~")) or "\\" in self.spec or self.spec.count("/") > 1:
            raise BackendError(f"model folder not found: {self.spec}")
        return self.spec

    def _load_problem(self, source: str, err: Exception) -> str:
        if Path(source).is_dir():
            return f"could not load the model in {source}: {first_line(err)}"
        return (
            f"model {source!r} is not a local folder or .gguf file and not in the local Hugging "
            "Face cache; downloads are off (offline). Give a local path, or set "
            "ROLEPLAY_ALLOW_DOWNLOADS=1 to download it once"
        )

    def _generate(
        self, messages: list[Message], options: GenerationOptions, should_stop: ShouldStop
    ) -> Iterator[str]:
        with self._lock:
            prompt_ids = _encode_chat(self._tokenizer, messages)
            tokens = _token_loop(self._model, prompt_ids, options, self._stop_ids, should_stop)
            yield from _detokenize(self._tokenizer, tokens)


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    """Run a block with `count` torch threads (None: all cores), restoring the setting after."""
    import torch

    before, wanted = torch.get_num_threads(), count or usable_cores()
    if wanted != before:
        torch.set_num_threads(wanted)
    try:
        yield
    finally:
        if wanted != before:
            torch.set_num_threads(before)


def _quantized(model: Any) -> Any:
    """int8 weights for the Linear layers except the output head (see module doc)."""
    import warnings

    import torch

    with warnings.catch_warnings():  # torch.ao is deprecated in favour of torchao (not installed)
        warnings.simplefilter("ignore")
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        head = model.get_output_embeddings()
        layers = {
            name: per_channel_dynamic_qconfig
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear) and module is not head
        }
        return quantize_dynamic(model, layers, dtype=torch.qint8)


def _int8_file(source: str) -> Path | None:
    """Where the int8 copy of a converted model lives: only in our own cache folders, keyed by
    the torch and transformers versions (a pickled module is tied to both)."""
    import torch
    import transformers

    from simulator import paths

    folder = Path(source)
    if not folder.is_dir() or paths.cache_dir("models").resolve() not in folder.resolve().parents:
        return None
    return folder / f"int8-torch{torch.__version__}-tf{transformers.__version__}.pt"


def _stop_ids(tokenizer: Any, model: Any) -> set[int]:
    """Any special token ends the reply: end-of-turn, end-of-text, or the start of a new turn."""
    ids = set(tokenizer.all_special_ids)
    eos = getattr(model.generation_config, "eos_token_id", None)
    ids.update(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    return ids


def _encode_chat(tokenizer: Any, messages: list[Message]) -> Any:
    """Prompt token ids (1 x n tensor) through the model's own chat template."""
    from jinja2 import TemplateError

    if tokenizer.chat_template:
        try:
            text = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, tokenize=False
            )
        except TemplateError:  # some templates refuse a system role: fold it into the first turn
            text = tokenizer.apply_chat_template(
                fold_system(messages), add_generation_prompt=True, tokenize=False
            )
    else:  # a base model without a template: a plain transcript it can continue
        text = "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant:"
    return tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]


def _token_loop(
    model: Any,
    prompt_ids: Any,
    options: GenerationOptions,
    stop_ids: set[int],
    should_stop: ShouldStop,
) -> Iterator[int]:
    """Yield new token ids one by one, with a KV cache; checks should_stop() before each step."""
    import torch

    pick = _sampler(options)
    seen = prompt_ids
    if should_stop():
        return
    with torch.inference_mode():
        with _threads(None):  # the prompt: one big batch, worth all cores
            out = model(input_ids=prompt_ids, use_cache=True, logits_to_keep=1)
        # Set once for the whole reply: changing torch's thread count per token costs more
        # than the token itself.
        with _threads(min(DECODE_THREADS, usable_cores())):
            for count in range(1, options.max_new_tokens + 1):
                token = pick(seen, out.logits[:, -1, :])
                if token in stop_ids or should_stop():
                    return
                yield token
                if count == options.max_new_tokens:
                    return
                step = torch.tensor([[token]])
                seen = torch.cat([seen, step], dim=1)
                out = model(
                    input_ids=step,
                    cache=out.past_key_values,
                    use_cache=True,
                    logits_to_keep=1,
                )


def _sampler(options: GenerationOptions) -> Any:
    """next-token chooser: repetition penalty, then greedy or temperature + top-p sampling."""
    import torch
    from transformers import (
        LogitsProcessorList,
        RepetitionPenaltyLogitsProcessor,
        TemperatureLogitsWarper,
        TopPLogitsWarper,
    )

    processors = LogitsProcessorList()
    if options.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(options.repetition_penalty))
    greedy = options.temperature == 0
    if not greedy:
        processors.append(TemperatureLogitsWarper(options.temperature))
        processors.append(TopPLogitsWarper(options.top_p))
    generator = torch.Generator()
    if options.seed is not None:
        generator.manual_seed(options.seed)
    else:
        generator.seed()  # a fresh random seed for this generator only, not torch's global one

    def pick(seen: Any, logits: Any) -> int:
        scores = processors(seen, logits)
        if greedy:
            return int(scores.argmax(-1))
        probs = torch.softmax(scores, dim=-1)
        return int(torch.multinomial(probs, 1, generator=generator))

    return pick


def _detokenize(tokenizer: Any, tokens: Iterator[int]) -> Iterator[str]:
    """Text chunks from token ids; holds back a chunk until its UTF-8 bytes are complete."""
    ids: list[int] = []
    emitted = ""
    for token in tokens:
        ids.append(token)
        text = tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        if text.endswith("\ufffd") or not text.startswith(emitted):
            continue
        if len(text) > len(emitted):
            yield text[len(emitted) :]
            emitted = text
