"""The roleplay app and its factory (used by the CLI and by the tests).

    app = create_app()                                   # shipped content, real models, user db
    app = create_app(library=lib, session_factory=f, store=Store.open(tmp), warm_up=False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen

from simulator.ui.i18n import default_lang, progress_text, t
from simulator.ui.models import ModelHub, default_session_factory
from simulator.ui.prefs import load_prefs

StateText = Callable[[str], str]  # the models' state, in a language


def _localized(key: str) -> StateText:
    return lambda lang: t(key, lang)


class RoleplayApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "roleplay"

    status_text: reactive[str] = reactive("")
    library_injected = False  # create_app was given a library: never read the folders again
    _content_stamp: tuple = ()

    def __init__(
        self, *, library: Any, library_error: str, session_factory: Callable[..., Any],
        store: Any, hub: ModelHub, lang: str, warm_up: bool, content_dirs: tuple[list, list],
        export_dir: Path | None = None, ask_name: bool = False,
    ) -> None:
        super().__init__()
        self.ask_name = ask_name  # first run: ask who practises on this computer
        self.library = library
        self.library_error = library_error
        self.session_factory = session_factory
        self.store = store
        self.hub = hub
        self.lang = lang
        self.warm_up_models = warm_up
        self.persona_dirs, self.scenario_dirs = content_dirs  # [] = the default folders
        self.export_dir = export_dir
        self._model_state = _localized("status_loading" if warm_up else "status_ready")

    def on_mount(self) -> None:
        from simulator.ui.screens.start import StartScreen
        from simulator.ui.threadstore import ThreadSafeStore

        if self.store is not None and not isinstance(self.store, ThreadSafeStore):
            self.store = ThreadSafeStore(self.store, self)
        self.update_status()
        self.push_screen(StartScreen())
        if self.ask_name:
            from simulator.ui.widgets.name_question import ask_local_trainee

            ask_local_trainee(self)
        if self.warm_up_models:
            # after the first frame, so the start screen is readable while models load
            self.call_after_refresh(self.load_models)

    def reload_library(self) -> None:
        """Read the content folders again when a file changed, so a trainer's new or fixed file
        shows without a restart (an injected library, as in tests, stays as it is)."""
        if self.library_injected:
            return
        folders = self.persona_dirs or None, self.scenario_dirs or None
        stamp = _content_stamp(*folders)
        if stamp != self._content_stamp:
            persona_dir, scenario_dir = (f[0] if f else None for f in folders)
            self.library, self.library_error = _load_library(None, persona_dir, scenario_dir)
            self._content_stamp = stamp

    @property
    def model_state(self) -> str:
        """The models' state in the app's language, also after the language was switched."""
        return self._model_state(self.lang)

    def update_status(self, state: str | StateText | None = None) -> None:
        """Show the models' state: a text, or a function of the language (re-read on a switch)."""
        if callable(state):
            self._model_state = state
        elif state is not None and state != self.model_state:
            self._model_state = lambda _lang, text=state: text
        self.status_text = f"{self.hub.describe()} — {self.model_state}"

    @work(thread=True, exclusive=True, group="models", exit_on_error=False)
    def load_models(self) -> None:
        report = lambda message: self.call_from_thread(
            self.update_status, lambda lang: progress_text(message, lang)
        )
        errors = self.hub.warm_up(report)
        self.call_from_thread(self._models_loaded, errors)

    def _models_loaded(self, errors: dict[str, str]) -> None:
        def state(lang: str) -> str:
            lines = []
            if "backend" in errors:
                lines.append(t("status_failed", lang, error=errors["backend"]))
            if "scorer" in errors:
                lines.append(t("status_scorer_failed", lang, error=errors["scorer"]))
            return " ".join(lines) or t("status_ready", lang)

        self.update_status(state)
        if errors:
            self.notify(state(self.lang), severity="warning", timeout=8)

    def action_command_palette(self) -> None:
        from simulator.ui.palette import LocalPalette

        if self.use_command_palette and not LocalPalette.is_open(self):
            self.push_screen(LocalPalette(self.lang))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Not Textual's own (theme, keys, screenshot): they speak English only.
        for key, shortcut, action in (
            ("cmd_start", "", self.action_start),
            ("cmd_review", "F2", self.action_review),
            ("cmd_author", "F3", self.action_author),
            ("cmd_settings", "F4", self.action_settings),
            ("cmd_quit", "Ctrl+Q", self.action_quit),
        ):
            yield SystemCommand(t(key, self.lang), shortcut, action)
        extra = getattr(screen, "palette_commands", None)
        if extra:
            yield from extra()

    def _switch(self, screen: Screen) -> None:
        """Every main screen replaces the stack above the start screen."""
        self.action_start()
        self.push_screen(screen)

    def action_start(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_review(self) -> None:
        from simulator.ui.screens.review import ReviewScreen

        self._switch(ReviewScreen())

    def action_author(self) -> None:
        from simulator.ui.screens.author import AuthorScreen

        self._switch(AuthorScreen())

    def action_settings(self) -> None:
        from simulator.ui.screens.settings import SettingsScreen

        self._switch(SettingsScreen())


def _content_stamp(persona_dirs: list[Path] | None, scenario_dirs: list[Path] | None) -> tuple:
    """Names, sizes and times of the content files: cheap to take, changes when a file does."""
    from simulator.content import content_dirs

    folders = (persona_dirs or content_dirs("personas")) + (scenario_dirs or content_dirs("scenarios"))
    files = [f for folder in folders if folder.is_dir() for f in sorted(folder.glob("*.yaml"))]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def _load_library(library: Any, persona_dir: Path | None, scenario_dir: Path | None):
    """The library, and the problems as text; a broken file leaves out only that file."""
    if library is not None:
        return library, ""
    from simulator.content import load_library

    library = load_library(persona_dir, scenario_dir, strict=False)
    return library, "\n".join(str(p) for p in library.problems)


def _open_store(store: Any) -> Any:
    if store is not None:
        return store
    try:
        from simulator.store import Store

        return Store.open()
    except Exception:  # noqa: BLE001 - no store yet (or unreadable db): practice still works, unrecorded
        return None


def create_app(
    library: Any = None, session_factory: Callable[..., Any] | None = None, store: Any = None,
    settings: Any = None, lang: str | None = None, *, warm_up: bool | None = None,
    persona_dir: Path | None = None, scenario_dir: Path | None = None,
    backend: Any = None, scorer: Any = None, export_dir: Path | None = None,
    ask_name: bool | None = None,
) -> RoleplayApp:
    """Build the app. Inject a library, a session factory (fake back-end), a store (temp db).

    `ask_name`: ask who practises here when no name was chosen yet (default: a real run, i.e.
    no injected session factory)."""
    injected = library is not None
    library, error = _load_library(library, persona_dir, scenario_dir)
    dirs = ([Path(persona_dir)] if persona_dir else [], [Path(scenario_dir)] if scenario_dir else [])
    store = _open_store(store)
    hub = ModelHub(settings, backend=backend, scorer=scorer)
    factory = session_factory or default_session_factory(hub)
    if warm_up is None:
        warm_up = session_factory is None
    lang = lang or load_prefs().get("lang") or default_lang()
    app = RoleplayApp(
        library=library, library_error=error, session_factory=factory, store=store, hub=hub,
        lang=lang, warm_up=warm_up, content_dirs=dirs, export_dir=export_dir,
        ask_name=session_factory is None if ask_name is None else ask_name,
    )
    app.library_injected = injected
    app._content_stamp = () if injected else _content_stamp(dirs[0] or None, dirs[1] or None)
    return app
