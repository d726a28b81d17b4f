"""How fast the session store answers with a realistic amount of history.

10,000 sessions of 12 turns in a temporary database; times listing with a filter and a
full-text search (median of several runs). Then `roleplay import` of a bundle of 100,000
sessions of 12 turns, as a separate process: time and peak memory (resident set).
Run: .venv/bin/python benchmarks/store.py [--import-sessions N] [--import-only]

Import, measured on a 2-core machine shared with other work: 100,000 sessions of 12 turns
(an 898 MB bundle, 1.2 million turns) in 136 s, peak 92 MB; the same bundle again (all
skipped) in 59 s. Before issue 14: 8,000 sessions took 10 s, 100,000 did not finish in 300 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from simulator.store import Store
from simulator.store.ids import new_id, utc_now

SESSIONS, TURNS, RUNS = 10_000, 12, 7
IMPORT_SESSIONS = 100_000
TRAINEES = [f"trainee{i:02d}" for i in range(40)]
PERSONAS = ["grumpy", "anxious", "chatty", "demanding", "doubting", "impatient"]
WORDS = [
    "lek",
    "ketel",
    "schimmel",
    "afspraak",
    "badkamer",
    "kraan",
    "water",
    "muur",
    "plafond",
    "monteur",
    "huurder",
    "vandaag",
    "morgen",
    "sorry",
    "goedemorgen",
    "binnenkomen",
    "schoenhoesjes",
    "uitleggen",
    "wachten",
]


def fill(store: Store, rng: random.Random) -> None:
    for n in range(SESSIONS):
        with store.db.atomic():  # one transaction per session keeps the fill quick
            sid = store.start_session(
                trainee=rng.choice(TRAINEES),
                persona_id=rng.choice(PERSONAS),
                scenario_id="boiler-winter",
                lang="nl",
                options={},
                consent=rng.random() < 0.7,
            )
            for t in range(TURNS):
                text = " ".join(rng.choice(WORDS) for _ in range(12))
                if n == SESSIONS // 2 and t == 5:
                    text += " zeldzaamwoord"
                tid = store.add_turn(
                    sid,
                    speaker="tenant" if t % 2 == 0 else "trainee",
                    text=text,
                    state={"irritation": 5, "trust": 5},
                )
                if t % 2:
                    store.add_detections(tid, [{"behaviour": "apologize", "detected": True}])
            store.end_session(
                sid,
                "resolved",
                {"listening": rng.randint(0, 100), "hospitality": rng.randint(0, 100)},
            )


def median_ms(action) -> tuple[float, int]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(result)


def bench_queries() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = Store.open(path)
        start = time.perf_counter()
        fill(store, random.Random(7))
        print(
            f"filled {SESSIONS} sessions x {TURNS} turns in {time.perf_counter() - start:.1f} s"
            f" ({path.stat().st_size / 1e6:.0f} MB)"
        )
        cases = {
            "list --trainee (one trainee)": lambda: store.list_sessions(trainee="trainee07"),
            "list --persona --since, shared only": lambda: store.list_sessions(
                persona_id="grumpy", since="2000-01-01", shared_only=True
            ),
            "search common word 'schimmel'": lambda: store.list_sessions(search="schimmel"),
            "search rare word": lambda: store.list_sessions(search="zeldzaamwoord"),
            "search two words + trainee": lambda: store.list_sessions(
                search="ketel lek", trainee="trainee07"
            ),
            "show one session (turns)": lambda: store.turns(store.list_sessions(limit=1)[0]["id"]),
        }
        for name, action in cases.items():
            ms, rows = median_ms(action)
            print(f"{name:<38} {ms:8.2f} ms  ({rows} rows, median of {RUNS})")
        sid = store.list_sessions(limit=1)[0]["id"]
        start = time.perf_counter()
        store.delete_session(sid)
        print(
            f"{'secure delete of one session':<38} {(time.perf_counter() - start) * 1000:8.1f} ms"
        )
        store.close()


# -- import: a bundle from another machine ------------------------------------------------------


def bundle_record(rng: random.Random) -> dict:
    """One session as `roleplay export --format json` writes it."""
    sid, now = new_id(), utc_now()
    turns, detections = [], []
    for t in range(TURNS):
        turn = {
            "id": new_id(), "session_id": sid, "position": t,
            "speaker": "tenant" if t % 2 == 0 else "trainee",
            "text": " ".join(rng.choice(WORDS) for _ in range(12)), "created": now,
            "latency_ms": None, "first_token_ms": None, "prompt": None, "source": None,
            "guard": None, "state": {"irritation": 5, "trust": 5},
        }  # fmt: skip
        turns.append(turn)
        if t % 2:
            detections.append({"turn_id": turn["id"], "behaviour": "apologize", "detected": 1,
                               "confidence": 0.8, "sentence": None, "exemplar": None})  # fmt: skip
    session = {
        "id": sid, "trainee": rng.choice(TRAINEES), "persona_id": rng.choice(PERSONAS),
        "scenario_id": "boiler-winter", "lang": "nl", "mode": "practice", "backend": "fake",
        "model_id": None, "options": {}, "persona_hash": None, "scenario_hash": None,
        "started": now, "ended": now, "outcome": "resolved", "consent": rng.random() < 0.7,
        "scores": {"listening": rng.randint(0, 100), "hospitality": rng.randint(0, 100)},
    }  # fmt: skip
    return {"session": session, "turns": turns, "detections": detections, "reviews": [],
            "overrides": []}  # fmt: skip


def write_bundle(path: Path, sessions: int, rng: random.Random) -> None:
    """The bundle file, laid out as the export lays it out, written one session at a time."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n  "format": "roleplay-bundle",\n  "version": 1,\n  "sessions": [\n')
        for n in range(sessions):
            text = json.dumps(bundle_record(rng), ensure_ascii=False, indent=2)
            out.write(("" if n == 0 else ",\n") + textwrap.indent(text, "    "))
        out.write("\n  ]\n}\n")


def run_import(path: Path, home: Path) -> tuple[float, str]:
    """`roleplay import PATH` in a fresh process: wall time and its last line of output."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from simulator.cli import main; main()", "import", str(path)],
        env={**os.environ, "ROLEPLAY_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"import failed: {done.stderr.strip()}")
    return seconds, done.stdout.strip().splitlines()[0]


def bench_import(sessions: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, home = Path(tmp) / "bundle.json", Path(tmp) / "home"
        start = time.perf_counter()
        write_bundle(path, sessions, random.Random(11))
        size = path.stat().st_size / 1e6
        print(f"wrote a bundle of {sessions} sessions x {TURNS} turns ({size:.0f} MB)"
              f" in {time.perf_counter() - start:.1f} s")  # fmt: skip
        seconds, said = run_import(path, home)
        # ru_maxrss of children: the largest resident set of any child so far (KiB on Linux).
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{'roleplay import (new process)':<38} {seconds:8.1f} s    peak {peak:.0f} MB  ({said})"
        )
        seconds, said = run_import(path, home)
        print(f"{'the same bundle again (all skipped)':<38} {seconds:8.1f} s    ({said})")


# -- concurrent writers: several `roleplay play` on one store ------------------------------------
# Run alone: .venv/bin/python benchmarks/store.py --writers-only [--writers N]
# Measured on a 2-core machine shared with other work: 8 writers x 12 lines and ~1,500 reads in
# 18 s: 0 turns lost, 0 lock errors. Before issue 14 (no write lock taken up front): 19 of 200
# turns lost, 1 lock error, 1 session without an outcome.

WRITERS, WRITER_LINES = 8, 12  # repeat-visit allows 14 trainee turns: every line is said
PLAYER = textwrap.dedent("""
    import sys
    from simulator.cli import main, play
    from simulator.engine.reporting import pinned_score

    class NoModelScorer:  # loads nothing and detects nothing, so that the processes only write
        def read_ahead(self, tenant_said, draft=""):
            pass

        def score_turn(self, text, lang, tenant_said="", turn_index=0, is_last=False):
            return pinned_score(text, lang, [])

    play._scorer = lambda: NoModelScorer()
    main(sys.argv[1:])
""")


def start_writer(n: int, script: Path, home: Path) -> subprocess.Popen:
    """`roleplay play --backend fake --script` as its own process (the scorer swapped)."""
    command = [sys.executable, "-c", PLAYER, "play", "--backend", "fake", "--persona", "grumpy",
               "--scenario", "repeat-visit", "--lang", "en", "--json", "--seed", str(n),
               "--trainee", f"writer{n}", "--script", str(script)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "ROLEPLAY_HOME": str(home)})  # fmt: skip


def read_while(writers: list[subprocess.Popen], home: Path) -> tuple[int, list[str]]:
    """`sessions list` and a CSV export, over and over until the writers are done."""
    from click.testing import CliRunner

    from simulator.cli import main as roleplay

    runner, reads, failures = CliRunner(env={"ROLEPLAY_HOME": str(home)}), 0, []
    out = str(home / "all.csv")
    while any(w.poll() is None for w in writers):
        for args in (["sessions", "list", "--trainee", "writer0"],
                     ["export", "--all", "--format", "csv", "--trainee", "writer1", "-o", out]):
            result = runner.invoke(roleplay, args)
            reads += 1
            if result.exit_code != 0:
                failures.append(result.output.strip() or repr(result.exception))
    return reads, failures


def bench_writers(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, scripts = Path(tmp) / "home", []
        for n in range(count):
            lines = [f"Writer {n} says line {i} about the leaking tap." for i in range(WRITER_LINES)]
            (Path(tmp) / f"w{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            scripts.append(lines)
        start = time.perf_counter()
        writers = [start_writer(n, Path(tmp) / f"w{n}.txt", home) for n in range(count)]
        reads, read_failures = read_while(writers, home)
        outputs = [w.communicate() for w in writers]
        seconds = time.perf_counter() - start
        expected = count * (1 + 2 * WRITER_LINES)  # the opening, then a line and a reply each
        with Store.open(home / "roleplay.db") as store:
            stored = store.db.execute("SELECT count(*) FROM turns").fetchone()[0]
            ended = store.db.execute("SELECT count(*) FROM sessions WHERE ended IS NOT NULL")
            ended = ended.fetchone()[0]
        texts = [err + out for out, err in outputs] + read_failures
        locks = sum(text.count("database is locked") for text in texts)
        crashed = sum(w.returncode != 0 for w in writers)
        print(f"{count} concurrent `roleplay play --backend fake` x {WRITER_LINES} lines, plus"
              f" {reads} list/CSV-export reads, in {seconds:.1f} s:")  # fmt: skip
        print(f"  turns lost {expected - stored} (of {expected}), lock errors {locks},"
              f" sessions without an outcome {count - ended}, failed writers {crashed},"
              f" failed reads {len(read_failures)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-sessions", type=int, default=IMPORT_SESSIONS, metavar="N",
                        help="sessions in the imported bundle (0: skip the import)")  # fmt: skip
    parser.add_argument("--import-only", action="store_true", help="skip the query timings")
    parser.add_argument("--writers", type=int, default=WRITERS, metavar="N",
                        help="concurrent roleplay play processes (0: skip that run)")  # fmt: skip
    parser.add_argument("--writers-only", action="store_true", help="only the concurrent run")
    args = parser.parse_args()
    if args.writers_only:
        bench_writers(args.writers)
        return
    if not args.import_only:
        bench_queries()
    if args.import_sessions:
        bench_import(args.import_sessions)
    if args.writers:
        bench_writers(args.writers)


if __name__ == "__main__":
    main()
