"""The command palette (ctrl+p) in the app's language: Textual's own one speaks English only."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from simulator.ui.i18n import t


class LocalPalette(CommandPalette):
    """Textual's command palette with a Dutch (or English) placeholder and 'no matches' line."""

    def __init__(self, lang: str) -> None:
        super().__init__(placeholder=t("palette_placeholder", lang), id="--command-palette")
        self.lang = lang

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual adds an English "No matches found" after a short wait; say it ourselves at once.
        self._stop_no_matches_countdown()
        if not search_value:
            self._list_visible = False
            return
        commands = self.query_one(CommandList)
        commands.add_option(Option(t("palette_no_matches", self.lang), disabled=True,
                                   id=self._NO_MATCHES))
        self._list_visible = True
