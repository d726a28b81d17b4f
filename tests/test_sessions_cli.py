"""The review commands: sessions, progress, export and import, as people use them."""

from __future__ import annotations

import getpass
import json
import re

import pytest
from click.testing import CliRunner
from test_play import KeywordScorer
from test_store_sample import CONVERSATION_NL, make_session

from simulator.backends import FakeBackend
from simulator.cli import main
from simulator.cli import play as play_module
from simulator.store import Store


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def ids():
    with Store.open() as store:
        shared = make_session(store, trainee="Sander", consent=True)
        private = make_session(store, trainee="Sander", consent=False, end=False)
        other = make_session(
            store,
            trainee="Fatima",
            consent=True,
            conversation=[("trainee", "Goedemiddag, ik kom de cv-ketel nakijken.", None, {})],
        )
    return {"shared": shared, "private": private, "other": other}


def test_list_respects_consent_and_filters(ids):
    leader = run("sessions", "list", "--as-reviewer", "Anja")
    assert ids["shared"][:12] in leader.output and ids["private"][:12] not in leader.output
    own = run("sessions", "list", "--trainee", "Sander")
    assert ids["private"][:12] in own.output and "unfinished" in own.output
    assert ids["other"][:12] not in own.output
    found = run("sessions", "list", "--search", "cv-ketel", "--json", "--as-reviewer", "Anja")
    assert [s["id"] for s in json.loads(found.output)] == [ids["other"]]
    assert json.loads(run("sessions", "list", "--since", "2999-01-01", "--json").output) == []
    line = next(li for li in leader.output.splitlines() if ids["shared"][:12] in li)
    assert "listening=55" in line and "hospitality=80" in line and "grumpy" in line


def test_show_prints_transcript_detections_and_mood(ids):
    result = run("sessions", "show", ids["shared"][:16], "--as-reviewer", "Anja")
    assert result.exit_code == 0
    for _, text, _, _ in CONVERSATION_NL:
        assert text in result.output
    assert "greet_introduce" in result.output and "Irritatie 7" in result.output
    hidden = run("sessions", "show", ids["private"], "--as-reviewer", "Anja")
    assert hidden.exit_code == 1 and "not shared" in hidden.output
    assert "Traceback" not in hidden.output


def test_review_override_and_agreement(ids):
    sid = ids["shared"]
    assert (
        run(
            "sessions", "review", sid, "--as-reviewer", "Anja", "--comment", "Let op beurt 8"
        ).exit_code
        == 0
    )
    ok = run(
        "sessions",
        "override",
        sid,
        "--turn",
        "8",
        "--behaviour",
        "dismissive",
        "--agree",
        "--as-reviewer",
        "Anja",
    )
    assert ok.exit_code == 0 and "dismissive: shown" in ok.output
    run(
        "sessions",
        "override",
        sid,
        "--turn",
        "2",
        "--behaviour",
        "apologize",
        "--disagree",
        "--as-reviewer",
        "Anja",
    )
    bad = run(
        "sessions",
        "override",
        sid,
        "--turn",
        "1",
        "--behaviour",
        "apologize",
        "--agree",
        "--as-reviewer",
        "Anja",
    )
    assert bad.exit_code == 1 and "tenant" in bad.output
    private = run("sessions", "review", ids["private"], "--as-reviewer", "Anja", "--comment", "x")
    assert private.exit_code == 1
    data = json.loads(run("sessions", "agreement", "--json").output)
    assert data["overall"]["items"] == 2 and data["overall"]["disagree"] == 1
    assert data["behaviours"]["dismissive"]["agree"] == 1
    table = run("sessions", "agreement").output
    assert "overall" in table and "dismissive" in table
    shown = run("sessions", "show", sid, "--as-reviewer", "Anja").output
    assert "Let op beurt 8" in shown and "aangepast door Anja" in shown


def test_delete_asks_first_and_then_removes_everything(ids):
    sid = ids["shared"]
    declined = run("sessions", "delete", sid, "--trainee", "Sander", input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert run("sessions", "delete", sid, "--trainee", "Sander", input="y\n").exit_code == 0
    assert run("sessions", "show", sid, "--trainee", "Sander").exit_code == 1
    # Issue 14: only the session's own trainee deletes it, never a team leader.
    assert run("sessions", "delete", ids["other"], "--yes", "--as-reviewer", "A").exit_code == 1
    assert run("sessions", "delete", ids["other"], "--yes", "--trainee", "Fatima").exit_code == 0
    with Store.open() as store:
        assert store.db["turns"].count == len(CONVERSATION_NL)  # only the private session left


def test_share_gives_and_withdraws_consent(ids):
    sid = ids["private"]
    assert run("sessions", "share", sid, "--trainee", "Fatima").exit_code == 1
    assert run("sessions", "share", sid, "--trainee", "Sander").exit_code == 0
    assert run("sessions", "show", sid, "--as-reviewer", "Anja").exit_code == 0
    run("sessions", "share", sid, "--trainee", "Sander", "--no")
    assert run("sessions", "show", sid, "--as-reviewer", "Anja").exit_code == 1


def test_progress_lists_finished_sessions_oldest_first(ids):
    with Store.open() as store:
        later = make_session(store, trainee="Sander")
        store.end_session(later, "resolved", {"listening": 75, "hospitality": 90})
    data = json.loads(run("progress", "--trainee", "Sander", "--json").output)
    assert [p["session_id"] for p in data] == [ids["shared"], later]
    assert [p["listening"] for p in data] == [55, 75]
    text = run("progress", "--trainee", "Sander").output
    assert "75" in text and "90" in text
    assert run("progress", "--trainee", "Nobody").exit_code == 1


def test_export_every_format_and_import(ids, tmp_path):
    sid = ids["shared"]
    assert "# Gespreksverslag" in run("export", sid, "--format", "md").output
    out = tmp_path / "r.html"
    assert run("export", sid, "--format", "html", "-o", str(out)).exit_code == 0
    assert "<svg" in out.read_text(encoding="utf-8")
    csv_text = run("export", "--all", "--format", "csv", "--trainee", "Sander").output
    assert len(csv_text.strip().splitlines()) == 3  # header + Sander's two sessions
    assert run("export", "--all", "--format", "html").exit_code == 2
    assert run("export", "--format", "md").exit_code == 2
    assert run("export", ids["private"], "--format", "md").exit_code == 1  # not shared
    bundle = tmp_path / "b.json"
    run("export", "--all", "--format", "json", "-o", str(bundle), "--as-reviewer", "Anja")
    again = run("import", str(bundle))
    assert again.exit_code == 0 and "Imported 0 session(s); skipped 2" in again.output


def test_import_into_a_fresh_home(ids, tmp_path, monkeypatch):
    bundle = tmp_path / "b.json"
    run("export", "--all", "--format", "json", "-o", str(bundle), "--trainee", "Sander")
    monkeypatch.setenv("ROLEPLAY_HOME", str(tmp_path / "leader"))
    result = run("import", str(bundle))
    assert "Imported 2 session(s); skipped 0" in result.output
    assert ids["private"][:12] in run("sessions", "list", "--trainee", "Sander").output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    bad = run("import", str(broken))
    assert bad.exit_code == 1 and "not valid JSON" in bad.output


# -- the local trainee: whoever sits at this computer --------------------------------------------

LINE = "Goedemiddag, ik kom de kraan maken."


@pytest.fixture
def at_keyboard(monkeypatch):
    """Logged in as 'jdevries'; a scripted tenant and a keyword scorer (no models)."""
    monkeypatch.setattr(getpass, "getuser", lambda: "jdevries")
    backend = FakeBackend(["Nou, kom dan maar binnen."])
    monkeypatch.setattr(play_module, "_backend", lambda kwargs, lang=None: (backend, None))
    monkeypatch.setattr(play_module, "_scorer", lambda: KeywordScorer())


def play_without_a_name() -> str:
    result = run("play", "--persona", "grumpy", "--scenario", "repeat-visit", input=LINE + "\n")
    assert result.exit_code == 0, result.output
    return re.search(r"\(session (\w+)\)", result.output).group(1)


def test_a_session_played_without_a_name_is_listed_shown_exported_and_deleted(at_keyboard):
    sid = play_without_a_name()
    with Store.open() as store:
        assert store.session(sid)["trainee"] == "jdevries"  # the login name stands in
    listed = run("sessions", "list")
    assert listed.exit_code == 0 and sid[:12] in listed.output, listed.output
    assert run("sessions", "show", sid).exit_code == 0
    exported = run("export", sid, "--format", "md")
    assert exported.exit_code == 0 and LINE in exported.output, exported.output
    # not shared: a team leader still does not see it
    assert sid[:12] not in run("sessions", "list", "--as-reviewer", "Anja").output
    assert run("export", sid, "--format", "md", "--as-reviewer", "Anja").exit_code == 1
    # another trainee's view does not show it either
    assert sid[:12] not in run("sessions", "list", "--trainee", "Fatima").output
    deleted = run("sessions", "delete", sid, "--yes")
    assert deleted.exit_code == 0 and "Deleted" in deleted.output, deleted.output
    empty = run("sessions", "list")
    assert sid[:12] not in empty.output and "No sessions of jdevries" in empty.output
