"""Report: outcome, the tenant's rating, score per rubric, evidence per behaviour, mood chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Sparkline, Static

from simulator.ui.names import behaviour_name, field, is_negative
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.mood import value_of
from simulator.ui.widgets.status import StatusLine

RUBRIC_NAMES = {"listening": ("Luisteren", "Listening"), "hospitality": ("Gastvrijheid", "Hospitality")}


def mood_points(session: Any, report: Any) -> list[tuple[float, float]]:
    """(irritation, trust) at the door and after every trainee turn."""
    points = field(report, "timeline", "mood", default=None)
    if points:
        return [(float(value_of(p, "irritation")), float(value_of(p, "trust"))) for p in points]
    start = field(field(session, "director", default=None), "opening", default=None)
    states = ([field(start, "state")] if start is not None else []) + [
        t.state for t in field(session, "trainee_turns", default=[]) or []]
    return [(float(value_of(s, "irritation")), float(value_of(s, "trust"))) for s in states if s]


class ReportScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "again", "again"),
        Binding("x", "export", "export"),
        Binding("escape", "to_start", "to_start"),
    ]

    def __init__(self, session: Any, *, persona_id: str, scenario_id: str, trainee: str,
                 mode: str, consent: bool = False) -> None:
        super().__init__()
        self.session = session
        self.setup = {"persona_id": persona_id, "scenario_id": scenario_id,
                      "trainee": trainee, "mode": mode, "consent": consent}
        self.report: Any = None
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        self.report = self.session.report()
        points = mood_points(self.session, self.report)
        with VerticalScroll(id="report-body"):
            yield Static(self.headline(), id="headline")
            yield Static(self.rubric_scores(), id="rubric-scores")
            yield Static(self.tr("mood_chart") + ": " + self.series(p[0] for p in points),
                         classes="chart-label")
            yield Sparkline([p[0] for p in points], id="irritation-chart")
            yield Static(self.tr("trust_chart") + ": " + self.series(p[1] for p in points),
                         classes="chart-label")
            yield Sparkline([p[1] for p in points], id="trust-chart")
            yield Static(self.behaviours(), id="behaviours")
        with Horizontal(id="report-actions"):
            yield Button(self.tr("again"), id="again", variant="primary")
            yield Button(self.tr("export"), id="export")
            yield Button(self.tr("to_start"), id="to-start")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#again", Button).focus()

    @staticmethod
    def series(values) -> str:
        return " ".join(f"{v:.0f}" for v in values)

    def headline(self) -> Text:
        outcome = field(self.report, "outcome", default=None) or self.session.outcome
        try:
            word = self.tr(f"outcome_{outcome}")
        except KeyError:
            word = str(outcome)
        rating = field(self.report, "rating", "tenant_rating", default=None)
        out = Text(f"{self.tr('report')} — ", style="bold")
        out.append(f"{self.tr('outcome')}: {word}", style="bold")
        if rating is not None:
            out.append(f"   {self.tr('rating')}: ")
            out.append(f"{rating}/10", style="bold reverse")
        return out

    def rubric_scores(self) -> Text:
        scores = field(self.report, "rubric_scores", "scores", default=None) or {}
        out = Text(f"{self.tr('scores')}: ")
        for rubric, value in scores.items():
            names = RUBRIC_NAMES.get(rubric, (rubric, rubric))
            out.append(f"{names[1] if self.lang == 'en' else names[0]} ", style="bold")
            out.append(f"{float(value):.0f}%   ")
        return out

    def behaviours(self) -> Text:
        """Shown behaviours with the trainee's own words; missing ones with an example."""
        out = Text(f"{self.tr('behaviours')}\n", style="bold")
        items = field(self.report, "behaviours", default=None) or {}
        for item in items.values() if isinstance(items, dict) else items:
            bid = str(field(item, "behaviour", default="?"))
            shown = bool(field(item, "count", default=0))
            missing = bool(field(item, "missing", default=False))
            if not (shown or missing):
                continue
            good = shown != is_negative(bid)
            out.append("✓ " if good else "✗ ", style="green" if good else "red")
            out.append(behaviour_name(bid, self.lang), style="bold")
            quotes = [q[1] if isinstance(q, (tuple, list)) else q
                      for q in field(item, "quotes", default=None) or []]
            if shown:
                out.append(": " + " ".join(f"“{q}”" for q in quotes[:2]), style="italic")
            else:
                out.append(f" — {self.tr('missing')}", style="dim")
                example = field(item, "example", default=None)
                if example:
                    out.append(f"\n    {self.tr('example')}: “{example}”", style="cyan")
            out.append("\n")
        return out

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"again": self.action_again, "export": self.action_export,
         "to-start": self.action_to_start}[event.button.id]()

    def action_again(self) -> None:
        from simulator.ui.screens.practice import PracticeScreen

        self.app.switch_screen(PracticeScreen(**self.setup))

    def action_to_start(self) -> None:
        self.app.action_start()

    def action_export(self) -> None:
        """The session's HTML report from the store, written where the trainee can find it."""
        from simulator import paths

        store, sid = self.app.store, getattr(self.session, "session_id", None)
        if store is None or sid is None:
            self.notify(self.tr("no_store"), severity="warning")
            return
        try:
            from simulator.exports import render

            folder = Path(self.app.export_dir or paths.home() / "exports")
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"roleplay-{sid}.html"
            target.write_text(render(store, [sid], "html"), encoding="utf-8")
        except Exception as err:  # noqa: BLE001 - disk full, template problem: say so, keep the report on screen
            self.notify(self.tr("export_failed", error=err), severity="error")
            return
        self.exported = target
        self.notify(self.tr("exported", path=target), timeout=10)
