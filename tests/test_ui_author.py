"""Author screen: a trainer sees every file's validation status, with FILE:LINE for broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from screen_text import screen_text
from test_ui_support import anyio_backend, scripted_factory  # noqa: F401
from textual.widgets import Input, OptionList, Static

from simulator.ui.app import create_app
from simulator.ui.screens.practice import PracticeScreen

pytestmark = pytest.mark.anyio

TEMPLATE = Path(__file__).resolve().parent.parent / "simulator/content/templates/persona.yaml"
BROKEN = """schema_version: 1
name:
  nl: Kapot
  en: Broken
description: {nl: x, en: x}
moood: 3
"""


async def test_broken_persona_shows_file_and_line(roleplay_home):
    folder = roleplay_home / "personas"
    folder.mkdir()
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    app = create_app(session_factory=scripted_factory(), lang="en", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "broken.yaml" in app.library_error  # the start screen says so too
        await pilot.press("f3")
        await pilot.pause()
        text = str(app.screen.query_one("#author-text", Static).render())
        assert "broken.yaml:6:" in text and "moood" in text
        options = app.screen.query_one("#files", OptionList)
        highlighted = options.get_option_at_index(options.highlighted).prompt
        assert "✗" in str(highlighted) and "broken" in str(highlighted)
        # the rest of the library still loads: the broken file does not block practice
        assert len(app.library.personas) >= 6 and "broken" not in app.library.personas


async def test_valid_files_are_marked_valid_and_described():
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        text = str(app.screen.query_one("#author-text", Static).render())
        assert "in orde" in text
        options = app.screen.query_one("#files", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert all(p.startswith("✓") for p in prompts)
        assert any("grumpy" in p for p in prompts) and any(p.startswith("✓ S") for p in prompts)


async def test_run_a_scenarios_checks_and_see_the_results():
    app = create_app(session_factory=scripted_factory(), lang="en", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        screen = app.screen
        options = screen.query_one("#files", OptionList)
        options.highlighted = next(i for i, (kind, path) in enumerate(screen.files)
                                   if path.stem == "late-leaking-tap")
        await pilot.pause()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(screen.query_one("#author-text", Static).render())
        assert text.count("✓") == 3 and "passed" in text
        assert "Blaming the traffic makes the grumpy tenant shut the door" in text


def select(app, stem: str) -> None:
    screen = app.screen
    screen.query_one("#files", OptionList).highlighted = next(
        i for i, (_, path) in enumerate(screen.files) if path.stem == stem)


def new_persona(home, ident: str = "buurvrouw") -> None:
    folder = home / "personas"
    folder.mkdir(exist_ok=True)
    (folder / f"{ident}.yaml").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")


async def test_validate_reads_a_new_persona_and_says_what_it_found(roleplay_home):
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        new_persona(roleplay_home)  # written in the trainer's editor while the app runs
        await pilot.press("v")
        await pilot.pause()
        shown = screen_text(app)
        assert "Ingelezen: 7 huurders, 6 scenario's." in shown and "Alles in orde" in shown
        assert "buurvrouw" in shown
        # the app's library is the one just read: the start screen offers the new persona
        assert "buurvrouw" in app.library.personas
        (roleplay_home / "personas" / "kapot.yaml").write_text(BROKEN, encoding="utf-8")
        await pilot.press("v")
        await pilot.pause()
        shown = screen_text(app)
        assert "fout(en) in 1 bestand(en)" in shown and "✗ P kapot" in shown, shown


async def test_checks_of_a_persona_run_from_every_scenario_that_plays_it():
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        select(app, "grumpy")
        await pilot.pause()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#author-text", Static).render())
        grumpy = [(sid, c) for sid, s in app.library.scenarios.items() for c in s.checks
                  if c.persona == "grumpy"]
        assert len({sid for sid, _ in grumpy}) >= 2
        assert text.count("✓") == len(grumpy) and f"{len(grumpy)} geslaagd, 0 mislukt" in text
        # in the Dutch UI an English check is named in Dutch too
        assert "Het verkeer de schuld geven laat de mopperende huurder de deur dichtgooien" in text


async def test_a_new_persona_without_checks_says_how_to_add_one(roleplay_home):
    new_persona(roleplay_home)
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        select(app, "buurvrouw")
        await pilot.press("c")
        await pilot.pause()
        assert "persona: buurvrouw" in screen_text(app)


async def test_preview_with_a_chosen_persona_and_back_to_the_author_screen():
    made: list = []
    app = create_app(session_factory=scripted_factory(made=made), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        select(app, "late-leaking-tap")
        await pilot.press("p")
        await pilot.pause()
        assert "Met welke huurder?" in screen_text(app)  # the trainer chooses, not "the first"
        picker = app.screen.query_one(OptionList)
        picker.highlighted = next(i for i in range(picker.option_count)
                                  if picker.get_option_at_index(i).id == "impatient")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert (app.screen.persona_id, app.screen.scenario_id) == ("impatient", "late-leaking-tap")
        assert app.screen.trainee == "preview" and len(made) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "AuthorScreen"
        assert app.screen.selected[1].stem == "late-leaking-tap"


async def test_a_preview_is_not_stored_and_its_report_leads_back_to_the_author_screen():
    stores: list = []
    scripted = scripted_factory()

    def factory(**kwargs):
        stores.append(kwargs["store"])
        return scripted(**kwargs)

    app = create_app(session_factory=factory, lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        select(app, "grumpy")
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # the first scenario of the list
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and stores == [None]  # nothing stored
        app.screen.query_one("#say", Input).value = "Goedemiddag, ik kom voor de kraan."
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReportScreen"
        assert "Terug naar schrijven" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "AuthorScreen"


async def test_preview_a_new_persona_in_a_chosen_scenario(roleplay_home):
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        new_persona(roleplay_home)
        await pilot.press("v")
        await pilot.pause()
        select(app, "buurvrouw")
        await pilot.press("p")
        await pilot.pause()
        assert "In welk scenario?" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and app.screen.persona_id == "buurvrouw"
        scenarios = app.library.scenarios_for("buurvrouw")
        assert app.screen.scenario_id == scenarios[1]


async def test_a_dutch_trainer_reads_the_problems_in_dutch(roleplay_home):
    folder = roleplay_home / "personas"
    folder.mkdir()
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (folder / "typo.yaml").write_text(
        TEMPLATE.read_text(encoding="utf-8").replace("    complain:", "    complian:", 1),
        encoding="utf-8")
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        texts = []
        for stem in ("broken", "typo"):
            select(app, stem)
            await pilot.pause()
            texts.append(str(app.screen.query_one("#author-text", Static).render()))
        broken, typo = texts
        assert "broken.yaml:6: onbekend veld 'moood' bovenaan" in broken
        assert "background ontbreekt; het veld 'background' is nodig" in broken
        assert "onbekende act 'complian' (bedoel je 'complain'?); kies uit:" in typo
        assert "unknown" not in broken + typo and "expected" not in broken + typo
