"""Run a scenario's checks with the engine's runner and format the results for the author screen."""

from __future__ import annotations

from rich.text import Text

from simulator.ui.i18n import t
from simulator.ui.names import field


def check_results(app, scenario_id: str, lang: str) -> Text:
    from simulator.engine.checks import needs_scorer, run_check

    scenario = app.library.scenarios[scenario_id]
    results = [
        run_check(app.library, scenario_id, check,
                  scorer=app.hub.scorer if needs_scorer(check) else None)
        for check in scenario.checks
    ]
    out = Text()
    for result in results:
        ok = bool(field(result, "passed", "ok", default=False))
        out.append("✓ " if ok else "✗ ", style="green" if ok else "bold red")
        out.append(f"{field(result, 'name', default='?')}: ")
        out.append(t("check_passed" if ok else "check_failed", lang) + "\n",
                   style="green" if ok else "red")
        for failure in field(result, "reasons", default=[]) or []:
            out.append(f"    {failure}\n", style="red")
    return out
