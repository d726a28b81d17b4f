"""The default back-end for GGUF files: llama.cpp in-process, through the xllamacpp wheel.

Why (benchmarks/tenant_latency.py has the figures): it reads the GGUF directly (no conversion,
no safetensors copy), loads in well under a second, and keeps the conversation's KV cache
between requests, so from the second turn on only the new tokens of the prompt are processed.
The engine orders the prompt for that (engine/prompt.py: what stays the same comes first).

xllamacpp's Server runs llama.cpp's server loop in its own thread and answers requests made from
Python; it also opens an HTTP listener, which we put on a unix socket in a private temporary
folder with a random API key, so no other process or web page can use it. Replies stream through
a callback; returning True from the callback stops the reply (cancellation, or the actor's early
stop). The callback runs in a worker thread of ours and hands chunks to the caller's generator.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.backends import gguf_cache, tuned
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

STOP_WAIT_S = 30.0  # the longest a stopped reply may take to let go (a long prompt being read)
CONTEXT_TOKENS = 4096  # a whole conversation (system ~350 tokens + 12 exchanges) fits easily


@dataclass(frozen=True)
class ReplyStats:
    """What the last reply cost (a stopped one: up to where it stopped); cached_tokens > 0 means
    the conversation's cache was reused."""

    prompt_tokens: int  # the whole prompt: cached + processed
    cached_tokens: int
    generated_tokens: int
    prompt_ms: float
    decode_tokens_per_s: float | None


class LlamaCppBackend(LoadingBackend):
    def __init__(self, model: str | None = None, threads: int | None = None,
                 adapter: Path | None = None, chat_template: str | None = None):
        """threads None: decode_threads() for decoding, prompt_threads() for the prompt.
        model "tenant-gemma": the fine-tuned tenant (backends/tuned.py) with its adapter and
        template; otherwise `adapter` (a LoRA GGUF) and `chat_template` (Jinja) are optional."""
        self.spec = model
        self.adapter, self.chat_template = adapter, chat_template
        self.model_id = model or gguf_cache.EMBEDDED_NAME
        self.threads = threads
        self.last_reply: ReplyStats | None = None
        self.last_prefill: ReplyStats | None = None  # what prefill() last read into the cache
        self._server: Any = None
        self._fold = False  # the model's chat template refused a second system message
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> LlamaCppBackend:
        return cls(model=getattr(settings, "model", None))

    def load(self, progress: Progress | None = None) -> None:
        with self._lock:
            if self._server is None:
                self._server = self._start(progress or no_progress)

    def close(self) -> None:
        """Let the model go (its server stops when nothing holds it); load() starts it again."""
        with self._lock:
            self._server = None

    def _start(self, progress: Progress) -> Any:
        if tuned.is_tuned(self.spec):
            path, adapter = tuned.base_gguf(progress), tuned.adapter_path()
            template: str | None = tuned.CHAT_TEMPLATE
        else:
            path, adapter, template = self._gguf(), self.adapter, self.chat_template
        progress(f"Loading the tenant model {self.model_id}", None)
        try:
            import xllamacpp
        except ImportError as err:
            raise BackendError(
                "the llamacpp back-end needs the package xllamacpp (pip install xllamacpp)"
            ) from err
        try:
            server = xllamacpp.Server(_params(xllamacpp, path, self.threads, adapter, template))
        except Exception as err:
            raise BackendError(
                f"could not load the model {path.name}: not a usable GGUF file (damaged, or a "
                f"model type this llama.cpp does not know): {first_line(err)}"
            ) from err
        progress(f"Tenant model {self.model_id} ready", 1.0)
        return server

    def _gguf(self) -> Path:
        if self.spec is None:
            return gguf_cache.embedded_gguf()
        path = Path(self.spec).expanduser()
        if not self.spec.lower().endswith(".gguf"):
            raise BackendError(
                f"the llamacpp back-end reads .gguf files, not {self.spec!r}; for a Hugging Face "
                "model or folder use --backend transformers"
            )
        if not path.is_file():
            raise BackendError(f"model file not found: {self.spec}")
        with path.open("rb") as file:
            if file.read(4) != b"GGUF":
                raise BackendError(f"not a GGUF file: {self.spec}")
        return path

    def _generate(
        self, messages: list[Message], options: GenerationOptions, should_stop: ShouldStop
    ) -> Iterator[str]:
        with self._lock:  # one reply at a time: the cache holds one conversation
            self.last_reply = None
            if self._fold:
                messages = fold_system(messages)
            said = False
            try:
                for text in self._reply(_request(messages, options), should_stop):
                    said = True
                    yield text
            except BackendError:
                # A chat template without a (second) system role fails before the first word
                # (Gemma's, Mistral's): fold the notes into the user turns, from now on.
                if said or self._fold or not _has_late_system(messages):
                    raise
                self._fold = True
                yield from self._reply(_request(fold_system(messages), options), should_stop)

    def prefill(self, messages: list[Message], wanted: Callable[[], bool] = lambda: True
                ) -> bool:
        """Read a prompt into the conversation's cache now, while the trainee types: a reply
        whose prompt starts the same way then reads only what comes after (all of it when the
        trainee sends the line the prompt was made for). One token is generated and dropped.
        `wanted()` is asked once the model is free: False skips it (something newer came).
        Does nothing before the model is loaded, and never fails: it is only a head start.
        True when the prompt was read."""
        if self._server is None:
            return False
        with self._lock:
            if not wanted():
                return False
            if self._fold:
                messages = fold_system(messages)
            request = {**_request(messages, GenerationOptions(max_new_tokens=1)), "stream": False}
            try:
                result = self._server.handle_chat_completions(request)
            except Exception:  # noqa: BLE001 - the reply will say what is wrong, if anything
                return False
            if not isinstance(result, dict) or not isinstance(result.get("timings"), dict):
                return False  # an error (the reply will meet it too)
            self.last_prefill = _stats(result["timings"])
            return True

    def _reply(self, request: dict, should_stop: ShouldStop) -> Iterator[str]:
        chunks: queue.Queue = queue.Queue()
        closed = threading.Event()
        worker = threading.Thread(
            target=self._answer, args=(request, chunks, closed, should_stop),
            name="llamacpp-reply", daemon=True,
        )
        worker.start()
        try:
            yield from self._read(chunks, should_stop)
        finally:
            closed.set()  # the caller stopped reading: the next callback ends the reply
            worker.join(timeout=STOP_WAIT_S)

    def _answer(
        self, request: dict, chunks: queue.Queue, closed: threading.Event, should_stop: ShouldStop
    ) -> None:
        def on_chunk(data: Any) -> bool:
            chunks.put(data)
            return closed.is_set() or bool(should_stop())

        try:
            result = self._server.handle_chat_completions(request, on_chunk)
            if isinstance(result, dict) and result.get("error"):
                chunks.put(result)
        except Exception as err:  # noqa: BLE001 - handed to the caller's thread below
            chunks.put(err)
        chunks.put(None)

    def _read(self, chunks: queue.Queue, should_stop: ShouldStop) -> Iterator[str]:
        while True:
            try:
                item = chunks.get(timeout=0.1)
            except queue.Empty:
                if should_stop():  # Esc while the model still reads the prompt
                    return
                continue
            if item is None:
                return
            if isinstance(item, Exception):
                raise BackendError(f"the tenant model failed: {first_line(item)}") from item
            if isinstance(item, str):  # some builds hand over the JSON text
                item = json.loads(item)
            if item.get("error"):
                raise BackendError(f"the tenant model failed: {_error_text(item['error'])}")
            if "timings" in item:
                self.last_reply = _stats(item["timings"])
            for choice in item.get("choices") or []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    yield text


def _has_late_system(messages: list[Message]) -> bool:
    roles = [m["role"] for m in messages]
    return "system" in roles[1:]


def decode_threads() -> int:
    """Threads for decoding: half the cores this process may use (at least one, at most four).

    Measured on 2 cores with SmolLM2-135M (benchmarks/tenant_latency.py): two decode threads
    are ~15% faster on an idle machine, but with one other busy process they wait for each other
    at every token and a reply takes 2-3x as long; one thread slows by only ~5-25% then.
    """
    return max(1, min(4, usable_cores() // 2))


def prompt_threads() -> int:
    """Threads for reading the prompt: all cores (one short burst; 300 against 170 tokens/s on
    2 cores, and no worse than one thread when another process is busy)."""
    return max(1, min(8, usable_cores()))


def _params(xllamacpp: Any, path: Path, threads: int | None, adapter: Path | None = None,
            template: str | None = None) -> Any:
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    if adapter is not None:  # a fine-tuned tenant: the base GGUF plus its LoRA adapter
        lora = xllamacpp.CommonAdapterLoraInfo()
        lora.path, lora.scale = str(adapter), 1.0
        params.lora_adapters = [lora]
    if template is not None:
        params.chat_template, params.use_jinja = template, True
    params.n_ctx = CONTEXT_TOKENS
    params.n_parallel = 1  # one conversation, one slot: its cache is the conversation's
    params.verbosity = -1  # llama.cpp logs to stderr, which is the TUI's terminal
    params.cpuparams.n_threads = threads or decode_threads()
    params.cpuparams_batch.n_threads = threads or prompt_threads()
    params.api_keys = [secrets.token_hex(16)]
    if os.name == "posix":
        params.hostnames = [str(_private_folder() / f"llama-{secrets.token_hex(4)}.sock")]
    return params


_FOLDER: list[Path] = []


def _private_folder() -> Path:
    """A folder only this user can enter, removed when the process exits."""
    if not _FOLDER or not _FOLDER[0].is_dir():
        folder = Path(tempfile.mkdtemp(prefix="roleplay-llama-"))  # mode 0700
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _FOLDER[:] = [folder]
    return _FOLDER[0]


def _request(messages: list[Message], options: GenerationOptions) -> dict:
    request = {
        "messages": messages,
        "stream": True,
        "max_tokens": options.max_new_tokens,
        "temperature": options.temperature,
        "top_p": options.top_p,
        "repeat_penalty": options.repetition_penalty,
        "cache_prompt": True,  # keep the conversation's KV cache for the next turn
        "timings_per_token": True,  # figures in every chunk: a stopped reply has them too
    }
    if options.seed is not None:
        request["seed"] = options.seed
    return request


def _stats(timings: dict) -> ReplyStats:
    cached, processed = int(timings.get("cache_n", 0)), int(timings.get("prompt_n", 0))
    speed = timings.get("predicted_per_second")
    return ReplyStats(
        prompt_tokens=cached + processed,
        cached_tokens=cached,
        generated_tokens=int(timings.get("predicted_n", 0)),
        prompt_ms=float(timings.get("prompt_ms", 0.0)),
        decode_tokens_per_s=float(speed) if speed else None,
    )


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        error = error.get("message") or error
    return first_line(error)
