"""A checkbox whose mark says ticked or not in the glyph itself, not only in its colour."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """▐✔▌ when ticked, ▐ ▌ when not: Textual's ▐X▌ looks the same both ways on many terminals."""

    @property
    def BUTTON_INNER(self) -> str:  # the name Textual reads
        return "✔" if self.value else " "
