"""From Enter to the tenant's first word, in a real session: the real scorer, llama.cpp tenant.

Run it alone on the machine:

    .venv/bin/python benchmarks/enter_to_first_word.py [--model FILE.gguf] [--rounds 3]

The trainee's six lines of benchmarks/tenant_latency.py are typed and sent, as in the practice
screen, which hands the line so far to PracticeSession.draft at each pause. Per line, the time
from Enter (say()) to the score, and to the first chunk of the tenant's reply, in three cases:
- paused: the trainee paused before Enter, so the whole line was worked ahead (settled);
- Enter at once: short pauses after every second word, Enter straight after the last one;
- pasted: nothing of the line was seen before Enter.
The tenant speaks English (the embedded SmolLM2 writes no usable Dutch; model_langs "en").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.tenant_latency import TRAINEE


def drafts(case: str, line: str) -> list[tuple[str, bool]]:
    """What the screen hands to session.draft before Enter: (text so far, settled)."""
    words = line.split()
    if case == "paused":
        return [(" ".join(words[:k]), False) for k in range(2, len(words), 2)] + [(line, True)]
    if case == "Enter at once":
        return [(" ".join(words[:k]), False) for k in range(2, len(words), 2)]
    return []


def conversation(library, scorer, backend, case: str, seed: int) -> list[dict]:
    from simulator.engine.session import PracticeSession

    session = PracticeSession(library, "grumpy", "late-leaking-tap", "en", backend=backend,
                              scorer=scorer, model_langs=("en",), seed=seed)
    out = []
    for line, _ in TRAINEE:
        for text, settled in drafts(case, line):
            session.draft(text, settled)
        first: list[float] = []
        started = time.perf_counter()
        session.say(line)
        scored = time.perf_counter()
        session.reply(on_chunk=lambda _chunk, seen=first: seen or seen.append(time.perf_counter()))
        out.append({"score_ms": (scored - started) * 1000,
                    "first_word_ms": ((first[0] if first else time.perf_counter()) - started)
                    * 1000})
        if session.finished:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a .gguf file (default: the embedded SmolLM2-135M)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from scoring.scorer import Scorer
    from simulator.backends import LlamaCppBackend
    from simulator.content import load_library

    library, scorer, backend = load_library(), Scorer.default(), LlamaCppBackend(args.model)
    scorer.load()
    backend.load()
    conversation(library, scorer, backend, "pasted", seed=99)  # warm-up, not counted
    report = {"model": backend.model_id, "scorer": scorer.model_id, "cases": {}}
    for case in ("paused", "Enter at once", "pasted"):
        turns = [t for r in range(args.rounds)
                 for t in conversation(library, scorer, backend, case, seed=r)[1:]]
        report["cases"][case] = {
            "turns": len(turns),
            "score_ms_median": round(statistics.median(t["score_ms"] for t in turns), 1),
            "first_word_ms_median": round(statistics.median(t["first_word_ms"] for t in turns)),
            "first_word_ms_max": round(max(t["first_word_ms"] for t in turns)),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
