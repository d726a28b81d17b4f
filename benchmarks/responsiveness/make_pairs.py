"""Blind pairs for rating the tenant's replies. One command:

    .venv/bin/python benchmarks/responsiveness/make_pairs.py [--with-model] [--lines F] [--out D]

trainee_lines.jsonl: 100 technician lines (60 nl, 40 en) written by someone who had not seen the
corpus. Each goes to one persona (in turn) on a scenario it plays, in a fresh conversation, after
the tenant's opening; the corpus actor answers (source "corpus"), and with --with-model the
embedded model's raw line for the same prompt is added. Writes pairs.jsonl (what a rater sees:
persona, opening, trainee line, reply A/B in random order) and key.jsonl (which is which).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-model", action="store_true")
    parser.add_argument("--lines", type=Path, default=HERE / "trainee_lines.jsonl",
                        help="trainee lines (JSONL: id, lang, text, kind); default: the test split")
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder for pairs.jsonl and key.jsonl (default: this one)")
    args = parser.parse_args()

    from scoring.scorer import Scorer
    from simulator.backends import make_backend
    from simulator.content import load_library
    from simulator.engine.actor import clean
    from simulator.engine.session import PracticeSession
    from simulator.settings import load_settings

    library = load_library()
    scorer = Scorer.default()
    scorer.load()
    settings = load_settings()
    backend = make_backend(settings) if args.with_model else None
    rng = random.Random(11)
    personas = sorted(library.personas)
    lines = [json.loads(x) for x in args.lines.read_text("utf-8").splitlines() if x.strip()]
    pairs, key = [], []
    for i, item in enumerate(lines):
        pid = personas[i % len(personas)]
        scenarios = sorted(library.scenarios_for(pid))
        sid = scenarios[(i // len(personas)) % len(scenarios)]
        session = PracticeSession(library, pid, sid, item["lang"], scorer=scorer, seed=i)
        decision = session.say(item["text"]).decision
        replies = {}
        if backend is not None:
            messages = session.actor.messages(decision, session.history)
            raw = "".join(backend.stream(messages, settings.generation))
            replies["model"] = clean(raw, session.actor.names)
        reply = session.reply()
        replies["corpus" if reply.source == "corpus" else "act_line"] = reply.text
        order = list(replies)
        rng.shuffle(order)
        persona = library.personas[pid]
        pairs.append({
            "id": item["id"], "lang": item["lang"],
            "tenant": persona.name.get("en") + ": " + persona.description.get("en"),
            "job": library.scenarios[sid].title.get("en"),
            "opening": session.opening, "trainee": item["text"],
            **{chr(65 + k): replies[src] for k, src in enumerate(order)},
        })
        key.append({"id": item["id"], "persona": pid, "scenario": sid, "stance": reply.stance,
                    "kind": item.get("kind", item.get("intent", "")), **{chr(65 + k): src for k, src in enumerate(order)}})
        print(item["id"], pid, "|", item["text"][:60], "->", reply.text[:70], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pairs.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), "utf-8")
    (args.out / "key.jsonl").write_text(
        "".join(json.dumps(k, ensure_ascii=False) + "\n" for k in key), "utf-8")


if __name__ == "__main__":
    main()
