"""The session store: migrations, turn-by-turn commits, filters, search, secure deletion."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from test_store_sample import make_session

from simulator.cli import main
from simulator.store import Store, StoreError
from simulator.store.ids import new_id
from simulator.store.migrations import known_names


def test_blank_database_gets_every_migration_and_safe_pragmas(tmp_path):
    with Store.open(tmp_path / "blank.db") as store:
        applied = [r["name"] for r in store.db.query("SELECT name FROM _sqlite_migrations")]
        assert applied == known_names()
        assert {"sessions", "turns", "detections", "reviews", "overrides", "turns_fts"} <= set(
            store.db.table_names()
        )
        pragma = store.db.execute
        assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
        assert pragma("PRAGMA secure_delete").fetchone()[0] == 1


def test_default_location_follows_roleplay_home(roleplay_home):
    with Store.open() as store:
        make_session(store)
    assert (roleplay_home / "roleplay.db").exists()


def test_upgrade_from_the_first_schema_keeps_data_and_indexes_it(tmp_path):
    path = tmp_path / "old.db"
    old = Store.open(path, stop_before="m002_session_scores")
    assert "scores" not in old.db["sessions"].columns_dict
    assert "turns_fts" not in old.db.table_names()
    old.db["sessions"].insert(
        {
            "id": "OLD1",
            "trainee": "Els",
            "persona_id": "grumpy",
            "scenario_id": "mould",
            "lang": "nl",
            "started": "2024-05-01",
        }
    )
    old.db["turns"].insert(
        {
            "id": "T1",
            "session_id": "OLD1",
            "position": 0,
            "speaker": "tenant",
            "text": "De schimmel komt steeds terug.",
            "created": "2024-05-01",
        }
    )
    old.db["turns"].insert(
        {
            "id": "T2",
            "session_id": "OLD1",
            "position": 1,
            "speaker": "trainee",
            "text": "Vervelend, dat snap ik.",
            "created": "2024-05-01",
        }
    )
    old.close()
    with Store.open(path) as store:
        assert store.list_sessions(search="schimmel")[0]["id"] == "OLD1"
        store.end_session("OLD1", "resolved", {"listening": 70, "hospitality": 60})
        assert store.session("OLD1")["scores"]["listening"] == 70


def test_newer_database_gives_a_clear_message(tmp_path, roleplay_home):
    path = roleplay_home / "roleplay.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('roleplay', 'm999_from_the_future', '2030-01-01')"
    )
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer version of roleplay"):
        Store.open(path)
    result = CliRunner().invoke(main, ["sessions", "list"])
    assert result.exit_code == 1
    assert "newer version of roleplay" in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_database_gives_a_clear_message(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 200)
    with pytest.raises(StoreError, match="cannot open the session database"):
        Store.open(path)


def test_turns_are_numbered_and_rewind_removes_them_with_their_detections(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        sid = make_session(store, end=False)
        assert store.session(sid)["ended"] is None
        store.remove_turns_from(sid, 3)
        turns = store.turns(sid)
        assert [t["position"] for t in turns] == [0, 1, 2]
        orphans = store.db.execute(
            "SELECT COUNT(*) FROM detections WHERE turn_id NOT IN (SELECT id FROM turns)"
        )
        assert orphans.fetchone()[0] == 0
        tid = store.add_turn(sid, speaker="trainee", text="Waar zit het lek precies?")
        assert store.turns(sid)[-1]["id"] == tid and store.turns(sid)[-1]["position"] == 3


def test_list_filters_and_full_text_search(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        a = make_session(store, trainee="Sander")
        b = make_session(
            store,
            trainee="Fatima",
            conversation=[("trainee", "Goedemiddag, ik kom de cv-ketel nakijken.", None, {})],
        )
        store.db.execute("UPDATE sessions SET started = '2024-01-01T10:00' WHERE id = ?", [a])
        assert [s["id"] for s in store.list_sessions(trainee="Fatima")] == [b]
        assert [s["id"] for s in store.list_sessions(since="2024-06-01")] == [b]
        assert store.list_sessions(persona_id="anxious") == []
        assert [s["id"] for s in store.list_sessions(search="ketel")] == [b]
        assert [s["id"] for s in store.list_sessions(search="SCHOENHOESJES")] == [a]
        # FTS syntax in user input is taken literally, never an error.
        assert store.list_sessions(search='lek" OR * AND') == []


def old_empty_session(store: Store, trainee: str = "Sander") -> str:
    """What an older roleplay stored when the trainee ended before saying anything."""
    sid = store.start_session(trainee=trainee, persona_id="grumpy", scenario_id="late-leaking-tap",
                              lang="nl", consent=True)
    store.add_turn(sid, speaker="tenant", text="Wat moet u?", source="authored")
    store.end_session(sid, "ended", {"listening": 0, "hospitality": 0})
    return sid


def test_empty_sessions_of_old_databases_are_never_listed_or_counted(tmp_path, roleplay_home):
    from simulator.store.review import Viewer, list_visible

    with Store.open() as store:
        spoken = make_session(store, trainee="Sander")
        empty = old_empty_session(store)
        assert [s["id"] for s in store.list_sessions()] == [spoken]
        assert [s["id"] for s in list_visible(store, Viewer(reviewer="Anja"))] == [spoken]
        assert [s["id"] for s in list_visible(store, Viewer(trainee="Sander"))] == [spoken]
        assert store.resolve(empty)["id"] == empty  # still there, and still deletable
    result = CliRunner().invoke(main, ["progress", "--trainee", "Sander"])
    assert result.exit_code == 0, result.output
    assert len([ln for ln in result.output.splitlines() if "late-leaking-tap" in ln]) == 1


def test_the_session_hands_over_turns_and_the_store_builds_the_rows(tmp_path):
    from scoring.scorer import Detection

    with Store.open(tmp_path / "s.db") as store:
        sid = store.start_session(trainee="Sam", persona_id="grumpy", scenario_id="mould",
                                  lang="nl", opening="Wat moet u?", opening_state={"trust": 2})
        tid = store.add_trainee_turn(sid, text="Goedemiddag, ik ben Sam.", state={"trust": 3},
                                     detections=[Detection("greet_introduce", True, 0.9,
                                                           "Goedemiddag", "Hallo, ik ben")])
        store.add_tenant_turn(sid, text="Kom binnen.", source="model", guard=[],
                              prompt=[{"role": "system", "content": "..."}], latency_ms=80)
        opening, trainee, tenant = store.turns(sid)
        assert (opening["source"], opening["state"], opening["position"]) == (
            "authored", {"trust": 2}, 0)
        assert trainee["id"] == tid and trainee["detections"]["greet_introduce"]["detected"]
        assert tenant["prompt"].startswith('[{"role": "system"')
        assert store.discard_if_empty(sid) is False  # the trainee spoke: kept
        store.remove_turns_from(sid, 1)
        assert store.discard_if_empty(sid) is True and store.session(sid) is None
        record = store.session_record(make_session(store))
        assert set(record) == {"session", "turns", "detections", "reviews", "overrides"}


def test_resolve_accepts_a_unique_prefix(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        sid = make_session(store)
        assert store.resolve(sid[:14].lower())["id"] == sid
        with pytest.raises(StoreError, match="no session"):
            store.resolve("ZZZZ")


def test_ids_sort_by_creation_time():
    ids = [new_id() for _ in range(50)]
    assert len(set(ids)) == 50 and all(len(i) == 26 for i in ids)
    assert ids[0][:10] <= ids[-1][:10]


SECRET = "Mijn zoon Joris heeft astma door die schimmelplekken"


def _raw_bytes(path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_deleted_session_text_is_gone_from_the_file_and_the_log(tmp_path):
    path = tmp_path / "private.db"
    store = Store.open(path)
    keep = make_session(store, trainee="Keep")
    gone = make_session(
        store,
        trainee="Gone",
        conversation=[
            ("tenant", SECRET + ".", {"irritation": 5, "trust": 5}, {}),
            (
                "trainee",
                "Dat begrijp ik, " + SECRET.lower() + " is zorgelijk.",
                None,
                {"paraphrase": SECRET},
            ),
        ],
    )
    from simulator.store.review import add_review

    add_review(store, gone, "Anja", "Over " + SECRET)
    assert SECRET.encode() in _raw_bytes(path)  # the test can see the text when it is there
    assert store.delete_session(gone)
    raw = _raw_bytes(path)
    for needle in (SECRET, "schimmelplekken", "astma", "Joris"):
        assert needle.encode() not in raw and needle.lower().encode() not in raw
    assert store.integrity_check() == "ok"
    assert store.session(gone) is None and store.list_sessions(search="astma") == []
    assert [s["id"] for s in store.list_sessions(search="schoenhoesjes")] == [keep]
    store.close()
    assert SECRET.encode() not in _raw_bytes(path)


def test_a_session_and_its_first_trainee_line_are_one_write(tmp_path):
    """If the first trainee line cannot be stored, no session without it is left behind."""
    store = Store.open(tmp_path / "one.db")
    columns = {"trainee": "Sam", "persona_id": "grumpy", "scenario_id": "late-leaking-tap",
               "lang": "nl", "opening": "Ja? Wat moet u?"}
    with pytest.raises(Exception):  # noqa: B017 - any failure inside the write
        store.start_session(**columns, first_words={"text": "Goedemiddag.",
                                                    "detections": [object()]})
    assert store.db["sessions"].count == 0 and store.db["turns"].count == 0
    sid = store.start_session(**columns, first_words={"text": "Goedemiddag, ik ben Sam."})
    turns = store.turns(sid)
    assert [t["speaker"] for t in turns] == ["tenant", "trainee"]
