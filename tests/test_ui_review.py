"""Review screen: a team leader filters sessions, agrees/disagrees with detections, comments."""

from __future__ import annotations

import pytest
from test_ui_support import anyio_backend, scripted_factory  # noqa: F401
from textual.widgets import DataTable, Input, Sparkline, Static

from simulator.store import Store
from simulator.ui.app import create_app
from simulator.ui.prefs import save_prefs

pytestmark = pytest.mark.anyio


def add_session(store, trainee, scenario, lines, scores, consent=True):
    sid = store.start_session(trainee=trainee, persona_id="grumpy", scenario_id=scenario,
                              lang="nl", consent=consent)
    store.add_turn(sid, speaker="tenant", text="Ja? Wat moet u?")
    for text, behaviours in lines:
        tid = store.add_turn(sid, speaker="trainee", text=text)
        store.add_detections(tid, [{"behaviour": b, "detected": True, "confidence": 0.8,
                                    "sentence": text, "exemplar": "x"} for b in behaviours])
        store.add_turn(sid, speaker="tenant", text="Hm.")
    store.end_session(sid, "ended", scores)
    return sid


def review_app(store):
    """The app as team leader "Tl Anne" opens it on `store`."""
    save_prefs(trainee="Tl Anne")
    return create_app(session_factory=scripted_factory(), store=store, lang="nl", warm_up=False)


async def open_review(pilot, app):
    """F2: the review screen and its sessions table."""
    await pilot.press("f2")
    await pilot.pause()
    return app.screen, app.screen.query_one("#sessions", DataTable)


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "review.db")
    add_session(store, "Sam", "leaking-tap", [("Goedemiddag, ik ben Sam.", ["greet_introduce"])],
                {"listening": 40, "hospitality": 50})
    add_session(store, "Sam", "leaking-tap", [("Wat vervelend voor u, zeg.",
                                               ["acknowledge_emotion", "apologize"])],
                {"listening": 70, "hospitality": 80})
    add_session(store, "Noor", "leaking-tap", [("Hallo, ik kom de kraan maken.", ["explain_plan"])],
                {"listening": 30, "hospitality": 60})
    add_session(store, "Geheim", "leaking-tap", [("Hoi.", [])], None, consent=False)
    return store


async def test_filter_override_and_comment(store):
    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, sessions = await open_review(pilot, app)
        assert sessions.row_count == 3  # the unshared session is not shown to a team leader
        assert "nog te weinig" in str(screen.query_one("#kappa", Static).render())
        screen.query_one("#f-trainee", Input).value = "Noor"
        await pilot.pause()
        assert sessions.row_count == 1
        screen.query_one("#f-trainee", Input).value = ""
        screen.query_one("#f-text", Input).value = "vervelend"
        await pilot.pause()
        assert sessions.row_count == 1
        assert screen.query_one("#progress", Sparkline).data == [45.0, 75.0]  # Sam's two sessions
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        turns = screen.query_one("#turns", DataTable)
        cells = [str(turns.get_row_at(i)[2]) for i in range(turns.row_count)]
        assert "Wat vervelend voor u, zeg." in cells
        assert any("Gevoel erkennen" in c for c in cells) and any("Excuses" in c for c in cells)
        # first detection row: disagree; second: agree
        turns.move_cursor(row=next(i for i, r in enumerate(screen.rows) if r and r[1]))
        await pilot.press("d")
        await pilot.pause()
        sid = screen.session["id"]
        overrides = [o for t in store.turns(sid) for o in t["overrides"]]
        assert len(overrides) == 1 and overrides[0]["agree"] is False
        assert overrides[0]["reviewer"] == "Tl Anne"
        comment = screen.query_one("#comment", Input)
        comment.focus()
        await pilot.press(*"Goed gedaan, vraag meer door.")
        await pilot.press("enter")
        await pilot.pause()
        assert [r["comment"] for r in store.reviews(sid)] == ["Goed gedaan, vraag meer door."]
        assert "Goed gedaan" in str(screen.query_one("#comments", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert "κ" in str(screen.query_one("#kappa", Static).render())


async def test_a_team_leader_marks_a_missed_behaviour_and_sees_kappa_per_behaviour(store):
    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, sessions = await open_review(pilot, app)
        screen.query_one("#f-trainee", Input).value = "Noor"
        await pilot.pause()
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        turns = screen.query_one("#turns", DataTable)
        # The trainee's own line (no badge under it): a/d have nothing to judge, m adds one.
        turns.move_cursor(row=next(i for i, r in enumerate(screen.rows) if r and r[1] is None))
        await pilot.press("d")
        await pilot.pause()
        sid = screen.session["id"]
        assert not [o for t in store.turns(sid) for o in t["overrides"]]
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert "beurt 2" in str(picker.query_one(Static).render())
        names = [str(o.prompt) for o in picker.query_one("OptionList").options]
        assert "Begroeten en voorstellen" in names and len(names) == 10  # explain_plan is shown
        await pilot.press("enter")  # the first: acknowledge_emotion
        await pilot.pause()
        assert app.screen is screen
        labels = [(o["behaviour"], o["agree"]) for t in store.turns(sid) for o in t["overrides"]]
        assert labels == [("acknowledge_emotion", False)]  # scorer said no; the leader says yes
        cells = [str(turns.get_row_at(i)[2]) for i in range(turns.row_count)]
        assert any("+ Gevoel erkennen" in c and "gemist" in c for c in cells)
        await pilot.press("escape")
        await pilot.pause()
        kappa = screen.query_one("#kappa", Static)
        assert "alles: nog te weinig oordelen (1/10)" in str(kappa.render())
        await pilot.press("k")
        await pilot.pause()
        assert "Gevoel erkennen" in str(kappa.render())
        assert "te weinig oordelen (1/10)" in str(kappa.render()).splitlines()[1]


async def test_markup_in_names_and_comments_is_shown_as_text_never_run(tmp_path):
    store = Store.open(tmp_path / "markup.db")
    sid = add_session(store, "Piet [Jansen Onderhoud] [/]", "leaking-tap",
                      [("[@click=app.quit]klik[/] [b]vet[/b]", ["greet_introduce"])],
                      {"listening": 40, "hospitality": 50})
    from simulator.store.review import add_review

    add_review(store, sid, "[/]", '[link="file:///etc/passwd"]hier[/link]')
    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, sessions = await open_review(pilot, app)
        assert str(sessions.get_row_at(0)[1]) == "Piet [Jansen Onderhoud] [/]"
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and app.is_running  # no MarkupError, no quit
        head = str(screen.query_one("#detail-head", Static).render())
        assert "Piet [Jansen Onderhoud] [/]" in head
        turns = screen.query_one("#turns", DataTable)
        cells = [str(turns.get_row_at(i)[2]) for i in range(turns.row_count)]
        assert "[@click=app.quit]klik[/] [b]vet[/b]" in cells
        comments = str(screen.query_one("#comments", Static).render())
        assert '[/]: [link="file:///etc/passwd"]hier[/link]' in comments
