"""The technician's stumbles at 80x24: each test walks the app as a trainee would."""

from __future__ import annotations

import pytest
from test_ui_support import (  # noqa: F401
    Script,
    anyio_backend,
    engine_factory,
    screen_text,
    scripted_factory,
)
from textual.widgets import Button, Input, Select

from simulator.ui.app import create_app
from simulator.ui.screens.practice import PracticeScreen

pytestmark = pytest.mark.anyio
SIZE = (80, 24)


async def start(pilot, mode: str = "practice", scenario: str | None = None) -> None:
    screen = pilot.app.screen
    screen.query_one("#name", Input).value = "Sam"
    if scenario:
        screen.query_one("#scenario", Select).value = scenario
    screen.query_one("#mode", Select).value = mode
    await pilot.pause()
    screen.query_one("#name", Input).focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PracticeScreen)


async def say(pilot, text: str) -> None:
    pilot.app.screen.query_one("#say", Input).value = text
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_name(app) -> str:
    return type(app.screen).__name__


async def test_the_tenants_last_line_stays_until_enter_opens_the_report():
    closing = "Nou, dan zie ik u straks. Fijne dag."
    app = create_app(session_factory=scripted_factory(Script(end_after=2, closing=closing)),
                     lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await say(pilot, "Goedemiddag, ik ben Sam van Bouwbedrijf Jansen.")
        await say(pilot, "Ik vervang vandaag de kraan, dat duurt een half uur.")
        assert screen_name(app) == "PracticeScreen"  # not whisked away to the report
        assert app.screen.chat.items[-1].text == closing
        shown = screen_text(app)
        assert closing in shown and "Gesprek afgerond — Enter voor het rapport" in shown
        keys = {b.action for _, b, *_ in app.screen.active_bindings.values()}
        assert "retry" not in keys and "hint" not in keys  # nothing left to retry or hint
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "ReportScreen"


async def test_the_ended_line_speaks_english_in_the_english_ui():
    app = create_app(session_factory=scripted_factory(Script(end_after=1)), lang="en",
                     warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await say(pilot, "Hello, I'm Sam.")
        assert "Conversation over — Enter for the report" in screen_text(app)


async def test_ending_before_a_word_asks_first_and_keeps_nothing(tmp_path):
    from simulator.store import Store

    store = Store.open(tmp_path / "empty.db")
    made: list = []
    app = create_app(session_factory=engine_factory(made=made), store=store, lang="nl",
                     warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert screen_name(app) == "Confirm"
        await pilot.press("enter")  # the safe choice has the focus: keep talking
        await pilot.pause()
        assert screen_name(app) == "PracticeScreen" and not made[0].finished
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert screen_name(app) == "StartScreen"  # no report for a talk that never happened
    assert store.list_sessions() == []  # nothing stored, nothing counted in progress


async def test_the_whole_briefing_is_readable_at_80x24():
    end = "Je hebt twee elektrische kachels bij je die de huurder mag lenen."  # what matters
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#scenario", Select).value = "boiler-winter"
        await pilot.pause()
        assert end in " ".join(screen_text(app).split())  # on the start screen
        await start(pilot, scenario="boiler-winter")
        assert end in " ".join(screen_text(app).split())  # and while talking


async def test_assessment_gives_no_help_until_the_report():
    made: list = []
    app = create_app(session_factory=scripted_factory(made=made), lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, mode="assessment")
        screen = app.screen
        keys = {b.action for _, b, *_ in screen.active_bindings.values()}
        assert "retry" not in keys and "hint" not in keys  # not in the footer either
        assert not screen.mood.display  # no live mood bars
        await say(pilot, "Goedemiddag, ik ben Sam.")
        await pilot.press("ctrl+r")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert len(made[0].trainee_turns) == 1 and made[0].hints == 0
        assert screen.feedback.badges == []  # no per-turn badges
        shown = screen_text(app)
        assert "Irritatie" not in shown and "Opnieuw" not in shown and "Tip" not in shown


async def test_back_at_start_the_tenant_choice_has_the_focus_and_is_remembered():
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#persona", Select).value = "impatient"
        await pilot.pause()
        await start(pilot, scenario="boiler-winter")
        await say(pilot, "Goedemiddag, ik ben Sam.")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("escape")  # "Naar start"
        await pilot.pause()
        assert screen_name(app) == "StartScreen"
        assert app.focused is app.screen.query_one("#persona", Select)
        await pilot.press("tab", "enter")  # Tab/Enter no longer starts the last talk again
        await pilot.pause()
        assert screen_name(app) == "StartScreen"
    again = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with again.run_test(size=SIZE) as pilot:
        assert again.screen.query_one("#persona", Select).value == "impatient"
        assert again.screen.query_one("#scenario", Select).value == "boiler-winter"


NEW_PERSONA_NAME = "De nieuwe huurder van de trainer"


async def test_a_persona_a_trainer_just_wrote_appears_without_a_restart(roleplay_home):
    from simulator import paths

    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        folder = paths.user_content_dir("personas")
        folder.mkdir(parents=True, exist_ok=True)
        text = (paths.content_dir("personas") / "grumpy.yaml").read_text(encoding="utf-8")
        (folder / "nieuw.yaml").write_text(
            text.replace("nl: De mopperende huurder", f"nl: {NEW_PERSONA_NAME}"),
            encoding="utf-8")
        await pilot.press("f4")  # away (settings) and back
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        options = app.screen.query_one("#persona", Select)
        assert "nieuw" in [value for _, value in options._options]
        options.value = "nieuw"
        await pilot.pause()
        assert NEW_PERSONA_NAME in screen_text(app)


async def test_a_broken_content_file_is_one_line_for_technicians(roleplay_home):
    from simulator import paths

    folder = paths.user_content_dir("personas")
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(3):  # several broken files: still one line
        (folder / f"kapot-{n}.yaml").write_text("schema_version: 1\nname: {nl: X}\nmoood: 3\n",
                                               encoding="utf-8")
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Een inhoudsbestand heeft fouten; vraag het je trainer." in shown
        assert "kapot-0.yaml" not in shown and "expected" not in shown
        button = app.screen.query_one("#start", Button)
        assert app.screen.region.contains_region(button.region)  # Start stays on screen
        assert "Start gesprek" in shown


async def test_the_report_scrolls_with_pagedown_at_once_and_draws_a_line_chart():
    from textual_plotext import PlotextPlot

    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for line in ("Goedemiddag, ik ben Sam.", "Wat vervelend.", "Ik ga de kraan vervangen."):
            await say(pilot, line)
        await pilot.press("ctrl+e")
        await pilot.pause()
        body = app.screen.query_one("#report-body")
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        chart = app.screen.query_one("#mood-chart")
        assert isinstance(chart, PlotextPlot)
        assert chart.irritation == [6.0, 5.0, 4.0, 3.0] and chart.trust == [3.0, 4.0, 5.0, 6.0]
        await pilot.press("pageup")
        await pilot.pause()
        drawn = screen_text(app)
        assert any("\u2800" < ch <= "\u28ff" for ch in drawn)  # braille line segments


async def test_start_while_the_models_load_waits_without_freezing_the_screen():
    """The session needs the scorer; Start before it is loaded waits off the event loop."""
    import asyncio
    import threading
    from types import SimpleNamespace

    loaded = threading.Event()

    class SlowScorer:
        def load(self, progress=None):
            loaded.wait(30)

    made: list = []
    settings = SimpleNamespace(backend="fake", model=None, embedder="fake", model_langs=[])
    app = create_app(session_factory=scripted_factory(made=made), settings=settings,
                     scorer=SlowScorer(), lang="nl", warm_up=True)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        screen = app.screen
        assert made == [] and screen.say_input.disabled  # no session before the models
        assert "De modellen laden nog" in screen.say_input.placeholder
        loaded.set()
        assert await asyncio.to_thread(app.hub.ready.wait, 30)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(made) == 1 and not screen.say_input.disabled
        assert screen.chat.items[0].text == made[0].opening
