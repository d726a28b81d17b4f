"""Content files: personas and scenarios (and, via scoring.rubric, rubrics).

    library = load_library()            # shipped content, ContentError on any problem
    problems = validate_paths([path])   # FILE:LINE problems, never an exception
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator import paths
from simulator.content.persona import Persona
from simulator.content.scenario import Check, Scenario
from simulator.content.yamlfile import ContentError, Problem, load_model

__all__ = [
    "Check", "ContentError", "Library", "Persona", "Problem", "Scenario",
    "load_library", "load_persona", "load_scenario", "validate_paths",
]


@dataclass
class Library:
    personas: dict[str, Persona] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # "persona:grumpy" -> path
    problems: list[Problem] = field(default_factory=list)  # files left out (strict=False)

    def scenarios_for(self, persona_id: str) -> list[str]:
        return [sid for sid, s in self.scenarios.items() if s.allows(persona_id)]

    def personas_for(self, scenario_id: str) -> list[str]:
        return [pid for pid in self.personas if self.scenarios[scenario_id].allows(pid)]


def load_persona(path: Path) -> Persona:
    return load_model(Path(path), Persona)


def load_scenario(path: Path, persona_ids: set[str] | None = None) -> Scenario:
    context = {"persona_ids": persona_ids} if persona_ids is not None else None
    return load_model(Path(path), Scenario, context)


def content_dirs(kind: str) -> list[Path]:
    """Shipped content first, then the trainer's own folder (same id: the trainer's file wins)."""
    return [paths.content_dir(kind), paths.user_content_dir(kind)]


def _yaml_files(folders: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            found.update({p.stem: p for p in sorted(folder.glob("*.yaml"))})
    return found


def shipped_persona_ids() -> set[str]:
    return set(_yaml_files(content_dirs("personas")))


def load_library(
    persona_dir: Path | None = None, scenario_dir: Path | None = None, *, strict: bool = True
) -> Library:
    """All personas and scenarios (default: shipped plus the trainer's own under the home).

    strict: ContentError on any problem. Otherwise broken files are left out and their problems
    are kept in `library.problems`, so one bad file does not take the whole library down.
    """
    persona_files = _yaml_files([Path(persona_dir)] if persona_dir else content_dirs("personas"))
    scenario_files = _yaml_files(
        [Path(scenario_dir)] if scenario_dir else content_dirs("scenarios")
    )
    library = Library()
    for pid, path in persona_files.items():
        _add(library, "persona", pid, path, lambda p: load_persona(p))
    for sid, path in scenario_files.items():
        _add(library, "scenario", sid, path, lambda p: load_scenario(p, set(persona_files)))
    if strict and library.problems:
        raise ContentError(library.problems)
    return library


def _add(library: Library, kind: str, ident: str, path: Path, load) -> None:
    try:
        item = load(path)
    except ContentError as err:
        library.problems.extend(err.problems)
        return
    (library.personas if kind == "persona" else library.scenarios)[ident] = item
    library.files[f"{kind}:{ident}"] = path


def kind_of(path: Path) -> str:
    """persona, scenario or rubric, from the folder a file is in (or its schema fields)."""
    parent = path.resolve().parent.name
    if parent in ("personas", "scenarios", "rubrics"):
        return {"personas": "persona", "scenarios": "scenario", "rubrics": "rubric"}[parent]
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
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
    """Validate files/folders (default: all shipped content). Returns (files checked, problems)."""
    from scoring.rubric import RUBRIC_DIR, Rubric

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
    return len(files), problems
