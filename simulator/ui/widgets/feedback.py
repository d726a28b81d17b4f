"""After each trainee turn: the behaviours detected as badges, and at most one tip."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from scoring.feedback import Tip, TurnFeedback
from simulator.ui.i18n import t
from simulator.ui.names import behaviour_name, is_negative


def badges_text(ids: list[str], lang: str) -> Text:
    out = Text()
    for bid in ids:
        style = "bold white on dark_red" if is_negative(bid) else "bold black on green"
        out.append(f" {behaviour_name(bid, lang)} ", style=style)
        out.append(" ")
    return out


def tip_text(tip: Tip, lang: str) -> Text:
    out = Text()
    if tip.text:
        out.append("💡 " + tip.text)
    if tip.example:
        out.append(f"\n{t('example', lang)}: ", style="italic")
        out.append(f"“{tip.example}”", style="italic cyan")
    return out


class FeedbackPanel(Static):
    """Badges of the last trainee turn plus a tip (or a hint asked for with the hint key)."""

    def __init__(self, lang: str, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.lang = lang
        self.badges: list[str] = []

    def show_feedback(self, feedback: TurnFeedback | None, behaviours: list[str]) -> None:
        """The turn's feedback; without it (behaviours given, not scored) the behaviours alone."""
        self.badges = [b.behaviour for b in feedback.badges] if feedback else list(behaviours)
        out = badges_text(self.badges, self.lang) if self.badges else Text(
            t("no_badges", self.lang), style="dim"
        )
        if feedback and feedback.tip:
            out.append("\n")
            out.append_text(tip_text(feedback.tip, self.lang))
        self.update(out)

    def show_hint(self, tip: Tip) -> None:
        out = Text(f"{t('hint', self.lang)}: ", style="bold")
        out.append_text(tip_text(tip, self.lang))
        self.update(out)

    def show_note(self, note: str) -> None:
        self.badges = []
        self.update(Text(note, style="dim"))
