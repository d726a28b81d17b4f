"""Author (trainer): personas and scenarios with their validation status, checks, a preview."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from simulator.ui.i18n import label
from simulator.ui.screens.base import BaseScreen
from simulator.ui.widgets.status import StatusLine


def content_files(app) -> list[tuple[str, Path]]:
    """(kind, path) of every persona and scenario file the app reads, trainer's own included."""
    from simulator.content import content_dirs

    out: list[tuple[str, Path]] = []
    for kind, folders in (("persona", app.persona_dirs), ("scenario", app.scenario_dirs)):
        seen: dict[str, Path] = {}
        for folder in folders or content_dirs(f"{kind}s"):
            if folder.is_dir():
                seen.update({p.stem: p for p in sorted(folder.glob("*.yaml"))})
        out.extend((kind, path) for path in seen.values())
    return out


class AuthorScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "validate", "validate"),
        Binding("c", "run_checks", "run_checks"),
        Binding("p", "preview", "preview"),
        Binding("escape", "app.start", "back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: list[tuple[str, Path]] = []
        self.problems: dict[Path, list] = {}
        self.warnings: dict[Path, list] = {}  # valid, but e.g. replaces a shipped persona

    def compose(self) -> ComposeResult:
        with Horizontal(id="author-main"):
            yield OptionList(id="files")
            with VerticalScroll(id="author-out"):
                yield Static("", id="author-text")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.action_validate()
        self.query_one("#files", OptionList).focus()

    def action_validate(self) -> None:
        """Re-read every file: the trainer edits them in their own editor meanwhile."""
        from simulator.content import validate_paths

        self.files = content_files(self.app)
        found = {path: validate_paths([path])[1] for _, path in self.files}
        self.problems = {path: [p for p in f if not p.warning] for path, f in found.items()}
        self.warnings = {path: [p for p in f if p.warning] for path, f in found.items()}
        options = self.query_one("#files", OptionList)
        options.clear_options()
        for i, (kind, path) in enumerate(self.files):
            options.add_option(Option(self.entry(kind, path), id=str(i)))
        self.show(self.summary())
        if self.files:
            options.highlighted = next((i for i, (_, p) in enumerate(self.files)
                                        if self.problems[p] or self.warnings[p]), 0)

    def entry(self, kind: str, path: Path) -> Text:
        """A file in the list: ✓ valid, ✗ problems, ! valid but it replaces a shipped one."""
        ok, warned = not self.problems[path], bool(self.warnings[path])
        mark = Text("✓ " if ok and not warned else "! " if ok else "✗ ",
                    style="bold yellow" if ok and warned else "green" if ok else "bold red")
        out = mark + Text(f"{kind[0].upper()} {path.stem}")
        return out + Text(f" ({self.tr('own_version')})", style="yellow") if warned else out

    def summary(self) -> Text:
        bad = [p for probs in self.problems.values() for p in probs]
        warned = [p for probs in self.warnings.values() for p in probs]
        out = Text()
        if bad:
            out.append(self.tr("problems", count=len(bad)) + "\n" + "\n".join(map(str, bad)) + "\n",
                       style="red")
        else:
            out.append(self.tr("all_valid", count=len(self.files)) + "\n", style="green")
        if warned:
            out.append(self.tr("warnings", count=len(warned)) + "\n" + "\n".join(map(str, warned)),
                       style="yellow")
        return out

    def show(self, text: Text | str) -> None:
        # Problems quote what trainers wrote ("[/]" included): plain text, never markup.
        self.query_one("#author-text", Static).update(Text(text) if isinstance(text, str) else text)

    @property
    def selected(self) -> tuple[str, Path] | None:
        index = self.query_one("#files", OptionList).highlighted
        return self.files[index] if index is not None and index < len(self.files) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        chosen = self.selected
        if chosen:
            self.show(self.describe(*chosen))

    def describe(self, kind: str, path: Path) -> Text:
        problems = self.problems.get(path, [])
        out = Text(f"{path}\n", style="bold")
        if problems:
            out.append(f"{self.tr('invalid')}:\n", style="bold red")
            for problem in problems:
                out.append(f"{problem}\n", style="red")
            return out
        out.append(f"{self.tr('valid')}\n", style="green")
        for warning in self.warnings.get(path, []):
            out.append(f"{warning}\n", style="yellow")
        lib = self.app.library
        item = (lib.personas if kind == "persona" else lib.scenarios).get(path.stem)
        if item is not None and kind == "persona":
            out.append(f"{label(item.name, self.lang)}: {label(item.description, self.lang)}")
        elif item is not None:
            out.append(f"{label(item.title, self.lang)}\n{label(item.situation, self.lang)}\n")
            out.append(f"checks: {len(item.checks)}")
        return out

    def action_run_checks(self) -> None:
        chosen = self.selected
        if not chosen or chosen[0] != "scenario" or self.problems.get(chosen[1]):
            return
        scenario = self.app.library.scenarios.get(chosen[1].stem)
        if scenario is None or not scenario.checks:
            self.show(self.tr("no_checks"))
            return
        self.show("…")
        self.run_checks(chosen[1].stem)

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def run_checks(self, scenario_id: str) -> None:
        from simulator.ui.checks import check_results

        try:
            text = check_results(self.app, scenario_id, self.lang)
        except Exception as err:  # noqa: BLE001 - the check runner is the engine's; show what went wrong
            text = Text(self.tr("checks_unavailable", error=err), style="red")
        self.app.call_from_thread(self.show, text)

    def action_preview(self) -> None:
        """A quick practice conversation with the selected persona (or a scenario's first one)."""
        from simulator.ui.screens.practice import PracticeScreen

        chosen = self.selected
        lib = self.app.library
        if not chosen or chosen[1].stem not in (lib.personas | lib.scenarios):
            return
        kind, ident = chosen[0], chosen[1].stem
        if kind == "persona":
            scenarios = lib.scenarios_for(ident)
            pair = (ident, scenarios[0]) if scenarios else None
        else:
            personas = lib.personas_for(ident)
            pair = (personas[0], ident) if personas else None
        if pair:
            self.app.push_screen(PracticeScreen(persona_id=pair[0], scenario_id=pair[1],
                                                trainee="preview", mode="practice"))
