"""Start: trainee name, language, persona, scenario and mode."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from simulator.ui.i18n import LANGS, label
from simulator.ui.prefs import load_prefs, save_prefs
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.status import StatusLine


class StartScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "app.review", "review"),
        Binding("f3", "app.author", "author"),
        Binding("f4", "app.settings", "settings"),
        Binding("ctrl+q", "app.quit", "quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        prefs = load_prefs()
        self.trainee = prefs.get("trainee", "")
        self.persona_id: str | None = None
        self.scenario_id: str | None = None
        self.mode = "practice"
        self.consent = bool(prefs.get("consent", False))

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        lib = self.library
        if self.persona_id is None and lib.personas:
            self.persona_id = next(iter(lib.personas))
        with VerticalScroll(id="start-form"):
            yield Static(self.tr("app_title"), classes="title")
            if self.app.library_error:
                yield Static(f"{self.tr('content_error')}:\n{self.app.library_error}", classes="error")
            with Horizontal(classes="row"):
                yield Label(self.tr("name"), classes="field")
                yield Input(self.trainee, placeholder=self.tr("name_placeholder"), id="name",
                            compact=True)
                yield Label(self.tr("language"), classes="field short")
                yield Select([(x, x) for x in LANGS], value=self.lang, allow_blank=False,
                             id="lang", compact=True)
            with Horizontal(classes="row"):
                yield Label(self.tr("persona"), classes="field")
                yield Select(self._persona_options(), value=self.persona_id or Select.NULL,
                             allow_blank=self.persona_id is None, id="persona", compact=True)
            yield Static("", id="persona-desc", classes="note")
            with Horizontal(classes="row"):
                yield Label(self.tr("scenario"), classes="field")
                yield Select([], id="scenario", compact=True)
            yield Static("", id="briefing", classes="note")
            with Horizontal(classes="row"):
                yield Label(self.tr("mode"), classes="field")
                yield Select([(self.tr("mode_practice"), "practice"),
                              (self.tr("mode_assessment"), "assessment")],
                             value=self.mode, allow_blank=False, id="mode", compact=True)
            with Horizontal(id="start-row"):
                yield Button(self.tr("start"), variant="primary", id="start")
                yield Checkbox(self.tr("consent"), self.consent, id="consent")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._fill_scenarios()
        self.query_one("#name", Input).focus()

    def _persona_options(self) -> list[tuple[str, str]]:
        return [(label(p.name, self.lang), pid) for pid, p in self.library.personas.items()]

    def _fill_scenarios(self) -> None:
        select = self.query_one("#scenario", Select)
        ids = self.library.scenarios_for(self.persona_id) if self.persona_id else []
        options = [(label(self.library.scenarios[s].title, self.lang), s) for s in ids]
        if self.scenario_id not in ids:
            self.scenario_id = ids[0] if ids else None
        select.set_options(options)
        if self.scenario_id:
            select.value = self.scenario_id
        self._describe()

    def _describe(self) -> None:
        persona = self.library.personas.get(self.persona_id or "")
        scenario = self.library.scenarios.get(self.scenario_id or "")
        desc = label(persona.description, self.lang) if persona else self.tr("no_content")
        self.query_one("#persona-desc", Static).update(Text(desc))  # trainers' text: never markup
        brief = label(scenario.briefing, self.lang) if scenario else self.tr("no_scenario")
        self.query_one("#briefing", Static).update(Text(brief))

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        which = event.select.id
        if which == "lang" and event.value != self.lang:
            self.trainee = self.query_one("#name", Input).value
            self.consent = self.query_one("#consent", Checkbox).value
            self.app.lang = str(event.value)
            save_prefs(lang=self.app.lang)
            self.app.update_status(self.app.model_state)
            self.localize_bindings()
            await self.recompose()
            self._fill_scenarios()
        elif which == "persona":
            self.persona_id = str(event.value)
            self._fill_scenarios()
        elif which == "scenario":
            self.scenario_id = str(event.value)
            self._describe()
        elif which == "mode":
            self.mode = str(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.start()

    def start(self) -> None:
        """Open the practice screen with a new session."""
        from simulator.ui.screens.practice import PracticeScreen

        trainee = self.query_one("#name", Input).value.strip()
        if not trainee:
            self.notify(self.tr("need_name"), severity="warning")
            self.query_one("#name", Input).focus()
            return
        if not (self.persona_id and self.scenario_id):
            self.notify(self.tr("no_scenario"), severity="warning")
            return
        self.trainee = trainee
        self.consent = self.query_one("#consent", Checkbox).value
        save_prefs(trainee=trainee, lang=self.lang, consent=self.consent)
        self.app.push_screen(PracticeScreen(
            persona_id=self.persona_id, scenario_id=self.scenario_id, trainee=trainee,
            mode=self.mode, consent=self.consent,
        ))
