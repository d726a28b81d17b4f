"""Review stored sessions: list, show, review, override, agreement, delete; progress; export/import.

Who sees what (a privacy default, not a lock on the database file):
  neither               you are this computer's trainee (simulator.identity): all of your own
                        sessions, shared or not.
  --trainee NAME        you are NAME: all of NAME's own sessions, shared or not.
  --as-reviewer NAME    you are a team leader: only sessions whose trainee agreed to share.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import click

VIEWER_HELP = {
    "trainee": "Act as this trainee: see all of their own sessions, shared or not.",
    "reviewer": "Act as this team leader: see only sessions the trainee shared.",
}


def viewer_options(func):
    func = click.option("--as-reviewer", "reviewer", metavar="NAME", help=VIEWER_HELP["reviewer"])(
        func
    )
    return click.option("--trainee", metavar="NAME", help=VIEWER_HELP["trainee"])(func)


@contextmanager
def opened_store():
    """The store, with every user-caused store problem turned into a one-line error."""
    from simulator.store import Store, StoreError

    try:
        store = Store.open()
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    try:
        yield store
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    finally:
        store.close()


def _viewer(trainee, reviewer):
    """Who is asking: a team leader (--as-reviewer), a named trainee, else the local trainee."""
    from simulator.store.review import Viewer

    if trainee is None and reviewer is None:
        trainee = _local_trainee()
    return Viewer(reviewer=reviewer, trainee=trainee)


def _local_trainee() -> str:
    from simulator.identity import local_trainee

    return local_trainee()


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def sessions() -> None:
    """Stored practice sessions: list, read, review, score agreement, delete.

    \b
    Who sees what:
      neither              you, this computer's trainee: all your own sessions
      --trainee NAME       all of NAME's own sessions, shared or not
      --as-reviewer NAME   team leader: only sessions the trainee agreed to share

    This computer's trainee is the name chosen in the app (Settings), else your login name.
    """


@sessions.command("list")
@viewer_options
@click.option("--persona", help="Only this persona id.")
@click.option("--scenario", help="Only this scenario id.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="Only sessions started on or after this date (UTC), e.g. 2025-03-01.",
)
@click.option("--search", metavar="TEXT", help="Only sessions whose turns contain these words.")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most this many (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(trainee, reviewer, persona, scenario, since, search, limit, as_json) -> None:
    """One line per session, newest first: id, date, trainee, persona, scenario, outcome, scores."""
    from simulator.exports.text import session_line
    from simulator.store.review import list_visible

    with opened_store() as store:
        rows = list_visible(
            store,
            _viewer(trainee, reviewer),
            persona_id=persona,
            scenario_id=scenario,
            since=since.strftime("%Y-%m-%dT%H:%M") if since else None,
            search=search,
            limit=limit or None,
        )
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(session_line(row))
    if not rows:
        click.echo(_none_found(trainee, reviewer), err=True)


def _none_found(trainee, reviewer) -> str:
    from simulator.exports.safe import plain

    if reviewer is not None:
        return "No shared sessions."
    if trainee is not None:
        return f"No sessions of {plain(trainee)}."
    return (
        f"No sessions of {plain(_local_trainee())} (this computer's trainee); "
        "--trainee NAME shows another trainee's, --as-reviewer NAME the shared ones."
    )


@sessions.command()
@click.argument("session_id")
@viewer_options
def show(session_id, trainee, reviewer) -> None:
    """The transcript with per-turn detections and the tenant's mood after each of its turns.

    Turn numbers shown here are the ones `override --turn` takes.
    """
    from simulator.exports import session_view
    from simulator.exports.text import transcript
    from simulator.store.review import visible_session

    with opened_store() as store:
        session = visible_session(store, session_id, _viewer(trainee, reviewer))
        click.echo(transcript(session_view(store, session["id"])))


@sessions.command()
@click.argument("session_id")
@click.option(
    "--as-reviewer",
    "reviewer",
    metavar="NAME",
    required=True,
    help="Your name, as the team leader writing the comment.",
)
@click.option("--comment", required=True, help="The coaching comment.")
def review(session_id, reviewer, comment) -> None:
    """Add a team leader's comment to a shared session."""
    from simulator.store.review import add_review, visible_session

    with opened_store() as store:
        session = visible_session(store, session_id, _viewer(None, reviewer))
        add_review(store, session["id"], reviewer, comment)
    click.echo(f"Comment added to {session['id']}.")


@sessions.command()
@click.argument("session_id")
@click.option("--turn", "number", type=int, required=True, help="Turn number as in `show`.")
@click.option("--behaviour", required=True, help="Behaviour id, e.g. acknowledge_emotion.")
@click.option(
    "--agree/--disagree",
    default=None,
    help="--agree: the automatic label was right; --disagree: the opposite is true.",
)
@click.option(
    "--shown/--not-shown",
    default=None,
    help="What the trainee did, whatever the scorer said: --shown marks a behaviour the scorer "
    "missed; --not-shown removes a wrong detection.",
)
@click.option("--as-reviewer", "reviewer", metavar="NAME", required=True, help="Your name.")
def override(session_id, number, behaviour, agree, shown, reviewer) -> None:
    """Judge the automatic label of one behaviour in one trainee turn.

    Give either --agree/--disagree (about the scorer's label) or --shown/--not-shown (about the
    trainee's turn, e.g. to add a behaviour the scorer missed).
    """
    from simulator.store.review import judge, visible_session
    from simulator.store.review import override as record

    if (agree is None) == (shown is None):
        raise click.UsageError("give one of --agree/--disagree or --shown/--not-shown")
    with opened_store() as store:
        session = visible_session(store, session_id, _viewer(None, reviewer))
        if not 0 < number <= MAX_TURN:  # beyond SQLite's integers there is no turn
            raise click.ClickException(f"session {session['id']} has no turn {number}")
        if shown is None:
            result = record(store, session["id"], number, behaviour, agree, reviewer)
        else:
            result = judge(store, session["id"], number, behaviour, shown, reviewer)
    state = "shown" if result["human"] else "not shown"
    click.echo(
        f"Turn {number}, {behaviour}: {state} (scorer said "
        f"{'shown' if result['detected'] else 'not shown'})."
    )


MAX_TURN = 2**63 - 1


@sessions.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def agreement(as_json) -> None:
    """Cohen's kappa between automatic detections and team leaders' overrides.

    Near 1: the scorer can be trusted; near 0 or below: no better than chance.
    """
    from simulator.store.agreement import KAPPA_MIN
    from simulator.store.agreement import agreement as compute

    with opened_store() as store:
        result = compute(store)
    old = _outdated()
    if as_json:
        # model ids of the team's own calibrations that were made for an older scorer
        _echo_json({**result, "outdated_calibrations": old})
        return
    rows = [*result["behaviours"].items(), ("overall", result["overall"])]
    click.echo(f"{'behaviour':<22} {'items':>5} {'agree':>5} {'kappa':>6}")
    for name, row in rows:
        few = row["kappa"] is None or row["items"] < KAPPA_MIN
        kappa = "-" if few else f"{row['kappa']:.2f}"
        click.echo(f"{name:<22} {row['items']:>5} {row['agree']:>5} {kappa:>6}")
    click.echo(f"(kappa is shown from {KAPPA_MIN} judgements on; with fewer, chance decides it)")
    if old:  # a team's refit made for an earlier reading of the scorer is no longer used
        click.echo(f"Note: your own calibration ({', '.join(old)}) was made for an older scorer "
                   "and is no longer used; make it again with: roleplay calibrate --from-reviews")


def _outdated() -> list[str]:
    from scoring.model import outdated
    from scoring.scorer import Scorer

    return outdated(Scorer.default().model_id)


@sessions.command()
@click.argument("session_id")
@viewer_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(session_id, trainee, reviewer, yes) -> None:
    """Delete one of your own sessions and everything under it, beyond recovery from the
    database file, with the app's own exports of it. A team leader cannot delete."""
    from simulator.exports import app_exports
    from simulator.exports.safe import plain
    from simulator.store import WipePending
    from simulator.store.review import deletable_session

    pending = None
    with opened_store() as store:
        session = deletable_session(store, session_id, _viewer(trainee, reviewer))
        sid = session["id"]
        if not yes:
            click.confirm(
                f"Delete session {sid} of {plain(session['trainee']) or '-'} "
                f"({plain(session['started'][:10])}) for good?",
                abort=True,
            )
        try:
            store.delete_session(sid)
        except WipePending as err:  # deleted, not yet wiped: still remove the exports, then say so
            pending = err
    try:
        removed = app_exports.remove_for(sid)
    except OSError as err:
        raise click.ClickException(
            f"session {sid} is deleted, but its export {err.filename} could not be removed "
            f"({err.strerror}): delete that file yourself"
        ) from None
    if pending is None:
        click.echo(f"Deleted {sid}: its text is gone from the database file.")
    for path in removed:
        click.echo(f"Removed the app's export {path}.")
    if pending is not None:
        raise click.ClickException(str(pending))
    click.echo(app_exports.USER_COPIES)


@sessions.command()
@click.argument("session_id")
@click.option(
    "--trainee", metavar="NAME", help="Your name (the session's trainee; default: this computer's)."
)
@click.option("--no", "withdraw", is_flag=True, help="Withdraw consent instead.")
def share(session_id, trainee, withdraw) -> None:
    """Give (or with --no, withdraw) consent to show one of your sessions to the team leader."""
    trainee = trainee or _local_trainee()
    with opened_store() as store:
        session = store.resolve(session_id)
        if session["trainee"] != trainee:
            raise click.ClickException(f"session {session['id']} is not {trainee}'s")
        store.set_consent(session["id"], not withdraw)
    click.echo(f"{session['id']}: {'private' if withdraw else 'shared with the team leader'}.")


@click.command()
@click.option(
    "--trainee", metavar="NAME", help="Whose progress (default: this computer's trainee)."
)
@click.option("--as-reviewer", "reviewer", metavar="NAME", help=VIEWER_HELP["reviewer"])
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def progress(trainee, reviewer, as_json) -> None:
    """Per-rubric scores (0-100) of one trainee's finished sessions over time, oldest first."""
    from simulator.exports.safe import plain
    from simulator.store.review import list_visible

    if reviewer is not None and trainee is None:
        raise click.UsageError("a team leader names whose progress: give --trainee NAME")
    viewer = _viewer(trainee, reviewer)
    trainee = viewer.trainee
    with opened_store() as store:
        rows = [
            r
            for r in reversed(list_visible(store, viewer))
            if r.get("ended")
        ]
    points = [
        {
            "session_id": r["id"],
            "started": r["started"],
            "persona_id": r["persona_id"],
            "scenario_id": r["scenario_id"],
            "outcome": r["outcome"],
            **{k: (r.get("scores") or {}).get(k) for k in ("listening", "hospitality")},
        }
        for r in rows
    ]
    if as_json:
        _echo_json(points)
        return
    if not points:
        raise click.ClickException(f"no finished sessions of {plain(trainee)} to show")
    click.echo(f"{'date':<11} {'scenario':<18} {'listening':<26} hospitality")
    for p in points:
        bars = [_bar(p[k]) for k in ("listening", "hospitality")]
        scenario = plain(p["scenario_id"])  # ids come from bundles too: never raw to a terminal
        click.echo(f"{plain(p['started'][:10]):<11} {scenario:<18} {bars[0]:<26} {bars[1]}")


def _bar(score) -> str:
    if score is None:
        return "-"
    return f"{'█' * round(score / 10):<10} {score:>3}"


@click.command()
@click.argument("session_id", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "csv"]),
    required=True,
    help="md: transcript; html: printable report; json: bundle; csv.",
)
@click.option("--all", "everything", is_flag=True, help="Every session you may see (json, csv).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@viewer_options
def export(session_id, fmt, everything, output, trainee, reviewer) -> None:
    """Export a session (md, html, json) or all sessions (--all: json bundle or csv)."""
    from simulator.exports import render
    from simulator.store.review import list_visible, visible_session

    if bool(session_id) == everything:
        raise click.UsageError("give a session ID or --all (not both)")
    if everything and fmt in ("md", "html"):
        raise click.UsageError(f"--format {fmt} exports one session; give its ID")
    viewer = _viewer(trainee, reviewer)
    with opened_store() as store:
        if everything:
            sids = [r["id"] for r in reversed(list_visible(store, viewer))]
        else:
            sids = [visible_session(store, session_id, viewer)["id"]]
        text = render(store, sids, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    from simulator.cli.problems import write_output

    write_output(output, text)
    click.echo(f"Wrote {output} ({len(sids)} session(s)).", err=True)


@click.command("import")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(bundle) -> None:
    """Load a JSON bundle made by `roleplay export --format json`, all or nothing.

    The whole bundle is checked first; one bad value and nothing is imported. Sessions already
    here are left exactly as they are: nothing in the bundle is added to them.
    """
    from simulator.exports.bundle import check_bundle, import_bundle
    from simulator.store import StoreError

    try:
        header = check_bundle(bundle)  # before the store is even opened (or created)
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    with opened_store() as store:
        result = import_bundle(store, bundle, header=header)
    click.echo(
        f"Imported {len(result.imported)} session(s); skipped {len(result.skipped)} "
        "already present (left unchanged)."
    )
    for sid in result.skipped[:SHOW_SKIPPED]:
        click.echo(f"  skipped {sid}")
    if len(result.skipped) > SHOW_SKIPPED:
        click.echo(f"  ... and {len(result.skipped) - SHOW_SKIPPED} more")


SHOW_SKIPPED = 20


COMMANDS = [sessions, progress, export, import_]
