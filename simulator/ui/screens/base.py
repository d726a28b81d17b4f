"""What every screen shares: the app's language and localized key descriptions in the footer."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding
from textual.screen import Screen

from simulator.ui.i18n import STRINGS, TEXTUAL_KEYS, t


class BaseScreen(Screen):
    """BINDINGS descriptions are i18n keys (the action's name); the footer shows them localized."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.localize_bindings()

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "nl")

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def localize_bindings(self) -> None:
        table = self._bindings.key_to_bindings
        for key, bindings in table.items():
            table[key] = [self._localized(b) for b in bindings]
        if self.is_mounted:
            self.refresh_bindings()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """What the footer shows: also the keys Textual describes itself ("Dismiss menu")."""
        return {key: active._replace(binding=self._localized(active.binding))
                for key, active in super().active_bindings.items()}

    def _localized(self, binding):
        key = _KEY_OF.get(binding.description)
        return replace(binding, description=self.tr(key)) if key else binding


# description (an i18n key, or a text it was localized to earlier) -> i18n key
_KEY_OF = {text: key for key, pair in STRINGS.items() for text in (key, *pair)} | TEXTUAL_KEYS
