"""The status line: back-end, model, embedder and model loading progress."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    """Mirrors App.status_text on every screen."""

    def on_mount(self) -> None:
        self.watch(self.app, "status_text", self._show, init=True)

    def _show(self, text: str) -> None:
        self.update(Text(text))  # messages quote model names and errors: never markup
