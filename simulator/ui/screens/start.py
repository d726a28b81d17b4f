"""Start: trainee name, language, persona, scenario and mode.

The content library is read again whenever the screen comes back, so a persona a trainer just
wrote is there without a restart; a broken content file is one line here (details: the author
screen and `roleplay validate`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from simulator.ui.i18n import LANGS, label
from simulator.ui.prefs import last_choice, load_prefs, remember_choice, save_prefs
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.status import StatusLine
from simulator.ui.widgets.tickbox import TickBox


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
        self.persona_id, self.scenario_id = last_choice()
        self.mode = "practice"
        self.consent = bool(prefs.get("consent", False))
        self.shown_before = False

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        self._known_persona()
        with VerticalScroll(id="start-form"):
            yield Static(self.tr("app_title"), classes="title")
            yield Static(self.tr("content_error_short"), id="content-error", classes="error")
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
                yield Select([], prompt=self.tr("choose"), id="scenario", compact=True)
            yield Static("", id="start-briefing", classes="note")
            with Horizontal(classes="row"):
                yield Label(self.tr("mode"), classes="field")
                yield Select([(self.tr("mode_practice"), "practice"),
                              (self.tr("mode_assessment"), "assessment")],
                             value=self.mode, allow_blank=False, id="mode", compact=True)
            with Horizontal(id="start-row"):
                yield Button(self.tr("start"), variant="primary", id="start")
                yield TickBox(self.tr("consent"), self.consent, id="consent")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._show_content_error()
        self._fill_scenarios()
        self.query_one("#name", Input).focus()

    def on_screen_resume(self) -> None:
        """Back from another screen: fresh content, and the focus on the choice of tenant, so
        Enter never starts the last conversation again by accident."""
        if not self.shown_before:
            self.shown_before = True  # the first time: on_mount has just filled the form
            return
        self.app.reload_library()
        self._show_content_error()
        persona = self.query_one("#persona", Select)
        self._known_persona()
        with persona.prevent(Select.Changed):
            persona.set_options(self._persona_options())
            if self.persona_id:
                persona.value = self.persona_id
        self._fill_scenarios()
        persona.focus()

    def _known_persona(self) -> None:
        """The remembered persona if the library still has it, else the first one."""
        if self.persona_id not in self.library.personas:
            self.persona_id = next(iter(self.library.personas), None)

    def _show_content_error(self) -> None:
        self.query_one("#content-error", Static).display = bool(self.app.library_error)

    def _persona_options(self) -> list[tuple[str, str]]:
        return [(label(p.name, self.lang), pid) for pid, p in self.library.personas.items()]

    def _fill_scenarios(self) -> None:
        select = self.query_one("#scenario", Select)
        ids = self.library.scenarios_for(self.persona_id) if self.persona_id else []
        options = [(label(self.library.scenarios[s].title, self.lang), s) for s in ids]
        if self.scenario_id not in ids:
            self.scenario_id = ids[0] if ids else None
        with select.prevent(Select.Changed):
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
        self.query_one("#start-briefing", Static).update(Text(brief))

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
            self._show_content_error()
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
        remember_choice(self.persona_id, self.scenario_id)
        self.app.push_screen(PracticeScreen(
            persona_id=self.persona_id, scenario_id=self.scenario_id, trainee=trainee,
            mode=self.mode, consent=self.consent,
        ))
