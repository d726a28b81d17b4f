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


SPLITS = {
    "dev": (DEFAULT_DATA, "development split: tuned and calibrated on, so in-sample"),
    "test": (DEFAULT_DATA.with_name("test.jsonl"), "test split: held out, never tuned on"),
}


@click.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(file: Path | None, as_json: bool) -> None:
    """Score every line of a labelled JSONL file and print precision, recall and F1.

    Per behaviour, per language and overall, plus the macro-F1. Without FILE: the shipped
    development split (in-sample, with its cross-validated figure) and the held-out test split.
    Exits 0 whatever the score, 2 if a file is malformed.
    """
    from scoring.evaluation import evaluate as run
    from scoring.evaluation import format_report

    files = {"file": (file, str(file))} if file else SPLITS
    loaded = {name: _load(path) for name, (path, _) in files.items()}
    scorer = _scorer()
    reports = {name: run(scorer, items, _progress(f"Embedding {name}"))
               for name, items in loaded.items()}
    if as_json:
        out = reports["file"] if file else reports
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    for name, report in reports.items():
        click.echo(f"\n{files[name][1]}: {len(loaded[name])} items, model {report['model']}, "
                   f"calibration {report['calibration']}")
        click.echo(format_report(report))
        cv = scorer.calibration.cv if name == "dev" else {}
        if cv.get("macro_f1") is not None:
            by_lang = "   ".join(f"{k}: {v:.3f}" for k, v in cv.get("by_lang", {}).items())
            click.echo(f"cross-validated on {cv.get('items')} items of the development and "
                       f"training splits ({cv.get('folds')} folds, out of sample): "
                       f"macro-F1 {cv['macro_f1']:.3f}   {by_lang}")


@click.command()
@click.option("--data", "data", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Labelled JSONL file (default: the shipped development set).")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20),
              help="Folds of the cross-validation.")
@click.option("--ship", is_flag=True, help="Write the repo's shipped defaults instead of $ROLEPLAY_HOME.")
@click.option("--from-reviews", "from_reviews", is_flag=True,
              help="Refit the thresholds on the turns team leaders reviewed (in the session store).")
def calibrate(data: Path | None, folds: int, ship: bool, from_reviews: bool) -> None:
    """Fit per-behaviour thresholds on a labelled file and store them.

    The figures printed are cross-validated (nested k-fold): never measured on the items the
    thresholds were fitted on. With --from-reviews the thresholds are refitted on the turns your
    team leaders judged, and figures before and after are measured on reviewed turns held out
    from that fit. Either way the result goes to $ROLEPLAY_HOME; the shipped file is untouched.
    """
    from scoring.calibration import calibrate as fit
    from scoring.evaluation import format_report
    from scoring.model import shipped_path, user_path
    from scoring.scorer import training_replies

    if from_reviews:
        if data or ship:
            raise click.UsageError("--from-reviews takes no --data or --ship")
        _calibrate_from_reviews()
        return
    items = _load(data or DEFAULT_DATA)
    scorer = _scorer()
    # The shipped data: the development split and the training split (whose probe features
    # are cross-fitted). A file of your own is calibrated on as it is.
    training = [] if data else training_replies()
    calibration, report = fit(scorer, items, folds, message=lambda m: click.echo(m, err=True),
                              progress=_progress("Embedding"), training=training)
    items = list(items) + list(training)
    target = shipped_path(scorer.model_id) if ship else user_path(scorer.model_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(calibration.to_json() + "\n", encoding="utf-8")
    click.echo(f"Cross-validated figures ({folds} folds, {len(items)} items, model {scorer.model_id}):")
    click.echo(format_report(report))
    click.echo(f"Thresholds written to {target}")
    probes = scorer.save_reader_probes() if ship and not data else None
    if probes is not None:
        click.echo(f"Reader probes written to {probes}")


def _calibrate_from_reviews() -> None:
    from scoring.model import user_path
    from scoring.review_fit import MIN_EACH, refit
    from simulator.cli.sessions import opened_store
    from simulator.store.review import reviewed_items

    with opened_store() as store:
        items = reviewed_items(store)
    if not items:
        raise click.ClickException(
            "no reviewed turns yet: judge some turns first (review screen, or "
            "roleplay sessions override)")
    scorer = _scorer()
    result = refit(scorer, items)
    turns = "turn" if result.items == 1 else "turns"
    click.echo(f"{result.items} reviewed {turns}; {result.held_out} held out to measure, "
               f"{result.items - result.held_out} to fit.")
    if result.before is not None:
        click.echo(format_before_after(result.before, result.after))
    else:
        click.echo("Too few reviewed turns to hold some out: no before/after figures yet.")
    if not result.moved:
        click.echo(f"No threshold moved: a behaviour needs {MIN_EACH} reviewed turns with it and "
                   f"{MIN_EACH} without it, per language. Nothing written.")
        return
    for behaviour, langs in result.moved.items():
        for lang, (old, new) in langs.items():
            click.echo(f"  {behaviour} ({lang}): threshold {old:.2f} -> {new:.2f}")
    target = user_path(scorer.model_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.calibration.to_json() + "\n", encoding="utf-8")
    click.echo(f"Thresholds written to {target}")


def format_before_after(before: dict, after: dict) -> str:
    """Per behaviour F1 on the held-out reviewed turns, with today's and the refitted thresholds."""
    rows = [f"{'behaviour':<22}{'n':>4}{'F1 before':>11}{'F1 after':>10}"]
    for b, m in before["behaviours"].items():
        if m["support"] or m["predicted"] or after["behaviours"][b]["predicted"]:
            rows.append(f"{b:<22}{m['support']:>4}{m['f1']:>11.2f}"
                        f"{after['behaviours'][b]['f1']:>10.2f}")
    rows.append(f"{'macro-F1':<22}{'':>4}{before['macro_f1']:>11.3f}{after['macro_f1']:>10.3f}")
    return "\n".join(rows)


COMMANDS = [calibrate, evaluate]
