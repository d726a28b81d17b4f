"""Review (team leader): sessions with filters, a transcript with badges, overrides, comments, κ."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Select, Sparkline, Static

from scoring.behaviours import BEHAVIOURS
from simulator.ui.i18n import label
from simulator.ui.names import behaviour_name
from simulator.ui.prefs import load_prefs
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.picker import BehaviourPicker
from simulator.ui.widgets.status import StatusLine


def session_score(session: dict) -> float | None:
    """Mean of the per-rubric scores (0-100) stored when the session ended."""
    scores = session.get("scores") or {}
    values = [float(v) for v in scores.values() if isinstance(v, (int, float))]
    return sum(values) / len(values) if values else None


class ReviewScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "agree", "agree"),
        Binding("d", "disagree", "disagree"),
        Binding("m", "missed", "missed"),
        Binding("k", "kappa_table", "kappa_table"),
        Binding("escape", "back", "back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.reviewer = load_prefs().get("trainee") or "teamleider"
        self.sessions: list[dict] = []
        self.session: dict | None = None
        # transcript row -> (trainee turn number, behaviour or None for the turn's own row);
        # None for the tenant's rows
        self.rows: list[tuple[int, str | None] | None] = []
        self.kappa_detail = False

    @property
    def store(self) -> Any:
        return self.app.store

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
                yield Static("", id="kappa")
                yield Static("", id="progress-label", classes="chart-label")
                yield Sparkline([], id="progress")
            with Vertical(id="review-detail"):
                yield Static("", id="detail-head", classes="title")
                yield DataTable(id="turns", cursor_type="row")
                yield Input(placeholder=self.tr("comment"), id="comment", compact=True)
                yield Static("", id="comments", classes="note")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns(self.tr("date"), self.tr("filter_trainee"), self.tr("persona"),
                          self.tr("scenario"), self.tr("outcome"), "%")
        self.query_one("#turns", DataTable).add_columns("#", "", self.tr("transcript"))
        self.refresh_sessions()
        table.focus()

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

    def refresh_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.clear()
        if self.store is None:
            self.query_one("#kappa", Static).update(self.tr("no_store"))
            return
        from simulator.store.review import Viewer, list_visible

        filters = self.filters()
        viewer = Viewer(reviewer=self.reviewer, trainee=filters.pop("trainee"))
        self.sessions = list_visible(self.store, viewer, **filters)
        for s in self.sessions:
            score = session_score(s)
            table.add_row(s["started"][:10], Text(s["trainee"]), Text(s["persona_id"]),
                          Text(s["scenario_id"]),
                          self.outcome_word(s.get("outcome")),
                          "" if score is None else f"{score:.0f}", key=s["id"])
        self.show_kappa()
        self.show_progress(self.sessions[0]["trainee"] if self.sessions else None)

    def outcome_word(self, outcome: str | None) -> str:
        key = f"outcome_{outcome or 'unfinished'}"
        try:
            return self.tr(key)
        except KeyError:
            return str(outcome)

    def show_kappa(self) -> None:
        from simulator.store.agreement import KAPPA_MIN, agreement

        result = agreement(self.store)
        lines = [self.kappa_line(self.tr("overall"), result["overall"])]
        if self.kappa_detail:
            lines += [self.kappa_line(behaviour_name(b, self.lang), row, short=True)
                      for b, row in result["behaviours"].items() if row["items"]]
        elif result["overall"]["items"] >= KAPPA_MIN:
            lines[0] += "   " + self.tr("kappa_more")
        widget = self.query_one("#kappa", Static)
        widget.styles.height = len(lines)
        widget.update(Text("\n".join(lines)))  # behaviour names come from trainers' files

    def kappa_line(self, name: str, row: dict, short: bool = False) -> str:
        """Cohen's κ of one row, or how many judgements it still lacks; `short` for the table."""
        from simulator.store.agreement import KAPPA_MIN

        n = row["items"]
        few = row["kappa"] is None or n < KAPPA_MIN
        if short:
            value = self.tr("too_few", n=n, least=KAPPA_MIN) if few else f"κ = {row['kappa']:.2f} ({n})"
            return f"  {name:<26} {value}"
        if few:
            return self.tr("kappa_none", name=name, n=n, least=KAPPA_MIN)
        return self.tr("kappa", name=name, kappa=f"{row['kappa']:.2f}", n=n)

    def action_kappa_table(self) -> None:
        if self.query_one("#review-switch", ContentSwitcher).current == "review-list":
            self.kappa_detail = not self.kappa_detail
            self.show_kappa()

    def show_progress(self, trainee: str | None) -> None:
        """The highlighted trainee's session scores, oldest first."""
        from simulator.store.review import Viewer, list_visible

        label_widget = self.query_one("#progress-label", Static)
        spark = self.query_one("#progress", Sparkline)
        if not trainee:
            label_widget.update(self.tr("no_sessions"))
            spark.data = []
            return
        rows = list_visible(self.store, Viewer(reviewer=self.reviewer, trainee=trainee))
        scores = [s for s in (session_score(r) for r in reversed(rows)) if s is not None]
        shown = " → ".join(f"{s:.0f}" for s in scores[-8:])
        label_widget.update(Text(f"{self.tr('progress', trainee=trainee)}: {shown}"))
        spark.data = scores

    @on(Input.Submitted, "#filters Input")
    @on(Input.Changed, "#filters Input")
    @on(Select.Changed, "#filters Select")
    def _filter(self) -> None:
        self.refresh_sessions()

    @on(DataTable.RowHighlighted, "#sessions")
    def _highlight(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.sessions):
            self.show_progress(self.sessions[event.cursor_row]["trainee"])

    @on(DataTable.RowSelected, "#sessions")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.open_session(self.sessions[event.cursor_row])

    # --- one session -------------------------------------------------------------------------

    def open_session(self, session: dict) -> None:
        self.session = session
        self.query_one("#review-switch", ContentSwitcher).current = "review-detail"
        self.query_one("#detail-head", Static).update(Text(
            f"{session['trainee']} · {session['persona_id']} · {session['scenario_id']} · "
            f"{session['started'][:16].replace('T', ' ')} · {self.outcome_word(session.get('outcome'))}"))
        self.fill_transcript()
        self.show_comments()
        self.query_one("#turns", DataTable).focus()

    def fill_transcript(self) -> None:
        from simulator.store.review import final_labels

        table = self.query_one("#turns", DataTable)
        row = table.cursor_row
        table.clear()
        self.rows = []
        for turn in self.store.turns(self.session["id"]):
            number = turn["position"] + 1
            trainee = turn["speaker"] == "trainee"
            table.add_row(str(number), self.tr("you" if trainee else "tenant"), Text(turn["text"]))
            self.rows.append((number, None) if trainee else None)
            labels = final_labels(turn)
            verdicts = {o["behaviour"]: o["agree"] for o in turn["overrides"]}
            for behaviour in [b for b in BEHAVIOURS if b in turn["detections"] or b in verdicts]:
                detected = bool(turn["detections"].get(behaviour, {}).get("detected"))
                if detected or behaviour in verdicts:
                    det = turn["detections"].get(behaviour, {})
                    table.add_row("", "", self.badge(behaviour, det, labels, verdicts))
                    self.rows.append((number, behaviour))
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1))

    def badge(self, behaviour: str, det: dict, labels: dict, verdicts: dict) -> Text:
        shown = labels.get(behaviour, False)
        detected = bool(det.get("detected"))
        out = Text("  ")
        name = behaviour_name(behaviour, self.lang)
        if not detected and shown:  # a behaviour the scorer missed, added by a team leader
            out.append(f" + {name} ", style="bold black on cyan")
            out.append(f"  [{self.tr('missed_badge')}]", style="cyan")
            return out
        out.append(f" {name} ", style="bold black on green" if detected else "strike")
        out.append(f" {det.get('confidence') or 0:.2f}", style="dim")
        if behaviour in verdicts:
            word = self.tr("agree" if verdicts[behaviour] else "disagree")
            out.append(f"  [{word}]", style="cyan" if verdicts[behaviour] else "bold red")
        if not shown:
            out.append(" ✗", style="red")
        return out

    def current_row(self) -> tuple[int, str | None] | None:
        table = self.query_one("#turns", DataTable)
        if self.session is None or not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

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
        switch = self.query_one("#review-switch", ContentSwitcher)
        if switch.current == "review-detail":
            switch.current = "review-list"
            self.refresh_sessions()
            self.query_one("#sessions", DataTable).focus()
        else:
            self.app.action_start()
