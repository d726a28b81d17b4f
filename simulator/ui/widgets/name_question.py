"""A small dialog that asks a person's name: this computer's trainee (first run) or the reviewer.

    app.push_screen(NameQuestion(title, note, proposal="Sam"), callback)   # callback(name | None)
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from simulator.ui.i18n import t

MAX_NAME = 80  # as simulator.settings.Settings.trainee


def clean_name(text: str) -> str | None:
    """The name as it will be stored (trimmed), or None when it is not one."""
    name = text.strip()
    return name if name and name.isprintable() and len(name) <= MAX_NAME else None


class NameQuestion(ModalScreen[str | None]):
    """Returns the trimmed name, or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = """
    NameQuestion { align: center middle; }
    NameQuestion > Vertical { width: 60; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    NameQuestion #name-note { color: $text-muted; padding: 0 1; }
    NameQuestion Input { margin: 1 0 0 0; }
    NameQuestion #name-problem { color: $error; height: auto; padding: 0 1; }
    NameQuestion Button { margin: 0 0 1 1; }
    """

    def __init__(self, title: str, note: str, proposal: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.note, self.proposal, self.placeholder = (
            title, note, proposal, placeholder)

    @property
    def lang(self) -> str:
        return getattr(self.app, "lang", "nl")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.note), id="name-note")
            yield Input(self.proposal, placeholder=self.placeholder, max_length=MAX_NAME,
                        id="person-name")
            yield Static("", id="name-problem")
            yield Button(t("save", self.lang), variant="primary", id="name-ok")

    def on_mount(self) -> None:
        self.query_one("#person-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.answer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.answer()

    def answer(self) -> None:
        name = clean_name(self.query_one("#person-name", Input).value)
        if name is None:
            self.query_one("#name-problem", Static).update(t("need_name", self.lang))
            self.query_one("#person-name", Input).focus()
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_local_trainee(app: Any) -> None:
    """First run: ask who practises here, proposing the name typed before or the login name.

    Esc leaves it unchosen (asked again next time; the login name stands in meanwhile)."""
    from simulator.identity import chosen_trainee, os_user_name
    from simulator.settings import SettingsError
    from simulator.ui.prefs import earlier_name

    try:
        if chosen_trainee() is not None:
            return
    except SettingsError:
        return  # a broken config file: the settings screen shows it; do not ask over it

    def chosen(name: str | None) -> None:
        if name:
            use_local_trainee(app, name)

    app.push_screen(NameQuestion(t("who_practises", app.lang), t("who_practises_note", app.lang),
                                 proposal=earlier_name() or os_user_name(),
                                 placeholder=t("name_placeholder", app.lang)), chosen)


def use_local_trainee(app: Any, name: str) -> None:
    """Keep `name` as this computer's trainee and show it on the start screen's name field."""
    from simulator.ui.prefs import save_prefs

    save_prefs(trainee=name)
    show_on_start(app, name)


def show_on_start(app: Any, name: str) -> None:
    """The start screen's name field shows this computer's trainee (it stays on the stack)."""
    from simulator.ui.screens.start import StartScreen

    for screen in app.screen_stack:
        if isinstance(screen, StartScreen):
            screen.trainee = name
            for field in screen.query("#name").results(Input):
                field.value = name
