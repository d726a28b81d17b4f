"""`roleplay app` (and `roleplay` with no arguments): open the Textual app."""

from __future__ import annotations

import click


@click.command()
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language (default: your locale).")
def app(lang: str | None) -> None:
    """Open the app: practise, review sessions, write personas and scenarios."""
    from simulator.ui.app import create_app

    create_app(lang=lang).run()


COMMANDS = [app]
