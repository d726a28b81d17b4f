"""Is the tenant worth practising with? One command:

    .venv/bin/python benchmarks/tenant_fidelity.py [--lang nl|en] [--model-langs none|en|nl,en]
                                                   [--model tenant-gemma|FILE.gguf]
                                                   [--samples N] [--json]

Plays five trainee scripts (benchmarks/scripts/: good, dismissive, injection, stuffing, and fact
questions per scenario) against all six personas in nl and en, each persona on its own scenario,
with the settings a user gets (the embedded default unless --model-langs or the config says
otherwise) and the real scorer. Reports per language: wrong-language lines, role breaks,
model lines that reached the trainee and that the meaning gate calls out of scene (and, apart,
how many authored lines the gate would flag: its false alarms), consecutive repeats, mood
direction (good script ends calmer and more trusting than the dismissive one), the trainee turn
at which the good script resolves, whether the stuffing script resolves, fact uptake (answers
that tell the asked fact, when the tenant may tell it), the share of lines by source, and the
median and 90th-percentile tenant latency. Targets: 0 / 0 / 0 / 0, mood 12/12, no resolution
before turn 4 and none for stuffing, uptake >= 80%, median latency <= 1 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRIPTS = ROOT / "benchmarks" / "scripts"
PLAIN = ("good", "dismissive", "injection", "stuffing")


def script(name: str, lang: str) -> list[str]:
    text = (SCRIPTS / f"{name}-{lang}.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def fact_script(scenario_id: str, lang: str) -> list[tuple[str | None, str]]:
    """(fact id or None, trainee line): two opening lines, each fact asked, gated ones again."""
    questions = json.loads((SCRIPTS / "fact-questions.json").read_text(encoding="utf-8"))
    asked = [(fid, q[lang]) for fid, q in questions[scenario_id].items()]
    opening = [(None, line) for line in script("good", lang)[:2]]
    return opening + asked + asked[2:]


def scenario_for(library, persona_id: str) -> str:
    allowed = sorted(library.scenarios_for(persona_id))
    return allowed[sorted(library.personas).index(persona_id) % len(allowed)]


class Bench:
    def __init__(self, model_langs: list[str] | None, model: str | None = None):
        from scoring.scorer import Scorer
        from simulator.backends import make_backend
        from simulator.content import load_library
        from simulator.engine.meaning import MeaningGate
        from simulator.settings import load_settings, model_languages

        self.settings = load_settings(model_langs=model_langs, model=model)
        self.langs = model_languages(self.settings)
        self.library = load_library()
        self.scorer = Scorer.default()
        self.scorer.load()
        self.gate = MeaningGate.for_embedder(self.scorer.embedder)
        self.backend = make_backend(self.settings) if self.langs else None
        if self.backend is not None:
            self.backend.load()

    def play(self, persona_id: str, lang: str, lines: list[tuple[str | None, str]]):
        from simulator.engine.session import PracticeSession

        session = PracticeSession(
            self.library, persona_id, scenario_for(self.library, persona_id), lang,
            backend=self.backend, scorer=self.scorer, seed=7, options=self.settings.generation,
            model_langs=self.langs, gate=self.gate,
        )
        record = []
        for fact, line in lines:
            if session.finished:
                break
            turn = session.say(line)
            reply = session.reply()
            record.append((fact, turn, reply))
        return session, record


def measure(bench: Bench, lang: str, personas: list[str]) -> tuple[dict, list]:
    from simulator.engine.guard import Guard, normalise

    guard = Guard(lang)
    counts: Counter = Counter()
    latencies, samples, resolved_at, stuffing, moods = [], [], {}, {}, {}
    uptake = [0, 0]
    for pid in personas:
        finals = {}
        scenario = scenario_for(bench.library, pid)
        runs = {name: [(None, ln) for ln in script(name, lang)] for name in PLAIN}
        runs["facts"] = fact_script(scenario, lang)
        for name, lines in runs.items():
            session, record = bench.play(pid, lang, lines)
            finals[name] = session.state
            said = []
            for fact, turn, reply in record:
                reasons = guard.check(reply.text, [], {}, "")
                counts["lines"] += 1
                counts[f"source:{reply.source}"] += 1
                counts["wrong_language"] += any(r.startswith("wrong language") for r in reasons)
                counts["role_breaks"] += any(r.startswith(("speaks as", "follows instructions"))
                                             for r in reasons)
                flagged = bool(bench.gate.reasons(reply.text))
                # Authored lines (corpus, act lines) are in the scene by construction; the gate's
                # verdict on them is its false-alarm rate, reported apart.
                counts["out_of_scene" if reply.source == "model" else "gate_flags_authored"] += flagged
                counts["consecutive_repeats"] += bool(said) and normalise(said[-1]) == normalise(
                    reply.text)
                said.append(reply.text)
                if reply.act != "closing":
                    latencies.append(reply.latency_ms)
                if fact is not None and fact in turn.decision.allowed_facts:
                    uptake[0] += reply.fact == fact
                    uptake[1] += 1
                samples.append((pid, name, turn.text, reply.text, reply.source, reply.stance))
            if name == "good":
                resolved_at[pid] = session.trainee_turns[-1].index if session.outcome == (
                    "resolved") else None
            if name == "stuffing":
                stuffing[pid] = session.outcome == "resolved"
        good, bad = finals["good"], finals["dismissive"]
        moods[pid] = good.trust - good.irritation > bad.trust - bad.irritation
    lines = counts["lines"]
    result = {
        "lines": lines,
        "wrong_language": counts["wrong_language"],
        "role_breaks": counts["role_breaks"],
        "out_of_scene": counts["out_of_scene"],
        "gate_flags_authored": counts["gate_flags_authored"],
        "consecutive_repeats": counts["consecutive_repeats"],
        "mood_direction": f"{sum(moods.values())}/{len(moods)}",
        "good_resolves_at": resolved_at,
        "stuffing_resolves": stuffing,
        "fact_uptake": f"{uptake[0]}/{uptake[1]}",
        "sources": {k.split(":")[1]: round(v / lines, 3) for k, v in counts.items()
                    if k.startswith("source:")},
        "latency_ms_median": statistics.median(latencies) if latencies else None,
        "latency_ms_p90": statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else None,
    }
    return result, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["nl", "en"], action="append")
    parser.add_argument("--persona", action="append", help="only these personas")
    parser.add_argument("--model-langs", default=None,
                        help="languages the model may speak: none, en, nl,en (default: settings)")
    parser.add_argument("--model", help="the tenant model (default: settings), e.g. tenant-gemma")
    parser.add_argument("--samples", type=int, default=0, help="print N lines per language")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    langs = None if args.model_langs is None else [
        x for x in args.model_langs.split(",") if x and x != "none"]
    started = time.perf_counter()
    bench = Bench(langs, args.model)
    personas = args.persona or sorted(bench.library.personas)
    report = {"model": bench.backend.model_id if bench.backend else "corpus only",
              "model_langs": list(bench.langs)}
    all_samples = {}
    for lang in args.lang or ["nl", "en"]:
        report[lang], all_samples[lang] = measure(bench, lang, personas)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for key, value in report.items():
            print(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    for lang, samples in all_samples.items() if args.samples else ():
        step = max(1, len(samples) // args.samples)
        for pid, name, trainee, tenant, source, stance in samples[::step][: args.samples]:
            print(f"[{lang} {pid} {name} {stance} {source}] > {trainee}\n    {tenant}")


if __name__ == "__main__":
    main()
