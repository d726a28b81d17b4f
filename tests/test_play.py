"""`roleplay play`: a headless conversation from a script or stdin, as text or JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.backends import BackendError, FakeBackend
from simulator.cli import main
from simulator.cli import play as play_module
from simulator.engine.reporting import pinned_score
from simulator.store import Store

SCRIPTS = Path(__file__).resolve().parent / "scripts"
TURN_KEYS = {"turn", "trainee", "behaviours", "state", "stance", "act", "tenant", "source", "fact",
             "guard", "latency_ms", "first_token_ms"}


class KeywordScorer:
    """Detects 'dismissive' in lines with 'not my problem', greetings in lines with 'afternoon'."""

    embedder = None  # the tenant's corpus compares words only

    def read_ahead(self, tenant_said, draft=""):
        pass

    def score_turn(self, text, lang, tenant_said="", turn_index=0, is_last=False):
        found = []
        lowered = text.lower()
        if "not my problem" in lowered or "mijn probleem niet" in lowered:
            found.append("dismissive")
        if "afternoon" in lowered or "goedemiddag" in lowered:
            found.append("greet_introduce")
        return pinned_score(text, lang, found)


@pytest.fixture
def fake(monkeypatch):
    """A scripted model and a keyword scorer instead of the real ones."""
    backend = FakeBackend(["Nou, kom dan maar binnen.", "Het zit in de keuken, hoor.",
                           "Ik heb het al drie keer gemeld.", "Well, go on then."])
    monkeypatch.setattr(play_module, "_backend", lambda kwargs, lang=None: (backend, None))
    monkeypatch.setattr(play_module, "_scorer", lambda: KeywordScorer())
    return backend


def invoke(*args, input=None):
    return CliRunner().invoke(main, ["play", *args], input=input)


def test_json_lines_per_turn_and_a_final_summary(fake, tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("# a comment\nGoedemiddag, ik ben Sam.\n\nHoe lang lekt het al?\n")
    result = invoke("--persona", "grumpy", "--scenario", "repeat-visit", "--lang", "nl",
                    "--script", str(script), "--json", "--seed", "1")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    turns, final = records[:-1], records[-1]
    assert [t["turn"] for t in turns] == [1, 2]
    assert all(set(t) == TURN_KEYS for t in turns)
    assert turns[0]["trainee"] == "Goedemiddag, ik ben Sam." and turns[0]["behaviours"] == [
        "greet_introduce"]
    assert set(turns[0]["state"]) == {"irritation", "trust"}
    assert turns[0]["tenant"] == "Nou, kom dan maar binnen." and turns[0]["source"] == "model"
    assert turns[0]["first_token_ms"] is not None and turns[0]["guard"] == []
    assert final == {"outcome": "unfinished", "turns": 2, "session_id": final["session_id"]}
    with Store.open() as store:
        stored = store.turns(final["session_id"])
        assert len(stored) == 1 + 2 * 2  # the opening and two exchanges
        assert store.session(final["session_id"])["outcome"] == "unfinished"


def test_stops_when_the_director_ends_the_conversation(fake):
    lines = "\n".join(["That's not my problem."] * 10)
    result = invoke("--persona", "grumpy", "--scenario", "repeat-visit", "--lang", "en",
                    "--json", input=lines)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[-1]["outcome"] == "escalated"
    assert records[-1]["turns"] < 10 and records[-2]["act"] == "closing"


def test_interactive_text_mode_reads_stdin(fake):
    result = invoke("--persona", "grumpy", "--scenario", "repeat-visit", "--lang", "nl",
                    "--trainee", "Sam", input="Goedemiddag!\nWat is er aan de hand?\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Nou, kom dan maar binnen." in out and "Het zit in de keuken, hoor." in out
    assert "greet_introduce" in out and "Outcome: unfinished after 2 turn(s)" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--persona", "nobody", "--scenario", "repeat-visit"], "unknown persona 'nobody'"),
        (["--persona", "grumpy", "--scenario", "nowhere"], "unknown scenario 'nowhere'"),
    ],
)
def test_unknown_ids_are_clear_errors(fake, args, message):
    result = invoke(*args, input="")
    assert result.exit_code != 0 and message in result.output
    assert "expected one of:" in result.output and "Traceback" not in result.output


def test_a_persona_the_scenario_does_not_allow(fake):
    from simulator.content import load_library

    library = load_library()
    pairs = [(p, s) for s in library.scenarios for p in library.personas
             if not library.scenarios[s].allows(p)]
    if not pairs:
        pytest.skip("every shipped scenario allows every persona")
    pid, sid = pairs[0]
    result = invoke("--persona", pid, "--scenario", sid, input="")
    assert result.exit_code != 0 and f"does not allow persona '{pid}'" in result.output


def test_a_failing_model_is_announced_once_and_the_tenant_keeps_talking(monkeypatch):
    backend = FakeBackend([BackendError("server at http://127.0.0.1:9 refused the connection")])
    monkeypatch.setattr(play_module, "_backend", lambda kwargs, lang=None: (backend, None))
    monkeypatch.setattr(play_module, "_scorer", lambda: KeywordScorer())
    result = invoke("--persona", "grumpy", "--scenario", "repeat-visit", "--lang", "en",
                    "--json", input="Hello.\nHow are you?\nWhat happened?\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Notice: the model did not answer") == 1
    turns = [json.loads(line) for line in result.stdout.splitlines()][:-1]
    assert len(turns) == 3
    for turn in turns:
        # Authored either way: the corpus answer, or the act's line when nothing in it fits
        # (this scorer has no embedder, so only words count). No seed: either may come.
        assert turn["source"] in ("corpus", "fallback") and turn["tenant"]
        assert turn["guard"] == ["backend: server at http://127.0.0.1:9 refused the connection"]
    assert len({t["tenant"] for t in turns}) == 3


def test_the_shipped_trainee_scripts_exist():
    for name in ("empathetic", "dismissive"):
        for lang in ("nl", "en"):
            lines = [ln for ln in (SCRIPTS / f"{name}-{lang}.txt").read_text().splitlines()
                     if ln.strip() and not ln.startswith("#")]
            assert len(lines) >= 5
