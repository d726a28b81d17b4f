"""What the review screen writes about a session and a turn: names, not ids, and sizes that fit.

Pure functions (no widgets), so the table, the line under it and the transcript's head say the
same thing in the same words.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from simulator.store.agreement import KAPPA_MIN
from simulator.ui.i18n import label, t
from simulator.ui.names import behaviour_name
from simulator.ui.widgets.progress_chart import ProgressPoint
from simulator.vocabulary import RUBRICS, language_name

# The session table: fixed columns, and shares of what is left for the names (at 80 columns:
# trainee 9, tenant 11, scenario 11, outcome 10).
FIXED = {"date": 10, "mode": 10, "score": 3}
SHARES = {"trainee": 9, "persona": 11, "scenario": 11, "outcome": 10}
COLUMNS = ("date", "trainee", "persona", "scenario", "mode", "outcome", "score")
HEADS = {"date": "date", "trainee": "filter_trainee", "persona": "persona", "scenario": "scenario",
         "mode": "mode", "outcome": "outcome"}  # column -> i18n key of its heading ("%": score)
TABLE_EDGE = 2 + 2 * len(COLUMNS)  # the scroll bar, and one space either side of every cell


def session_score(session: dict) -> float | None:
    """Mean of the per-rubric scores (0-100) stored when the session ended."""
    scores = session.get("scores") or {}
    values = [float(v) for v in scores.values() if isinstance(v, (int, float))]
    return sum(values) / len(values) if values else None


def column_widths(total: int) -> dict[str, int]:
    """Width per column of the session table for a table `total` columns wide."""
    room = max(len(SHARES) * 4, total - TABLE_EDGE - sum(FIXED.values()))
    share = sum(SHARES.values())
    widths = {name: max(4, room * part // share) for name, part in SHARES.items()}
    widths["scenario"] += room - sum(widths.values())  # the rounding's rest
    return {name: FIXED.get(name) or widths[name] for name in COLUMNS}


def short(text: str, width: int) -> Text:
    """Plain text cut to `width` with an ellipsis (names come from trainers' files and bundles)."""
    return Text(text if len(text) <= width else text[: width - 1] + "…", no_wrap=True)


def outcome_word(outcome: str | None, lang: str) -> str:
    """How the conversation ended, as a team leader reads it (about the trainee)."""
    key = f"outcome_{outcome or 'unfinished'}"
    for candidate in (f"review_{key}", key):
        try:
            return t(candidate, lang)
        except KeyError:
            continue
    return str(outcome)


def mode_word(mode: str | None, lang: str) -> str:
    try:
        return t(f"mode_short_{mode or 'practice'}", lang)
    except KeyError:
        return str(mode)


def names(session: dict, library: Any, lang: str) -> tuple[str, str]:
    """(persona name, scenario title) in `lang`; the id when the file is gone."""
    persona = library.personas.get(session["persona_id"]) if library else None
    scenario = library.scenarios.get(session["scenario_id"]) if library else None
    return (label(persona.name, lang) if persona else session["persona_id"],
            label(scenario.title, lang) if scenario else session["scenario_id"])


def table_cells(session: dict, library: Any, lang: str, widths: dict[str, int]) -> list:
    persona, scenario = names(session, library, lang)
    score = session_score(session)
    values = {
        "date": session["started"][:10], "trainee": session["trainee"], "persona": persona,
        "scenario": scenario, "mode": f"{mode_word(session.get('mode'), lang)} {session['lang']}",
        "outcome": outcome_word(session.get("outcome"), lang),
        "score": "" if score is None else f"{score:.0f}",
    }
    return [short(values[c], widths[c]) for c in COLUMNS]


def facts(session: dict, library: Any, lang: str) -> Text:
    """Everything about the session in two lines: who, tenant, scenario; when, how, result."""
    persona, scenario = names(session, library, lang)
    score = session_score(session)
    second = [session["started"][:16].replace("T", " "), mode_word(session.get("mode"), lang),
              language_name(session["lang"], lang), outcome_word(session.get("outcome"), lang)]
    if score is not None:
        second.append(t("score", lang, score=f"{score:.0f}"))
    return Text(f"{session['trainee']} · {persona} · {scenario}\n" + " · ".join(second))


def progress_points(sessions: list[dict]) -> list[ProgressPoint]:
    """Sessions (newest first, as listed) with a score, as chart points oldest first."""
    return [ProgressPoint(s["started"][:10], {k: (s.get("scores") or {}).get(k) for k in RUBRICS})
            for s in reversed(sessions) if session_score(s) is not None]


def kappa_lines(result: dict, per_behaviour: bool, lang: str) -> list[str]:
    """Scorer-team leader agreement (simulator.store.agreement.agreement): overall, and with
    `per_behaviour` one line per judged behaviour. κ only from KAPPA_MIN judgements on."""
    lines = [kappa_line(t("overall", lang), result["overall"], lang)]
    if per_behaviour:
        lines += [kappa_line(behaviour_name(b, lang), row, lang, short=True)
                  for b, row in result["behaviours"].items() if row["items"]]
    elif result["overall"]["items"] >= KAPPA_MIN:
        lines[0] += "   " + t("kappa_more", lang)
    return lines


def kappa_line(name: str, row: dict, lang: str, short: bool = False) -> str:
    """Cohen's κ of one row, or how many judgements it still lacks; `short` for the table."""
    n = row["items"]
    few = row["kappa"] is None or n < KAPPA_MIN
    if short:
        value = t("too_few", lang, n=n, least=KAPPA_MIN) if few else f"κ = {row['kappa']:.2f} ({n})"
        return f"  {name:<26} {value}"
    if few:
        return t("kappa_none", lang, name=name, n=n, least=KAPPA_MIN)
    return t("kappa", lang, name=name, kappa=f"{row['kappa']:.2f}", n=n)
