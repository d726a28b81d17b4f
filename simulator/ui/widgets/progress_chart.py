"""A trainee's progress over sessions: listening and hospitality score per session, as lines.

Drawn by textual-plotext in braille dots, so a line chart fits a terminal; the x axis counts the
sessions (oldest first) and is labelled with their dates.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual_plotext import PlotextPlot

from simulator.vocabulary import RUBRICS, rubric_name

COLOURS = {"listening": "cyan", "hospitality": "orange"}
MAX_TICKS = 6  # date labels on the x axis; more would run into each other at 80 columns
MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def day_label(date: str, lang: str) -> str:
    """"2026-03-12" -> "12 mrt" (nl) / "12 Mar" (en); anything else as it is."""
    try:
        month = MONTHS["en" if lang == "en" else "nl"][int(date[5:7]) - 1]
        return f"{int(date[8:10])} {month}"
    except (ValueError, IndexError):
        return date[:10]


@dataclass(frozen=True)
class ProgressPoint:
    """One finished session: its date (YYYY-MM-DD) and score per rubric (0-100, None: none)."""

    date: str
    scores: dict[str, float | None]


class ProgressChart(PlotextPlot):
    """Call `show(points, lang, title)`; `series` keeps what is drawn (rubric -> scores)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.series: dict[str, list[float | None]] = {}

    def show(self, points: list[ProgressPoint], lang: str, title: str, axis: str) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(title)
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100])
        plt.xlabel(axis)
        self.series = {r: [p.scores.get(r) for p in points] for r in RUBRICS}
        for rubric, scores in self.series.items():
            xs = [i + 1 for i, s in enumerate(scores) if s is not None]
            ys = [s for s in scores if s is not None]
            if xs:  # a line in braille dots, and each session as a dot you can see
                plt.plot(xs, ys, label=rubric_name(rubric, lang), color=COLOURS[rubric],
                         marker="braille")
                plt.scatter(xs, ys, color=COLOURS[rubric], marker="●")
        if points:
            plt.xlim(0.8, len(points) + 0.2 if len(points) > 1 else 1.2)
            step = max(1, -(-len(points) // MAX_TICKS))
            ticks = list(range(1, len(points) + 1, step))
            plt.xticks(ticks, [day_label(points[i - 1].date, lang) for i in ticks])
        self.refresh()
