"""Making deleted words leave the database file: the full-text index and the write-ahead log.

SQLite frees a deleted row's pages (and `secure_delete` zeroes them), but two copies of the words
outlive the DELETE:
- FTS5 only records that an indexed row was deleted; its words stay in the index until the
  segments are merged into one ('optimize'). SQLite 3.42's 'secure-delete' option would avoid
  that, but we cannot count on 3.42.
- In WAL mode the new (zeroed) pages go to the log; the main file keeps the old ones until a
  checkpoint copies the log back, and the log keeps old frames until it is truncated. Neither can
  happen while another connection reads a snapshot from before the delete.
So a deletion is complete only when a TRUNCATE checkpoint has succeeded after it.
"""

from __future__ import annotations

from time import monotonic, sleep

from sqlite_utils import Database

from simulator.store.store import StoreError

WAIT_S = 10.0  # how long a delete waits for other programs' reads to end (read at call time)
POLL_S = 0.1


class WipePending(StoreError):
    """The rows are deleted, but their text is still in the database file (a reader holds it)."""


def delete_rows(db: Database, sql: str, params: list) -> int:
    """Run a DELETE of sessions or turns and, in the same transaction, rewrite the full-text
    index without them (secure_delete zeroes the pages that frees). Returns the rows deleted."""
    with db.atomic():
        count = db.execute(sql, params).rowcount
        if count:
            db.execute("INSERT INTO turns_fts(turns_fts) VALUES('optimize')")
    return count


def delete_session(db: Database, sid: str, path: object, wait: float | None = None) -> bool:
    """Delete a session so that its text is gone from the file and the log when this returns.

    False if there is no such session. StoreError, with nothing deleted, while another program's
    read keeps the old pages in the file for longer than `wait` seconds (default `WAIT_S`);
    `WipePending` if a read began between that check and the delete and did not end in time.
    """
    wait = WAIT_S if wait is None else wait
    if not db.execute("SELECT 1 FROM sessions WHERE id = ?", [sid]).fetchall():
        return False
    _touch(db)
    if not checkpoint(db, wait):
        raise StoreError(readers_message(path))
    if not delete_rows(db, "DELETE FROM sessions WHERE id = ?", [sid]):
        return False
    if not checkpoint(db, wait):
        raise WipePending(pending_message(sid, path))
    return True


def _touch(db: Database) -> None:
    """Write page 1 unchanged, so that the log holds a frame newer than every read now open.

    A read that began before holds an older snapshot, and no checkpoint can copy a newer page
    over one that read may still need: it shows up now, before anything is deleted, rather than
    after. (Rewriting a row with its own values writes nothing: SQLite skips identical cells.)
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute(f"PRAGMA user_version={int(version)}")


def checkpoint(db: Database, wait: float) -> bool:
    """Copy the log into the database file and truncate it to zero bytes.

    False when other connections' reads kept it from finishing within `wait` seconds. SQLite's
    own busy handler waits for them; it is shortened to `POLL_S` per try so that `wait` holds.
    """
    deadline = monotonic() + wait
    previous = db.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        db.execute(f"PRAGMA busy_timeout={int(min(POLL_S, wait) * 1000)}")
        while True:
            busy, log, copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0 and copied == log:  # (0, 0, 0); (0, -1, -1) when not in WAL mode
                return True
            if monotonic() >= deadline:
                return False
            sleep(POLL_S)
    finally:
        db.execute(f"PRAGMA busy_timeout={int(previous)}")


def readers_message(path: object) -> str:
    return (
        f"another program is reading the session database {path} (another roleplay window, a "
        "database browser); nothing was deleted: close it and try again"
    )


def pending_message(sid: str, path: object) -> str:
    return (
        f"session {sid} is deleted, but its text is still in the database file {path}: another "
        "program began reading it meanwhile. Close the other programs that have it open (other "
        "roleplay windows, database browsers); the text is wiped when the last one closes it"
    )
