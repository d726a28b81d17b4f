"""The trainee's lines for `roleplay play`: from a script file or standard input, as UTF-8.

Text that is not UTF-8 is refused with the file, line and column of the first bad byte. A script
is read and checked whole before anything is stored; a bad line on standard input stops the
conversation there, keeping what was said before it.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click


class NotText(click.ClickException):
    """A trainee line that is not UTF-8 text."""


def trainee_lines(script: Path | None) -> Iterator[str]:
    """The lines to say, without blank lines and # comments. A script is read at once."""
    source = _script(script) if script is not None else _stdin()
    return (line for raw in source if (line := raw.strip()) and not line.startswith("#"))


def _script(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise click.ClickException(f"cannot read {path}: {err.strerror or err}") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise NotText(_message(f"{path}:{line}", data[err.start], column)) from None


def _stdin() -> Iterable[str]:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a stream that only gives text (decoded by whoever made it)
        return sys.stdin
    return _decoded(iter(buffer.readline, b""))


def _decoded(raw_lines: Iterable[bytes]) -> Iterator[str]:
    for number, raw in enumerate(raw_lines, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as err:
            where = f"standard input, line {number}"
            raise NotText(_message(where, raw[err.start], err.start + 1)) from None


def _message(where: str, byte: int, column: int) -> str:
    return (
        f"{where}: not UTF-8 text (byte 0x{byte:02x} at column {column}); "
        "save the text as UTF-8 and try again"
    )
