"""Run a scenario's checks with the engine's runner and format the results for the author screen."""

from __future__ import annotations

from rich.text import Text

from simulator.ui.i18n import t
from simulator.ui.names import field


def check_results(app, scenario_id: str, lang: str) -> Text:
    from simulator.engine.checks import run_checks

    results = run_checks(app.library, scenario_id, scorer=app.hub.scorer)
    out = Text()
    for result in results:
        ok = bool(field(result, "passed", "ok", default=False))
        out.append("✓ " if ok else "✗ ", style="green" if ok else "bold red")
        out.append(f"{field(result, 'name', default='?')}: ")
        out.append(t("check_passed" if ok else "check_failed", lang) + "\n",
                   style="green" if ok else "red")
        for failure in field(result, "failures", "problems", default=[]) or []:
            out.append(f"    {failure}\n", style="red")
    return out
