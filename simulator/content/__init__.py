"""Content files: personas, scenarios and rubrics (rubric.py; the files ship in scoring/rubrics).

    library = load_library()            # shipped + trainer's own; a broken own file is left out
    count, problems = validate_paths([path])   # FILE:LINE problems (and warnings), never raises
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator import paths
from simulator.content.limits import MAX_FILE_BYTES, file_id_problem
from simulator.content.persona import Persona
from simulator.content.scenario import Check, Scenario
from simulator.content.yamlfile import ContentError, Problem, display_name, load_model

__all__ = [
    "Check", "ContentError", "Library", "Persona", "Problem", "Scenario",
    "load_library", "load_persona", "load_scenario", "validate_paths",
]


@dataclass
class Library:
    personas: dict[str, Persona] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # "persona:grumpy" -> path
    problems: list[Problem] = field(default_factory=list)  # of the files left out
    replaces: dict[str, Path] = field(default_factory=dict)  # "persona:grumpy" -> shipped file

    def scenarios_for(self, persona_id: str) -> list[str]:
        return [sid for sid, s in self.scenarios.items() if s.allows(persona_id)]

    def personas_for(self, scenario_id: str) -> list[str]:
        return [pid for pid in self.personas if self.scenarios[scenario_id].allows(pid)]


def load_persona(path: Path) -> Persona:
    return _load(Path(path), "persona", lambda p: load_model(p, Persona))


def load_scenario(path: Path, persona_ids: set[str] | None = None) -> Scenario:
    context = {"persona_ids": persona_ids} if persona_ids is not None else None
    return _load(Path(path), "scenario", lambda p: load_model(p, Scenario, context))


def _load(path: Path, kind: str, load: Callable[[Path], Any]) -> Any:
    """The file's model; ContentError with its problems, its name's problem (the id) first."""
    bad_name = file_id_problem(path.stem, kind)
    problems = [Problem(display_name(path), 1, bad_name)] if bad_name else []
    try:
        item = load(path)
    except ContentError as err:
        problems += err.problems
    if problems:
        raise ContentError(problems)
    return item


def content_dirs(kind: str) -> list[Path]:
    """Shipped content first, then the trainer's own folder (same id: the trainer's file wins)."""
    return [paths.content_dir(kind), paths.user_content_dir(kind)]


def _folder_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _yaml_files(folders: list[Path]) -> dict[str, Path]:
    return {p.stem: p for folder in folders for p in _folder_files(folder)}


def shipped_persona_ids() -> set[str]:
    """The ids of every persona file, shipped or the trainer's own."""
    return set(_yaml_files(content_dirs("personas")))


def load_library(
    persona_dir: Path | None = None, scenario_dir: Path | None = None, *, strict: bool = True
) -> Library:
    """All personas and scenarios (default: shipped, then the trainer's own under the home).

    A file with problems is left out and its problems kept in `library.problems`, so one broken
    file never takes the rest down (a broken own file that shares a shipped id leaves the shipped
    one in place). A trainer's own file that loads replaces the shipped one (`library.replaces`).
    strict: ContentError when shipped content, or a folder given here, has problems: that is a
    broken installation, not a trainer's typo.
    """
    persona_dirs = [Path(persona_dir)] if persona_dir else content_dirs("personas")
    scenario_dirs = [Path(scenario_dir)] if scenario_dir else content_dirs("scenarios")
    persona_ids = set(_yaml_files(persona_dirs))
    library = Library()
    fatal: list[Problem] = []
    for kind, folders, load in (
        ("persona", persona_dirs, load_persona),
        ("scenario", scenario_dirs, lambda p: load_scenario(p, persona_ids)),
    ):
        for folder in folders:
            own = folder == paths.user_content_dir(f"{kind}s")
            for path in _folder_files(folder):
                problems = _add(library, kind, path, load)
                fatal += [] if own else problems
    if strict and fatal:
        raise ContentError(fatal)
    return library


def _add(library: Library, kind: str, path: Path, load: Callable[[Path], Any]) -> list[Problem]:
    try:
        item = load(path)
    except ContentError as err:
        library.problems.extend(err.problems)
        return err.problems
    key = f"{kind}:{path.stem}"
    if key in library.files:
        library.replaces[key] = library.files[key]
    (library.personas if kind == "persona" else library.scenarios)[path.stem] = item
    library.files[key] = path
    return []


def replaced_file(path: Path, kind: str) -> Path | None:
    """The shipped file that a trainer's own persona/scenario file replaces (same id), if any."""
    folder = f"{kind}s"
    if path.resolve().parent != paths.user_content_dir(folder).resolve():
        return None
    shipped = paths.content_dir(folder) / path.name
    return shipped if path.suffix == ".yaml" and shipped.is_file() else None


def replaced_warning(path: Path, kind: str) -> Problem | None:
    """A warning for a trainer's own file that silently takes the place of a shipped one."""
    shipped = replaced_file(path, kind)
    if shipped is None:
        return None
    return Problem(
        display_name(path), 1,
        f"replaces the shipped {kind} '{path.stem}' ({display_name(shipped)}), so trainees get "
        f"this version; rename the file to add a new {kind}, or delete it to use the shipped one",
        warning=True,
    )


def kind_of(path: Path) -> str:
    """persona, scenario or rubric, from the folder a file is in (or its schema fields)."""
    parent = path.resolve().parent.name
    if parent in ("personas", "scenarios", "rubrics"):
        return {"personas": "persona", "scenarios": "scenario", "rubrics": "rubric"}[parent]
    try:
        with path.open("rb") as file:
            head = file.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return "persona"
    if "\nbehaviours:" in head:
        return "rubric"
    return "scenario" if "\nbriefing:" in head or "\nfacts:" in head else "persona"


def _files(targets: list[Path]) -> list[Path]:
    out: list[Path] = []
    for target in targets:
        if target.is_dir():
            out.extend(sorted(p for p in target.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            out.append(target)
    return out


def validate_paths(targets: list[Path] | None = None) -> tuple[int, list[Problem]]:
    """Validate files/folders (default: all content, shipped and own).

    Returns (files checked, problems); a problem with `.warning` set does not stop the file
    from loading (a trainer's own file that replaces a shipped one).
    """
    from simulator.content.rubric import RUBRIC_DIR, Rubric

    if not targets:
        targets = [*content_dirs("personas"), *content_dirs("scenarios"), RUBRIC_DIR]
        targets = [t for t in targets if t.is_dir()]
    files = _files([Path(t) for t in targets])
    persona_ids = shipped_persona_ids() | {
        f.stem for f in files if kind_of(f) == "persona"
    }
    problems: list[Problem] = []
    for path in files:
        if not path.exists():
            problems.append(Problem(str(path), 1, "no such file; expected a YAML file or folder"))
            continue
        kind = kind_of(path)
        try:
            if kind == "persona":
                load_persona(path)
            elif kind == "scenario":
                load_scenario(path, persona_ids)
            else:
                load_model(path, Rubric)
        except ContentError as err:
            problems.extend(err.problems)
        else:
            warning = replaced_warning(path, kind) if kind != "rubric" else None
            problems += [warning] if warning else []
    return len(files), problems
