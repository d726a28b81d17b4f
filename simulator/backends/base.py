"""The one back-end contract: chat messages + generation options -> streamed text chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": str}
Progress = Callable[[str, "float | None"], None]
ShouldStop = Callable[[], bool]


class BackendError(Exception):
    """The model cannot answer: missing or unloadable model, server down, garbage answer.

    str(error) is one user-readable line; callers show it and fall back to authored lines.
    """


class GenerationOptions(BaseModel):
    """Sampling options. Unknown keys are rejected, so a typo in the config is never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Tenant lines are at most three sentences; 60 tokens is enough and keeps turns fast.
    max_new_tokens: int = Field(60, ge=1, le=4096)
    temperature: float = Field(0.7, ge=0.0, le=2.0)  # 0 means greedy
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    # Small models loop ("ik kom voor, ik kom voor, ..."); a mild penalty breaks the loops.
    repetition_penalty: float = Field(1.1, ge=1.0, le=2.0)
    seed: int | None = None


@runtime_checkable
class Backend(Protocol):
    """What the engine needs from a model. Constructing one must stay cheap (no model loading)."""

    model_id: str

    def load(self, progress: Progress | None = None) -> None:
        """Optional warm-up (load weights, check the server); stream() loads lazily otherwise."""

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions | None = None,
        should_stop: ShouldStop = lambda: False,
    ) -> Iterator[str]:
        """Yield the reply in text chunks; stop early once should_stop() is true."""


class LoadingBackend:
    """The stream() of a back-end that loads its model on first use: messages and options are
    checked here, the subclass's _generate(messages, options, should_stop) does the rest."""

    def load(self, progress: Progress | None = None) -> None:
        raise NotImplementedError

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions | dict | None = None,
        should_stop: ShouldStop = lambda: False,
    ) -> Iterator[str]:
        check_messages(messages)
        resolved = resolve_options(options)
        self.load()
        return self._generate(messages, resolved, should_stop)

    def _generate(
        self, messages: list[Message], options: GenerationOptions, should_stop: ShouldStop
    ) -> Iterator[str]:
        raise NotImplementedError


def resolve_options(options: GenerationOptions | dict | None) -> GenerationOptions:
    """None means defaults; a dict is validated (so unknown keys fail here too)."""
    if options is None:
        return GenerationOptions()
    if isinstance(options, GenerationOptions):
        return options
    return GenerationOptions.model_validate(options)


def check_messages(messages: list[Message]) -> None:
    """Fail early, with a clear message, on messages a chat template would choke on."""
    if not messages:
        raise ValueError("no messages to answer")
    for message in messages:
        if message.get("role") not in ("system", "user", "assistant"):
            raise ValueError(f"unknown message role {message.get('role')!r}")
        if not isinstance(message.get("content"), str):
            raise TypeError("every message needs text content")


def fold_system(messages: list[Message]) -> list[Message]:
    """The same conversation for a chat template without a system role (Gemma's, for one): the
    first system messages go in front of the first user turn, a later one (the prompt's note for
    this turn) is added to the user turn before it."""
    lead: list[str] = []
    out: list[Message] = []
    for message in messages:
        if message["role"] != "system":
            out.append(dict(message))
            continue
        users = [m for m in out if m["role"] == "user"]
        if users:
            users[-1]["content"] = f"{users[-1]['content']}\n\n{message['content']}"
        else:
            lead.append(message["content"])
    if lead:
        system = "\n".join(lead)
        if out and out[0]["role"] == "user":
            out[0]["content"] = f"{system}\n\n{out[0]['content']}"
        else:
            out.insert(0, {"role": "user", "content": system})
    return out


def first_line(error: object) -> str:
    """The first line of an error's text, at most 200 characters (its type's name when it has
    none), for one-line messages."""
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def no_progress(message: str, fraction: float | None = None) -> None:
    """The default progress callback: say nothing."""
