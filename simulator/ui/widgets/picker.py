"""A small dialog that picks one behaviour, e.g. the one a team leader says the scorer missed."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class BehaviourPicker(ModalScreen[str | None]):
    """Returns the chosen behaviour id, or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = """
    BehaviourPicker { align: center middle; }
    BehaviourPicker > Vertical { width: 50; height: auto; max-height: 20; border: round $accent;
                                 background: $surface; padding: 0 1; }
    BehaviourPicker OptionList { height: auto; max-height: 14; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        """`choices`: (behaviour id, display name)."""
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield OptionList(*[Option(name, id=b) for b, name in self.choices])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
