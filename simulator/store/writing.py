"""How the store writes when other programs use the same file, and what a failed write says.

Several `roleplay` processes may share one database (practice in one window, a team leader's
`sessions list` or CSV export in another). SQLite lets one of them write at a time; the others
wait for it (the busy timeout). That wait only works for a transaction that asks for the write
lock before it reads: a deferred transaction that has read something and then wants to write,
after another process wrote in between, fails at once with "database is locked"
(SQLITE_BUSY_SNAPSHOT), whatever the timeout. So every write is one short `BEGIN IMMEDIATE`
transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from simulator.store.migrations import MIGRATIONS, migrate

# A turn's write takes milliseconds; a delete (index rewrite, checkpoint) of a large store can
# take seconds. Waiting this long for another writer is better than losing a turn.
BUSY_TIMEOUT_MS = 30_000

# Below this much free space an I/O error is a full disk: SQLite then cannot even grow the
# shared-memory file of the log (SQLITE_IOERR_SHMSIZE) and never says "full".
NEARLY_FULL_BYTES = 1 << 20

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 10, 13, 14


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """One write transaction that takes the write lock first (waiting for other writers).

    Inside a transaction the caller already opened, a savepoint instead: the outer one decides.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def migrate_locked(db: Database, path: Path, stop_before: str | None = None) -> None:
    """Apply pending migrations under the write lock, so that processes opening a new store at
    the same moment do not both create it (the second finds it done)."""
    if not MIGRATIONS.pending(db):
        migrate(db, str(path), stop_before=stop_before)
        return
    with write_transaction(db):
        migrate(db, str(path), stop_before=stop_before)


def _code(err: sqlite3.Error) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    text = str(err).lower()  # connections made before Python 3.11 filled in the code
    for needle, value in (
        ("disk is full", SQLITE_FULL),
        ("readonly database", SQLITE_READONLY),
        ("database is locked", SQLITE_BUSY),
        ("unable to open database file", SQLITE_CANTOPEN),
        ("disk i/o error", SQLITE_IOERR),
    ):
        if needle in text:
            return value
    return None


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def problem(err: sqlite3.Error, path: Path | str | None) -> str | None:
    """One readable line for an SQLite error a user can fix (full disk, read-only place, a lock
    that never ends); None for any other error (a bug: let it show as one)."""
    where = f"the session database {path}" if path else "the session database"
    code = _code(err)
    folder = Path(path).parent if path else None
    if code == SQLITE_FULL or (
        code in (SQLITE_IOERR, SQLITE_CANTOPEN) and folder and _nearly_full(folder)
    ):
        return (
            f"the disk is full: cannot write to {where}; free some space and try again "
            "(everything stored before is kept)"
        )
    if code in (SQLITE_READONLY, SQLITE_PERM) or (
        code in (SQLITE_CANTOPEN, SQLITE_IOERR) and folder and not _writable(folder)
    ):
        return (
            f"cannot use {where}: the file or its folder is read-only; make it writable, "
            "or set ROLEPLAY_HOME to a folder you can write to"
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return (
            f"{where} is locked by another program that has not finished writing; nothing was "
            "written: try again when it has finished"
        )
    if code == SQLITE_CANTOPEN:
        return f"cannot open {where}; check that its folder exists and that you may write there"
    if code == SQLITE_IOERR:
        return (
            f"the disk reported an error while writing {where} ({err}); check that it is not "
            "full or removed, then try again"
        )
    return None
