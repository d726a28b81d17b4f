"""User text made safe for the programs that read our output: spreadsheets, Markdown, terminals.

Trainees, team leaders and bundles from other machines write these strings. Whatever reads an
export must show them as text and never obey them: no formula, no link, no image, no HTML, no
code block, no terminal escape sequence. Every exporter passes each user-written value through
one of these functions; our own markup is added around the result.
"""

from __future__ import annotations

import re

# Spreadsheets read a cell that starts with one of these as a formula (the OWASP CSV-injection
# list); a leading apostrophe makes Excel, LibreOffice and Google Sheets show it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Line breaks of every kind, including the Unicode ones a terminal or renderer may honour.
_BREAKS = re.compile("\r\n|[\n\r\v\f\x85\u2028\u2029]")
# C0 and C1 controls (ESC starts terminal sequences, BEL ends an OSC title, NUL truncates), DEL,
# and the bidirectional overrides that make text display in another order than it is stored.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters that start inline Markdown: escapes, code, emphasis, links and images, strike, tables.
_MD_INLINE = re.compile(r"[\\`*_\[\]~|]")
# What makes a line a block when it starts one: heading, list, setext underline, numbered list.
_MD_BLOCK_START = re.compile(r"^(?:\d+(?=[.)])|(?=[#+\-=]))")


def csv_cell(value: object) -> object:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe.

    Carriage returns become newlines: Python's csv module (3.11) leaves a lone CR unquoted, and
    a spreadsheet would split the row there.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def plain(value: object) -> str:
    """One line of text for a terminal: line breaks and tabs become spaces, controls go."""
    text = _BREAKS.sub(" ", str(value)).replace("\t", " ")
    return _CONTROLS.sub("", text)


def md_text(value: object) -> str:
    """Literal Markdown for user text: renders as exactly these characters, nothing more.

    Line breaks stay (as hard breaks inside the same paragraph); empty lines go, so the text can
    never end our paragraph or list item and start a block of its own (a heading, a code fence).
    """
    lines = []
    for line in _BREAKS.split(str(value)):
        line = _CONTROLS.sub("", line.replace("\t", " ")).strip()
        if line:
            lines.append(_md_line(line))
    return "  \n".join(lines)


def _md_line(line: str) -> str:
    # Entities, not backslashes, for HTML: Python-Markdown does not honour a backslash before <.
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _MD_INLINE.sub(lambda m: "\\" + m.group(0), line)
    return _MD_BLOCK_START.sub(lambda m: m.group(0) + "\\", line)
