"""Headless play: `roleplay play` (a conversation in the terminal) and `roleplay check`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from simulator.cli.options import backend_options  # --backend, --model, --base-url, ...


def _progress(message: str, fraction: float | None = None) -> None:
    share = f" {fraction:.0%}" if fraction is not None else ""
    click.echo(f"{message}{share}", err=True)


def _library() -> Any:
    """Every usable persona and scenario; a broken file is left out, with its FILE:LINE problems."""
    from simulator.content import ContentError, load_library

    try:
        library = load_library()
    except ContentError as err:  # only shipped files make it raise: a damaged installation
        raise click.ClickException(f"the shipped content files have problems:\n{err}")
    if library.problems:
        files = len({p.file for p in library.problems})
        click.echo(f"Notice: {files} content file(s) left out until fixed "
                   "(roleplay validate shows the same):", err=True)
        for problem in library.problems:
            click.echo(f"  {problem}", err=True)
    return library


def _usable(library: Any, kind: str, ident: str) -> None:
    """Stop with the file to fix when the chosen persona/scenario was left out; note an own copy."""
    key = f"{kind}:{ident}"
    if key in library.replaces:
        click.echo(f"Notice: {kind} '{ident}' is your own version ({library.files[key]}), "
                   "not the shipped one.", err=True)
    broken = [p for p in library.problems
              if Path(p.file).stem == ident and Path(p.file).parent.name == f"{kind}s"]
    if broken and key not in library.files:
        raise click.ClickException(
            f"{kind} '{ident}' cannot be used until its file is fixed: {broken[0]}; "
            f"check it with: roleplay validate {broken[0].file}"
        )


class _Unavailable:
    """Stands in for a back-end that failed to load: every reply falls back, with the reason."""

    def __init__(self, model_id: str, message: str):
        self.model_id, self.message = model_id, message

    def stream(self, messages, options, should_stop=lambda: False):
        from simulator.backends import BackendError

        raise BackendError(self.message)


def _backend(backend_kwargs: dict, lang: str | None = None) -> tuple[Any, Any]:
    """(back-end, generation options) from settings and flags; loaded, with progress on stderr.

    The back-end is None when the model may not speak `lang` (settings.model_langs): the tenant
    corpus answers then, and the model is never loaded.
    """
    from simulator.backends import BackendError, make_backend
    from simulator.cli.options import settings_from_cli
    from simulator.settings import model_languages

    try:
        settings = settings_from_cli(**backend_kwargs)
        backend = make_backend(settings)
    except (BackendError, ValueError) as err:
        raise click.ClickException(str(err))
    options = getattr(settings, "generation", None)
    if lang is not None and lang not in model_languages(settings):
        return None, options
    try:
        backend.load(progress=_progress)
    except BackendError as err:
        return _Unavailable(getattr(backend, "model_id", "?"), str(err)), options
    return backend, options


def _scorer() -> Any:
    from scoring.scorer import Scorer

    scorer = Scorer.default()
    try:
        scorer.load(progress=_progress)
    except Exception as err:  # noqa: BLE001 - a missing embedding model is a user problem
        raise click.ClickException(f"the scoring model could not be loaded: {err}")
    return scorer


def _gate(scorer: Any) -> Any:
    """The meaning gate on the scorer's embedder (None for a scorer without one)."""
    from simulator.engine.meaning import MeaningGate

    embedder = getattr(scorer, "embedder", None)
    return MeaningGate.for_embedder(embedder) if embedder is not None else None


def _store() -> Any:
    try:
        from simulator.store import Store
    except ImportError:  # pragma: no cover - storage not installed
        return None
    return Store.open()


def turn_record(turn: Any, reply: Any) -> dict:
    """One turn as the JSON object `roleplay play --json` prints."""
    return {
        "turn": turn.index,
        "trainee": turn.text,
        "behaviours": list(turn.behaviours),
        "state": turn.state.as_dict(),
        "stance": turn.stance,
        "act": reply.act,
        "tenant": reply.text,
        "source": reply.source,
        "fact": reply.fact,
        "guard": list(reply.guard),
        "latency_ms": reply.latency_ms,
        "first_token_ms": reply.first_token_ms,
    }


class _Printer:
    """Plain-text or JSON-lines output; a failing back-end is announced once, on stderr."""

    def __init__(self, as_json: bool, name: str):
        self.as_json, self.name, self.warned = as_json, name, False

    def opening(self, text: str, stance: str) -> None:
        if not self.as_json:
            click.echo(f"{self.name} [{stance}]: {text}")

    def prompt(self) -> None:
        if not self.as_json and sys.stdin.isatty():
            click.echo("> ", nl=False, err=True)

    def turn(self, turn: Any, reply: Any) -> None:
        problem = next((g for g in reply.guard if g.startswith("backend: ")), None)
        if problem and not self.warned:
            self.warned = True
            click.echo(f"Notice: the model did not answer ({problem[9:]}); "
                       "the tenant answers from its corpus.", err=True)
        if self.as_json:
            click.echo(json.dumps(turn_record(turn, reply), ensure_ascii=False))
            return
        state = turn.state
        found = ", ".join(turn.behaviours) or "-"
        click.echo(f"  ({found}; irritation {state.irritation:.1f}, trust {state.trust:.1f})")
        click.echo(f"{self.name} [{reply.stance}]: {reply.text}")

    def end(self, outcome: str, turns: int, session_id: str | None) -> None:
        if self.as_json:
            click.echo(json.dumps({"outcome": outcome, "turns": turns, "session_id": session_id}))
        else:
            click.echo(f"Outcome: {outcome} after {turns} turn(s)"
                       + (f" (session {session_id})" if session_id else ""))


@click.command()
@click.option("--persona", "persona_id", required=True, help="Persona id, e.g. grumpy.")
@click.option("--scenario", "scenario_id", required=True, help="Scenario id, e.g. boiler-winter.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--script", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="One trainee line per line (blank lines and # comments are skipped).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per turn.")
@click.option("--seed", type=int, help="Fixes the tenant's choices, for reproducible runs.")
@click.option("--trainee", default=None,
              help="The trainee's name, stored with the session (default: this computer's).")
@backend_options
def play(persona_id: str, scenario_id: str, lang: str, script: Path | None, as_json: bool,
         seed: int | None, trainee: str | None, **backend_kwargs: Any) -> None:
    """Talk to a simulated tenant in the terminal (lines from stdin, or --script FILE)."""
    from simulator.cli.lines import NotText, trainee_lines
    from simulator.engine.session import PracticeSession, SessionError, check_ids
    from simulator.identity import local_trainee

    trainee = local_trainee() if trainee is None else trainee

    lines = trainee_lines(script)  # a script that is not UTF-8 stops here, before anything
    library = _library()
    _usable(library, "persona", persona_id)
    _usable(library, "scenario", scenario_id)
    try:
        check_ids(library, persona_id, scenario_id)
    except SessionError as err:
        raise click.ClickException(str(err))
    backend, options = _backend(backend_kwargs, lang)
    scorer = _scorer()
    session = PracticeSession(
        library, persona_id, scenario_id, lang, backend=backend, scorer=scorer,
        store=_store(), trainee=trainee, mode="practice", seed=seed, options=options,
        gate=_gate(scorer) if backend is not None else None,
    )
    out = _Printer(as_json, session.persona.name.get(lang))
    out.opening(session.opening, session.stance)
    out.prompt()
    try:
        for line in lines:
            turn = session.say(line)
            out.turn(turn, session.reply())
            if session.finished:
                break
            out.prompt()
    except NotText:  # on stdin: what was said before the bad line stays, as a finished session
        session.end("unfinished")
        raise
    if not session.finished:
        session.end("unfinished")
    out.end(session.outcome, len(session.trainee_turns), session.session_id)


@click.command()
@click.argument("scenarios", nargs=-1)
@click.option("--with-model", is_flag=True,
              help="Let the language model speak the tenant's lines (default: authored lines, "
              "which is fast and deterministic; the outcome never depends on the lines).")
@click.option("--seed", type=int, default=0, show_default=True, help="Fixes the tenant's choices.")
@backend_options
def check(scenarios: tuple[str, ...], with_model: bool, seed: int, **backend_kwargs: Any) -> None:
    """Run scenarios' checks headless (default: all scenarios); exit 1 if any check fails.

    Turns with `behaviours:` go straight to the director; plain lines are scored by the real
    scorer. The tenant speaks authored lines unless --with-model is given.
    """
    from simulator.engine.checks import needs_scorer, run_check

    library = _library()
    for sid in scenarios:
        _usable(library, "scenario", sid)
    unknown = [s for s in scenarios if s not in library.scenarios]
    if unknown:
        raise click.ClickException(
            f"unknown scenario '{unknown[0]}'; expected one of: {', '.join(sorted(library.scenarios))}"
        )
    chosen = list(scenarios) or sorted(library.scenarios)
    backend = _backend(backend_kwargs)[0] if with_model else None
    scorer = None
    failed = total = 0
    for sid in chosen:
        for item in library.scenarios[sid].checks:
            if scorer is None and needs_scorer(item):
                scorer = _scorer()
            result = run_check(library, sid, item, scorer=scorer, backend=backend, seed=seed)
            total += 1
            failed += not result.passed
            click.echo(f"{'PASS' if result.passed else 'FAIL'}  {sid}: {result.name}")
            for reason in result.reasons:
                click.echo(f"      {reason}")
    click.echo(f"{total - failed} passed, {failed} failed" + ("" if total else " (no checks)"))
    if library.problems:
        click.echo("Some content files were left out (see above): fix them and run check again.")
    if failed or library.problems:
        raise SystemExit(1)


COMMANDS = [play, check]
