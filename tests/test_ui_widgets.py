"""Chat, mood and feedback widgets, each in a tiny host app with the real stylesheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_ui_support import anyio_backend  # noqa: F401
from textual.app import App

import simulator.ui
from scoring.feedback import Badge, Tip, TurnFeedback
from simulator.engine.director import TenantState
from simulator.ui.widgets.chat import ChatView
from simulator.ui.widgets.feedback import FeedbackPanel
from simulator.ui.widgets.mood import MoodPanel

pytestmark = pytest.mark.anyio
CSS = Path(simulator.ui.__file__).parent / "app.tcss"


class Host(App):
    CSS_PATH = CSS

    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self):
        yield self.widget


async def test_chat_streams_a_reply_then_shows_the_final_text():
    chat = ChatView()
    async with Host(chat).run_test(size=(40, 10)) as pilot:
        await chat.add("tenant", "Huurder", "Ja?")
        item = await chat.add("tenant", "Huurder")
        for chunk in ("Het ", "lekt ", "al ", "weken"):
            await item.write(chunk)
        await pilot.pause()
        assert item.text == "Het lekt al weken"
        # the guard replaced the streamed line: the final text wins
        await item.finish("Het lekt al weken, ja.")
        await pilot.pause()
        assert item.text == "Het lekt al weken, ja."
        assert "Het lekt al weken, ja." in str(item.body.render())
        markup = await chat.add("trainee", "Jij [/]", "[@click=app.quit]weg[/] **vet** [x](http://e.x)")
        await pilot.pause()
        assert str(markup.body.render()) == "[@click=app.quit]weg[/] **vet** [x](http://e.x)"
        for n in range(8):
            await chat.add("trainee", "Jij", f"regel {n}")
        await pilot.pause()
        assert chat.scroll_y == chat.max_scroll_y > 0  # anchored at the bottom
        await chat.remove_last(2)
        assert [i.text for i in chat.items][-1] == "regel 5"


async def test_mood_panel_shows_bars_and_stance_in_the_language():
    mood = MoodPanel("en")
    async with Host(mood).run_test(size=(30, 5)) as pilot:
        mood.show(TenantState(8, 2.5), "hostile")
        await pilot.pause()
        text = str(mood.render())
        assert "hostile" in text and "8.0" in text and "2.5" in text
        assert text.count("█") == round(8 / 10 * 8) + round(2.5 / 10 * 8)
        mood.lang = "nl"
        mood.show(TenantState(1.0, 9.0), "satisfied")
        await pilot.pause()
        assert "tevreden" in str(mood.render())


async def test_feedback_panel_badges_tip_and_hint():
    panel = FeedbackPanel("nl")
    async with Host(panel).run_test(size=(40, 8)) as pilot:
        tip = Tip("acknowledge_emotion", "Benoem wat je ziet.",
                  "Ik zie dat u hier echt klaar mee bent.")
        badges = [Badge("greet_introduce", "Begroeten", "Dag!", False),
                  Badge("dismissive", "Afwimpelen", "Niet mijn probleem.", True)]
        panel.show_feedback(TurnFeedback(badges, tip), ["greet_introduce", "dismissive"])
        await pilot.pause()
        text = str(panel.render())
        assert panel.badges == ["greet_introduce", "dismissive"]
        assert "Benoem wat je ziet." in text and "Ik zie dat u hier echt klaar mee bent." in text
        panel.show_feedback(None, behaviours=[])
        await pilot.pause()
        assert "Geen gedrag herkend" in str(panel.render())
        panel.show_hint(tip)
        await pilot.pause()
        assert str(panel.render()).startswith("Tip:")


async def test_mood_chart_draws_irritation_and_trust_as_lines():
    from scoring.feedback import MoodPoint
    from simulator.ui.widgets.chart import MoodChart

    timeline = [MoodPoint(None, 7, 2, None), MoodPoint(1, 6, 3, "hostile"),
                MoodPoint(2, 4, 5, "guarded")]
    chart = MoodChart(timeline, "nl")
    async with Host(chart).run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        drawn = str(chart.render())
        assert chart.irritation == [7, 6, 4] and chart.trust == [2, 3, 5]
        assert "Irritatie" in drawn and "Vertrouwen" in drawn and "deur" in drawn
        assert any("\u2800" < ch <= "\u28ff" for ch in drawn)  # braille line segments


def test_default_language_follows_the_locale(monkeypatch):
    from simulator.ui.i18n import default_lang

    for name in ("ROLEPLAY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert default_lang() == "en"
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    assert default_lang() == "nl"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert default_lang() == "nl"  # the content's primary language


def test_loading_progress_speaks_dutch():
    from simulator.ui.i18n import progress_text

    assert progress_text("Loading the tenant model SmolLM2", "nl") == "Huurdermodel laden SmolLM2"
    assert progress_text("Tenant model SmolLM2 ready", "nl") == "Huurdermodel SmolLM2 klaar"
    assert progress_text("Loading the tenant model X", "en") == "Loading the tenant model X"


def test_the_scorers_own_progress_messages_speak_dutch():
    """What Scorer.load really reports, translated whole: no English words left in the nl UI."""
    from scoring.embedder import FakeEmbedder
    from scoring.reader import LOADING, MODEL_ID, PREPARING
    from scoring.scorer import Scorer
    from simulator.ui.i18n import progress_text

    messages: list[str] = [PREPARING, f"{LOADING} {MODEL_ID}"]  # the real reader's own two
    Scorer(embedder=FakeEmbedder(), use_cache=False, training=[],
           reader=FakeEmbedder(dim=32)).load(progress=messages.append)
    shown = [progress_text(m, "nl") for m in messages]
    assert len(shown) >= 4 and all(" and " not in m and "rubric" not in m and "reader" not in m
                                   and "once" not in m for m in shown), shown
