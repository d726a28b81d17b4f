"""Trainer tools: validate content, print JSON Schemas, write new skeletons."""

from __future__ import annotations

import json
from pathlib import Path

import click

from simulator import paths

TEMPLATES = Path(__file__).resolve().parent.parent / "content" / "templates"


@click.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
def validate(targets: tuple[Path, ...]) -> None:
    """Validate personas, scenarios and rubrics (default: all shipped content).

    Prints FILE:LINE: problem; expected ... for each problem and exits 1 if there are any.
    Warnings (FILE:LINE: warning: ...), such as your own file replacing a shipped persona, are
    printed too but do not fail validation.
    """
    from simulator.content import validate_paths

    count, found = validate_paths(list(targets))
    for problem in found:
        click.echo(str(problem))
    problems = [p for p in found if not p.warning]
    warned = f" {len(found) - len(problems)} warning(s)." if len(found) > len(problems) else ""
    if problems:
        bad = len({p.file for p in problems})
        click.echo(f"{len(problems)} problem(s) in {bad} of {count} file(s).{warned}", err=True)
        raise SystemExit(1)
    click.echo(f"{count} file(s) valid.{warned}")


@click.command()
@click.argument("kind", type=click.Choice(["persona", "scenario", "rubric"]))
def schema(kind: str) -> None:
    """Print the JSON Schema of a content file, for editor autocompletion."""
    from scoring.rubric import Rubric
    from simulator.content import Persona, Scenario

    model = {"persona": Persona, "scenario": Scenario, "rubric": Rubric}[kind]
    doc = model.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = f"roleplay {kind}"
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))


@click.command()
@click.argument("kind", type=click.Choice(["persona", "scenario"]))
@click.argument("ident")
@click.option(
    "--dir", "folder", type=click.Path(path_type=Path),
    help="Folder to write into (default: your own content folder under $ROLEPLAY_HOME).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(kind: str, ident: str, folder: Path | None, force: bool) -> None:
    """Write a valid, commented skeleton for a new persona or scenario."""
    from simulator.content.limits import file_id_problem

    if file_id_problem(ident, kind):
        raise click.BadParameter(
            "use lowercase ASCII words joined by hyphens (e.g. 'noisy-neighbour')"
        )
    folder = folder or paths.user_content_dir(f"{kind}s")
    target = Path(folder) / f"{ident}.yaml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; use --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (TEMPLATES / f"{kind}.yaml").read_text(encoding="utf-8")
    target.write_text(text.replace("{id}", ident), encoding="utf-8")
    click.echo(f"Wrote {target}. Edit it, then run: roleplay validate {target}")


COMMANDS = [validate, schema, new]
