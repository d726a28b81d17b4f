"""Errors a user causes end as one readable line, exit code != 0, and nothing half-written.

Bad text in a script or on stdin, a bad server address, a data folder that is a file or sits on a
read-only disk, a full disk (a store that may not grow: SQLite's own "database or disk is full"),
an export to a missing, full or read-only place, a turn number beyond any integer SQLite has.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlite_utils import Database

from simulator.cli import main
from simulator.cli import play as play_module
from simulator.engine.reporting import pinned_score
from simulator.store import Store

LINES = ["Goedemiddag, ik ben Sam van de woningcorporatie.", "Hoe lang lekt de kraan al?",
         "Mag ik even binnenkomen?", "Ik leg eerst een kleed neer."]  # fmt: skip
PLAY = ["play", "--backend", "fake", "--persona", "grumpy", "--scenario", "repeat-visit",
        "--trainee", "Sam"]  # fmt: skip


class NoModelScorer:
    """Detects nothing, loads nothing: these tests are about the input and the store."""

    embedder = None  # the tenant's corpus compares words only

    def read_ahead(self, tenant_said, draft=""):
        pass

    def score_turn(self, text, lang, tenant_said="", turn_index=0, is_last=False):
        return pinned_score(text, lang, [])


@pytest.fixture
def no_models(monkeypatch):
    monkeypatch.setattr(play_module, "_scorer", lambda: NoModelScorer())


def run(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def one_line_error(result: Result) -> str:
    """The error line, after checking it is the only one, with no traceback and exit code 1."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip().endswith(errors[0])  # nothing after it (one line)
    return errors[0]


def sessions() -> list[dict]:
    db = Path(os.environ["ROLEPLAY_HOME"]) / "roleplay.db"
    if not db.exists():
        return []
    with Store.open() as store:
        return [{**s, "turns": store.turns(s["id"])} for s in store.list_sessions()]


def stored_session(trainee: str = "Sam", lines: list[str] = LINES) -> str:
    with Store.open() as store:
        sid = store.start_session(trainee=trainee, persona_id="grumpy", scenario_id="repeat-visit",
                                  lang="nl", consent=True)  # fmt: skip
        store.add_turn(sid, speaker="tenant", text="Wat is er?")
        for line in lines:
            tid = store.add_turn(sid, speaker="trainee", text=line)
            store.add_detections(tid, [{"behaviour": "greet_introduce", "detected": True}])
            store.add_turn(sid, speaker="tenant", text="Hm.")
        store.end_session(sid, "turn_limit", {"listening": 50, "hospitality": 50})
    return sid


# -- roleplay play: text that is not UTF-8 ----------------------------------------------------


def test_a_script_that_is_not_utf8_names_file_and_line_and_stores_nothing(no_models, tmp_path):
    script = tmp_path / "lines.txt"
    script.write_bytes(b"Goedemiddag.\nHoe lang lekt het al?\nDat is \xe9\xe9n ding.\n")
    error = one_line_error(run(*PLAY, "--script", str(script)))
    assert f"{script}:3: not UTF-8 text" in error and "save the text as UTF-8" in error
    assert sessions() == []  # not even the tenant's opening


def test_stdin_that_is_not_utf8_stops_there_and_keeps_what_was_said(no_models):
    result = run(*PLAY, input=b"Goedemiddag.\nDat is \xff\xfe.\nNog een zin.\n")
    assert "standard input, line 2: not UTF-8 text" in one_line_error(result)
    [session] = sessions()
    assert session["outcome"] == "unfinished"
    said = [t["text"] for t in session["turns"] if t["speaker"] == "trainee"]
    assert said == ["Goedemiddag."]
    assert [t["speaker"] for t in session["turns"]] == ["tenant", "trainee", "tenant"]


# -- settings ------------------------------------------------------------------------------------


def test_a_base_url_that_is_not_an_address_names_the_config_line(roleplay_home):
    (roleplay_home / "config.toml").write_text('backend = "openai"\nbase_url = "not a url"\n')
    error = one_line_error(run("play", "--persona", "grumpy", "--scenario", "repeat-visit",
                               input="Hallo\n"))  # fmt: skip
    assert "config.toml:2: base_url: not a server address" in error
    assert "http://127.0.0.1:8000" in error and sessions() == []


def test_a_base_url_flag_that_is_not_an_address(no_models):
    result = run(*PLAY[:2], "openai", *PLAY[3:], "--base-url", "http://a host:80", input="Hallo\n")
    assert "the command line: base_url: not a server address" in one_line_error(result)


# -- the data folder -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["sessions", "list", "--trainee", "Sam"], PLAY, ["validate"]])
def test_a_roleplay_home_that_is_a_file(command, no_models, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    error = one_line_error(run(*command, input="Hallo\n"))
    assert f"{home} is a file, not a folder" in error and "ROLEPLAY_HOME" in error
    assert home.read_text() == "not a folder"


def test_a_roleplay_home_under_a_file(no_models, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ROLEPLAY_HOME", str(blocker / "home"))
    error = one_line_error(run(*PLAY, input="Hallo\n"))
    assert f"{blocker} is a file, not a folder" in error and "set ROLEPLAY_HOME" in error


def test_a_roleplay_home_on_a_read_only_disk(no_models, tmp_path, monkeypatch):
    home = tmp_path / "readonly" / "home"
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):  # as on a disk mounted read-only (root ignores chmod)
        if self == home or home in self.parents:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setenv("ROLEPLAY_HOME", str(home))
    error = one_line_error(run(*PLAY, input="Hallo\n"))
    assert f"cannot make $ROLEPLAY_HOME {home}" in error and "Read-only file system" in error
    assert "folder you can write to" in error and not home.exists()


def test_a_store_on_a_read_only_disk(no_models, monkeypatch):
    sid = stored_session()
    with monkeypatch.context() as read_only:
        read_only.setattr(
            "simulator.store.store.Database",
            lambda path: Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True)),
        )
        for command in (PLAY, ["sessions", "share", sid, "--trainee", "Sam", "--no"]):
            error = one_line_error(run(*command, input="Hallo\n"))
            assert "is read-only" in error and "ROLEPLAY_HOME" in error
    [session] = sessions()
    assert session["id"] == sid and session["consent"] is True


# -- a full disk ---------------------------------------------------------------------------------


def fill_the_disk(monkeypatch, pages: int) -> None:
    """Every store opened from now on may grow by `pages` pages, then SQLite finds it full."""
    real_open = Store.open.__func__

    def open_full(cls, *args, **kwargs):
        store = real_open(cls, *args, **kwargs)
        now = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count={now + pages}").fetchall()
        return store

    monkeypatch.setattr(Store, "open", classmethod(open_full))


def test_a_full_disk_during_play_keeps_whole_turns(no_models, tmp_path, monkeypatch):
    stored_session(trainee="Other", lines=LINES * 3)
    script = tmp_path / "lines.txt"
    script.write_text("\n".join(f"{line} " * 20 for line in LINES * 3) + "\n", encoding="utf-8")
    fill_the_disk(monkeypatch, pages=6)
    error = one_line_error(run(*PLAY, "--script", str(script)))
    assert "the disk is full" in error and "free some space" in error
    assert "Outcome:" not in error
    with Store.open() as store:
        assert store.integrity_check() == "ok"
    mine = [s for s in sessions() if s["trainee"] == "Sam"]
    assert len(mine) == 1  # what fitted stays: the session and its whole turns
    for session in mine:
        assert [t["position"] for t in session["turns"]] == list(range(len(session["turns"])))
        assert all(t["text"] for t in session["turns"])
    assert len([s for s in sessions() if s["trainee"] == "Other"]) == 1


def disk_full_error() -> sqlite3.OperationalError:
    """SQLite's own error for a full disk, made on a scratch database that may not grow."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x)")
    db.execute(f"PRAGMA max_page_count={db.execute('PRAGMA page_count').fetchone()[0]}")
    try:
        db.execute("INSERT INTO t VALUES (?)", ["x" * 100_000])
    except sqlite3.OperationalError as err:
        return err
    raise AssertionError("SQLite did not report a full database")


def test_a_full_disk_during_delete_deletes_nothing(monkeypatch):
    sid = stored_session()
    real_execute = Database.execute

    def execute(self, sql, *args, **kwargs):  # the deleting write hits the full disk
        if sql.lstrip().upper().startswith("DELETE FROM SESSIONS"):
            raise disk_full_error()
        return real_execute(self, sql, *args, **kwargs)

    with monkeypatch.context() as full:
        full.setattr(Database, "execute", execute)
        result = run("sessions", "delete", sid, "--trainee", "Sam", "--yes")
    assert "the disk is full" in one_line_error(result) and "Deleted" not in result.stdout
    [session] = sessions()
    assert session["id"] == sid and len(session["turns"]) == 1 + 2 * len(LINES)


# -- export -o -----------------------------------------------------------------------------------


def test_export_to_a_missing_folder(tmp_path):
    sid = stored_session()
    target = tmp_path / "nope" / "report.html"
    error = one_line_error(run("export", sid, "--format", "html", "--trainee", "Sam",
                               "-o", str(target)))  # fmt: skip
    assert f"the folder {target.parent} does not exist" in error and "create it" in error
    assert not target.parent.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_export_to_a_full_disk():
    sid = stored_session()
    error = one_line_error(run("export", sid, "--format", "md", "--trainee", "Sam",
                               "-o", "/dev/full"))  # fmt: skip
    assert "cannot write /dev/full: the disk is full" in error


class HalfWritten:
    """A file being written when the disk fills up: half the text lands, then ENOSPC."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, text: str) -> int:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self) -> None:
        self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def disk_fills_up(folder: Path):
    real_open = io.open

    def open_(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        inside = isinstance(file, int) or folder in Path(file).parents
        return HalfWritten(handle) if "w" in mode and inside else handle

    return open_


def test_export_that_runs_out_of_space_leaves_the_earlier_file(tmp_path, monkeypatch):
    sid = stored_session()
    target = tmp_path / "report.md"
    target.write_text("last week's report\n", encoding="utf-8")
    monkeypatch.setattr(io, "open", disk_fills_up(tmp_path))
    error = one_line_error(run("export", sid, "--format", "md", "--trainee", "Sam",
                               "-o", str(target)))  # fmt: skip
    assert f"cannot write {target}: the disk is full" in error
    assert target.read_text(encoding="utf-8") == "last week's report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_export_to_a_read_only_place(tmp_path, monkeypatch):
    sid = stored_session()

    def read_only(*args, **kwargs):  # as on a disk mounted read-only (root ignores chmod)
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    monkeypatch.setattr(Path, "write_text", read_only)
    error = one_line_error(run("export", sid, "--format", "md", "--trainee", "Sam",
                               "-o", str(tmp_path / "report.md")))  # fmt: skip
    assert "the place is read-only; choose a folder you can write to" in error
    assert list(tmp_path.iterdir()) == []


# -- override --------------------------------------------------------------------------------


def test_override_a_turn_beyond_any_integer():
    sid = stored_session()
    result = run("sessions", "override", sid, "--turn", "99999999999999999999", "--behaviour",
                 "apologize", "--agree", "--as-reviewer", "tl")  # fmt: skip
    assert f"session {sid} has no turn 99999999999999999999" in one_line_error(result)
    with Store.open() as store:
        assert all(not t["overrides"] for t in store.turns(sid))
