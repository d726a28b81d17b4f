"""How fast is the tenant model, per back-end? One command (run it alone on the machine):

    .venv/bin/python benchmarks/tenant_latency.py [--backends llamacpp transformers]
        [--threads N] [--skip-cold] [--skip-busy] [--rounds N] [--json]

Both back-ends run the same GGUF (the embedded SmolLM2-135M-Instruct, or --model FILE.gguf) on
the same prompts: the prompts the actor builds in a real six-turn conversation (grumpy tenant,
late leaking tap, English; the tenant's earlier lines come from the corpus so every back-end
sees the same history). Per back-end:
- cold load: a fresh process, import + load, model caches empty (for transformers that is the
  GGUF -> safetensors conversion); warm load: a fresh process again, caches filled;
- first token at turn 1 and at turns 2-6 (median), the whole reply time, and decode tokens/s
  (median over all replies), over --rounds conversations; first token at turns 2-6 also as
  when the trainee paused before Enter and the prompt was read ahead (backend.prefill);
- the same with a second CPU-bound process running (one core busy), and the ratio busy/idle of
  the reply time.
Targets on 2 cores (issue: llama.cpp back-end): llamacpp >= 1.8x transformers tokens/s, first
token <= 150 ms from turn 2 on, warm load <= 1 s including imports, busy reply <= 2x idle.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.backends import GenerationOptions

TRAINEE = [
    ("Good afternoon, I'm Sam from the housing association. I've come about the kitchen tap.",
     ["greet_introduce"]),
    ("I understand you've been waiting far too long, I'm sorry about that.",
     ["acknowledge_emotion", "apologize"]),
    ("May I come in and have a look at the tap?", ["ask_permission"]),
    ("So the tap has been dripping for three weeks and nobody came, is that right?",
     ["paraphrase", "check_understanding"]),
    ("I'll replace the washer first, that takes about twenty minutes, then I test it.",
     ["explain_plan"]),
    ("I'll put a cloth down so the floor stays clean.", ["care_for_home"]),
]
LOAD = """
import sys, time
started = time.perf_counter()
from simulator.backends import make_backend
from simulator.settings import Settings
backend = make_backend(Settings(backend=sys.argv[1], model=sys.argv[2] or None))
backend.load()
print(time.perf_counter() - started)
"""


def conversation_prompts() -> list[list[dict[str, str]]]:
    """The actor's prompts for six turns of a real conversation (history from the corpus)."""
    from simulator.content import load_library
    from simulator.engine.session import PracticeSession

    session = PracticeSession(load_library(), "grumpy", "late-leaking-tap", "en", seed=3)
    prompts = []
    for text, shown in TRAINEE:
        turn = session.say(text, behaviours=shown)
        prompts.append(session.actor.messages(turn.decision, session.history))
        if session.director.finished:
            break
        session.reply()
    return prompts


def load_seconds(backend: str, model: str | None, cache: str | None) -> float:
    """Import + load in a fresh process (what a user waits for when the app starts)."""
    env = {**os.environ, **({"ROLEPLAY_CACHE_DIR": cache} if cache else {})}
    out = subprocess.run([sys.executable, "-c", LOAD, backend, model or ""], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 2)


def make(name: str, model: str | None, threads: int | None):
    from simulator.backends import make_backend
    from simulator.settings import Settings

    backend = make_backend(Settings(backend=name, model=model))
    if threads and hasattr(backend, "threads"):
        backend.threads = threads
    backend.load()
    return backend


def token_count(backend, text: str) -> int:
    stats = getattr(backend, "last_reply", None)
    if stats is not None:
        return stats.generated_tokens
    return len(backend._tokenizer(text, add_special_tokens=False)["input_ids"])


def one_reply(backend, messages, seed: int) -> dict:
    options = GenerationOptions(seed=seed, max_new_tokens=60)
    started = time.perf_counter()
    first, text = None, ""
    for chunk in backend.stream(messages, options):
        first = first or time.perf_counter()
        text += chunk
    ended = time.perf_counter()
    tokens = token_count(backend, text)
    speed = (tokens - 1) / (ended - first) if first and tokens > 1 and ended > first else None
    stats = getattr(backend, "last_reply", None)
    return {"first_s": (first or ended) - started, "reply_s": ended - started,
            "tokens_per_s": speed, "tokens": tokens,
            "cached": stats.cached_tokens if stats else None,
            "prompt_tokens": stats.prompt_tokens if stats else None, "text": text}


def conversations(backend, prompts, rounds: int) -> dict:
    """Each round plays the six prompts in order, as one conversation would."""
    one_reply(backend, prompts[0], seed=99)  # warms caches; not counted
    runs = [[one_reply(backend, m, seed=r * 10 + i) for i, m in enumerate(prompts)]
            for r in range(rounds)]
    later = [turn for run in runs for turn in run[1:]]
    speeds = [t["tokens_per_s"] for run in runs for t in run if t["tokens_per_s"]]
    cached = [t["cached"] for t in later if t["cached"] is not None]
    new = [t["prompt_tokens"] - t["cached"] for t in later if t["cached"] is not None]
    ahead = prefilled(backend, prompts, rounds)
    return {
        "first_token_turn1_s": _median([run[0]["first_s"] for run in runs]),
        "first_token_turns2_6_s": _median([t["first_s"] for t in later]),
        "first_token_turns2_6_prefilled_s": _median([t["first_s"] for t in ahead]),
        "reply_s": _median([t["reply_s"] for run in runs for t in run]),
        "tokens_per_s": _median(speeds, 1),
        "tokens_per_reply": _median([t["tokens"] for run in runs for t in run], 0),
        "cached_prompt_tokens_turns2_6": _median(cached, 0) if cached else None,
        "new_prompt_tokens_turns2_6": _median(new, 0) if new else None,
        "sample": [t["text"] for t in runs[0][:3]],
    }


def prefilled(backend, prompts, rounds: int) -> list[dict]:
    """Turns 2-6 as when the trainee paused before Enter: the practice screen has had the
    prompt for the line read into the cache (PracticeSession.draft -> backend.prefill), untimed
    like the typing it happens during. Empty for a back-end without prefill."""
    if not hasattr(backend, "prefill"):
        return []
    out = []
    for r in range(rounds):
        for i, messages in enumerate(prompts):
            if i:
                backend.prefill(messages)
            turn = one_reply(backend, messages, seed=100 + r * 10 + i)
            if i:
                out.append(turn)
    return out


def _median(values: list, digits: int = 3):
    return round(statistics.median(values), digits) if values else None


def _burn() -> None:
    while True:
        pass


def busy(action):
    """Run action() while another process keeps one core busy."""
    burner = multiprocessing.Process(target=_burn, daemon=True)
    burner.start()
    try:
        time.sleep(0.5)
        return action()
    finally:
        burner.terminate()
        burner.join()


def bench(name: str, model: str | None, args, prompts) -> dict:
    result: dict = {"backend": name}
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-") as fresh:
        cache = None if args.skip_cold else fresh  # skipping: the normal, filled cache
        if cache:
            result["cold_load_s"] = load_seconds(name, model, cache)
        result["warm_load_s"] = load_seconds(name, model, cache)
        if cache:
            os.environ["ROLEPLAY_CACHE_DIR"] = cache
        backend = make(name, model, args.threads)
        result["idle"] = conversations(backend, prompts, args.rounds)
        if not args.skip_busy:
            result["busy"] = busy(lambda: conversations(backend, prompts, args.rounds))
            idle, loaded = result["idle"]["reply_s"], result["busy"]["reply_s"]
            result["busy_over_idle_reply"] = round(loaded / idle, 2) if idle else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["llamacpp", "transformers"])
    parser.add_argument("--model", help="a .gguf file (default: the embedded SmolLM2-135M)")
    parser.add_argument("--threads", type=int, help="llamacpp threads (default: its choice)")
    parser.add_argument("--rounds", type=int, default=3, help="conversations per measurement")
    parser.add_argument("--skip-cold", action="store_true", help="no cold load (no conversion)")
    parser.add_argument("--skip-busy", action="store_true", help="no busy-machine run")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    prompts = conversation_prompts()
    report = {"cores": len(os.sched_getaffinity(0)), "turns": len(prompts),
              "load_average_1m": round(os.getloadavg()[0], 2),
              "results": [bench(name, args.model, args, prompts) for name in args.backends]}
    by_name = {r["backend"]: r for r in report["results"]}
    if {"llamacpp", "transformers"} <= set(by_name):
        fast, slow = by_name["llamacpp"]["idle"], by_name["transformers"]["idle"]
        if fast["tokens_per_s"] and slow["tokens_per_s"]:
            report["llamacpp_speedup_tokens_per_s"] = round(
                fast["tokens_per_s"] / slow["tokens_per_s"], 2)
    print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
