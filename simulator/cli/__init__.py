"""The `roleplay` command. Each sub-module contributes its commands through COMMANDS.

Sub-modules keep heavy imports (torch, transformers, textual) inside their functions, so that
`roleplay validate` stays fast.
"""

from __future__ import annotations

import importlib

import click

from simulator import __version__

SUBMODULES = ("content", "play", "scoring", "sessions", "tune", "app")


class RoleplayGroup(click.Group):
    """Any command's error that a user can fix (a full disk, a read-only or misplaced data
    folder, a locked database, a broken config file) ends as one line and exit code 1, not a
    traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:
            from simulator.cli.problems import user_problem
            from simulator.settings import SettingsError

            message = str(err) if isinstance(err, SettingsError) else user_problem(err)
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(
    cls=RoleplayGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="roleplay")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Practise front-door conversations with simulated tenants.

    Without a command, opens the app.
    """
    if ctx.invoked_subcommand is None:
        app = main.commands.get("app")
        if app is None:
            raise click.ClickException("the app is not available in this build")
        ctx.invoke(app)


for _name in SUBMODULES:
    try:
        _module = importlib.import_module(f"simulator.cli.{_name}")
    except ModuleNotFoundError as _err:
        if _err.name != f"simulator.cli.{_name}":
            raise
        continue
    for _command in getattr(_module, "COMMANDS", ()):
        main.add_command(_command)
