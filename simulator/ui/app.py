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


class RoleplayApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "roleplay"

    status_text: reactive[str] = reactive("")

    def __init__(
        self, *, library: Any, library_error: str, session_factory: Callable[..., Any],
        store: Any, hub: ModelHub, lang: str, warm_up: bool, content_dirs: tuple[list, list],
        export_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.library_error = library_error
        self.session_factory = session_factory
        self.store = store
        self.hub = hub
        self.lang = lang
        self.warm_up_models = warm_up
        self.persona_dirs, self.scenario_dirs = content_dirs  # [] = the default folders
        self.export_dir = export_dir
        self.model_state = t("status_loading", lang) if warm_up else t("status_ready", lang)

    def on_mount(self) -> None:
        from simulator.ui.screens.start import StartScreen
        from simulator.ui.threadstore import ThreadSafeStore

        if self.store is not None and not isinstance(self.store, ThreadSafeStore):
            self.store = ThreadSafeStore(self.store, self)
        self.update_status()
        self.push_screen(StartScreen())
        if self.warm_up_models:
            # after the first frame, so the start screen is readable while models load
            self.call_after_refresh(self.load_models)

    def update_status(self, state: str | None = None) -> None:
        if state is not None:
            self.model_state = state
        self.status_text = f"{self.hub.describe()} — {self.model_state}"

    @work(thread=True, exclusive=True, group="models", exit_on_error=False)
    def load_models(self) -> None:
        report = lambda message: self.call_from_thread(
            self.update_status, progress_text(message, self.lang)
        )
        errors = self.hub.warm_up(report)
        self.call_from_thread(self._models_loaded, errors)

    def _models_loaded(self, errors: dict[str, str]) -> None:
        lines = []
        if "backend" in errors:
            lines.append(t("status_failed", self.lang, error=errors["backend"]))
        if "scorer" in errors:
            lines.append(t("status_scorer_failed", self.lang, error=errors["scorer"]))
        self.update_status(" ".join(lines) or t("status_ready", self.lang))
        for line in lines:
            self.notify(line, severity="warning", timeout=8)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, action in (("cmd_start", self.action_start), ("cmd_review", self.action_review),
                            ("cmd_author", self.action_author),
                            ("cmd_settings", self.action_settings)):
            yield SystemCommand(t(key, self.lang), t(key, self.lang), action)
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
) -> RoleplayApp:
    """Build the app. Inject a library, a session factory (fake back-end), a store (temp db)."""
    library, error = _load_library(library, persona_dir, scenario_dir)
    dirs = ([Path(persona_dir)] if persona_dir else [], [Path(scenario_dir)] if scenario_dir else [])
    store = _open_store(store)
    hub = ModelHub(settings, backend=backend, scorer=scorer)
    factory = session_factory or default_session_factory(hub)
    if warm_up is None:
        warm_up = session_factory is None
    lang = lang or load_prefs().get("lang") or default_lang()
    return RoleplayApp(
        library=library, library_error=error, session_factory=factory, store=store, hub=hub,
        lang=lang, warm_up=warm_up, content_dirs=dirs, export_dir=export_dir,
    )
