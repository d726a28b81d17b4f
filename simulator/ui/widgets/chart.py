"""The tenant's mood over the conversation: irritation and trust per turn as a line chart."""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot

from scoring.feedback import MoodPoint
from simulator.ui.i18n import t


class MoodChart(PlotextPlot):
    """Irritation (red) and trust (green), 0-10, at the door and after every trainee turn."""

    DEFAULT_CSS = "MoodChart { height: 12; width: 1fr; }"

    def __init__(self, timeline: Sequence[MoodPoint], lang: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.timeline = list(timeline)
        self.lang = lang

    @property
    def irritation(self) -> list[float]:
        return [p.irritation for p in self.timeline]

    @property
    def trust(self) -> list[float]:
        return [p.trust for p in self.timeline]

    def on_mount(self) -> None:
        plt = self.plt
        turns = list(range(len(self.timeline)))
        plt.plot(turns, self.irritation, label=t("irritation", self.lang), color="red",
                 marker="braille")
        plt.plot(turns, self.trust, label=t("trust", self.lang), color="green",
                 marker="braille")
        plt.ylim(0, 10)
        plt.yticks([0, 5, 10])
        # turn 0 is the moment the door opened
        plt.xticks(turns, [t("door", self.lang) if n == 0 else str(n) for n in turns])
        plt.xlabel(t("turn", self.lang))
