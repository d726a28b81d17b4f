"""Plain-text views for the terminal: one line per session, and a transcript.

Every line passes `plain` on its way out, so text that people wrote (names, turns, comments) can
never send escape sequences, NULs or line breaks of its own to the terminal.
"""

from __future__ import annotations

from simulator.exports.labels import behaviour_name, outcome_name, stance_name, words
from simulator.exports.safe import plain
from simulator.exports.view import SessionView, is_negative

SHORT_ID = 12  # enough to be unique in practice; commands accept any unique prefix


def score_text(scores: dict | None) -> str:
    scores = scores or {}
    return (
        " ".join(f"{key}={scores[key]}" for key in ("listening", "hospitality") if key in scores)
        or "-"
    )


def session_line(s: dict) -> str:
    outcome = s.get("outcome") or "unfinished"
    shared = "shared" if s["consent"] else "private"
    trainee, persona, scenario = (plain(s[k]) for k in ("trainee", "persona_id", "scenario_id"))
    return plain(
        f"{s['id'][:SHORT_ID]}  {s['started'][:16].replace('T', ' ')}  {trainee or '-':<12} "
        f"{persona:<12} {scenario:<18} {outcome:<11} {shared:<7} "
        f"{score_text(s.get('scores'))}"
    )


def _turn_lines(view: SessionView, turn: dict) -> list[str]:
    w = words(view.lang)
    who = w["trainee"] if turn["speaker"] == "trainee" else w["tenant"]
    lines = [f"{turn['number']:>3}  {who}: {turn['text']}"]
    for b, det in sorted(turn["detections"].items()):
        shown = turn["labels"].get(b, False)
        if not (shown or b in turn["changed"]):
            continue
        mark = ("✗" if is_negative(b) else "✓") if shown else "–"
        conf = f" {det['confidence']:.2f}" if det.get("confidence") is not None else ""
        quote = f" “{det['sentence']}”" if det.get("sentence") and shown else ""
        note = (
            f"  [{w['overridden'].format(who=turn['changed'][b])}]" if b in turn["changed"] else ""
        )
        lines.append(f"       {mark} {behaviour_name(b, view.lang)} ({b}){conf}{quote}{note}")
    for b in turn["changed"]:
        if b not in turn["detections"] and turn["labels"].get(b):
            lines.append(
                f"       ✓ {behaviour_name(b, view.lang)} ({b})  "
                f"[{w['overridden'].format(who=turn['changed'][b])}]"
            )
    state = turn.get("state") or {}
    if turn["speaker"] == "tenant" and "irritation" in state:
        lines.append(
            f"       {w['irritation']} {state['irritation']:g} · {w['trust']} "
            f"{state.get('trust', 0):g} · {stance_name(state.get('stance'), view.lang)}"
        )
    return lines


def transcript(view: SessionView) -> str:
    s, w = view.session, words(view.lang)
    lines = [
        f"{s['id']}  {s['started'][:16].replace('T', ' ')} UTC",
        (
            f"{w['trainee']}: {s['trainee'] or '-'} · {s['persona_id']} · {s['scenario_id']} · "
            f"{s['lang']} · {s['mode']} · {s.get('model_id') or '-'}"
        ),
        (
            f"{w['outcome']}: {outcome_name(s.get('outcome'), view.lang)} · "
            f"{score_text(s.get('scores'))} · {'shared' if s['consent'] else 'private'}"
        ),
        "",
    ]
    for turn in view.turns:
        lines += _turn_lines(view, turn)
    if view.reviews:
        lines += ["", w["comments"] + ":"]
        lines += [f"  {r['reviewer']} ({r['created'][:10]}): {r['comment']}" for r in view.reviews]
    return "\n".join(plain(line) for line in lines)
