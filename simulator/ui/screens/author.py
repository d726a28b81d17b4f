"""Author (trainer): personas and scenarios with their validation status, checks, a preview.

The trainer edits the YAML files in their own editor; `v` reads them again (the app's library
too, so the start screen offers a new persona at once), `c` runs the checks of the selected
scenario or persona, `p` starts a preview conversation with a persona and scenario they choose.
"""

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

from simulator.content import Library, Problem
from simulator.ui.checks import CheckRun, check_results, persona_checks, scenario_checks
from simulator.ui.i18n import label
from simulator.ui.problems import problem_text
from simulator.ui.screens.base import BaseScreen
from simulator.ui.screens.practice import PracticeScreen
from simulator.ui.widgets.picker import BehaviourPicker
from simulator.ui.widgets.status import StatusLine

ContentFile = tuple[str, Path]  # (kind: "persona" | "scenario", path)


def content_files(app) -> list[ContentFile]:
    """(kind, path) of every persona and scenario file the app reads, trainer's own included."""
    from simulator.content import content_dirs

    out: list[ContentFile] = []
    for kind, folders in (("persona", app.persona_dirs), ("scenario", app.scenario_dirs)):
        seen: dict[str, Path] = {}
        for folder in folders or content_dirs(f"{kind}s"):
            if folder.is_dir():
                seen.update({p.stem: p for p in sorted(folder.glob("*.yaml"))})
        out.extend((kind, path) for path in seen.values())
    return out


class PreviewScreen(PracticeScreen):
    """A trainer's trial conversation: Esc goes back to the author screen (or cancels a reply);
    nothing of it is stored."""

    stores_session: ClassVar[bool] = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "back")]

    def action_leave(self) -> None:
        if self.busy:
            self.action_cancel()
        else:
            self.dismiss()


class AuthorScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "validate", "validate"),
        Binding("c", "run_checks", "run_checks"),
        Binding("p", "preview", "preview"),
        Binding("escape", "app.start", "back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: list[ContentFile] = []
        self.problems: dict[Path, list[Problem]] = {}
        self.warnings: dict[Path, list[Problem]] = {}  # valid, but e.g. replaces a shipped persona

    def compose(self) -> ComposeResult:
        with Horizontal(id="author-main"):
            yield OptionList(id="files")
            with VerticalScroll(id="author-out"):
                yield Static("", id="author-summary")
                yield Static("", id="author-text")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.read_files()
        self.query_one("#files", OptionList).focus()

    @property
    def library(self) -> Library:
        return self.app.library

    # --- v: read every file again --------------------------------------------------------------

    def action_validate(self) -> None:
        """The trainer edited files meanwhile: read them again, and say what was found."""
        self.read_files()
        bad = sum(bool(p) for p in self.problems.values())
        self.notify(self.summary().plain, severity="error" if bad else "information", timeout=6)

    def read_files(self) -> None:
        from simulator.content import validate_paths

        self.app.reload_library()
        before = self.selected
        self.files = content_files(self.app)
        found = {path: validate_paths([path])[1] for _, path in self.files}
        self.problems = {path: [p for p in f if not p.warning] for path, f in found.items()}
        self.warnings = {path: [p for p in f if p.warning] for path, f in found.items()}
        options = self.query_one("#files", OptionList)
        options.clear_options()
        options.add_options([Option(self.entry(kind, path), id=str(i))
                             for i, (kind, path) in enumerate(self.files)])
        self.query_one("#author-summary", Static).update(self.summary())
        if self.files:
            options.highlighted = self._first_to_show(before)
            self.show(self.describe(*self.files[options.highlighted]))

    def _first_to_show(self, before: ContentFile | None) -> int:
        """The first file with problems, else the one that was selected, else the first with
        warnings, else the first: what the trainer needs to see after pressing v."""
        paths = [path for _, path in self.files]
        broken = next((i for i, p in enumerate(paths) if self.problems[p]), None)
        if broken is not None:
            return broken
        if before and before[1] in paths:
            return paths.index(before[1])
        return next((i for i, p in enumerate(paths) if self.warnings[p]), 0)

    def entry(self, kind: str, path: Path) -> Text:
        """A file in the list: ✓ valid, ✗ problems, ! valid but it replaces a shipped one."""
        ok, warned = not self.problems[path], bool(self.warnings[path])
        mark = Text("✓ " if ok and not warned else "! " if ok else "✗ ",
                    style="bold yellow" if ok and warned else "green" if ok else "bold red")
        out = mark + Text(f"{kind[0].upper()} {path.stem}")
        return out + Text(f" ({self.tr('own_version')})", style="yellow") if warned else out

    def summary(self) -> Text:
        """What the last read found: counts, then problems and warnings, or 'all valid'."""
        bad = [p for probs in self.problems.values() for p in probs]
        warned = [p for probs in self.warnings.values() for p in probs]
        out = Text(self.tr("read_counts", personas=len(self.library.personas),
                           scenarios=len(self.library.scenarios)) + "\n")
        if bad:
            files = sum(bool(p) for p in self.problems.values())
            out.append(self.tr("problems_in_files", count=len(bad), files=files), style="bold red")
        else:
            out.append(self.tr("all_valid", count=len(self.files)), style="green")
        if warned:
            out.append("\n" + self.tr("warnings", count=len(warned)), style="yellow")
        return out + "\n"

    def show(self, text: Text | str) -> None:
        # Problems quote what trainers wrote ("[/]" included): plain text, never markup.
        self.query_one("#author-text", Static).update(Text(text) if isinstance(text, str) else text)

    @property
    def selected(self) -> ContentFile | None:
        if not self.is_mounted or not self.files:
            return None
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
                out.append(f"{problem_text(problem, self.lang)}\n", style="red")
            return out
        out.append(f"{self.tr('valid')}\n", style="green")
        for warning in self.warnings.get(path, []):
            out.append(f"{problem_text(warning, self.lang)}\n", style="yellow")
        lib = self.library
        if kind == "persona" and path.stem in lib.personas:
            item = lib.personas[path.stem]
            out.append(f"{label(item.name, self.lang)}: {label(item.description, self.lang)}\n")
            partners = [label(lib.scenarios[s].title, self.lang) for s in lib.scenarios_for(path.stem)]
            runs = persona_checks(lib, path.stem)
        elif kind == "scenario" and path.stem in lib.scenarios:
            item = lib.scenarios[path.stem]
            out.append(f"{label(item.title, self.lang)}\n{label(item.situation, self.lang)}\n")
            partners = [label(lib.personas[p].name, self.lang) for p in lib.personas_for(path.stem)]
            runs = scenario_checks(lib, path.stem)
        else:
            return out
        which = "scenarios_of" if kind == "persona" else "personas_of"
        out.append(f"{self.tr(which)}: {', '.join(partners) or '-'}\n")
        out.append(self.tr("check_count", count=len(runs)))
        return out

    def _usable(self) -> tuple[str, str] | None:
        """(kind, id) of the selected file when it loaded; else say why nothing can run."""
        chosen = self.selected
        if not chosen:
            return None
        kind, path = chosen
        if self.problems.get(path):
            self.show(Text(self.tr("fix_first"), style="red"))
            return None
        if path.stem not in (self.library.personas if kind == "persona" else self.library.scenarios):
            self.show(Text(self.tr("not_read_yet"), style="yellow"))
            return None
        return kind, path.stem

    # --- c: run checks -------------------------------------------------------------------------

    def action_run_checks(self) -> None:
        usable = self._usable()
        if usable is None:
            return
        kind, ident = usable
        if kind == "persona":
            runs = persona_checks(self.library, ident)
            empty = self.tr("persona_no_checks", persona=ident)
        else:
            runs, empty = scenario_checks(self.library, ident), self.tr("no_checks")
        if not runs:
            self.show(empty)
            return
        self.show(self.tr("checks_running", count=len(runs)))
        self.run_checks(runs)

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False)
    def run_checks(self, runs: list[CheckRun]) -> None:
        try:
            text = check_results(self.library, runs, lambda: self.app.hub.scorer, self.lang)
        except Exception as err:  # noqa: BLE001 - the check runner is the engine's; show what went wrong
            text = Text(self.tr("checks_unavailable", error=err), style="red")
        self.app.call_from_thread(self.show, text)

    # --- p: preview ----------------------------------------------------------------------------

    def action_preview(self) -> None:
        """A trial conversation: the trainer picks the scenario (or persona) that goes with it."""
        usable = self._usable()
        if usable is None:
            return
        kind, ident = usable
        lib = self.library
        if kind == "persona":
            choices = [(s, label(lib.scenarios[s].title, self.lang)) for s in lib.scenarios_for(ident)]
            title, missing = self.tr("pick_scenario"), self.tr("no_scenario")
            pair = lambda other: (ident, other)
        else:
            choices = [(p, label(lib.personas[p].name, self.lang)) for p in lib.personas_for(ident)]
            title, missing = self.tr("pick_persona"), self.tr("no_persona")
            pair = lambda other: (other, ident)
        if not choices:
            self.show(missing)
        elif len(choices) == 1:
            self.start_preview(*pair(choices[0][0]))
        else:
            self.app.push_screen(BehaviourPicker(title, choices),
                                 lambda other: other and self.start_preview(*pair(other)))

    def start_preview(self, persona_id: str, scenario_id: str) -> None:
        self.app.push_screen(PreviewScreen(persona_id=persona_id, scenario_id=scenario_id,
                                           trainee="preview", mode="practice"))
