"""Practice flow through the whole app: start -> practice (turns, retry, hint) -> report."""

from __future__ import annotations

import pytest
from test_ui_support import Script, anyio_backend, scripted_factory  # noqa: F401
from textual.widgets import Input, Select

from simulator.engine.director import TenantState
from simulator.ui.app import create_app
from simulator.ui.screens.practice import PracticeScreen

pytestmark = pytest.mark.anyio


async def say(pilot, text: str) -> None:
    pilot.app.screen.query_one("#say", Input).value = text
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def chat_texts(app) -> list[str]:
    return [item.text.strip() for item in app.screen.chat.items]


async def test_scripted_session_three_turns_retry_hint_and_end():
    made: list = []
    app = create_app(session_factory=scripted_factory(made=made), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        await say(pilot, "Goedemiddag, ik ben Sam van Bouwbedrijf Jansen.")
        await say(pilot, "Dat is vervelend.")
        assert chat_texts(app)[-1] == "Dat zei de vorige ook."
        await pilot.press("ctrl+r")  # retry: the last exchange is undone, the line comes back
        await pilot.pause()
        assert chat_texts(app)[-1] == "Nou, het lekt al weken."
        assert app.screen.say_input.value == "Dat is vervelend."
        assert made[0].state == TenantState(5.0, 4.0)
        await say(pilot, "Wat vervelend dat het al weken lekt.")
        await say(pilot, "Mag ik even binnenkomen?")
        assert len(made[0].turns) == 3 and len(chat_texts(app)) == 7
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Ik snap dat u hier klaar mee bent." in str(app.screen.feedback.render())
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReportScreen"
        assert made[0].outcome == "ended"


async def test_a_pause_in_typing_hands_the_line_so_far_to_the_session():
    """So the scorer can work ahead on it (session.draft): Enter then leaves it less to do."""
    made: list = []
    app = create_app(session_factory=scripted_factory(made=made), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        await pilot.press(*"Goedemiddag mevrouw")
        await pilot.pause(0.4)
        await pilot.app.workers.wait_for_complete()
        assert made[0].drafts[-1] == "Goedemiddag mevrouw"
        assert len(made[0].drafts) < len("Goedemiddag mevrouw")  # pauses, not every key
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.4)
        assert made[0].drafts[-1] == "Goedemiddag mevrouw"  # nothing handed over once sent


async def test_failed_reply_keeps_draft_and_unlocks_input():
    made: list = []
    app = create_app(session_factory=scripted_factory(Script(fail_on=0), made), lang="en",
                     warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        await say(pilot, "Hello, I'm Sam.")
        screen = app.screen
        assert screen.say_input.value == "Hello, I'm Sam."  # the draft is back
        assert not screen.say_input.disabled and not screen.busy
        assert chat_texts(app) == ["Ja? Wat komt u doen?"]  # the half exchange is gone
        assert made[0].turns == []


async def test_language_switch_relabels_the_start_screen():
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Start gesprek" in str(app.screen.query_one("#start").label)
        app.screen.query_one("#lang", Select).value = "en"
        await pilot.pause()
        await pilot.pause()
        assert app.lang == "en"
        assert "Start conversation" in str(app.screen.query_one("#start").label)
        footer_keys = {b.description for _, b, *_ in app.screen.active_bindings.values()}
        assert "Review" in footer_keys


async def test_engine_flow_start_practice_report_export(tmp_path):
    """The real PracticeSession (fake back-end, FakeEmbedder scorer) and a temporary store."""
    from test_ui_support import engine_factory

    from simulator.backends.fake import FakeBackend
    from simulator.store import Store

    store = Store.open(tmp_path / "flow.db")
    backend = FakeBackend(["Nou, eindelijk. Het lekt al weken.", "Hm. En hoe lang duurt dat?",
                           "Goed, kom dan maar binnen."])
    made: list = []
    app = create_app(session_factory=engine_factory(backend, made), store=store,
                     lang="nl", warm_up=False, export_dir=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        session = made[0]
        await say(pilot, "Goedemiddag, ik ben Sam van Bouwbedrijf Jansen.")
        await say(pilot, "Dat is niet mijn probleem.")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(session.trainee_turns) == 1 and app.screen.say_input.value
        await say(pilot, "Wat vervelend dat u hier al zo lang last van heeft.")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert str(app.screen.feedback.render()).startswith("Tip:")
        await say(pilot, "Ik ga eerst de kraan dichtdraaien en dan kijk ik wat er mis is.")
        assert len(session.trainee_turns) == 3, [n.message for n in app._notifications]
        texts = chat_texts(app)
        assert texts[0] == session.opening and len(texts) == 7
        assert texts[-1] == session.tenant_turns[-1].text
        stored = store.turns(session.session_id)
        assert [t["speaker"] for t in stored] == ["tenant"] + ["trainee", "tenant"] * 3
        assert "Dat is niet mijn probleem." not in [t["text"] for t in stored]  # rewound
        await pilot.press("ctrl+e")
        await pilot.pause()
        report = app.screen
        assert type(report).__name__ == "ReportScreen"
        headline = str(report.query_one("#headline").render())
        assert "door jou beëindigd" in headline and f"{report.report.tenant_rating}/10" in headline
        assert len(report.query_one("#mood-chart").timeline) == 4  # the door + three turns
        await pilot.press("x")
        await pilot.pause()
        assert report.exported is not None and report.exported.exists()
        html = report.exported.read_text(encoding="utf-8")
        assert "Wat vervelend dat u hier al zo lang last van heeft." in html
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"


async def test_escape_cancels_a_reply_and_gives_the_line_back():
    import threading

    from test_ui_support import ScriptedSession

    from simulator.engine.actor import ReplyCancelled

    started = threading.Event()

    class SlowTenant(ScriptedSession):
        def reply(self, on_chunk=None, should_stop=lambda: False):
            on_chunk("Nou")
            started.set()
            while not should_stop():  # a model that keeps generating until told to stop
                threading.Event().wait(0.01)
            raise ReplyCancelled()

    made: list = []

    def factory(**kwargs):
        made.append(SlowTenant(Script(), kwargs["lang"], kwargs["mode"]))
        return made[-1]

    app = create_app(session_factory=factory, lang="en", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Sam", "enter")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#say", Input).value = "Hello, I'm Sam."
        await pilot.press("enter")
        while not started.is_set():
            await pilot.pause()
        assert screen.busy and screen.say_input.disabled  # locked while the tenant speaks
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.busy and screen.say_input.value == "Hello, I'm Sam."
        assert made[0].turns == [] and chat_texts(app) == ["Ja? Wat komt u doen?"]
