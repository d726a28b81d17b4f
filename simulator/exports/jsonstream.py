"""Read one large JSON object member by member, and one of its arrays element by element.

`json.load` holds a whole bundle in memory (100,000 sessions: 143 MB of text, several times that
as Python objects). This reader holds one array element at a time: the json module's C scanner
(`raw_decode`) parses every value, this module only walks the punctuation of the outer object
and of the streamed array, and keeps count of lines so errors can say where they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

_SPACE = re.compile(r"[ \t\n\r]*")
CHUNK = 1 << 16


class JsonStreamError(ValueError):
    """The text is not the JSON expected; `line` is where the reader was (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line, self.message = line, message


class _ConstantError(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _ConstantError(name)  # NaN and Infinity: Python writes them, JSON has no such thing


@dataclass(frozen=True)
class Member:
    """A member of the outer object, or (`index` set) one element of the streamed array."""

    key: str
    value: Any
    line: int
    index: int | None = None


class _Reader:
    def __init__(self, file: TextIO):
        self.file = file
        self.buf, self.pos = "", 0
        self.mark, self.mark_line = 0, 1  # buf[mark] is on line mark_line
        self.eof = False
        self.decoder = json.JSONDecoder(parse_constant=_no_constant)

    def line(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        if pos < self.mark:  # only errors look back
            return self.mark_line - self.buf.count("\n", pos, self.mark)
        self.mark_line += self.buf.count("\n", self.mark, pos)
        self.mark = pos
        return self.mark_line

    def _fill(self, at_least: int = CHUNK) -> bool:
        """Read more text, dropping what has been consumed; False at the end of the file."""
        if self.eof:
            return False
        try:
            chunk = self.file.read(max(at_least, CHUNK))
        except UnicodeDecodeError:
            raise JsonStreamError(self.line(), "the file is not UTF-8 text") from None
        if not chunk:
            self.eof = True
            return False
        self.mark_line, self.mark = self.line(), 0
        self.buf, self.pos = self.buf[self.pos :] + chunk, 0
        return True

    def peek(self) -> str:
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos : self.pos + 1]

    def expect(self, chars: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            found = repr(char) if char else "the end of the file"
            raise JsonStreamError(self.line(), f"expected {' or '.join(chars)}, found {found}")
        self.pos += 1
        return char

    def value(self) -> tuple[Any, int]:
        """The next JSON value and the line it starts on."""
        self.peek()
        line = self.line()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as err:
                # Incomplete (cut at the chunk's end) or wrong: only the end of the file tells.
                if not self._fill(len(self.buf)):
                    raise JsonStreamError(self.line(err.pos), err.msg) from None
                continue
            except _ConstantError as err:
                raise JsonStreamError(line, f"{err} is not a number JSON allows") from None
            except RecursionError:
                raise JsonStreamError(line, "the value is nested too deeply") from None
            # A number that ends the buffer may go on in the next chunk ("12" + "34").
            if end < len(self.buf) or self.eof:
                self.pos = end
                return value, line
            self._fill(len(self.buf))


def members(file: TextIO, stream: str) -> Iterator[Member]:
    """The outer object's members, in file order; the array under `stream` element by element."""
    reader = _Reader(file)
    reader.expect("{")
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            key, line = reader.value()
            if not isinstance(key, str):
                raise JsonStreamError(line, "expected a member name in double quotes")
            reader.expect(":")
            if key == stream and reader.peek() == "[":
                yield from _elements(reader, key, reader.line())
            else:
                value, line = reader.value()
                yield Member(key, value, line)
            if reader.expect(",}") == "}":
                break
    if reader.peek():
        raise JsonStreamError(reader.line(), "extra text after the end of the JSON object")


def _elements(reader: _Reader, key: str, line: int) -> Iterator[Member]:
    reader.expect("[")
    if reader.peek() == "]":
        reader.pos += 1
        yield Member(key, [], line)  # an empty array: there, but nothing to stream
        return
    index = 0
    while True:
        value, line = reader.value()
        yield Member(key, value, line, index)
        index += 1
        if reader.expect(",]") == "]":
            return
