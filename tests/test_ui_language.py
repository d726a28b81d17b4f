"""The Dutch UI speaks Dutch: every screen's visible text, walked as each user would, has no English.

English is what the app's own English strings, Textual's built-in texts and a few common words
say; a word that Dutch uses as well (model, feedback, scenario, ...) is allowed, as are proper
names and ids shown as ids (file names in the author screen, model names in the status line).
"""

from __future__ import annotations

import os
import re

import pytest
from screen_text import screen_text
from test_ui_support import anyio_backend, scripted_factory  # noqa: F401
from textual.widgets import DataTable, Input, OptionList, Select

from simulator.exports.labels import WORDS
from simulator.store import Store
from simulator.ui.app import create_app
from simulator.ui.i18n import STRINGS
from simulator.ui.prefs import save_prefs

pytestmark = pytest.mark.anyio

# What Textual itself shows in English (select prompt, footer keys, palette, system commands).
TEXTUAL_ENGLISH = (
    "Select", "Dismiss menu", "palette", "Search for commands…", "No matches found", "Theme",
    "Change the current theme", "Quit the application as soon as possible", "Keys",
    "Show help for the focused widget and a summary of available keys", "Screenshot",
    "Save an SVG 'screenshot' of the current screen", "Maximize", "Minimize",
    "Exit the command palette",
)
COMMON_ENGLISH = ("the and to with you your this that it for on at from are be been not no yes "
                  "please an makes without by")
# Words Dutch uses too (or that are the same in both), and YAML keys a trainer types.
SHARED = {
    "back-end", "coaching", "computer", "corpus", "door", "embedder", "enter", "esc", "feedback",
    "html", "in", "is", "later", "menu", "model", "over", "per", "persona", "personas", "roleplay",
    "scenario", "scenarios", "score", "scores", "scorer", "server", "start", "stop", "last", "team",
    "tip", "tips", "trainer", "url", "want", "ok",
}


def words(text: str) -> set[str]:
    text = re.sub(r"\{\w+\}", " ", text)  # placeholders are not words
    return {w.lower() for w in re.findall(r"[^\W\d_](?:[\w'-]*[^\W\d_])?", text)}


def english_words() -> set[str]:
    found = words(" ".join(en for _, en in STRINGS.values()))
    found |= words(" ".join(WORDS["en"].values())) | words(" ".join(TEXTUAL_ENGLISH))
    found |= words(COMMON_ENGLISH)
    return {w for w in found if len(w) > 1} - SHARED


def leaks(text: str, allowed: set[str]) -> list[str]:
    """Lines of `text` with English words (paths and allowed ids left out)."""
    english = english_words()
    out = []
    for line in text.splitlines():
        plain = " ".join(t for t in line.split() if "/" not in t and not t.endswith(".yaml"))
        found = sorted(words(plain) & english - allowed)
        if found:
            out.append(f"{found}: {line.strip()}")
    return out


class Walk:
    """Looks at the screen after each step and keeps what a user saw."""

    def __init__(self, pilot) -> None:
        self.pilot, self.seen = pilot, []

    async def look(self, where: str) -> None:
        await self.pilot.pause()
        await self.pilot.app.workers.wait_for_complete()
        await self.pilot.pause()
        self.seen.append((where, screen_text(self.pilot.app)))

    async def press(self, *keys: str, look: str = "") -> None:
        await self.pilot.press(*keys)
        if look:
            await self.look(look)

    def assert_dutch(self, library) -> None:
        allowed = {i.lower() for i in (*library.personas, *library.scenarios)}
        allowed |= {"sam", "anne", "tl", "noor", "minilm-l", "smollm", "fake", "scripted",
                    "transformers", "openai", "nl", "en", "gguf", "tenant-gemma"}
        if os.environ.get("WALK_DUMP"):  # WALK_DUMP=1 pytest -s: print what the walk saw
            print("\n\n".join(f"=== {w}\n{t}" for w, t in self.seen))
        found = [f"{where}: {leak}" for where, text in self.seen for leak in leaks(text, allowed)]
        assert not found, "English in the Dutch UI:\n" + "\n".join(found)


def app_for(tmp_path, **kwargs):
    save_prefs(trainee="Sam", reviewer="Tl Anne", consent=False)
    store = Store.open(tmp_path / "walk.db")
    sid = store.start_session(trainee="Noor", persona_id="grumpy", scenario_id="late-leaking-tap",
                              lang="nl", consent=True)
    store.add_turn(sid, speaker="tenant", text="Ja? Wat moet u?")
    tid = store.add_turn(sid, speaker="trainee", text="Goedemiddag, ik ben Noor.")
    store.add_detections(tid, [{"behaviour": "greet_introduce", "detected": True,
                                "confidence": 0.8, "sentence": "Goedemiddag", "exemplar": "x"}])
    store.add_turn(sid, speaker="tenant", text="Hm.")
    store.end_session(sid, "ended", {"listening": 40, "hospitality": 50})
    return create_app(session_factory=scripted_factory(), store=store, lang="nl",
                      warm_up=False, **kwargs)


async def open_select(walk: Walk, selector: str, where: str) -> None:
    walk.pilot.app.screen.query_one(selector, Select).focus()
    await walk.press("enter", look=where)  # the open list and the footer ("esc ...")
    await walk.press("escape")


async def test_start_screen_its_menus_and_the_command_palette_speak_dutch(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        walk = Walk(pilot)
        await walk.look("start")
        await open_select(walk, "#persona", "start, tenant list")
        await open_select(walk, "#scenario", "start, scenario list")
        await open_select(walk, "#mode", "start, mode list")
        await walk.press("ctrl+p", look="command palette")
        await walk.press(*"xyzzy", look="command palette, no match")
        await walk.press("escape")
        walk.assert_dutch(app.library)


async def test_practice_and_report_speak_dutch(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        walk = Walk(pilot)
        app.screen.query_one("#name", Input).focus()
        await walk.press("enter", look="practice")
        for line in ("Goedemiddag, ik ben Sam van Jansen.", "Wat vervelend dat het al weken lekt."):
            app.screen.query_one("#say", Input).value = line
            await walk.press("enter", look="practice, after a turn")
        await walk.press("ctrl+t", look="practice, tip")
        await walk.press("ctrl+p", look="practice, command palette")
        await walk.press("escape")
        await walk.press("ctrl+e", look="report")
        walk.assert_dutch(app.library)


async def test_review_screen_and_its_dialogs_speak_dutch(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        walk = Walk(pilot)
        await walk.press("f2", look="review")
        table = app.screen.query_one("#sessions", DataTable)
        table.focus()
        await walk.press("enter", look="review, a session")
        turns = app.screen.query("#turns")
        if turns:
            turns.first().focus()
        await walk.press("down", "down", look="review, a turn")
        await walk.press("m", look="review, missed behaviour")
        await walk.press("escape")
        walk.assert_dutch(app.library)


async def test_author_screen_checks_and_preview_speak_dutch(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        walk = Walk(pilot)
        await walk.press("f3", look="author")
        files = app.screen.query_one("#files", OptionList)
        for stem in ("grumpy", "late-leaking-tap"):
            files.highlighted = next(i for i, (_, p) in enumerate(app.screen.files)
                                     if p.stem == stem)
            await walk.look(f"author, {stem}")
            await walk.press("c", look=f"author, checks of {stem}")
        await walk.press("v", look="author, validated")
        await walk.press("p", look="author, preview choice")
        await walk.press("enter", look="author, preview")
        walk.assert_dutch(app.library)


async def test_settings_screen_speaks_dutch(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 40)) as pilot:
        walk = Walk(pilot)
        await walk.press("f4", look="settings")
        await open_select(walk, "#model_langs", "settings, languages list")
        walk.assert_dutch(app.library)


async def test_the_walk_finds_english():
    """The check itself: Textual's own English and an English check name are caught."""
    seen = "esc Dismiss menu   ^p palette\nBlaming the traffic makes the grumpy tenant shut the door"
    found = leaks(seen, set())
    assert len(found) == 2 and "dismiss" in found[0] and "tenant" in found[1]
    assert not leaks("Gevoel erkennen · Feedback · Model · scenario's · Tip", set())


async def switch_to_english(pilot) -> str:
    pilot.app.screen.query_one("#lang", Select).value = "en"
    await pilot.pause()
    await pilot.pause()
    return screen_text(pilot.app)


async def test_english_ui_keeps_its_labels_whole():
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await switch_to_english(pilot)
        assert "Language" in shown and "Languaen" not in shown


async def test_switching_to_english_also_switches_the_status_line():
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "klaar" in screen_text(app).splitlines()[-2]
        status = (await switch_to_english(pilot)).splitlines()[-2]
        assert "ready" in status and "klaar" not in status


async def test_the_share_box_shows_whether_it_is_ticked():
    save_prefs(trainee="Sam", consent=False)
    app = create_app(session_factory=scripted_factory(), lang="nl", warm_up=False)
    async with app.run_test(size=(80, 24)) as pilot:
        line = lambda: next(ln for ln in screen_text(app).splitlines() if "Deel met" in ln)
        unticked = line()
        app.screen.query_one("#consent").value = True
        await pilot.pause()
        assert "✔" in line() and "✔" not in unticked and line() != unticked
