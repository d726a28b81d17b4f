"""Every export format, and a bundle round trip into a second database."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from test_store_sample import CONVERSATION_NL, make_session

from simulator.exports import render
from simulator.exports.bundle import import_bundle
from simulator.store import Store, StoreError
from simulator.store.review import add_review, override


class ReportParser(HTMLParser):
    """Collects what a reader sees: turn texts, badges, chart series, external references."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.turns: list[str] = []
        self.badges: list[str] = []
        self.series: list[str] = []
        self.svg = 0
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        self.stack.append((tag, attrs))
        if tag in ("script", "link", "img", "iframe") or "http" in (attrs.get("src") or ""):
            self.external.append(tag)
        self.svg += tag == "svg"
        if tag == "polyline":
            self.series.append(attrs["class"])
        if "badge" in classes and "data-behaviour" in attrs:
            self.badges.append(attrs["data-behaviour"])
        if "text" in classes:
            self.turns.append("")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if any("text" in (a.get("class") or "").split() for _, a in self.stack):
            self.turns[-1] += data


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "a.db") as store:
        yield store


@pytest.fixture
def reviewed(store):
    sid = make_session(store)
    override(store, sid, 4, "paraphrase", False, "Anja")  # team leader adds a paraphrase
    override(store, sid, 6, "care_for_home", False, "Anja")  # and removes care_for_home
    add_review(store, sid, "Anja", "Beurt 8: wat had je wél kunnen zeggen?")
    return sid


def test_html_report_is_self_contained_with_transcript_badges_and_chart(store, reviewed):
    page = render(store, [reviewed], "html")
    parser = ReportParser()
    parser.feed(page)
    assert [t.strip() for t in parser.turns] == [c[1] for c in CONVERSATION_NL]
    assert parser.badges == [
        "greet_introduce",
        "apologize",
        "acknowledge_emotion",
        "paraphrase",
        "ask_permission",
        "dismissive",
    ]
    assert parser.svg == 1 and parser.series == ["series-irritation", "series-trust"]
    assert parser.external == [] and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    text = " ".join(parser.text)
    for expected in (
        "Gespreksverslag",
        "Luisteren",
        "55",
        "Gastvrijheid",
        "80",
        "Sorry dat ik later ben.",
        "wél kunnen zeggen",
        "aangepast door Anja",
    ):
        assert expected in text
    assert 'lang="nl"' in page and "@media print" in page


@pytest.fixture
def one_hour_east(monkeypatch):
    """The reader's clock at UTC+1 (a POSIX rule: no time zone files needed)."""
    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    yield timedelta(hours=1)
    monkeypatch.undo()
    time.tzset()


def test_html_report_shows_local_time_and_the_mode_in_the_report_language(
    store, reviewed, one_hour_east
):
    started = datetime.fromisoformat(store.session(reviewed)["started"])
    parser = ReportParser()
    parser.feed(render(store, [reviewed], "html"))
    text = " ".join(parser.text)
    assert (started + one_hour_east).strftime("%Y-%m-%d %H:%M") in text and "UTC" not in text
    assert "Vorm" in text and "oefenen" in text and "practice" not in text


def test_html_report_follows_the_session_language_and_escapes_text(store):
    sid = make_session(
        store,
        lang="en",
        conversation=[
            ("tenant", "About time! <script>alert(1)</script>", {"irritation": 8, "trust": 2}, {}),
            (
                "trainee",
                "Good morning, I'm Sam from the housing company.",
                None,
                {"greet_introduce": "Good morning"},
            ),
        ],
    )
    page = render(store, [sid], "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'lang="en"' in page and "Conversation report" in page and "Irritation" in page
    assert "Gespreksverslag" not in page


def test_markdown_transcript(store, reviewed):
    text = render(store, [reviewed], "md")
    assert text.startswith("# Gespreksverslag")
    assert f"**2. Medewerker:** {CONVERSATION_NL[1][1]}" in text
    assert "✗ Afwimpelen" in text and "Irritatie 7/10" in text
    assert "**Anja**" in text and "Luisteren: 55/100" in text


def test_csv_has_one_row_per_session_with_behaviour_counts(store, reviewed):
    unfinished = make_session(store, trainee="Piet", end=False)
    rows = list(csv.DictReader(io.StringIO(render(store, [reviewed, unfinished], "csv"))))
    assert [r["session_id"] for r in rows] == [reviewed, unfinished]
    first = rows[0]
    assert (first["listening"], first["hospitality"], first["trainee_turns"]) == ("55", "80", "4")
    assert first["paraphrase"] == "1" and first["care_for_home"] == "0"  # overrides applied
    assert first["dismissive"] == "1" and first["greet_introduce"] == "1"
    assert rows[1]["outcome"] == "unfinished" and rows[1]["listening"] == ""


def test_md_and_html_take_one_session(store, reviewed):
    with pytest.raises(ValueError):
        render(store, [reviewed, reviewed], "html")


def test_bundle_round_trip_into_a_second_database(store, reviewed, tmp_path):
    other = make_session(store, trainee="Fatima", consent=False)
    bundle = json.loads(render(store, [reviewed, other], "json"))
    assert bundle["format"] == "roleplay-bundle" and len(bundle["sessions"]) == 2
    with Store.open(tmp_path / "b.db") as second:
        result = import_bundle(second, bundle)
        assert sorted(result.imported) == sorted([reviewed, other]) and result.skipped == []
        for sid in (reviewed, other):
            assert second.session(sid) == store.session(sid)
            assert second.turns(sid) == store.turns(sid)
            assert second.reviews(sid) == store.reviews(sid)
        assert render(second, [reviewed], "html") == render(store, [reviewed], "html")
        assert second.list_sessions(search="schoenhoesjes")  # full-text index filled too
        again = import_bundle(second, bundle)
        assert again.imported == [] and sorted(again.skipped) == sorted([reviewed, other])
        assert sum(again.added.values()) == 0
        assert second.db["turns"].count == store.db["turns"].count


def test_a_returning_bundle_changes_nothing_in_a_session_already_here(store, reviewed, tmp_path):
    # Issue 14: a bundle may come from anyone, so it never adds to an existing session (not even
    # a review that looks like the team leader's).
    with Store.open(tmp_path / "leader.db") as leader:
        import_bundle(leader, json.loads(render(store, [reviewed], "json")))
        add_review(leader, reviewed, "Bram", "Tweede opmerking")
        result = import_bundle(store, json.loads(render(leader, [reviewed], "json")))
    assert result.skipped == [reviewed] and sum(result.added.values()) == 0
    assert [r["reviewer"] for r in store.reviews(reviewed)] == ["Anja"]


@pytest.mark.parametrize(
    "bad", [[], {"format": "other"}, {"format": "roleplay-bundle", "sessions": [{"x": 1}]}]
)
def test_import_rejects_what_is_not_a_bundle(store, bad):
    with pytest.raises(StoreError):
        import_bundle(store, bad)
