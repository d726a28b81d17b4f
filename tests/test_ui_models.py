"""Models in the app: loaded in a worker; a missing model is said plainly, practice goes on."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from test_ui_support import anyio_backend  # noqa: F401
from textual.widgets import Input

from simulator.ui.app import create_app

pytestmark = pytest.mark.anyio


class MissingModel:
    """A back-end whose model is not on this machine."""

    model_id = "missing/model"

    def load(self, progress=None):
        from simulator.backends import BackendError

        raise BackendError("model missing/model not found in the cache")

    def stream(self, messages, options=None, should_stop=lambda: False):
        self.load()


async def test_missing_model_shows_a_message_and_the_tenant_answers_from_its_corpus():
    from scoring.embedder import FakeEmbedder
    from scoring.scorer import Scorer

    settings = SimpleNamespace(backend="transformers", model="missing/model", embedder="fake")
    app = create_app(lang="en", settings=settings, backend=MissingModel(),
                     scorer=Scorer(embedder=FakeEmbedder(), use_cache=False), ask_name=False)
    async with app.run_test(size=(80, 24)) as pilot:
        # The warm-up worker starts after the first frame; wait until it has finished.
        assert await asyncio.to_thread(app.hub.ready.wait, 60)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert "Model unavailable" in status and "not found" in status
        assert "answers from its corpus" in status
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        app.screen.query_one("#say", Input).value = "Good afternoon, I'm Sam from Jansen."
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        session = app.screen.session
        assert session.tenant_turns[-1].source in ("corpus", "fallback")  # authored, no model
        assert app.screen.chat.items[-1].text == session.tenant_turns[-1].text != ""


async def test_command_palette_offers_the_main_actions():
    from test_ui_support import scripted_factory

    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Sessies beoordelen (teamleider)", "Personas en scenario's (trainer)"} <= set(titles)
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Tip", "Opnieuw", "Einde"} <= set(titles)


async def test_settings_screen_saves_and_shows_the_choice_in_the_status_line():
    from test_ui_support import scripted_factory

    from simulator.settings import load_settings

    app = create_app(session_factory=scripted_factory(), lang="en", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#model", Input).value = "Qwen/Qwen2.5-1.5B-Instruct"
        app.screen.query_one("#save").press()
        await pilot.pause()
        assert load_settings().model == "Qwen/Qwen2.5-1.5B-Instruct"
        assert "Qwen/Qwen2.5-1.5B-Instruct" in str(app.screen.query_one("#status").render())
        app.screen.query_one("#model", Input).value = ""
        app.screen.query_one("#save").press()
        await pilot.pause()
        assert load_settings().model is None  # blank: back to the embedded model


async def test_settings_screen_sets_the_languages_the_model_may_speak():
    from test_ui_support import scripted_factory
    from textual.widgets import Select

    from simulator.settings import load_settings, model_languages

    app = create_app(session_factory=scripted_factory(), lang="en", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        assert model_languages(load_settings()) == ()  # the embedded model speaks no language
        assert "corpus" in str(app.screen.query_one("#status").render())
        app.screen.query_one("#model_langs", Select).value = "en"
        app.screen.query_one("#save").press()
        await pilot.pause()
        assert load_settings().model_langs == ["en"]
        assert "SmolLM2-135M (en)" in str(app.screen.query_one("#status").render())
        app.screen.query_one("#model_langs", Select).value = "default"
        app.screen.query_one("#save").press()
        await pilot.pause()
        assert load_settings().model_langs is None


def test_a_new_name_keeps_the_loaded_models_and_a_new_model_lets_the_old_one_go():
    from simulator.settings import Settings
    from simulator.ui.models import ModelHub

    class Closing:
        closed = False

        def close(self):
            self.closed = True

    backend, scorer = Closing(), object()
    hub = ModelHub(Settings(trainee="Sam"), backend=backend, scorer=scorer)
    assert hub.use_settings(Settings(trainee="Noor")) is False
    assert hub.backend is backend and hub.scorer is scorer  # nothing loads again
    assert hub.use_settings(Settings(trainee="Noor", model="/models/other.gguf")) is True
    assert backend.closed and hub.scorer is scorer  # the embedder did not change
