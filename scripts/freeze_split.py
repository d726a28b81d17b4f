"""Merge labelled JSONL drafts into one split of scoring/data with stable ids, checked.

    python scripts/freeze_split.py test DRAFT.jsonl [DRAFT.jsonl ...]
    python scripts/freeze_split.py train --append DRAFT.jsonl [...]   # a new training batch

Each line: {"lang", "tenant_said", "text", "labels"} (other keys, such as "note", are kept).
Ids become "<split>-<lang>-NNNN". A text that already occurs in another split is dropped (a
reply may be in one split only), as is a repeat within the drafts. Refuses to overwrite an
existing split: a frozen test split stays frozen. Only the training split takes --append (new
batches teach the probes; the dev and test splits measure).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "scoring" / "data"
SPLITS = ("dev", "train", "test")


def key(text: str) -> str:
    return " ".join(text.lower().split())


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(split: str, drafts: list[str]) -> int:
    append = "--append" in drafts
    drafts = [d for d in drafts if d != "--append"]
    if split not in SPLITS:
        print(f"split must be one of {', '.join(SPLITS)}", file=sys.stderr)
        return 2
    target = DATA / f"{split}.jsonl"
    if append and split != "train":
        print("only the training split takes new batches (--append)", file=sys.stderr)
        return 2
    if target.exists() and not append:
        print(f"{target} exists; a frozen split is never rewritten", file=sys.stderr)
        return 1
    taken = set()
    for other in SPLITS:
        if other != split or append:
            taken |= {key(row["text"]) for row in _rows(DATA / f"{other}.jsonl")}
    kept = _rows(target) if append else []
    counters: dict[str, int] = {}
    for row in kept:
        counters[row["lang"]] = max(counters.get(row["lang"], 0), int(row["id"].rsplit("-", 1)[1]))
    rows, dropped = list(kept), 0
    for draft in drafts:
        for line in Path(draft).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            k = key(row["text"])
            if k in taken:
                dropped += 1
                continue
            taken.add(k)
            counters[row["lang"]] = counters.get(row["lang"], 0) + 1
            new_id = f"{split}-{row['lang']}-{counters[row['lang']]:04d}"
            rows.append({"id": new_id, **{k: v for k, v in row.items() if k != "id"}})
    # Written beside the split and checked before it replaces it: a bad draft row breaks nothing.
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                       encoding="utf-8")
    from scoring.evaluation import DataError, load_items

    try:
        items = load_items(partial)
    except DataError as err:
        partial.unlink()
        print(f"nothing written: {err}", file=sys.stderr)
        return 1
    os.replace(partial, target)
    print(f"{target}: {len(items)} items ({len(items) - len(kept)} new) {counters}; "
          f"{dropped} dropped as repeats")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
