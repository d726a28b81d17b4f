"""Train the meaning gate for the configured embedder and report it. One command:

    .venv/bin/python scripts/train_meaning_gate.py [--offscene FILE ...]

In scene: every tenant line of the shipped content (corpus, acts, openings, closings, facts).
Out of scene: simulator/engine/data/offscene.jsonl, lines harvested from the embedded model
(scripts/harvest_model_lines.py) plus written examples; --offscene FILE adds harvested files
(JSON lines with "text" and "lang") to it first. A fixed quarter of the lines (by text hash) is
held out; the report gives the share of held-out out-of-scene lines rejected (target >= 95%) and
of held-out corpus lines rejected (target <= 5%). The app trains the same gate on first use.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def add_offscene(files: list[Path]) -> int:
    from simulator.engine.meaning import OFFSCENE

    known = {json.loads(line)["text"] for line in OFFSCENE.read_text(encoding="utf-8").splitlines()
             if line.strip()} if OFFSCENE.exists() else set()
    added = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row.get("text") and row["text"] not in known:
                known.add(row["text"])
                keep = {k: row[k] for k in ("text", "lang", "origin", "kind", "persona", "trainee",
                                            "model", "label") if k in row}
                keep.setdefault("origin", "harvested")
                keep.setdefault("label", "out")
                added.append(keep)
    with OFFSCENE.open("a", encoding="utf-8") as out:
        for row in added:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offscene", type=Path, action="append", default=[])
    args = parser.parse_args()

    from scoring.embedder import make_embedder
    from simulator.engine.meaning import train

    if args.offscene:
        print(f"added {add_offscene(args.offscene)} out-of-scene lines")
    embedder = make_embedder()
    _, report = train(embedder)
    print(json.dumps({"model": embedder.model_id, **report}, indent=2))


if __name__ == "__main__":
    main()
