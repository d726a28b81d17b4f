"""CSV of per-session, per-behaviour scores, for a spreadsheet.

One row per session: who, what, when, outcome, the rubric scores, the number of trainee turns,
then for each behaviour the number of trainee turns in which it was shown (after the team
leaders' overrides). Every cell passes `csv_cell`, so no user text runs as a formula.
"""

from __future__ import annotations

import csv
import io

from simulator.exports.safe import csv_cell
from simulator.exports.view import SessionView
from simulator.vocabulary import BEHAVIOURS

FIELDS = (
    "session_id",
    "started",
    "trainee",
    "persona_id",
    "scenario_id",
    "lang",
    "mode",
    "outcome",
    "listening",
    "hospitality",
    "trainee_turns",
    *BEHAVIOURS,
)


def csv_row(view: SessionView) -> dict:
    s = view.session
    scores = s.get("scores") or {}
    row = {
        "session_id": s["id"],
        "started": s["started"],
        "trainee": s["trainee"],
        "persona_id": s["persona_id"],
        "scenario_id": s["scenario_id"],
        "lang": s["lang"],
        "mode": s["mode"],
        "outcome": s.get("outcome") or "unfinished",
        "listening": scores.get("listening", ""),
        "hospitality": scores.get("hospitality", ""),
        "trainee_turns": view.trainee_turns,
    }
    row.update({b: view.totals.get(b, 0) for b in BEHAVIOURS})
    return {key: csv_cell(value) for key, value in row.items()}


def to_csv(views: list[SessionView]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for view in views:
        writer.writerow(csv_row(view))
    return out.getvalue()
