"""Several programs on one store: writers wait for each other, none fails, no turn is lost.

The real thing: `roleplay play --backend fake --script` in separate processes against one SQLite
file, while this process lists and exports sessions. The scorer is swapped for one that loads no
model (it detects nothing), so the processes write as fast as they can.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import traceback
from pathlib import Path

from click.testing import CliRunner

from simulator.cli import main
from simulator.store import Store, StoreError

PLAYERS, LINES = 4, 12  # repeat-visit allows 14 trainee turns: every line is said
PLAYER = textwrap.dedent("""
    import sys
    from simulator.cli import main, play
    from simulator.engine.reporting import pinned_score

    class NoModelScorer:
        embedder = None

        def read_ahead(self, tenant_said, draft=""):
            pass

        def score_turn(self, text, lang, tenant_said="", turn_index=0, is_last=False):
            return pinned_score(text, lang, [])

    play._scorer = lambda: NoModelScorer()
    main(sys.argv[1:])
""")


def start_player(n: int, script: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", PLAYER, "play", "--backend", "fake", "--persona", "grumpy",
               "--scenario", "repeat-visit", "--lang", "en", "--json", "--seed", str(n),
               "--trainee", f"player{n}", "--script", str(script)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())  # fmt: skip


def test_concurrent_plays_and_a_reader_lose_no_turn(tmp_path):
    scripts = []
    for n in range(PLAYERS):
        script = tmp_path / f"player{n}.txt"
        lines = [f"Player {n} says line {i} about the leaking tap." for i in range(LINES)]
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        scripts.append(lines)
    players = [start_player(n, tmp_path / f"player{n}.txt") for n in range(PLAYERS)]
    reads = []
    try:
        while any(p.poll() is None for p in players):
            runner = CliRunner()
            reads.append(runner.invoke(main, ["sessions", "list", "--trainee", "player0"]))
            reads.append(
                runner.invoke(
                    main,
                    [
                        "export",
                        "--all",
                        "--format",
                        "csv",
                        "--trainee",
                        "player1",
                        "-o",
                        str(tmp_path / "all.csv"),
                    ],
                )
            )
        outputs = [p.communicate(timeout=300) for p in players]
    finally:
        for p in players:
            p.kill()
    for n, (player, (out, err)) in enumerate(zip(players, outputs, strict=True)):
        assert player.returncode == 0 and "locked" not in err, f"player {n}: {err[-2000:]}"
        final = json.loads(out.splitlines()[-1])
        assert final["outcome"] == "unfinished" and final["turns"] == LINES
        with Store.open() as store:
            turns = store.turns(final["session_id"])
            assert store.session(final["session_id"])["outcome"] == "unfinished"
        assert [t["text"] for t in turns if t["speaker"] == "trainee"] == scripts[n]
        assert [t["position"] for t in turns] == list(range(1 + 2 * LINES))
    failed = [r.output + "".join(traceback.format_exception(*r.exc_info)) if r.exc_info else r.output
              for r in reads if r.exit_code not in (0, None)]  # fmt: skip
    assert reads and failed == []


def test_a_write_waits_for_another_writer_instead_of_failing(tmp_path):
    """The lost turn of the bug report, made to happen every time: a write transaction that
    read before it wrote, while another process committed in between, failed at once with
    "database is locked" (a busy timeout cannot help a stale read); one that takes the write
    lock first waits for the other writer instead."""
    path = tmp_path / "roleplay.db"
    with Store.open(path) as store:
        sid = store.start_session(persona_id="grumpy", scenario_id="repeat-visit", lang="nl")
        tid = store.add_turn(sid, speaker="trainee", text="Goedemiddag, ik kom voor de kraan.")
    other = sqlite3.connect(path, isolation_level=None, timeout=60)
    other.execute("BEGIN IMMEDIATE")  # another roleplay, in the middle of storing its turn
    other.execute(
        "INSERT INTO sessions (id, persona_id, scenario_id, lang, started)"
        " VALUES ('01OTHERPROCESS', 'grumpy', 'repeat-visit', 'nl', '2025-01-01')"
    )
    about_to_write, errors = threading.Event(), []

    def on_statement(sql: str) -> None:
        if sql.lstrip().upper().startswith(("INSERT", "BEGIN IMMEDIATE")):
            about_to_write.set()

    def store_detections() -> None:  # a connection belongs to the thread that opened it
        try:
            with Store.open(path) as store:
                store.db.conn.set_trace_callback(on_statement)
                store.add_detections(tid, [{"behaviour": "greet_introduce", "detected": True}])
        except Exception as err:  # noqa: BLE001 - the test reports it
            errors.append(err)
        finally:
            about_to_write.set()

    writer = threading.Thread(target=store_detections)
    writer.start()
    assert about_to_write.wait(timeout=60)  # a deadline for a hung test, not a measurement
    other.execute("COMMIT")
    writer.join(timeout=60)
    other.close()
    assert errors == []
    with Store.open(path) as store:
        [turn] = store.turns(sid)
        assert turn["detections"]["greet_introduce"]["detected"] is True
        assert store.session("01OTHERPROCESS") is not None


def test_a_lock_that_never_ends_is_one_line_and_stores_nothing(monkeypatch):
    with Store.open() as store:
        sid = store.start_session(trainee="Sam", persona_id="grumpy", scenario_id="repeat-visit",
                                  lang="nl")  # fmt: skip
        path = store.path
    monkeypatch.setattr("simulator.store.store.BUSY_TIMEOUT_MS", 50, raising=False)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a program that holds the write lock and does not let go
    try:
        with Store.open() as store:
            try:
                store.add_turn(sid, speaker="trainee", text="Hallo?")
            except StoreError as err:
                assert "is locked by another program" in str(err) and "try again" in str(err)
            else:
                raise AssertionError("the write did not notice the lock")
        result = CliRunner().invoke(main, ["sessions", "share", sid, "--trainee", "Sam"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "is locked by another program" in result.output and "Traceback" not in result.output
    with Store.open() as store:
        assert store.turns(sid) == [] and store.session(sid)["consent"] is False


def test_a_transcript_read_while_another_process_stores_a_turn(tmp_path):
    """`sessions show` or an export reads turns, then their detections: a turn stored by a
    player in between must not bring detections for a turn the reader has not got."""
    path = tmp_path / "roleplay.db"
    with Store.open(path) as store:
        sid = store.start_session(persona_id="grumpy", scenario_id="repeat-visit", lang="nl")
        store.add_turn(sid, speaker="tenant", text="Wat is er?")
        other = sqlite3.connect(path, isolation_level=None)

        def player_stores_a_turn(sql: str) -> None:
            if sql.lstrip().startswith("SELECT d.*"):  # after the turns, before the detections
                other.execute("INSERT INTO turns (id, session_id, position, speaker, text,"
                              " created) VALUES ('01NEWTURN', ?, 1, 'trainee', 'Hallo', '2025')",
                              [sid])  # fmt: skip
                other.execute("INSERT INTO detections (turn_id, behaviour, detected)"
                              " VALUES ('01NEWTURN', 'greet_introduce', 1)")  # fmt: skip

        store.db.conn.set_trace_callback(player_stores_a_turn)
        try:
            first = store.turns(sid)
        finally:
            store.db.conn.set_trace_callback(None)
            other.close()
        assert [t["text"] for t in first] == ["Wat is er?"]
        assert [t["text"] for t in store.turns(sid)] == ["Wat is er?", "Hallo"]
