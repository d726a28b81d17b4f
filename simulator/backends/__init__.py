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
from simulator.backends.openai_backend import OpenAIBackend
from simulator.backends.transformers_backend import TransformersBackend

# A plain registry: name -> class with from_settings(settings). Plugins can come when needed.
BACKENDS: dict[str, Any] = {
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
    "Message",
    "OpenAIBackend",
    "Progress",
    "ShouldStop",
    "TransformersBackend",
    "make_backend",
    "resolve_options",
]


def make_backend(settings: Any) -> Backend:
    """The configured back-end, not yet loaded (cheap: no model, no network)."""
    name = getattr(settings, "backend", None) or "transformers"
    cls = BACKENDS.get(name)
    if cls is None:
        known = ", ".join(sorted(BACKENDS))
        raise BackendError(f"unknown back-end {name!r}; choose one of: {known}")
    return cls.from_settings(settings)
