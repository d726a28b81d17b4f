"""One self-contained HTML report per session: opens in any browser, offline, and prints well."""

from __future__ import annotations

from pathlib import Path

from simulator import __version__
from simulator.exports import labels
from simulator.exports.chart import mood_chart
from simulator.exports.view import SessionView, content_titles, is_negative
from simulator.vocabulary import BEHAVIOURS, RUBRIC_OF

RUBRICS = ("listening", "hospitality")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # transcripts are user text: never let them become markup
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _behaviour_rows(view: SessionView) -> dict[str, list[dict]]:
    """Rubric -> one row per behaviour (how many trainee turns showed it)."""
    turns = max(view.trainee_turns, 1)
    rows = [
        {
            "id": b,
            "name": labels.behaviour_name(b, view.lang),
            "count": view.totals.get(b, 0),
            "percent": round(100 * view.totals.get(b, 0) / turns),
            "negative": is_negative(b),
        }
        for b in BEHAVIOURS
    ]
    return {r: [row for row in rows if RUBRIC_OF[row["id"]] == r] for r in RUBRICS}


def to_html(view: SessionView) -> str:
    lang = view.lang
    s = view.session
    context = {
        "s": s,
        "titles": content_titles(s, lang),
        "w": labels.words(lang),
        "lang": lang,
        "turns": view.turns,
        "reviews": view.reviews,
        "scores": s.get("scores") or {},
        "chart": mood_chart(view.mood),
        "behaviours": _behaviour_rows(view),
        "trainee_turns": view.trainee_turns,
        "outcome": labels.outcome_name(s.get("outcome"), lang),
        "started": labels.local_time(s.get("started")),
        "mode": labels.mode_name(s.get("mode"), lang),
        "bname": lambda b: labels.behaviour_name(b, lang),
        "stance": lambda st: labels.stance_name(st, lang),
        "negative": is_negative,
        "version": __version__,
    }
    return _environment().get_template("report.html.j2").render(**context)
