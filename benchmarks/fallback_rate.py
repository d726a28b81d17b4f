"""How often does the tenant fall back to authored lines? One command:

    .venv/bin/python benchmarks/fallback_rate.py [--lang nl|en] [--persona ID ...] [--json]

Plays the shipped trainee scripts (tests/scripts/empathetic-*.txt, dismissive-*.txt) against
every shipped persona with the default back-end and the real scorer, and reports per language
the share of tenant lines (closings excluded: they are always authored) that came from the
fallback, plus why the guard rejected model lines. `fallback_rate()` is the function for
benchmarks/tenant_latency.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRIPTS = ROOT / "tests" / "scripts"
NAMES = ("empathetic", "dismissive")


def script(name: str, lang: str) -> list[str]:
    text = (SCRIPTS / f"{name}-{lang}.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def play(library, persona_id: str, lang: str, name: str, backend, scorer, options) -> list:
    from simulator.engine.session import PracticeSession

    allowed = library.scenarios_for(persona_id)
    scenario_id = allowed[sorted(library.personas).index(persona_id) % len(allowed)]
    session = PracticeSession(library, persona_id, scenario_id, lang, backend=backend,
                              scorer=scorer, seed=7, options=options)
    for line in script(name, lang):
        if session.finished:
            break
        session.say(line)
        session.reply()
    return [t for t in session.tenant_turns if t.act != "closing"]


def fallback_rate(langs=("nl", "en"), personas=None, backend=None, scorer=None) -> dict:
    """{lang: {"lines", "fallback", "rate", "reasons", "seconds"}} over the shipped scripts."""
    from scoring.scorer import Scorer
    from simulator.backends import make_backend
    from simulator.content import load_library
    from simulator.settings import load_settings

    settings = load_settings()
    if backend is None:
        backend = make_backend(settings)
        backend.load()
    if scorer is None:
        scorer = Scorer.default()
        scorer.load()
    library = load_library()
    result = {}
    for lang in langs:
        started = time.perf_counter()
        turns = [t for pid in (personas or sorted(library.personas)) for name in NAMES
                 for t in play(library, pid, lang, name, backend, scorer, settings.generation)]
        fallback = [t for t in turns if t.source == "fallback"]
        reasons = Counter(r.split(": ", 1)[-1].split(" (")[0] for t in turns for r in t.guard)
        result[lang] = {
            "lines": len(turns),
            "fallback": len(fallback),
            "rate": round(len(fallback) / len(turns), 3) if turns else None,
            "reasons": dict(reasons.most_common()),
            "seconds": round(time.perf_counter() - started, 1),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["nl", "en"], action="append")
    parser.add_argument("--persona", action="append", help="only these personas (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = fallback_rate(tuple(args.lang or ("nl", "en")), args.persona)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for lang, row in result.items():
        print(f"{lang}: {row['fallback']} of {row['lines']} tenant lines from the fallback "
              f"(rate {row['rate']}), {row['seconds']} s")
        for reason, count in row["reasons"].items():
            print(f"    {count:4d}  {reason}")


if __name__ == "__main__":
    main()
