"""Report: outcome, the tenant's rating, score per rubric, evidence per behaviour, mood chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Static

from scoring.feedback import SessionReport
from simulator.ui.names import behaviour_name, is_negative
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.chart import MoodChart
from simulator.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from simulator.engine.session import PracticeSession

RUBRIC_NAMES = {"listening": ("Luisteren", "Listening"), "hospitality": ("Gastvrijheid", "Hospitality")}


class ReportScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "again", "again"),
        Binding("x", "export", "export"),
        Binding("escape", "to_start", "to_start"),
    ]

    def __init__(self, session: PracticeSession, *, persona_id: str, scenario_id: str,
                 trainee: str, mode: str, consent: bool = False, practice: type | None = None
                 ) -> None:
        """practice: the screen to practise again with (a trainer's preview goes back to the
        author screen, not to the start)."""
        super().__init__()
        self.session = session
        self.practice = practice
        self.preview = practice is not None and not getattr(practice, "stores_session", True)
        self.setup = {"persona_id": persona_id, "scenario_id": scenario_id,
                      "trainee": trainee, "mode": mode, "consent": consent}
        self.report: SessionReport = session.report()
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-body"):
            yield Static(self.headline(), id="headline")
            yield Static(self.rubric_scores(), id="rubric-scores")
            yield Static(self.tr("mood_over_time"), classes="chart-label")
            yield MoodChart(self.report.timeline, self.lang, id="mood-chart")
            yield Static(self.behaviours(), id="behaviours")
        with Horizontal(id="report-actions"):
            yield Button(self.tr("again"), id="again", variant="primary")
            yield Button(self.tr("export"), id="export")
            yield Button(self.tr("back_to_author" if self.preview else "to_start"), id="to-start")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        # The report is read first: PageDown/arrows scroll it at once; o/x/Esc act from here.
        self.query_one("#report-body", VerticalScroll).focus()

    def headline(self) -> Text:
        try:
            word = self.tr(f"outcome_{self.report.outcome}")
        except KeyError:
            word = self.report.outcome
        out = Text(f"{self.tr('report')} — ", style="bold")
        out.append(f"{self.tr('outcome')}: {word}", style="bold")
        out.append(f"   {self.tr('rating')}: ")
        out.append(f"{self.report.tenant_rating}/10", style="bold reverse")
        return out

    def rubric_scores(self) -> Text:
        out = Text(f"{self.tr('scores')}: ")
        for rubric, value in self.report.rubric_scores.items():
            names = RUBRIC_NAMES.get(rubric, (rubric, rubric))
            out.append(f"{names[1] if self.lang == 'en' else names[0]} ", style="bold")
            out.append(f"{value:.0f}%   ")
        return out

    def behaviours(self) -> Text:
        """Shown behaviours with the trainee's own words; missing ones with an example."""
        out = Text(f"{self.tr('behaviours')}\n", style="bold")
        for item in self.report.behaviours.values():
            if not (item.count or item.missing):
                continue
            good = bool(item.count) != is_negative(item.behaviour)
            out.append("✓ " if good else "✗ ", style="green" if good else "red")
            out.append(behaviour_name(item.behaviour, self.lang), style="bold")
            if item.count:
                quotes = [sentence for _, sentence in item.quotes[:2]]
                out.append(": " + " ".join(f"“{q}”" for q in quotes), style="italic")
            else:
                out.append(f" — {self.tr('missing')}", style="dim")
                if item.example:
                    out.append(f"\n    {self.tr('example')}: “{item.example}”", style="cyan")
            out.append("\n")
        return out

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"again": self.action_again, "export": self.action_export,
         "to-start": self.action_to_start}[event.button.id]()

    def action_again(self) -> None:
        from simulator.ui.screens.practice import PracticeScreen

        self.app.switch_screen((self.practice or PracticeScreen)(**self.setup))

    def action_to_start(self) -> None:
        if self.preview:
            self.dismiss()  # the author screen lies below
        else:
            self.app.action_start()

    def action_export(self) -> None:
        """The session's HTML report from the store, written where the trainee can find it."""
        from simulator import paths

        store, sid = self.app.store, self.session.session_id
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
