"""Scripted replies, streamed word by word: for unit tests, never for trainees."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from simulator.backends.base import (
    BackendError,
    GenerationOptions,
    Message,
    Progress,
    ShouldStop,
    check_messages,
    resolve_options,
)

Reply = str | BaseException
Script = Sequence[Reply] | Callable[[list[Message]], Reply]

DEFAULT_SCRIPT = ("Ja? Wat komt u doen?", "Hm. Vertel maar.", "Goed dan.")


class FakeBackend:
    """Replies from a list (in turn, cycling) or from a callable given the messages.

    A reply that is an exception is raised instead, to test error paths. Every call is kept in
    `calls` as (messages, options) so tests can inspect the prompt.
    """

    def __init__(self, replies: Script = DEFAULT_SCRIPT, model_id: str = "fake"):
        if not callable(replies) and not list(replies):
            raise ValueError("the fake back-end needs at least one scripted reply")
        self.replies = replies
        self.model_id = model_id
        self.calls: list[tuple[list[Message], GenerationOptions]] = []
        self.loaded = False

    @classmethod
    def from_settings(cls, settings: Any) -> FakeBackend:
        return cls(model_id=getattr(settings, "model", None) or "fake")

    def load(self, progress: Progress | None = None) -> None:
        if progress:
            progress("fake back-end ready", 1.0)
        self.loaded = True

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions | dict | None = None,
        should_stop: ShouldStop = lambda: False,
    ) -> Iterator[str]:
        check_messages(messages)
        options = resolve_options(options)
        self.calls.append(([dict(m) for m in messages], options))
        reply = self._next(messages)
        if isinstance(reply, BaseException):
            raise reply
        return self._chunks(reply, should_stop)

    def _next(self, messages: list[Message]) -> Reply:
        if callable(self.replies):
            return self.replies(messages)
        script = list(self.replies)
        return script[(len(self.calls) - 1) % len(script)]

    @staticmethod
    def _chunks(reply: str, should_stop: ShouldStop) -> Iterator[str]:
        if not isinstance(reply, str):
            raise BackendError(f"the fake back-end's script gave {type(reply).__name__}, not text")
        for chunk in re.findall(r"\s*\S+\s*|\s+", reply):
            if should_stop():
                return
            yield chunk
