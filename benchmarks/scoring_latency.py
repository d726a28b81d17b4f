"""Scoring latency: cold start and warm per-turn time (median of 100 turns) on 2 CPU threads.

Run: .venv/bin/python benchmarks/scoring_latency.py [--threads 2] [--turns 100] [--no-reader]
Target: <= 30 ms per turn warm on 2 cores, from Enter to the score. As in a session, the
tenant's line is read ahead (Scorer.read_ahead) before each timed turn, and each turn answers a
fresh tenant line. Three cases of what the app saw of the reply before Enter (scoring.ahead):
- "typed, paused": the trainee paused before Enter, so the whole reply was read while typing;
- "typed, Enter at once": pauses after every second word, Enter straight after the last one;
- "pasted": nothing of the reply was seen before Enter.
--no-reader: MiniLM alone (as without the reader's package), to see what the reader costs.
"""

from __future__ import annotations

import argparse
import statistics
import time

TURNS = [
    ("nl", "Sorry dat ik laat ben — wat is er precies aan de hand?", "Eindelijk, ik wacht al uren."),
    ("nl", "Goedemorgen, ik ben Kees van Bouwbedrijf De Vries. Mag ik even binnenkomen?", ""),
    ("nl", "Dus de verwarming doet het al sinds vrijdag niet meer, klopt dat?", "Hij doet het al sinds vrijdag niet."),
    ("en", "I'll put a sheet down first, then I'll bleed the radiators. About half an hour.", ""),
    ("en", "That must be really frustrating. Where does the water come in?", "I'm sick of this leak!"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None,
                        help="Force torch threads (default: the scorer's own choice, one per turn).")
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--no-reader", action="store_true", help="Score with MiniLM alone.")
    args = parser.parse_args()

    t0 = time.perf_counter()
    import torch

    torch.set_num_threads(2)  # the target machine: 2 cores
    from scoring.embedder import make_embedder
    from scoring.reader import make_reader
    from scoring.scorer import Scorer

    reader = None if args.no_reader else make_reader(threads=args.threads)
    scorer = Scorer(embedder=make_embedder(threads=args.threads), reader=reader)
    scorer.load()
    loaded = time.perf_counter()
    lang, text, tenant = TURNS[0]
    scorer.score_turn(text, lang, tenant)
    first = time.perf_counter()

    cases = {"typed, paused": lambda words: [" ".join(words)],
             "typed, Enter at once": lambda words: [" ".join(words[:k])
                                                    for k in range(2, len(words), 2)],
             "pasted": lambda words: []}
    times: dict[str, list[float]] = {case: [] for case in cases}
    for i in range(args.turns):
        lang, text, tenant = TURNS[i % len(TURNS)]
        for case, drafts in cases.items():
            fresh(scorer)  # each turn answers a new tenant line with a new reply
            scorer.read_ahead(tenant)  # as a session does when the tenant has spoken
            for draft in drafts(text.split()):
                scorer.read_ahead(tenant, draft)  # as the practice screen does at each pause
            start = time.perf_counter()
            scorer.score_turn(text, lang, tenant, turn_index=i % 6)
            times[case].append((time.perf_counter() - start) * 1000)
    print(f"model: {scorer.model_id}   threads: {args.threads or 'scorer default'} of {torch.get_num_threads()}")
    print(f"cold start (import + load model + exemplars): {(loaded - t0):.2f} s")
    print(f"first turn after load:                        {(first - loaded) * 1000:.0f} ms")
    for case, values in times.items():
        values.sort()
        print(f"warm per turn, {case + ':':<22} median {statistics.median(values):.1f} ms, "
              f"90th percentile {values[int(0.9 * len(values)) - 1]:.1f} ms ({len(values)} turns)")


def fresh(scorer) -> None:
    """Forget what was worked out ahead, as if every line were new."""
    from scoring.ahead import Ahead

    scorer._ahead = Ahead()
    if scorer.reader is not None:
        scorer.reader._prefix = None

if __name__ == "__main__":
    main()
