"""Read a YAML file people wrote into a validated pydantic model, or report FILE:LINE problems.

PyYAML's safe_load forgets line numbers and silently keeps the last of two duplicate keys, so we
compose the node graph ourselves: every value's path gets its line, duplicates become problems,
and pydantic's errors are mapped back to the line of the value they are about.

Files people (or attackers) write are bounded (simulator.content.limits): a size cap, a small
budget for values repeated by YAML aliases, and problems that quote only a short excerpt.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from simulator.content.limits import (
    MAX_ALIAS_VALUES,
    MAX_FILE_BYTES,
    MAX_NUMBER_CHARS,
    NUMBER_TAGS,
    AliasOverflow,
    check_aliases,
    quoted,
)

M = TypeVar("M", bound=BaseModel)
Loc = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    warning: bool = False  # worth knowing, but the file still loads

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'warning: ' if self.warning else ''}{self.message}"


class ContentError(Exception):
    """One or more problems in content files; str() lists them as FILE:LINE: message."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Tree:
    """Plain Python data built from YAML nodes, with the line of every path."""

    def __init__(self, file: str, loader: yaml.SafeLoader):
        self.file = file
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Loc, active: frozenset[int]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in active:  # an alias that contains itself
            self._problem(node, "a YAML alias refers to itself; expected plain values")
            return None
        active = active | {id(node)}
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, active)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), active) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            self._problem(node, f"{quoted(node.value)} is too long; expected a plain number")
            return None
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # an impossible date, an integer of more than 4300 digits, ...
            self._problem(node, f"{quoted(node.value)} cannot be read; expected a number or text")
            return None

    def _mapping(self, node: yaml.MappingNode, path: Loc, active: frozenset[int]) -> dict:
        self.loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "a key is a list or mapping; expected a plain name")
                continue
            key = self._scalar(key_node)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in out:
                first = self.lines.get(path + (key,), "?")
                self._problem(key_node, f"duplicate key {quoted(key)} (first at line {first}); "
                              "expected each key once")
                continue
            self.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,), active)
        return out

    def _problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.file, node.start_mark.line + 1, message))

    def line_of(self, loc: Loc) -> int:
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_text(path: Path) -> str:
    """The file's text; ContentError for unreadable, non-UTF-8 or empty files."""
    name = display_name(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)  # never more: the file may be huge or endless
    except OSError as err:
        raise ContentError([Problem(name, 1, f"cannot read file ({err.strerror}); expected a readable file")])
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError([Problem(
            name, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KB; expected a smaller file "
            "(split it, or remove text that is not needed)",
        )])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ContentError(
            [Problem(name, line, f"byte 0x{raw[err.start]:02x} is not UTF-8; expected a file saved as UTF-8")]
        )
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ContentError([Problem(name, 1, "file is empty; expected a YAML mapping of fields")])
    return text.lstrip("\ufeff")


def parse(path: Path, text: str | None = None) -> tuple[Any, _Tree]:
    """Parse YAML into plain data plus line numbers; ContentError on syntax errors or duplicates."""
    name = display_name(path)
    text = read_text(path) if text is None else text
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as err:
        raise ContentError([_reader_problem(name, text, err)])
    tree = _Tree(name, loader)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_aliases(node)
        data = tree.build(node, (), frozenset()) if node is not None else None
    except AliasOverflow as err:
        raise ContentError([Problem(
            name, err.line, f"aliases (*name) repeat more than {MAX_ALIAS_VALUES} values; "
            "expected plain values: write them out, or use fewer aliases",
        )])
    except yaml.reader.ReaderError as err:
        raise ContentError([_reader_problem(name, text, err)])
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = err.problem or err.context or "invalid YAML"
        raise ContentError([Problem(name, line, f"YAML syntax error: {what}; expected valid YAML")])
    except yaml.YAMLError as err:
        raise ContentError([Problem(name, 1, f"YAML error: {err}; expected valid YAML")])
    except RecursionError:
        raise ContentError([Problem(name, 1, "nesting is too deep; expected a simple structure")])
    finally:
        loader.dispose()
    if tree.problems:
        raise ContentError(tree.problems)
    if data is None:
        raise ContentError([Problem(name, 1, "file is empty; expected a YAML mapping of fields")])
    if not isinstance(data, dict):
        raise ContentError(
            [Problem(name, 1, f"the file holds a {type(data).__name__}; expected a mapping of fields")]
        )
    return data, tree


def _reader_problem(name: str, text: str, err: yaml.reader.ReaderError) -> Problem:
    line = text[: err.position].count("\n") + 1
    return Problem(
        name, line, f"control character {err.character!r} is not allowed; expected printable text"
    )


def load_model(path: Path, model: type[M], context: dict | None = None) -> M:
    """Load one YAML file into `model`; ContentError with FILE:LINE problems otherwise."""
    data, tree = parse(Path(path))
    try:
        return model.model_validate(data, context=context or {})
    except ValidationError as err:
        problems = [_problem_from(e, model, tree) for e in err.errors(include_url=False)]
        raise ContentError(sorted(set(problems), key=lambda p: p.line))


def _dotted(loc: Loc) -> str:
    return ".".join(_part(part) for part in loc) or "(top level)"


def _part(part: Any) -> str:
    """One step of a path; a long or odd key is quoted as an excerpt."""
    if isinstance(part, str) and len(part) <= 60 and part.isprintable():
        return part
    return str(part) if isinstance(part, int) and part.bit_length() < 128 else quoted(part)


def _problem_from(error: dict, model: type[BaseModel], tree: _Tree) -> Problem:
    loc: Loc = ()
    for part in error["loc"]:  # drop the type tags pydantic adds to union errors
        if loc + (part,) in tree.lines or not _is_union_tag(part):
            loc += (part,)
    kind = error["type"]
    where = _dotted(loc)
    msg = error["msg"]
    if kind == "missing":
        if loc and loc[-1] in ("nl", "en"):
            message = f"{where} is missing; expected a text in both languages, nl and en"
        else:
            message = f"{where} is missing; expected the field '{loc[-1] if loc else '?'}'"
    elif kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        field = loc[-1] if loc else "?"
        hint = difflib.get_close_matches(str(field), allowed, n=1) if len(str(field)) < 60 else []
        message = f"unknown field {quoted(field)} in {_dotted(loc[:-1])}"
        if hint:
            message += f" (did you mean '{hint[0]}'?)"
        message += f"; expected one of: {', '.join(allowed)}" if allowed else "; expected no extra fields"
    elif kind in ("value_error", "assertion_error"):
        text = msg.split(", ", 1)[1] if msg.startswith(("Value error, ", "Assertion failed, ")) else msg
        loc, text = _pointed(loc, text)
        message = f"{_dotted(loc)}: {text}"
    else:
        got = error.get("input")
        shown = quoted(got) if not isinstance(got, (dict, list)) else type(got).__name__
        message = f"{where} is {shown}; expected: {msg[0].lower() + msg[1:]}"
    return Problem(tree.file, tree.line_of(loc), message)


def _pointed(loc: Loc, text: str) -> tuple[Loc, str]:
    """A model-level validator may name the value it is about: "@exchanges.nl.3.act: ..."."""
    if not text.startswith("@") or ": " not in text:
        return loc, text
    path, rest = text[1:].split(": ", 1)
    parts = tuple(int(p) if p.isdigit() else p for p in path.split("."))
    return loc + parts, rest


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the member type name into the loc of union errors, e.g. 'list[str]'
    return isinstance(part, str) and (
        "[" in part or part in ("str", "int", "float", "bool") or part.startswith("function-")
    )


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at loc, walking the model's annotations."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return []
            tp = field.annotation
        else:
            args = typing.get_args(tp)
            tp = args[-1] if args else None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            if not models:
                return tp
            tp = models[0]
        elif origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        else:
            return tp
