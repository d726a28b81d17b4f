"""Settings: your name (this computer's trainee), back-end, model and embedder, saved to the config
file and shown in the status line."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.name_question import MAX_NAME, clean_name, show_on_start
from simulator.ui.widgets.status import StatusLine

BACKENDS = ("auto", "llamacpp", "transformers", "openai", "fake")
FIELDS = ("model", "base_url", "embedder")
# The model_langs choices: option value -> settings value (None: the default for the model).
LANG_CHOICES = {"default": None, "none": [], "nl": ["nl"], "en": ["en"], "both": ["nl", "en"]}


def local_name() -> str:
    """This computer's trainee as the config file says (the login name until one is chosen)."""
    from simulator.identity import local_trainee, os_user_name
    from simulator.settings import SettingsError

    try:
        return local_trainee()
    except SettingsError:  # a broken config file: shown above the form
        return os_user_name()


class SettingsScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.start", "back")]

    def compose(self) -> ComposeResult:
        try:
            settings, error = self.app.hub.settings, ""
        except Exception as err:  # noqa: BLE001 - a broken config file: show it, offer to overwrite
            settings, error = None, str(err)
        backend = str(settings.backend if settings else "auto")
        with VerticalScroll(id="settings-form"):
            yield Static(self.tr("settings"), classes="title")
            if error:
                yield Static(self.tr("settings_unavailable", error=error), classes="error")
            with Horizontal(classes="row"):
                yield Label(self.tr("name"), classes="field")
                yield Input(local_name(), placeholder=self.tr("name_placeholder"),
                            max_length=MAX_NAME, id="trainee", compact=True)
            with Horizontal(classes="row"):
                yield Label(self.tr("backend"), classes="field")
                options = [(b, b) for b in dict.fromkeys((backend, *BACKENDS))]
                yield Select(options, value=backend, allow_blank=False, id="backend", compact=True)
            for name in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(self.tr(name), classes="field")
                    value = getattr(settings, name) if settings else None  # a FIELDS name
                    hint = self.tr("model_placeholder") if name == "model" else ""
                    yield Input(str(value or ""), placeholder=hint, id=name, compact=True)
            with Horizontal(classes="row"):
                yield Label(self.tr("model_langs"), classes="field")
                chosen = settings.model_langs if settings else None
                value = next((k for k, v in LANG_CHOICES.items()
                              if v is not None and chosen is not None and set(v) == set(chosen)),
                             "default")
                options = [(self.tr(f"langs_{k}"), k) for k in LANG_CHOICES]
                yield Select(options, value=value, allow_blank=False, id="model_langs",
                             compact=True)
            yield Button(self.tr("save"), variant="primary", id="save")
        yield StatusLine(id="status")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.save()

    def on_input_submitted(self) -> None:
        self.save()

    def save(self) -> None:
        """save_settings, then the next session uses a fresh back-end and scorer."""
        values = {"backend": str(self.query_one("#backend", Select).value)}
        values |= {name: self.query_one(f"#{name}", Input).value.strip() or None
                   for name in FIELDS}
        values["model_langs"] = LANG_CHOICES[str(self.query_one("#model_langs", Select).value)]
        values["trainee"] = clean_name(self.query_one("#trainee", Input).value)
        if values["trainee"] is None:
            self.notify(self.tr("need_name"), severity="warning")
            self.query_one("#trainee", Input).focus()
            return
        try:
            from simulator.settings import load_settings, save_settings

            current = load_settings()
            updated = current.model_copy(update=values) if hasattr(current, "model_copy") \
                else type(current)(**{**vars(current), **values})
            save_settings(updated)
        except Exception as err:  # noqa: BLE001 - an invalid value: say what is wrong, keep the form
            self.notify(self.tr("settings_unavailable", error=err), severity="error")
            return
        show_on_start(self.app, values["trainee"])
        reload = self.app.hub.use_settings(updated)
        self.app.update_status()
        if reload and self.app.warm_up_models:
            self.app.load_models()
        self.notify(self.tr("settings_saved"))
