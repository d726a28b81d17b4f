"""Author screen: a trainer sees every file's validation status, with FILE:LINE for broken ones."""

from __future__ import annotations

import pytest
from test_ui_support import anyio_backend, scripted_factory  # noqa: F401
from textual.widgets import OptionList, Static

from simulator.ui.app import create_app

pytestmark = pytest.mark.anyio

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


async def test_preview_conversation_with_the_selected_persona():
    made: list = []
    app = create_app(session_factory=scripted_factory(made=made), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_author()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "PracticeScreen"
        assert app.screen.persona_id == "anxious" and app.screen.trainee == "preview"
        assert len(made) == 1
