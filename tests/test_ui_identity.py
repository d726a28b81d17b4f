"""Who practises here: asked once in the app, changed in the settings, the same for every command."""

from __future__ import annotations

import getpass

import pytest
from click.testing import CliRunner
from test_ui_support import anyio_backend, engine_factory  # noqa: F401
from textual.widgets import Input

from simulator.cli import main
from simulator.store import Store
from simulator.ui.app import create_app
from simulator.ui.prefs import save_prefs

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def login(monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "jdevries")


def app_on(store, **kwargs):
    return create_app(session_factory=engine_factory(), store=store, lang="nl", warm_up=False,
                      **kwargs)


async def test_first_run_asks_the_name_once_and_sessions_carry_it(tmp_path):
    store = Store.open(tmp_path / "s.db")
    async with app_on(store, ask_name=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        question = pilot.app.screen
        assert "Wie oefent er op deze computer?" in str(question.query_one(".title").render())
        field = question.query_one("#person-name", Input)
        assert field.value == "jdevries"  # the login name is proposed
        field.value = ""
        await pilot.press("enter")  # no name: the question stays
        await pilot.pause()
        assert pilot.app.screen is question
        await pilot.press(*"Sam de Vries", "enter")
        await pilot.pause()
        start = pilot.app.screen
        assert start.query_one("#name", Input).value == "Sam de Vries"
        await pilot.click("#start")  # a conversation as Sam de Vries
        await pilot.pause()
        pilot.app.screen.query_one("#say", Input).value = "Goedemiddag, ik kom de kraan maken."
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    sid = store.list_sessions()[0]["id"]
    assert store.session(sid)["trainee"] == "Sam de Vries"
    store.close()
    # A second start does not ask again; the plain command lists Sam's own (private) session.
    async with app_on(Store.open(tmp_path / "s.db"), ask_name=True).run_test(size=(80, 24)) as p:
        await p.pause()
        assert type(p.app.screen).__name__ == "StartScreen"
    listed = CliRunner(env={"ROLEPLAY_DB": str(tmp_path / "s.db")}).invoke(main, ["sessions", "list"])
    assert sid[:12] in listed.output, listed.output


async def test_escape_leaves_the_name_unchosen_and_the_login_name_stands_in(tmp_path):
    async with app_on(Store.open(tmp_path / "s.db"), ask_name=True).run_test(size=(80, 24)) as p:
        await p.pause()
        await p.press("escape")
        await p.pause()
        assert p.app.screen.query_one("#name", Input).value == "jdevries"
    from simulator.identity import chosen_trainee

    assert chosen_trainee() is None  # asked again next time


async def test_the_settings_screen_changes_the_name_for_app_and_commands(tmp_path):
    save_prefs(trainee="Sam")
    async with app_on(Store.open(tmp_path / "s.db")).run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        field = pilot.app.screen.query_one("#trainee", Input)
        assert field.value == "Sam"
        field.value = "Noor Bakker"
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen.query_one("#name", Input).value == "Noor Bakker"
    from simulator.identity import local_trainee

    assert local_trainee() == "Noor Bakker"
