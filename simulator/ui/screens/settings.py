"""Settings: back-end, model and embedder, saved to the config file and shown in the status line."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, Static

from simulator.ui.names import field
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.status import StatusLine

BACKENDS = ("transformers", "openai", "fake")
FIELDS = ("model", "base_url", "embedder")
# The model_langs choices: option value -> settings value (None: the default for the model).
LANG_CHOICES = {"default": None, "none": [], "nl": ["nl"], "en": ["en"], "both": ["nl", "en"]}


class SettingsScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.start", "back")]

    def compose(self) -> ComposeResult:
        try:
            settings, error = self.app.hub.settings, ""
        except Exception as err:  # noqa: BLE001 - a broken config file: show it, offer to overwrite
            settings, error = None, str(err)
        backend = str(field(settings, "backend", default="transformers") or "transformers")
        with VerticalScroll(id="settings-form"):
            yield Static(self.tr("settings"), classes="title")
            if error:
                yield Static(self.tr("settings_unavailable", error=error), classes="error")
            with Horizontal(classes="row"):
                yield Label(self.tr("backend"), classes="field")
                options = [(b, b) for b in dict.fromkeys((backend, *BACKENDS))]
                yield Select(options, value=backend, allow_blank=False, id="backend", compact=True)
            for name in FIELDS:
                with Horizontal(classes="row"):
                    yield Label(self.tr(name), classes="field")
                    yield Input(str(field(settings, name, default="") or ""), id=name,
                                compact=True)
            with Horizontal(classes="row"):
                yield Label(self.tr("model_langs"), classes="field")
                chosen = field(settings, "model_langs", default=None)
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
        try:
            from simulator.settings import load_settings, save_settings

            current = load_settings()
            updated = current.model_copy(update=values) if hasattr(current, "model_copy") \
                else type(current)(**{**vars(current), **values})
            save_settings(updated)
        except Exception as err:  # noqa: BLE001 - an invalid value: say what is wrong, keep the form
            self.notify(self.tr("settings_unavailable", error=err), severity="error")
            return
        self.app.hub.use_settings(updated)
        self.app.update_status()
        if self.app.warm_up_models:
            self.app.load_models()
        self.notify(self.tr("settings_saved"))
