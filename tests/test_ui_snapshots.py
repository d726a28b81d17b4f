"""Snapshots of the key screens at 80x24: scripted tenant, fixed settings, no clock, no blink."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_ui_support import scripted_factory
from textual.widgets import Input

from simulator.store import Store
from simulator.ui.app import create_app
from simulator.ui.prefs import save_prefs

SIZE = (80, 24)
SETTINGS = SimpleNamespace(backend="fake", model="scripted", embedder="fake")


def make_app(**kwargs):
    save_prefs(trainee="Sam", lang="nl", consent=False)
    return create_app(session_factory=scripted_factory(), settings=SETTINGS, lang="nl",
                      warm_up=False, **kwargs)


async def no_blink(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def practice(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await no_blink(pilot)
    pilot.app.screen.query_one("#say", Input).value = "Goedemiddag, ik ben Sam van Jansen."
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_start_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=no_blink)


def test_practice_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=practice)


@pytest.fixture
def review_store(tmp_path):
    store = Store.open(tmp_path / "snap.db")
    for n, (trainee, scores) in enumerate([("Sam", {"listening": 40, "hospitality": 60}),
                                           ("Noor", {"listening": 75, "hospitality": 55})]):
        sid = store.start_session(trainee=trainee, persona_id="grumpy",
                                  scenario_id="late-leaking-tap", lang="nl", consent=True)
        store.add_turn(sid, speaker="tenant", text="Ja? Wat moet u?")
        tid = store.add_turn(sid, speaker="trainee", text="Goedemiddag, ik kom de kraan maken.")
        store.add_detections(tid, [{"behaviour": "greet_introduce", "detected": True,
                                    "confidence": 0.81, "sentence": "Goedemiddag", "exemplar": ""}])
        store.end_session(sid, "resolved", scores)
        # fixed times: a snapshot has no clock
        store.db.execute("UPDATE sessions SET started = ? WHERE id = ?",
                         [f"2026-03-0{n + 1}T10:00:00Z", sid])
    return store


def test_review_screen(snap_compare, review_store):
    async def open_review(pilot):
        save_prefs(reviewer="Anne")  # she gave her name before: the screen itself, no question
        await pilot.press("f2")
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(make_app(store=review_store), terminal_size=SIZE, run_before=open_review)


def test_report_screen(snap_compare, tmp_path):
    """The real engine (fake back-end, FakeEmbedder, fixed seed) so the report is a real one."""
    from test_ui_support import engine_factory

    from simulator.backends.fake import FakeBackend

    backend = FakeBackend(["Nou, eindelijk. Het lekt al weken.", "En hoe lang gaat dat duren?"])
    store = Store.open(tmp_path / "report.db")
    app = make_app(store=store)
    app.session_factory = engine_factory(backend)

    async def play(pilot):
        await pilot.press("enter")
        await pilot.pause()
        for line in ("Goedemiddag, ik ben Sam van Bouwbedrijf Jansen.",
                     "Wat vervelend dat u hier al zo lang last van heeft."):
            pilot.app.screen.query_one("#say", Input).value = line
            await pilot.press("enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=play)
