"""A Markdown transcript, for a wiki page, an e-mail or a text editor.

Every value that a person or a bundle wrote goes through `md_text`, so it renders as text: no
HTML, link, image or code fence of theirs reaches the reader.
"""

from __future__ import annotations

from simulator.exports.labels import (
    behaviour_name,
    local_time,
    outcome_name,
    stance_name,
    words,
)
from simulator.exports.safe import md_text
from simulator.exports.view import SessionView, is_negative


def _header(view: SessionView) -> list[str]:
    s, w = view.session, words(view.lang)
    scores = s.get("scores") or {}
    lines = [
        f"# {w['report']}: {md_text(s['persona_id'])} / {md_text(s['scenario_id'])}",
        "",
        f"- {w['trainee']}: {md_text(s['trainee'] or '-')}",
        f"- {w['date']}: {md_text(local_time(s['started']))}",
        f"- {w['outcome']}: {md_text(outcome_name(s.get('outcome'), view.lang))}",
    ]
    for rubric in ("listening", "hospitality"):
        if rubric in scores:
            lines.append(f"- {w[rubric]}: {md_text(scores[rubric])}/100")
    lines.append(f"- id: {md_text(s['id'])}")
    return lines


def _turn(view: SessionView, turn: dict) -> list[str]:
    w = words(view.lang)
    who = w["trainee"] if turn["speaker"] == "trainee" else w["tenant"]
    lines = ["", f"**{turn['number']}. {who}:** {md_text(turn['text'])}"]
    for b in turn["shown"]:
        evidence = (turn["detections"].get(b) or {}).get("sentence")
        note = (
            f" ({w['overridden'].format(who=md_text(turn['changed'][b]))})"
            if b in turn["changed"]
            else ""
        )
        quote = f": “{md_text(evidence)}”" if evidence else ""
        mark = "✗" if is_negative(b) else "✓"
        lines.append(f"  - {mark} {behaviour_name(b, view.lang)}{quote}{note}")
    state = turn.get("state") or {}
    if turn["speaker"] == "tenant" and "irritation" in state:
        lines.append(
            f"  - _{w['irritation']} {state['irritation']:g}/10 · {w['trust']} "
            f"{state.get('trust', 0):g}/10 · {w['stance']}: "
            f"{md_text(stance_name(state.get('stance'), view.lang))}_"
        )
    return lines


def to_markdown(view: SessionView) -> str:
    w = words(view.lang)
    lines = _header(view) + ["", f"## {w['transcript']}"]
    for turn in view.turns:
        lines += _turn(view, turn)
    lines += ["", f"## {w['comments']}", ""]
    for review in view.reviews:
        lines.append(
            f"- **{md_text(review['reviewer'])}** ({md_text(review['created'][:10])}): "
            f"{md_text(review['comment'])}"
        )
    if not view.reviews:
        lines.append(w["no_comments"])
    return "\n".join(lines) + "\n"
