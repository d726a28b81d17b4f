"""How fast the session store answers with a realistic amount of history.

10,000 sessions of 12 turns in a temporary database; times listing with a filter and a
full-text search (median of several runs). Run: .venv/bin/python benchmarks/store.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from simulator.store import Store

SESSIONS, TURNS, RUNS = 10_000, 12, 7
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


def main() -> None:
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


if __name__ == "__main__":
    main()
