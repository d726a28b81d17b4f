"""After each trainee turn: the behaviours detected as badges, and at most one tip."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from simulator.ui.i18n import t
from simulator.ui.names import behaviour_name, field, is_negative


def badge_ids(feedback: object) -> list[str]:
    """Behaviour ids of the feedback's badges (badges may be ids or objects with .behaviour)."""
    badges = field(feedback, "badges", default=None) or []
    return [b if isinstance(b, str) else str(field(b, "behaviour", "id", default=b)) for b in badges]


def badges_text(ids: list[str], lang: str) -> Text:
    out = Text()
    for bid in ids:
        style = "bold white on dark_red" if is_negative(bid) else "bold black on green"
        out.append(f" {behaviour_name(bid, lang)} ", style=style)
        out.append(" ")
    return out


def tip_text(tip: object, lang: str) -> Text:
    out = Text()
    text = field(tip, "text", default="") if tip else ""
    example = field(tip, "example", default="") if tip else ""
    if text:
        out.append("💡 " + text)
    if example:
        out.append(f"\n{t('example', lang)}: ", style="italic")
        out.append(f"“{example}”", style="italic cyan")
    return out


class FeedbackPanel(Static):
    """Badges of the last trainee turn plus a tip (or a hint asked for with the hint key)."""

    def __init__(self, lang: str, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.lang = lang
        self.badges: list[str] = []

    def show_feedback(self, feedback: object, behaviours: list[str] | None = None) -> None:
        self.badges = badge_ids(feedback) if feedback is not None else list(behaviours or [])
        out = badges_text(self.badges, self.lang) if self.badges else Text(
            t("no_badges", self.lang), style="dim"
        )
        tip = field(feedback, "tip", default=None)
        if tip:
            out.append("\n")
            out.append_text(tip_text(tip, self.lang))
        self.update(out)

    def show_hint(self, tip: object) -> None:
        out = Text(f"{t('hint', self.lang)}: ", style="bold")
        out.append_text(tip_text(tip, self.lang))
        self.update(out)

    def show_note(self, note: str) -> None:
        self.badges = []
        self.update(Text(note, style="dim"))
