"""SIGKILL in the middle of a session loses nothing already said and leaves a sound database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.store import Store

LINES = [
    "Goedemorgen, ik ben Sander van de woningcorporatie.",
    "Vervelend dat u zo lang heeft moeten wachten.",
    "Mag ik even binnenkomen om naar de ketel te kijken?",
    "Ik leg eerst even een kleed neer.",
    "Het duurt ongeveer een half uur.",
]

# A stand-in for `roleplay play`: the same store calls, and it waits for a go-ahead on stdin
# after each turn, so the test kills it at an exact point in the conversation.
PLAYER = textwrap.dedent("""
    import sys
    from simulator.store import Store
    store = Store.open()
    sid = store.start_session(trainee="Crash", persona_id="grumpy", scenario_id="boiler-winter",
                              lang="nl", backend="fake", model_id="fake", options={})
    store.add_turn(sid, speaker="tenant", text="Wat is er?", state={"irritation": 6, "trust": 3})
    print(sid, flush=True)
    for line in open(sys.argv[1], encoding="utf-8"):
        tid = store.add_turn(sid, speaker="trainee", text=line.strip())
        store.add_detections(tid, [{"behaviour": "greet_introduce", "detected": True}])
        store.add_turn(sid, speaker="tenant", text="Hm.", state={"irritation": 5, "trust": 4})
        print("committed", flush=True)
        sys.stdin.readline()
    store.end_session(sid, "turn_limit")
""")


def _check_interrupted(sid: str, said: list[str]) -> None:
    with Store.open() as store:
        assert store.integrity_check() == "ok"
        session = store.session(sid)
        assert session["ended"] is None and session["outcome"] is None
        trainee = [t["text"] for t in store.turns(sid) if t["speaker"] == "trainee"]
        assert trainee == said
    listing = CliRunner().invoke(main, ["sessions", "list", "--trainee", session["trainee"]])
    assert sid[:12] in listing.output and "unfinished" in listing.output
    shown = CliRunner().invoke(main, ["sessions", "show", sid, "--trainee", session["trainee"]])
    assert shown.exit_code == 0 and said[-1] in shown.output


def test_sigkill_keeps_every_committed_turn(tmp_path):
    script = tmp_path / "script.txt"
    script.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", PLAYER, str(script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        sid = proc.stdout.readline().strip()
        for turn in range(3):
            assert proc.stdout.readline().strip() == "committed"
            if turn < 2:
                proc.stdin.write("go\n")
                proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        proc.kill()
    _check_interrupted(sid, LINES[:3])


def _play_is_available() -> bool:
    play = main.commands.get("play")
    return play is not None and any("--backend" in p.opts for p in play.params)


@pytest.mark.real_model
@pytest.mark.skipif(not _play_is_available(), reason="`roleplay play --backend` not built yet")
def test_sigkill_of_roleplay_play_keeps_committed_turns(tmp_path):
    script = tmp_path / "script.txt"
    script.write_text("\n".join(LINES * 6) + "\n", encoding="utf-8")
    roleplay = Path(sys.executable).with_name("roleplay")
    proc = subprocess.Popen(
        [
            str(roleplay),
            "play",
            "--backend",
            "fake",
            "--persona",
            "grumpy",
            "--scenario",
            "boiler-winter",
            "--trainee",
            "Crash",
            "--script",
            str(script),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 600  # a failure deadline, not a performance threshold
    sid, said = None, []
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            sid, said = _trainee_turns_so_far()
            if len(said) >= 2:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        finished_first = proc.wait(timeout=30) != -signal.SIGKILL
    finally:
        proc.kill()
    if finished_first:
        pytest.fail(
            "play ended the whole script before it could be killed; "
            f"stdout/err suppressed, turns stored: {json.dumps(said)}"
        )
    with Store.open() as store:
        said = [t["text"] for t in store.turns(sid) if t["speaker"] == "trainee"]
    assert said == (LINES * 6)[: len(said)] and len(said) >= 2
    _check_interrupted(sid, said)


def _trainee_turns_so_far() -> tuple[str | None, list[str]]:
    path = Path(os.environ["ROLEPLAY_HOME"]) / "roleplay.db"
    if not path.exists():
        return None, []
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute(
            "SELECT session_id, text FROM turns WHERE speaker = 'trainee' ORDER BY position"
        ).fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return None, []
    finally:
        db.close()
    return (rows[0][0] if rows else None), [r[1] for r in rows]
