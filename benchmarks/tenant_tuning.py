"""The fine-tuned tenant against its untuned base and the corpus actor, on held-out exchanges.

    .venv/bin/python benchmarks/tenant_tuning.py generate [--adapter FILE] [--nl 6 --en 3]
    .venv/bin/python benchmarks/tenant_tuning.py sheet    # a blind rating sheet (models hidden)
    .venv/bin/python benchmarks/tenant_tuning.py report   # the side-by-side table from ratings

`generate` takes, per persona, the first N Dutch and M English exchanges that `roleplay
tune-tenant` holds out, rebuilds the prompt the actor would use at that moment (tuning/examples.py)
and lets each tenant answer it: the corpus actor (its choice from the corpus without the held-out
exchanges), and the untuned Gemma 3 270M and the fine-tuned one, each through the real actor
(guard, meaning gate, one retry, corpus fallback) on the llamacpp back-end with the app's
generation options. It records the model's first line as written (cleaned as the actor does),
the line that reached the trainee and its source, tokens/s and time to first token.

`sheet` writes benchmarks/tuning/sheet.md: every line not rated yet under its trainee line,
shuffled, with an item id (a hash of exchange and text) and no model name; the rater adds to
benchmarks/tuning/ratings.jsonl one {"item", "exchange", "text", "in_character", "responsive",
"natural", "out_of_scene"} (1 or 0) per item. `report` joins lines and ratings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "benchmarks" / "tuning"
MODELS = ("corpus", "base", "tuned")
QUALITIES = ("in_character", "responsive", "natural")


def selected(held: list, nl: int, en: int) -> list:
    picked, counts = [], {}
    for ref in held:
        key = (ref.persona, ref.lang)
        if counts.get(key, 0) < (nl if ref.lang == "nl" else en):
            counts[key] = counts.get(key, 0) + 1
            picked.append(ref)
    return picked


class Recorder:
    """Wraps a back-end: keeps the text of every reply (the actor cleans and judges it)."""

    def __init__(self, backend):
        self.backend, self.model_id, self.replies = backend, backend.model_id, []

    def load(self, progress=None):
        self.backend.load(progress)

    def stream(self, messages, options=None, should_stop=lambda: False):
        self.replies.append("")
        for chunk in self.backend.stream(messages, options, should_stop):
            self.replies[-1] += chunk
            yield chunk


def tenants(adapter: Path | None):
    from simulator.backends import tuned
    from simulator.backends.llamacpp_backend import LlamaCppBackend

    base = tuned.base_gguf()
    yield "base", LlamaCppBackend(str(base), chat_template=tuned.CHAT_TEMPLATE)
    yield "tuned", LlamaCppBackend(str(base), adapter=adapter or tuned.adapter_path(),
                                   chat_template=tuned.CHAT_TEMPLATE)


def runtime_decision(decision, persona):
    """The director only ever picks an act of the stance's repertoire; an exchange marked with
    a general act (answer, deflect) gets the stance's first act, as the note would."""
    from dataclasses import replace

    acts = persona.repertoire[decision.stance]
    return decision if decision.act in acts else replace(decision, act=next(iter(acts)))


def generate(args) -> None:
    from scoring.embedder import make_embedder
    from simulator.backends import GenerationOptions
    from simulator.content import load_library
    from simulator.engine.actor import clean
    from simulator.engine.meaning import MeaningGate
    from simulator.tuning.examples import ExampleBuilder, exchange, split

    library = load_library()
    embedder = make_embedder()
    gate = MeaningGate.for_embedder(embedder)
    train_refs, held = split(library)
    refs = selected(held, args.nl, args.en)
    builder = ExampleBuilder(library, embedder, seed=0)
    rows = {}
    for ref in refs:
        m = builder.moment(ref, train_refs)
        rows[ref.key] = {"exchange": ref.key, "persona": ref.persona, "lang": ref.lang,
                         "scenario": m.scenario, "trainee": m.history[-1].text,
                         "authored": exchange(library, ref).tenant, "corpus": m.corpus}
    for name, backend in tenants(args.adapter):
        began = time.perf_counter()
        backend.load()
        print(f"{name}: loaded in {time.perf_counter() - began:.2f} s", file=sys.stderr)
        recorder = Recorder(backend)
        for i, ref in enumerate(refs):
            m = builder.moment(ref, train_refs)
            actor = m.actor
            actor.backend, actor.gate = recorder, gate
            actor.options = GenerationOptions(seed=1000 + i)
            first = len(recorder.replies)
            gated = {f.id: f.text.get(ref.lang) for f in actor.scenario.facts if f.reveal}
            line = actor.speak(runtime_decision(m.decision, actor.persona), m.history, gated)
            actor.backend = actor.gate = None
            stats = backend.last_reply
            rows[ref.key][name] = {
                "written": clean(recorder.replies[first], actor.names) if len(recorder.replies) > first else "",
                "said": line.text, "source": line.source, "guard": line.guard,
                "first_token_ms": line.first_token_ms,
                "tokens_per_s": stats.decode_tokens_per_s if stats else None,
            }
            print(f"{name} {i + 1}/{len(refs)} [{line.source}] {line.text}", file=sys.stderr)
        backend.close()
    OUT.mkdir(exist_ok=True)
    with (OUT / "lines.jsonl").open("w", encoding="utf-8") as file:
        for row in rows.values():
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {OUT / 'lines.jsonl'} ({len(rows)} exchanges)")


def lines() -> list[dict]:
    return [json.loads(t) for t in (OUT / "lines.jsonl").read_text(encoding="utf-8").splitlines()]


def item_id(exchange: str, text: str) -> str:
    """A rating belongs to a line said after a trainee line, whichever tenant said it."""
    return hashlib.sha1(f"{exchange}|{text}".encode()).hexdigest()[:8]


def items(rows: list[dict]) -> list[dict]:
    """Every distinct line to rate: per model the line it wrote, and the line said if other."""
    out = {}
    for row in rows:
        texts = [row["corpus"]] + [row[m][k] for m in ("base", "tuned") for k in ("written", "said")
                                   if k == "written" or row[m]["source"] == "model"]
        for text in texts:
            out[item_id(row["exchange"], text)] = {"exchange": row["exchange"], "text": text}
    ordered = sorted(out.items())
    random.Random(7).shuffle(ordered)
    return [{"item": key, **value} for key, value in ordered]


def ratings() -> dict[str, dict]:
    path = OUT / "ratings.jsonl"
    if not path.is_file():
        return {}
    return {r["item"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def sheet(_args) -> None:
    """The lines not rated yet, shuffled, without the name of the tenant that said them."""
    rows = {r["exchange"]: r for r in lines()}
    done = ratings()
    todo = [i for i in items(list(rows.values())) if i["item"] not in done]
    out = ["# Rating sheet (models hidden)", "",
           ("Per item: in_character, responsive (answers the trainee line), natural (the "
            "language as people speak), out_of_scene (leaves the door scene). 1 or 0."), ""]
    for item in sorted(todo, key=lambda i: rows[i["exchange"]]["lang"]):
        row = rows[item["exchange"]]
        out += [f"{item['item']} ({row['lang']}, {row['persona']}) T: {row['trainee']}",
                f"   -> {item['text'] or '(nothing)'}", ""]
    (OUT / "sheet.md").write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {OUT / 'sheet.md'} ({len(todo)} lines to rate, {len(done)} rated before)")


def report(_args) -> None:
    rows = {r["exchange"]: r for r in lines()}
    rated = ratings()
    missing = [i for i in items(list(rows.values())) if i["item"] not in rated]
    if missing:
        raise SystemExit(f"{len(missing)} lines are not rated yet: run `sheet` and rate them")
    print("| tenant | lang | in character | responsive | natural | out of scene written | "
          "out of scene said | fallback | tokens/s | first token |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for model in MODELS:
        for lang in ("nl", "en", "all"):
            print(_row(model, lang, rows, rated))


def _rating(rated: dict, row: dict, text: str) -> dict:
    return rated[item_id(row["exchange"], text)]


def _row(model: str, lang: str, rows: dict, rated: dict) -> str:
    chosen = [r for r in rows.values() if lang in ("all", r["lang"])]
    got = [_rating(rated, r, r["corpus"] if model == "corpus" else r[model]["written"])
           for r in chosen]
    share = {q: f"{100 * sum(g[q] for g in got) / len(got):.0f}%" for q in QUALITIES}
    off_written = sum(g["out_of_scene"] for g in got)
    if model == "corpus":
        return (f"| corpus | {lang} | {share['in_character']} | {share['responsive']} | "
                f"{share['natural']} | - | {off_written} | - | - | - |")
    said = [_rating(rated, r, r[model]["said"]) for r in chosen if r[model]["source"] == "model"]
    fallback = sum(r[model]["source"] != "model" for r in chosen) / len(chosen)
    speeds = [r[model]["tokens_per_s"] for r in chosen if r[model]["tokens_per_s"]]
    firsts = [r[model]["first_token_ms"] for r in chosen if r[model]["first_token_ms"]]
    return (f"| {model} | {lang} | {share['in_character']} | {share['responsive']} | "
            f"{share['natural']} | {off_written} | {sum(s['out_of_scene'] for s in said)} | "
            f"{100 * fallback:.0f}% | {statistics.median(speeds):.1f} | "
            f"{statistics.median(firsts):.0f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--adapter", type=Path, help="a LoRA GGUF (default: the app's adapter)")
    gen.add_argument("--nl", type=int, default=6, help="Dutch exchanges per persona")
    gen.add_argument("--en", type=int, default=3, help="English exchanges per persona")
    gen.set_defaults(run=generate)
    sub.add_parser("sheet").set_defaults(run=sheet)
    sub.add_parser("report").set_defaults(run=report)
    args = parser.parse_args()
    from simulator.offline import ensure_offline

    ensure_offline()
    args.run(args)


if __name__ == "__main__":
    main()
