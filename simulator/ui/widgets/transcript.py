"""A stored session's transcript for the team leader: every line wrapped to the screen's width,
and under each trainee turn the behaviours the scorer found or a team leader judged."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from simulator.ui.i18n import t
from simulator.ui.names import behaviour_name
from simulator.vocabulary import BEHAVIOURS

SPEAKER_WIDTH = 10  # "Medewerker"
EDGE = 3 + SPEAKER_WIDTH + 2 * 3 + 2  # turn number, speaker, a space either side, scroll bar

# A row's meaning: (trainee turn number, behaviour or None for the turn's own line); None for the
# tenant's lines.
RowMeaning = tuple[int, str | None] | None


class ReviewTranscript(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.meanings: list[RowMeaning] = []

    def show(self, turns: list[dict], lang: str, width: int) -> None:
        """Fill with `turns` (Store.turns), `width` columns wide; the cursor stays where it was."""
        from simulator.store.review import final_labels

        row = self.cursor_row
        self.clear(columns=True)
        self.add_column("#", width=3)
        self.add_column("", width=SPEAKER_WIDTH)
        self.add_column(t("transcript", lang), width=max(20, width - EDGE))
        self.meanings = []
        for turn in turns:
            number = turn["position"] + 1
            trainee = turn["speaker"] == "trainee"
            speaker = t("filter_trainee" if trainee else "tenant", lang)  # a leader reads: not "you"
            self.add_row(str(number), speaker, Text(turn["text"]), height=None)
            self.meanings.append((number, None) if trainee else None)
            labels = final_labels(turn)
            verdicts = {o["behaviour"]: o["agree"] for o in turn["overrides"]}
            for behaviour in [b for b in BEHAVIOURS if b in turn["detections"] or b in verdicts]:
                det = turn["detections"].get(behaviour, {})
                if det.get("detected") or behaviour in verdicts:
                    self.add_row("", "", badge(behaviour, det, labels.get(behaviour, False),
                                               verdicts.get(behaviour), lang))
                    self.meanings.append((number, behaviour))
        if self.meanings:
            self.move_cursor(row=min(row, len(self.meanings) - 1))

    def current(self) -> RowMeaning:
        """What the highlighted row is (None: a tenant's line, or nothing shown)."""
        if not self.meanings or self.cursor_row >= len(self.meanings):
            return None
        return self.meanings[self.cursor_row]


def badge(behaviour: str, det: dict, shown: bool, verdict: bool | None, lang: str) -> Text:
    """One detection under a trainee turn: name, confidence, the team leader's verdict."""
    detected = bool(det.get("detected"))
    out = Text("  ")
    name = behaviour_name(behaviour, lang)
    if not detected and shown:  # a behaviour the scorer missed, added by a team leader
        out.append(f" + {name} ", style="bold black on cyan")
        out.append(f"  [{t('missed_badge', lang)}]", style="cyan")
        return out
    out.append(f" {name} ", style="bold black on green" if detected else "strike")
    out.append(f" {det.get('confidence') or 0:.2f}", style="dim")
    if verdict is not None:
        word = t("agree" if verdict else "disagree", lang)
        out.append(f"  [{word}]", style="cyan" if verdict else "bold red")
    if not shown:
        out.append(" ✗", style="red")
    return out
