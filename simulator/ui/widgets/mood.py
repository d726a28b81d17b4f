"""The tenant's mood: irritation and trust as bars, the stance in words."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from simulator.engine.director import TenantState
from simulator.ui.i18n import t

WIDTH = 8
STANCE_COLOUR = {"hostile": "red", "guarded": "yellow", "cooperative": "cyan", "satisfied": "green"}


def bar(value: float, colour: str, width: int = WIDTH) -> Text:
    filled = max(0, min(width, round(value / 10 * width)))
    text = Text("█" * filled, style=colour)
    text.append("░" * (width - filled), style="dim")
    text.append(f" {value:4.1f}")
    return text


def stance_word(stance: str | None, lang: str) -> str:
    if not stance:
        return "–"
    try:
        return t(f"stance_{stance}", lang)
    except KeyError:
        return stance


class MoodPanel(Static):
    irritation: reactive[float] = reactive(0.0)
    trust: reactive[float] = reactive(0.0)
    stance: reactive[str] = reactive("")

    def __init__(self, lang: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def show(self, state: TenantState, stance: str | None) -> None:
        self.irritation = state.irritation
        self.trust = state.trust
        self.stance = stance or ""

    def render(self) -> Text:
        out = Text(f"{t('mood', self.lang)}: ", style="bold")
        colour = STANCE_COLOUR.get(self.stance, "white")
        out.append(stance_word(self.stance, self.lang), style=f"{colour} bold")
        out.append(f"\n{t('irritation', self.lang):<11}")
        out.append_text(bar(self.irritation, "red"))
        out.append(f"\n{t('trust', self.lang):<11}")
        out.append_text(bar(self.trust, "green"))
        return out

