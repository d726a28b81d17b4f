"""Model back-ends behind one contract (see base.py): make_backend(settings) picks one by name.

Importing this package loads no torch or transformers; a back-end loads its model lazily.
"""

from __future__ import annotations

from typing import Any

from simulator.backends.base import (
    Backend,
    BackendError,
    GenerationOptions,
    Message,
    Progress,
    ShouldStop,
    resolve_options,
)
from simulator.backends.fake import FakeBackend
from simulator.backends.llamacpp_backend import LlamaCppBackend
from simulator.backends.openai_backend import OpenAIBackend
from simulator.backends.transformers_backend import TransformersBackend
from simulator.backends.tuned import is_tuned

# A plain registry: name -> class with from_settings(settings). Plugins can come when needed.
BACKENDS: dict[str, Any] = {
    "llamacpp": LlamaCppBackend,
    "transformers": TransformersBackend,
    "openai": OpenAIBackend,
    "fake": FakeBackend,
}

__all__ = [
    "BACKENDS",
    "Backend",
    "BackendError",
    "FakeBackend",
    "GenerationOptions",
    "LlamaCppBackend",
    "Message",
    "OpenAIBackend",
    "Progress",
    "ShouldStop",
    "TransformersBackend",
    "backend_name",
    "make_backend",
    "resolve_options",
]


def backend_name(settings: Any) -> str:
    """The back-end that `settings` asks for; "auto" (the default) is llama.cpp for the embedded
    model, the fine-tuned tenant-gemma and .gguf files, transformers for Hugging Face ids and
    model folders."""
    name = getattr(settings, "backend", None) or "auto"
    if name != "auto":
        return name
    model = getattr(settings, "model", None)
    gguf = not model or str(model).lower().endswith(".gguf") or is_tuned(model)
    return "llamacpp" if gguf else "transformers"


def make_backend(settings: Any) -> Backend:
    """The configured back-end, not yet loaded (cheap: no model, no network)."""
    name = backend_name(settings)
    cls = BACKENDS.get(name)
    if cls is None:
        known = ", ".join(["auto", *sorted(BACKENDS)])
        raise BackendError(f"unknown back-end {name!r}; choose one of: {known}")
    return cls.from_settings(settings)
