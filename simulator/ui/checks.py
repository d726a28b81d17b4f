"""Run checks with the engine's runner and describe the results in the app's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from simulator.content import Check, Library
from simulator.content.scenario import Expectation
from simulator.ui.i18n import t

CheckRun = tuple[str, Check]  # (scenario id, check)


def scenario_checks(library: Library, scenario_id: str) -> list[CheckRun]:
    return [(scenario_id, check) for check in library.scenarios[scenario_id].checks]


def persona_checks(library: Library, persona_id: str) -> list[CheckRun]:
    """Every check, of any scenario, that plays this persona."""
    return [(sid, check) for sid, scenario in library.scenarios.items()
            for check in scenario.checks if check.persona == persona_id]


def check_results(
    library: Library, runs: list[CheckRun], scorer: Callable[[], Any], lang: str
) -> Text:
    """Play every check (the scorer only for turns without pinned behaviours) and list results."""
    from simulator.engine.checks import judge, needs_scorer, run_check

    out = Text()
    passed = 0
    for sid, check in runs:
        result = run_check(library, sid, check, scorer=scorer() if needs_scorer(check) else None)
        passed += result.passed
        out.append("✓ " if result.passed else "✗ ", style="green" if result.passed else "bold red")
        out.append(f"{check.title(lang)} ({sid}): ")
        out.append(t("check_passed" if result.passed else "check_failed", lang) + "\n",
                   style="green" if result.passed else "red")
        for exp in check.expect:
            if judge(exp, result.played) is not None:
                out.append(f"    {why_not(exp, result.played, lang)}\n", style="red")
    total = t("checks_total", lang, passed=passed, failed=len(runs) - passed)
    return Text(total + "\n", style="bold") + out


def why_not(exp: Expectation, played: Any, lang: str) -> str:
    """Why an expectation that the engine judged failed did not hold, in `lang`."""
    if exp.outcome is not None:
        return t("expect_outcome", lang, want=_outcome(exp.outcome, lang),
                 got=_outcome(played.outcome, lang), turns=played.turns)
    if exp.stance is not None:
        got = played.stances.get(exp.after_turn)
        if got is None:
            return t("expect_stance_ended", lang, want=_stance(exp.stance, lang),
                     turn=exp.after_turn, turns=played.turns, got=_outcome(played.outcome, lang))
        return t("expect_stance", lang, want=_stance(exp.stance, lang), turn=exp.after_turn,
                 got=_stance(got, lang))
    early = next((turn for turn in range(exp.hidden_before)
                  if exp.fact in played.allowed.get(turn, set())), 0)
    when = t("before_first_turn", lang) if early == 0 else t("after_turn", lang, turn=early)
    return t("expect_hidden", lang, fact=exp.fact, turn=exp.hidden_before, when=when)


def _outcome(outcome: str, lang: str) -> str:
    return t(f"outcome_{outcome}", lang)


def _stance(stance: str, lang: str) -> str:
    return t(f"stance_{stance}", lang)
