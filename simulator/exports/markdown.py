"""A Markdown transcript, for a wiki page, an e-mail or a text editor."""

from __future__ import annotations

from simulator.exports.labels import behaviour_name, outcome_name, stance_name, words
from simulator.exports.view import SessionView, is_negative


def _header(view: SessionView) -> list[str]:
    s, w = view.session, words(view.lang)
    scores = s.get("scores") or {}
    lines = [
        f"# {w['report']}: {s['persona_id']} / {s['scenario_id']}",
        "",
        f"- {w['trainee']}: {s['trainee'] or '-'}",
        f"- {w['date']}: {s['started'][:16].replace('T', ' ')} UTC",
        f"- {w['outcome']}: {outcome_name(s.get('outcome'), view.lang)}",
    ]
    for rubric in ("listening", "hospitality"):
        if rubric in scores:
            lines.append(f"- {w[rubric]}: {scores[rubric]}/100")
    lines.append(f"- id: `{s['id']}`")
    return lines


def _turn(view: SessionView, turn: dict) -> list[str]:
    w = words(view.lang)
    who = w["trainee"] if turn["speaker"] == "trainee" else w["tenant"]
    lines = ["", f"**{turn['number']}. {who}:** {turn['text']}"]
    for b in turn["shown"]:
        evidence = (turn["detections"].get(b) or {}).get("sentence")
        note = (
            f" ({w['overridden'].format(who=turn['changed'][b])})" if b in turn["changed"] else ""
        )
        quote = f": “{evidence}”" if evidence else ""
        mark = "✗" if is_negative(b) else "✓"
        lines.append(f"  - {mark} {behaviour_name(b, view.lang)}{quote}{note}")
    state = turn.get("state") or {}
    if turn["speaker"] == "tenant" and "irritation" in state:
        lines.append(
            f"  - _{w['irritation']} {state['irritation']:g}/10 · {w['trust']} "
            f"{state.get('trust', 0):g}/10 · {w['stance']}: "
            f"{stance_name(state.get('stance'), view.lang)}_"
        )
    return lines


def to_markdown(view: SessionView) -> str:
    w = words(view.lang)
    lines = _header(view) + ["", f"## {w['transcript']}"]
    for turn in view.turns:
        lines += _turn(view, turn)
    lines += ["", f"## {w['comments']}", ""]
    for review in view.reviews:
        lines.append(f"- **{review['reviewer']}** ({review['created'][:10]}): {review['comment']}")
    if not view.reviews:
        lines.append(w["no_comments"])
    return "\n".join(lines) + "\n"
