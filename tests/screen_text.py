"""What a user sees: the text of the app's screen, read from Textual's own screenshot (no tests here).

The screenshot holds exactly what the terminal shows (footer, overlays, modals and toasts
included), so tests can assert on visible words rather than on widget internals.
"""

from __future__ import annotations

import html
import re

# one run of text on screen line N, starting at pixel x (every cell is CELL pixels wide)
TEXT_RUN = re.compile(r'<text [^>]*?x="([\d.]+)" y="[\d.]+"[^>]*?line-(\d+)\)"[^>]*>(.*?)</text>')
CELL = 12.2


def screen_text(app) -> str:
    """The screen as lines of text, each character in its terminal column."""
    rows: dict[int, list[str]] = {}
    for x, line, run in TEXT_RUN.findall(app.export_screenshot()):
        row = rows.setdefault(int(line), [])
        column = round(float(x) / CELL)
        text = html.unescape(run).replace("\xa0", " ")
        row.extend(" " * (column + len(text) - len(row)))
        row[column:column + len(text)] = text
    return "\n".join("".join(rows.get(n, [])).rstrip() for n in range(max(rows, default=-1) + 1))
