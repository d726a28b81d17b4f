"""`roleplay app` (and `roleplay` with no arguments): open the Textual app."""

from __future__ import annotations

import click


@click.command()
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language (default: your locale).")
def app(lang: str | None) -> None:
    """Open the app: practise, review sessions, write personas and scenarios."""
    from simulator.store import Store
    from simulator.ui.app import create_app

    # A data folder that is a file, or a database on a read-only disk: say so in one line now,
    # rather than from inside the screen later.
    Store.open().close()

    create_app(lang=lang).run()


COMMANDS = [app]
