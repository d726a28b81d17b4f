"""Review screen: a team leader filters sessions, agrees/disagrees with detections, comments."""

from __future__ import annotations

import pytest
from test_ui_support import anyio_backend, scripted_factory  # noqa: F401
from textual.widgets import DataTable, Input, Static

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
    """The app as team leader "Tl Anne" opens it on `store` (she gave her name before)."""
    save_prefs(reviewer="Tl Anne")
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
        progress = str(screen.query_one("#progress-label", Static).render())
        assert "Voortgang van Sam: 45 → 75" in progress  # Sam's two sessions, oldest first
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
        assert str(sessions.get_row_at(0)[1]) == "Piet [Ja…"  # cut to its column, as text
        facts = str(screen.query_one("#session-facts", Static).render())
        assert "Piet [Jansen Onderhoud] [/]" in facts
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


async def test_the_review_screen_asks_who_reviews_and_signs_with_that_name(store):
    from simulator.exports import render

    save_prefs(trainee="Sam de Vries")  # the name last typed on the start screen: not the leader
    app = create_app(session_factory=scripted_factory(), store=store, lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert "Wie beoordeelt" in str(app.screen.query_one(".title").render())
        await pilot.press("escape")  # no name, no review
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press(*"Anne Bakker", "enter")
        await pilot.pause()
        screen, sessions = app.screen, app.screen.query_one("#sessions", DataTable)
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        comment = screen.query_one("#comment", Input)
        assert "Anne Bakker" in comment.placeholder
        comment.focus()
        await pilot.press(*"Goed plan uitgelegd.", "enter")
        await pilot.pause()
        sid = screen.session["id"]
        assert [r["reviewer"] for r in store.reviews(sid)] == ["Anne Bakker"]
        assert "**Anne Bakker**" in render(store, [sid], "md")
    # Remembered: the next run does not ask; `n` changes it.
    app = create_app(session_factory=scripted_factory(), store=store, lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, sessions = await open_review(pilot, app)
        assert screen.reviewer == "Anne Bakker" and app.screen is screen
        await pilot.press("n")
        await pilot.pause()
        field = app.screen.query_one("#person-name", Input)
        assert field.value == "Anne Bakker"
        field.value = "Bram"
        await pilot.press("enter")
        await pilot.pause()
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        turns = screen.query_one("#turns", DataTable)
        turns.move_cursor(row=next(i for i, r in enumerate(screen.rows) if r and r[1]))
        await pilot.press("a")
        await pilot.pause()
        reviewers = [o["reviewer"] for t in store.turns(screen.session["id"]) for o in t["overrides"]]
        assert reviewers == ["Bram"]


LONG = ("Goedemiddag mevrouw, ik ben Sam van Bouwbedrijf Jansen en ik kom de lekkende kraan in de "
        "keuken maken; het spijt me echt dat ik een uur later ben dan we hadden afgesproken.")


async def test_the_transcript_wraps_and_the_screen_says_names_mode_language_and_score(tmp_path):
    store = Store.open(tmp_path / "names.db")
    sid = store.start_session(trainee="Sam", persona_id="grumpy", scenario_id="late-leaking-tap",
                              lang="en", mode="assessment", consent=True)
    store.add_turn(sid, speaker="tenant", text="Finally.")
    store.add_turn(sid, speaker="trainee", text=LONG)
    store.end_session(sid, "resolved", {"listening": 40, "hospitality": 50})
    empty = store.start_session(trainee="Noor", persona_id="grumpy", scenario_id="repeat-visit",
                                lang="nl", consent=True)
    store.add_turn(empty, speaker="tenant", text="Ja?")  # ended before a word was said
    store.end_session(empty, "ended", {"listening": 0, "hospitality": 0})
    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, sessions = await open_review(pilot, app)
        assert sessions.row_count == 1  # the empty session is not there to review
        cells = [str(c) for c in sessions.get_row_at(0)]
        assert cells[2].startswith("De mopper") and cells[3].startswith("Een uur")
        assert cells[4] == "toets en" and cells[6] == "45"
        facts = str(screen.query_one("#session-facts", Static).render())
        assert "De mopperende huurder · Een uur te laat voor een lekkende kraan" in facts
        assert "toets · Engels · opgelost · score 45" in facts
        sessions.focus()
        await pilot.press("enter")
        await pilot.pause()
        head = str(screen.query_one("#detail-head", Static).render())
        assert "Een uur te laat voor een lekkende kraan" in head and "late-leaking-tap" not in head
        turns = screen.query_one("#turns", DataTable)
        row = turns.ordered_rows[1]
        assert row.height >= 3  # the long line wraps over several lines ...
        assert turns.max_scroll_x == 0  # ... and nothing is cut off to the right
        assert str(turns.get_row_at(1)[1]) == "Medewerker"  # the leader reads: not "Jij"


async def test_a_team_leader_sees_a_trainees_progress_as_a_line_chart(store):
    from simulator.ui.widgets.progress_chart import ProgressChart

    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, sessions = await open_review(pilot, app)
        row = next(i for i, s in enumerate(screen.sessions) if s["trainee"] == "Sam")
        sessions.move_cursor(row=row)
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        chart = screen.query_one(ProgressChart)
        assert screen.view == "review-chart" and chart.size.height >= 15
        assert chart.series == {"listening": [40, 70], "hospitality": [50, 80]}
        drawn = str(chart.render())
        assert "Voortgang van Sam" in drawn and "Luisteren" in drawn and "Gastvrijheid" in drawn
        assert any("\u2800" < ch <= "\u28ff" for ch in drawn)  # lines in braille dots
        await pilot.press("g")
        await pilot.pause()
        assert screen.view == "review-list"


async def test_a_team_leader_is_told_when_the_teams_own_calibration_no_longer_counts(store):
    from scoring.model import SHIPPED, Calibration, user_path
    from scoring.scorer import Scorer

    old = Scorer.default().model_id.split("+")[0] + "+an-older-reading"
    user_path(old).parent.mkdir(parents=True, exist_ok=True)
    shipped = Calibration.from_json(SHIPPED.read_text(), "shipped")
    user_path(old).write_text(Calibration(old, shipped.behaviours, "reviews").to_json())
    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _ = await open_review(pilot, app)
        shown = str(screen.query_one("#kappa", Static).render())
        assert "is van een oudere scorer" in shown
        assert "roleplay calibrate --from-reviews" in shown
