"""Review (team leader): sessions with filters, a transcript with badges, overrides, comments, κ,
and a trainee's progress as a line chart. Judgements and comments carry the reviewer's own name,
asked when the screen first opens and remembered between runs (`n` changes it)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Select, Static

from simulator.ui.i18n import label
from simulator.ui.names import behaviour_name
from simulator.ui.prefs import load_prefs, save_prefs
from simulator.ui.screens import review_rows as rows
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.name_question import NameQuestion
from simulator.ui.widgets.picker import BehaviourPicker
from simulator.ui.widgets.progress_chart import ProgressChart
from simulator.ui.widgets.status import StatusLine
from simulator.ui.widgets.transcript import ReviewTranscript, RowMeaning
from simulator.vocabulary import BEHAVIOURS

# Which keys each view offers (the footer shows only these; 80 columns hold no more).
KEYS_OF_VIEW = {
    "review-list": {"kappa_table", "chart", "change_reviewer", "back"},
    "review-chart": {"chart", "back"},
    "review-detail": {"agree", "disagree", "missed", "change_reviewer", "back"},
}


class ReviewScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "agree", "agree"),
        Binding("d", "disagree", "disagree"),
        Binding("m", "missed", "missed"),
        Binding("k", "kappa_table", "kappa_table"),
        Binding("g", "chart", "chart"),
        Binding("n", "change_reviewer", "reviewer"),
        Binding("escape", "back", "back"),
    ]
    DEFAULT_CSS = """
    ReviewScreen #review-switch { height: 1fr; }
    ReviewScreen #progress-label { padding: 0 1; }
    ReviewScreen #session-facts { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    ReviewScreen #detail-head { height: auto; max-height: 2; }
    ReviewScreen #review-chart { height: 1fr; }
    ReviewScreen #chart { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.reviewer: str = load_prefs().get("reviewer") or ""
        self.sessions: list[dict] = []
        self.session: dict | None = None
        self.kappa_detail = False
        self.chart_trainee: str | None = None

    @property
    def store(self) -> Any:
        return self.app.store

    @property
    def transcript(self) -> ReviewTranscript:
        return self.query_one("#turns", ReviewTranscript)

    @property
    def rows(self) -> list[RowMeaning]:
        """What each transcript row is: (trainee turn number, behaviour or None), None: tenant."""
        return self.transcript.meanings

    @property
    def view(self) -> str:
        return str(self.query_one("#review-switch", ContentSwitcher).current)

    def compose(self) -> ComposeResult:
        lib = self.app.library
        with ContentSwitcher(initial="review-list", id="review-switch"):
            with Vertical(id="review-list"):
                with Horizontal(id="filters"):
                    yield Input(placeholder=self.tr("filter_trainee"), id="f-trainee", compact=True)
                    yield Select([(label(p.name, self.lang), k) for k, p in lib.personas.items()],
                                 prompt=self.tr("persona"), id="f-persona", compact=True)
                    yield Select([(label(s.title, self.lang), k) for k, s in lib.scenarios.items()],
                                 prompt=self.tr("scenario"), id="f-scenario", compact=True)
                    yield Input(placeholder=self.tr("filter_date"), id="f-date", compact=True)
                    yield Input(placeholder=self.tr("filter_text"), id="f-text", compact=True)
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
                yield Static("", id="session-facts")
                yield Static("", id="kappa")
                yield Static("", id="progress-label", classes="chart-label")
            with Vertical(id="review-chart"):
                yield ProgressChart(id="chart")
            with Vertical(id="review-detail"):
                yield Static("", id="detail-head", classes="title")
                yield ReviewTranscript(id="turns")
                yield Input(id="comment", compact=True)
                yield Static("", id="comments", classes="note")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_sessions()
        self.query_one("#sessions", DataTable).focus()
        self.show_reviewer()
        if not self.reviewer:
            self.action_change_reviewer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {b.action for b in self.BINDINGS if isinstance(b, Binding)}:
            return action in KEYS_OF_VIEW.get(self.view, set())
        return True

    def switch_to(self, view: str) -> None:
        self.query_one("#review-switch", ContentSwitcher).current = view
        self.refresh_bindings()

    # --- who reviews -------------------------------------------------------------------------

    def action_change_reviewer(self) -> None:
        """Ask the reviewer's name (on first use it must be given: Esc leaves the screen)."""
        def chosen(name: str | None) -> None:
            if name:
                self.reviewer = name
                save_prefs(reviewer=name)
                self.show_reviewer()
            elif not self.reviewer:
                self.app.action_start()

        self.app.push_screen(NameQuestion(self.tr("who_reviews"), self.tr("who_reviews_note"),
                                          proposal=self.reviewer,
                                          placeholder=self.tr("reviewer_placeholder")), chosen)

    def show_reviewer(self) -> None:
        self.query_one("#comment", Input).placeholder = self.tr("comment_as", name=self.reviewer)

    # --- the list ----------------------------------------------------------------------------

    def filters(self) -> dict:
        def text(wid: str) -> str | None:
            return self.query_one(wid, Input).value.strip() or None

        def chosen(wid: str) -> str | None:
            value = self.query_one(wid, Select).value
            return None if value is Select.NULL else str(value)

        return {"trainee": text("#f-trainee"), "persona_id": chosen("#f-persona"),
                "scenario_id": chosen("#f-scenario"), "since": text("#f-date"),
                "search": text("#f-text")}

    def visible(self, **filters) -> list[dict]:
        """Shared sessions with at least one trainee turn (the store's rule), newest first."""
        from simulator.store.review import Viewer, list_visible

        viewer = Viewer(reviewer=self.reviewer, trainee=filters.pop("trainee", None))
        return list_visible(self.store, viewer, **filters)

    def refresh_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear(columns=True)
        if self.store is None:
            self.query_one("#kappa", Static).update(self.tr("no_store"))
            return
        widths = rows.column_widths(self.size.width or 80)
        for column in rows.COLUMNS:
            head = self.tr(rows.HEADS[column]) if column in rows.HEADS else "%"
            table.add_column(rows.short(head, widths[column]), width=widths[column])
        self.sessions = self.visible(**self.filters())
        for s in self.sessions:
            table.add_row(*rows.table_cells(s, self.app.library, self.lang, widths), key=s["id"])
        self.show_kappa()
        self.show_highlighted(0)

    def show_highlighted(self, row: int) -> None:
        """The line under the table and the progress line follow the highlighted session."""
        session = self.sessions[row] if 0 <= row < len(self.sessions) else None
        facts = rows.facts(session, self.app.library, self.lang) if session else ""
        self.query_one("#session-facts", Static).update(facts)
        self.show_progress(session["trainee"] if session else None)

    def show_kappa(self) -> None:
        from scoring.model import outdated
        from simulator.store.agreement import agreement

        lines = rows.kappa_lines(agreement(self.store), self.kappa_detail, self.lang)
        if outdated(self.app.hub.scorer.model_id):  # a team's refit the scorer no longer uses
            lines += self.tr("calibration_outdated").splitlines()
        widget = self.query_one("#kappa", Static)
        widget.styles.height = len(lines)
        widget.update(Text("\n".join(lines)))  # behaviour names come from trainers' files

    def action_kappa_table(self) -> None:
        if self.view == "review-list":
            self.kappa_detail = not self.kappa_detail
            self.show_kappa()

    def show_progress(self, trainee: str | None) -> None:
        """One line: the highlighted trainee's session scores, oldest first; `g` draws them."""
        self.chart_trainee = trainee
        widget = self.query_one("#progress-label", Static)
        if not trainee:
            widget.update(self.tr("no_sessions"))
            return
        scores = [rows.session_score(r) for r in reversed(self.visible(trainee=trainee))]
        shown = " → ".join(f"{s:.0f}" for s in scores[-8:] if s is not None)
        widget.update(Text(f"{self.tr('progress', trainee=trainee)}: {shown}   "
                           f"{self.tr('chart_hint')}"))

    def action_chart(self) -> None:
        """Toggle the line chart of the highlighted trainee's progress."""
        if self.view == "review-chart":
            self.switch_to("review-list")
            self.query_one("#sessions", DataTable).focus()
            return
        if self.view != "review-list" or not self.chart_trainee:
            return
        points = rows.progress_points(self.visible(trainee=self.chart_trainee))
        title = self.tr("progress_chart", trainee=self.chart_trainee)
        if not points:
            title += " — " + self.tr("no_scores")
        self.switch_to("review-chart")
        self.query_one(ProgressChart).show(points, self.lang, title, self.tr("session_axis"))

    @on(Input.Submitted, "#filters Input")
    @on(Input.Changed, "#filters Input")
    @on(Select.Changed, "#filters Select")
    def _filter(self) -> None:
        self.refresh_sessions()

    @on(DataTable.RowHighlighted, "#sessions")
    def _highlight(self, event: DataTable.RowHighlighted) -> None:
        self.show_highlighted(event.cursor_row)

    @on(DataTable.RowSelected, "#sessions")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.open_session(self.sessions[event.cursor_row])

    def on_resize(self) -> None:
        if self.store is None:
            return
        if self.view == "review-detail":
            self.fill_transcript()
        else:
            row = self.query_one("#sessions", DataTable).cursor_row
            self.refresh_sessions()
            self.query_one("#sessions", DataTable).move_cursor(row=row)

    # --- one session -------------------------------------------------------------------------

    def open_session(self, session: dict) -> None:
        self.session = session
        self.switch_to("review-detail")
        self.query_one("#detail-head", Static).update(
            rows.facts(session, self.app.library, self.lang))
        self.fill_transcript()
        self.show_comments()
        self.transcript.focus()

    def fill_transcript(self) -> None:
        if self.session is not None:
            self.transcript.show(self.store.turns(self.session["id"]), self.lang, self.size.width)

    def current_row(self) -> RowMeaning:
        return self.transcript.current() if self.session is not None else None

    def _verdict(self, agree: bool) -> None:
        from simulator.store.review import override

        current = self.current_row()
        if current is None or current[1] is None:
            if current is not None:
                self.notify(self.tr("pick_badge"))
            return
        number, behaviour = current
        override(self.store, self.session["id"], number, behaviour, agree, self.reviewer)
        self.notify(self.tr("override_saved"))
        self.fill_transcript()

    def action_agree(self) -> None:
        self._verdict(True)

    def action_disagree(self) -> None:
        self._verdict(False)

    def action_missed(self) -> None:
        """Add a behaviour the scorer missed on the highlighted trainee turn."""
        from simulator.store.review import final_labels, judge

        current = self.current_row()
        if current is None:
            return
        number = current[0]
        turn = next(t for t in self.store.turns(self.session["id"]) if t["position"] == number - 1)
        shown = final_labels(turn)
        choices = [(b, behaviour_name(b, self.lang)) for b in BEHAVIOURS if not shown.get(b)]

        def chosen(behaviour: str | None) -> None:
            if behaviour:
                judge(self.store, self.session["id"], number, behaviour, True, self.reviewer)
                self.notify(self.tr("override_saved"))
                self.fill_transcript()

        self.app.push_screen(BehaviourPicker(self.tr("missed_title", turn=number), choices), chosen)

    @on(Input.Submitted, "#comment")
    def save_comment(self, event: Input.Submitted) -> None:
        from simulator.store.review import add_review

        if self.session is None or not event.value.strip():
            return
        add_review(self.store, self.session["id"], self.reviewer, event.value)
        event.input.value = ""
        self.notify(self.tr("comment_saved"))
        self.show_comments()

    def show_comments(self) -> None:
        reviews = self.store.reviews(self.session["id"])
        text = "\n".join(f"{r['reviewer']}: {r['comment']}" for r in reviews[-3:])
        self.query_one("#comments", Static).update(Text(text))

    def action_back(self) -> None:
        if self.view in ("review-detail", "review-chart"):
            self.switch_to("review-list")
            self.refresh_sessions()
            self.query_one("#sessions", DataTable).focus()
        else:
            self.app.action_start()
