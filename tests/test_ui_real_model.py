"""The app with the real embedded models: a trainee completes a three-turn session."""

from __future__ import annotations

import pytest
from test_ui_support import anyio_backend  # noqa: F401
from textual.widgets import Input

from simulator.ui.app import create_app

pytestmark = [pytest.mark.anyio, pytest.mark.real_model]

LINES = (
    "Goedemiddag, ik ben Sam van Bouwbedrijf Jansen. Ik kom voor de cv-ketel.",
    "Wat vervelend dat u zonder verwarming zit, en dat met een kind in huis.",
    "Ik ga eerst de ketel bekijken; dat duurt ongeveer tien minuten. Is dat goed?",
)


async def test_three_turn_session_with_the_real_models(tmp_path):
    # real settings, back-end, scorer, store; a returning user (the name question is tested apart)
    app = create_app(lang="nl", export_dir=tmp_path, ask_name=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#status").render()  # on screen before the models load
        await app.workers.wait_for_complete()  # the warm-up worker
        assert app.hub.errors == {}, app.hub.errors
        assert app.model_state == "klaar"
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        screen = app.screen
        for line in LINES:
            screen.query_one("#say", Input).value = line
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            if screen.session.finished:
                break
        session = screen.session
        assert len(session.trainee_turns) == 3
        assert all(t.text.strip() for t in session.tenant_turns)
        assert "greet_introduce" in session.trainee_turns[0].behaviours
        shown = [item.text for item in screen.chat.items]
        assert shown[-1] == session.tenant_turns[-1].text
        await pilot.press("ctrl+e")
        await pilot.pause()
        report = app.screen
        assert type(report).__name__ == "ReportScreen"
        assert 1 <= report.report.tenant_rating <= 10
        stored = app.store.turns(session.session_id)
        assert [t["speaker"] for t in stored] == ["tenant"] + ["trainee", "tenant"] * 3
