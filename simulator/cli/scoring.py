"""`roleplay calibrate` and `roleplay evaluate`: fit and measure behaviour detection."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "scoring" / "data" / "dev.jsonl"


def _load(path: Path):
    from scoring.evaluation import DataError, load_items

    try:
        return load_items(path)
    except DataError as err:
        click.echo(str(err), err=True)
        raise SystemExit(2)


def _scorer():
    from scoring.embedder import EmbedderError
    from scoring.scorer import Scorer

    try:
        scorer = Scorer.default()
        scorer.load(progress=lambda m: click.echo(m + " ...", err=True))
    except EmbedderError as err:
        raise click.ClickException(str(err))
    except Exception as err:  # a broken rubric file: ContentError lists FILE:LINE problems
        from simulator.content.yamlfile import ContentError

        if isinstance(err, ContentError):
            raise click.ClickException(str(err))
        raise
    return scorer


def _progress(label: str):
    """A click progress bar driven by (done, total) callbacks, drawn on stderr."""
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return update


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(file: Path, as_json: bool) -> None:
    """Score every line of a labelled JSONL file and print precision, recall and F1.

    Per behaviour, per language and overall, plus the macro-F1. Exits 0 whatever the score,
    2 if the file is malformed.
    """
    from scoring.evaluation import evaluate as run
    from scoring.evaluation import format_report

    items = _load(file)
    scorer = _scorer()
    report = run(scorer, items, _progress("Embedding"))
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    click.echo(f"{len(items)} items, model {report['model']}, calibration {report['calibration']}")
    click.echo(format_report(report))


@click.command()
@click.option("--data", "data", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Labelled JSONL file (default: the shipped development set).")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20),
              help="Folds of the cross-validation.")
@click.option("--ship", is_flag=True, help="Write the repo's shipped defaults instead of $ROLEPLAY_HOME.")
def calibrate(data: Path | None, folds: int, ship: bool) -> None:
    """Fit per-behaviour thresholds on a labelled file and store them.

    The figures printed are cross-validated (nested k-fold): never measured on the items the
    thresholds were fitted on.
    """
    from scoring.calibration import calibrate as fit
    from scoring.evaluation import format_report
    from scoring.model import SHIPPED, user_path

    items = _load(data or DEFAULT_DATA)
    scorer = _scorer()
    calibration, report = fit(scorer, items, folds, message=lambda m: click.echo(m, err=True),
                              progress=_progress("Embedding"))
    target = SHIPPED if ship else user_path(scorer.model_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(calibration.to_json() + "\n", encoding="utf-8")
    click.echo(f"Cross-validated figures ({folds} folds, {len(items)} items, model {scorer.model_id}):")
    click.echo(format_report(report))
    click.echo(f"Thresholds written to {target}")


COMMANDS = [calibrate, evaluate]
