"""Limits that keep one hostile or careless content file from taking the app down.

A YAML alias repeats the whole value its anchor names. Nine aliases of nine aliases of ...
("billion laughs") turn a 400-byte file into billions of values, hours of work and gigabytes of
memory. A trainer may still reuse a block a few times, so aliases get a small budget of repeated
values; the budget is checked on the composed node graph, before anything is expanded.
"""

from __future__ import annotations

import re

import yaml

MAX_FILE_BYTES = 512 * 1024  # the largest shipped persona is under 100 KB
MAX_ALIAS_VALUES = 1000  # values that all aliases of one file may repeat together
EXCERPT_CHARS = 60  # how much of an offending value a problem quotes
# int("1:0:0:...") (YAML 1.1 base 60) takes quadratic time; no real number is this long
MAX_NUMBER_CHARS = 100
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

# A persona or scenario id comes from its file name: lowercase ASCII words joined by hyphens.
FILE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
MAX_ID_CHARS = 64


class AliasOverflow(Exception):
    """Aliases repeat more values than the budget; `line` is where the budget ran out."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def check_aliases(root: yaml.Node, budget: int = MAX_ALIAS_VALUES) -> None:
    """Raise AliasOverflow when aliases in the graph under `root` repeat more than `budget` values.

    Linear in the number of distinct nodes: each node's expanded size is computed once.
    """
    sizes: dict[int, int] = {}
    repeated = 0

    def size(node: yaml.Node, line: int) -> int:
        nonlocal repeated
        if id(node) in sizes:  # a second reference: an alias (or a node that contains itself)
            repeated += sizes[id(node)]
            if repeated > budget:
                raise AliasOverflow(line)
            return sizes[id(node)]
        sizes[id(node)] = 1
        here = node.start_mark.line + 1
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                key_line = key.start_mark.line + 1
                total += size(key, key_line) + size(value, key_line)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, here) for item in node.value)
        sizes[id(node)] = total
        return total

    size(root, root.start_mark.line + 1)


def quoted(value: object) -> str:
    """A value as a problem quotes it: repr-like, on one line, at most a short excerpt."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, str) and len(value) > EXCERPT_CHARS:
        return f"{value[:EXCERPT_CHARS]!r}… ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= EXCERPT_CHARS + 2 else f"{text[:EXCERPT_CHARS]}…"


def file_id_problem(stem: str, kind: str) -> str | None:
    """Why the file name `stem` cannot be a persona/scenario id, or None when it can."""
    if FILE_ID.fullmatch(stem) and len(stem) <= MAX_ID_CHARS:
        return None
    odd = next((c for c in stem if not c.isascii()), None)
    if odd is not None:
        why = f" ({odd!r} is U+{ord(odd):04X}, not an ASCII letter)"
    else:
        fixed = "-".join(re.findall(r"[a-z0-9]+", stem.lower()))
        why = f" (e.g. '{fixed}.yaml')" if FILE_ID.fullmatch(fixed) else ""
    return (
        f"file name {quoted(stem)} is not a valid {kind} id{why}; expected lowercase ASCII "
        f"words joined by hyphens, at most {MAX_ID_CHARS} characters: rename the file"
    )
