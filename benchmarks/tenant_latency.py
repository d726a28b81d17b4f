"""How fast is the default tenant model? One command:

    .venv/bin/python benchmarks/tenant_latency.py [--skip-cold] [--replies N] [--json]

Reports: import time of transformers, cold load (GGUF -> safetensors conversion, in a fresh
temporary cache), warm load (from the converted copy), first-token latency and tokens/s
(medians over several replies to a realistic ~400-token tenant prompt), and the fallback rate
over the shipped scripts (see fallback_rate()). Target on 2 cores: first token <= 0.5 s,
>= 20 tokens/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.backends import GenerationOptions, TransformersBackend

PERSONA = (
    "Je speelt mevrouw Jansen, 74 jaar, huurder van een benedenwoning in Utrecht. Een monteur "
    "van de woningcorporatie staat bij je voordeur. Je bent geïrriteerd: bij het vorige bezoek "
    "bleef er rommel achter, niemand had het bezoek aangekondigd en je hebt drie keer gebeld "
    "over de koude radiator in de slaapkamer zonder antwoord. Je bent niet onbeleefd, maar wel "
    "kortaf en wantrouwig. Je praat in korte zinnen, hooguit drie, in gewone spreektaal. Je "
    "zegt nooit dat je een AI of taalmodel bent. Houding nu: afwachtend. Handeling: stel "
    "een kritische vraag over wat de monteur komt doen. Feiten die je mag vertellen: de "
    "radiator in de slaapkamer blijft koud; je hebt een hond, Bobby. Voorbeelden (varieer, "
    "kopieer niet): 'Wat komt u nou weer doen?' Antwoord alleen met wat mevrouw Jansen "
    "zegt, zonder naam ervoor, zonder uitleg, zonder aanhalingstekens."
)
TURNS = [
    ("assistant", "Ja? Wat moet u?"),
    (
        "user",
        (
            "Goedemorgen mevrouw Jansen, ik ben Ahmed van de woningcorporatie. Ik kom voor de "
            "verwarming, er stond een melding over een koude radiator."
        ),
    ),
    ("assistant", "Nou, dat werd tijd. Ik heb drie keer gebeld en niemand belde terug."),
    (
        "user",
        (
            "Dat is vervelend om te horen, ik begrijp dat u daar genoeg van heeft. Mag ik even "
            "uitleggen wat ik vandaag ga doen, en hoe lang het ongeveer duurt?"
        ),
    ),
]
MESSAGES = [{"role": "system", "content": PERSONA}] + [
    {"role": role, "content": text} for role, text in TURNS
]


def fallback_rate(backend: TransformersBackend) -> dict:
    """Share of tenant lines from the authored fallback over the shipped trainee scripts."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fallback_rate import fallback_rate as shipped_scripts_fallback_rate

    return shipped_scripts_fallback_rate(backend=backend)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_replies(backend: TransformersBackend, replies: int) -> dict:
    """Median first-token latency and decode speed over `replies` sampled replies."""
    tokenizer = backend._tokenizer
    firsts, speeds, texts = [], [], []
    for seed in range(replies + 1):  # the first reply warms caches and is not counted
        started = time.perf_counter()
        first = None
        text = ""
        for chunk in backend.stream(MESSAGES, GenerationOptions(seed=seed)):
            first = first or time.perf_counter()
            text += chunk
        ended = time.perf_counter()
        tokens = len(tokenizer(text, add_special_tokens=False)["input_ids"])
        if seed == 0 or first is None:
            continue
        firsts.append(first - started)
        if tokens > 1 and ended > first:
            speeds.append((tokens - 1) / (ended - first))
        texts.append(text)
    prompt = tokenizer.apply_chat_template(MESSAGES, add_generation_prompt=True, tokenize=True)
    prompt_tokens = len(prompt["input_ids"] if hasattr(prompt, "keys") else prompt)
    return {
        "prompt_tokens": prompt_tokens,
        "first_token_s": round(statistics.median(firsts), 3) if firsts else None,
        "tokens_per_s": round(statistics.median(speeds), 1) if speeds else None,
        "replies": len(firsts),
        "sample": texts[:2],
    }


def run(skip_cold: bool, replies: int, int8: bool, fallback: bool = True) -> dict:
    from simulator.backends.transformers_backend import import_transformers

    result: dict = {
        "model": "SmolLM2-135M-Instruct (embedded GGUF)",
        "int8": int8,
        "cores": os.cpu_count(),
        # Other work on the machine inflates every figure; the load average says how much.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    result["import_s"] = round(timed(import_transformers), 2)
    with tempfile.TemporaryDirectory(prefix="roleplay-bench-") as fresh:
        if not skip_cold:
            os.environ["ROLEPLAY_CACHE_DIR"] = fresh
            result["cold_load_s"] = round(timed(TransformersBackend(quantize=int8).load), 2)
        backend = TransformersBackend(quantize=int8)
        result["warm_load_s"] = round(timed(backend.load), 2)
        result.update(measure_replies(backend, replies))
        if fallback:
            result["fallback_rate"] = fallback_rate(backend)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-cold",
        action="store_true",
        help="skip the GGUF conversion; use (or fill) the normal model cache",
    )
    parser.add_argument("--replies", type=int, default=5, help="replies to time (median)")
    parser.add_argument("--fp32", action="store_true", help="no int8 quantisation (to compare)")
    parser.add_argument(
        "--skip-fallback", action="store_true",
        help="skip the fallback rate over the shipped scripts (a few minutes)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(
        args.skip_cold, max(1, args.replies), int8=not args.fp32, fallback=not args.skip_fallback
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        if key != "sample":
            print(f"{key:>15}: {value}")
    for text in result["sample"]:
        print(f"{'sample':>15}: {text!r}")


if __name__ == "__main__":
    main()
