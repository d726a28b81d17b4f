"""Privacy and authority: who may delete a session, and that a deletion is complete when it says so.

Real SQLite files and real second connections: a delete is judged by the bytes left on disk.
"""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from test_store_sample import make_session
from test_ui_support import anyio_backend, scripted_factory  # noqa: F401

from simulator import paths
from simulator.cli import main
from simulator.exports import app_exports
from simulator.store import Store, wipe

SECRET = "Mijn dochter Noortje slaapt slecht door de schimmel"
WORDS = ("Noortje", "noortje")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def on_disk(path) -> bytes:
    """The database file and its write-ahead log, as anyone with the disk could read them."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def has_secret(path) -> bool:
    raw = on_disk(path)
    return any(word.encode() in raw for word in WORDS)


@pytest.fixture
def secret_session() -> str:
    """A shared session of Sander's that holds the secret, in the store the CLI opens."""
    with Store.open() as store:
        sid = make_session(
            store,
            trainee="Sander",
            consent=True,
            conversation=[
                ("tenant", SECRET + ".", {"irritation": 5, "trust": 5}, {}),
                ("trainee", "Wat naar voor Noortje.", None, {"acknowledge_emotion": "Wat naar"}),
            ],
        )
    assert has_secret(paths.db_path())  # the test can see the words while they are there
    return sid


def exists(sid: str) -> bool:
    with Store.open() as store:
        return store.session(sid) is not None


# -- authority ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        ["--as-reviewer", "tl"],
        ["--trainee", "mallory"],
        ["--trainee", "Sander", "--as-reviewer", "tl"],
        [],
    ],
    ids=["reviewer", "other-trainee", "trainee-as-reviewer", "nobody"],
)
def test_only_the_sessions_own_trainee_may_delete_it(secret_session, who):
    result = run("sessions", "delete", secret_session, "--yes", *who)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Deleted" not in result.output and "trainee" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert exists(secret_session)


def test_the_trainee_deletes_their_own_shared_session(secret_session):
    result = run("sessions", "delete", secret_session, "--yes", "--trainee", "Sander")
    assert result.exit_code == 0, result.output
    assert not exists(secret_session) and not has_secret(paths.db_path())


# -- the app's own exports ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_delete_removes_the_apps_own_export_and_names_the_other_copies(
    secret_session, tmp_path
):
    """The report screen's HTML export, made through the app, goes with the session."""
    from simulator.ui.app import create_app

    made: list = []
    store = Store.open()
    app = create_app(
        session_factory=scripted_factory(made=made), store=store, lang="nl", warm_up=False
    )  # the app's default export folder
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Sander", "enter")
        await pilot.pause()
        made[0].session_id = secret_session  # the stored session this practice wrote
        app.screen.say_input.value = "Goedemiddag."  # a session with no line gets no report
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        exported = app.screen.exported
    store.close()
    assert exported is not None and "Noortje" in exported.read_text(encoding="utf-8")
    other = app_exports.path_for("01OTHERSESSION0000000000000")
    other.write_text("someone else's report", encoding="utf-8")
    mine = tmp_path / "mijn-kopie.md"
    args = ("--format", "md", "-o", str(mine), "--trainee", "Sander")
    assert run("export", secret_session, *args).exit_code == 0

    result = run("sessions", "delete", secret_session, "--yes", "--trainee", "Sander")
    assert result.exit_code == 0, result.output
    assert not exported.exists() and other.exists()
    assert str(exported) in result.output  # says what it removed
    assert "export -o" in result.output and "not tracked" in result.output  # and what it cannot


# -- Ctrl+R ---------------------------------------------------------------------------------------


def test_a_line_taken_back_leaves_no_words_in_the_index_or_the_file(tmp_path):
    path = tmp_path / "rewind.db"
    with Store.open(path) as store:
        sid = make_session(store, end=False)
        kept = len(store.turns(sid))
        store.add_turn(sid, speaker="trainee", text="Hoe gaat het met Noortje?")
        assert has_secret(path)
        store.remove_turns_from(sid, kept)  # what Ctrl+R does
        assert store.list_sessions(search="Noortje") == []
        assert len(store.turns(sid)) == kept and store.integrity_check() == "ok"
        assert not has_secret(path)


# -- a delete while another program reads ---------------------------------------------------------


@pytest.fixture
def reader():
    """Another program's connection, holding a read transaction on the store."""
    connection = sqlite3.connect(paths.db_path(), isolation_level=None)
    connection.execute("BEGIN")
    connection.execute("SELECT COUNT(*) FROM turns").fetchall()
    yield connection
    connection.close()


def test_a_delete_during_a_long_read_deletes_nothing_and_says_so(
    secret_session, reader, monkeypatch
):
    monkeypatch.setattr(wipe, "WAIT_S", 0.0)
    result = run("sessions", "delete", secret_session, "--yes", "--trainee", "Sander")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Deleted" not in result.output and "nothing was deleted" in result.output
    assert exists(secret_session)
    reader.execute("COMMIT")
    again = run("sessions", "delete", secret_session, "--yes", "--trainee", "Sander")
    assert again.exit_code == 0 and "Deleted" in again.output
    assert not has_secret(paths.db_path())


def test_a_delete_waits_for_a_read_to_end(secret_session, reader, monkeypatch):
    ended = []

    def end_the_read(seconds):  # the other program finishes while the delete waits
        if not ended:
            reader.execute("COMMIT")
            ended.append(True)

    monkeypatch.setattr(wipe, "sleep", end_the_read)
    result = run("sessions", "delete", secret_session, "--yes", "--trainee", "Sander")
    assert ended and result.exit_code == 0 and "Deleted" in result.output
    assert not has_secret(paths.db_path())


def test_a_read_that_begins_during_the_delete_is_reported_and_wiped_when_it_ends(
    secret_session, monkeypatch
):
    late: list[sqlite3.Connection] = []
    delete_rows = wipe.delete_rows

    def read_first(db, sql, params):  # another program starts reading just before the DELETE
        connection = sqlite3.connect(paths.db_path(), isolation_level=None)
        connection.execute("BEGIN")
        connection.execute("SELECT COUNT(*) FROM turns").fetchall()
        late.append(connection)
        return delete_rows(db, sql, params)

    monkeypatch.setattr(wipe, "WAIT_S", 0.0)
    monkeypatch.setattr(wipe, "delete_rows", read_first)
    app_exports.folder().mkdir()
    app_exports.path_for(secret_session).write_text(SECRET, encoding="utf-8")
    result = run("sessions", "delete", secret_session, "--yes", "--trainee", "Sander")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not result.output.startswith("Deleted")
    assert "still in the database file" in result.output  # honest: the words are still there
    assert has_secret(paths.db_path()) and not exists(secret_session)
    assert not app_exports.path_for(secret_session).exists()
    late[0].close()  # the other program closes: the text is wiped, as the message said
    assert not has_secret(paths.db_path())
