"""Problems a user causes or can fix, as one line instead of a traceback; safe file output.

`roleplay` turns every such error that reaches the top into `Error: <one line>` and exit code 1
(see `RoleplayGroup` in __init__.py). A bug still shows its traceback.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from pathlib import Path

import click

# What to do about an OS error a user's machine causes (by errno).
ADVICE = {
    errno.ENOSPC: "the disk is full; free some space or choose another place",
    errno.EDQUOT: "your disk quota is used up; free some space or choose another place",
    errno.EROFS: "the place is read-only; choose a folder you can write to",
    errno.EACCES: "you may not write there; choose a folder you can write to",
    errno.EPERM: "you may not write there; choose a folder you can write to",
}


def user_problem(err: BaseException) -> str | None:
    """The one-line message for an error a user can fix, or None (a bug: let it propagate)."""
    from simulator.paths import HomeError
    from simulator.store import StoreError
    from simulator.store.writing import problem

    if isinstance(err, (HomeError, StoreError)):
        return str(err)
    if isinstance(err, sqlite3.OperationalError):
        return problem(err, _db_path())
    if isinstance(err, OSError) and err.errno in ADVICE:
        where = f" {err.filename}" if err.filename else ""
        return f"cannot write{where}: {ADVICE[err.errno]}"
    return None


def _db_path() -> Path | None:
    from simulator import paths

    try:
        return paths.db_path()
    except paths.HomeError:
        return None


def write_output(path: Path, text: str) -> None:
    """Write a file the user asked for, whole or not at all: into a temporary file beside it,
    then renamed over it. A full disk or a read-only place leaves any earlier file as it was.
    A target that is not a plain file (/dev/stdout, a pipe) is written to directly."""
    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as err:
            raise click.ClickException(f"cannot write {path}: {_advice(err)}") from None
        return
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise click.ClickException(
            f"cannot write {path}: the folder {folder} {what}; create it or choose another path"
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise click.ClickException(f"cannot write {path}: {_advice(err)}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary new file would be
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {path}: {_advice(err)}") from None


def _advice(err: OSError) -> str:
    return ADVICE.get(err.errno, err.strerror or str(err))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
