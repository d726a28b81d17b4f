"""The session store: sessions, turns, detections; reviews live in review.py.

Every write is its own short transaction that takes the write lock first (writing.py), so a turn
is on disk the moment `add_turn` returns, a crash loses nothing already said, and other processes
writing to the same file make it wait rather than fail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from simulator import paths
from simulator.store.ids import new_id, utc_now
from simulator.store.migrations import NewerDatabaseError
from simulator.store.writing import BUSY_TIMEOUT_MS, migrate_locked, problem, write_transaction

JSON_COLUMNS = ("options", "guard", "state", "scores")


class StoreError(Exception):
    """A problem a user can cause or fix (message is one readable line)."""


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def decode(row: dict) -> dict:
    """A row with its JSON columns decoded and consent as a bool."""
    row = dict(row)
    for key in JSON_COLUMNS:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    if "consent" in row:
        row["consent"] = bool(row["consent"])
    return row


def fts_query(text: str) -> str:
    """Words as quoted FTS5 phrases, so user input never hits FTS syntax (AND, *, quotes)."""
    words = text.split()
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


class Store:
    """SQLite session store. Use `Store.open()`; close it (or use `with`) when done."""

    def __init__(self, db: Database, path: Path | None):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path | None = None, *, stop_before: str | None = None) -> Store:
        """Open (creating if needed) and migrate. `stop_before` is for migration tests only."""
        path = Path(path) if path is not None else paths.db_path()
        try:
            fix = "set ROLEPLAY_DB to a file in a folder you can write to"
            paths.ensure_folder(path.parent, "the folder of the session database", fix)
        except paths.HomeError as err:
            raise StoreError(str(err)) from None
        db = None
        try:
            db = Database(path)
            # First, so that even switching to WAL waits for other processes.
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            db.enable_wal()
            # secure_delete: freed pages are zeroed, so deleted transcripts leave no trace.
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA foreign_keys=ON")
            migrate_locked(db, path, stop_before)
        except (NewerDatabaseError, sqlite3.DatabaseError) as err:
            if db is not None:
                db.close()
            if isinstance(err, NewerDatabaseError):
                raise StoreError(str(err)) from None
            message = problem(err, path) or f"cannot open the session database {path}: {err}"
            raise StoreError(message) from None
        return cls(db, path)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One short write transaction (see writing.py); a full disk, a read-only file or a lock
        that never ends becomes a one-line StoreError, with nothing of this write stored."""
        try:
            with write_transaction(self.db):
                yield
        except sqlite3.OperationalError as err:
            message = problem(err, self.path)
            if message is None:
                raise
            raise StoreError(message) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing (the contract in docs/architecture.md) --------------------------------------

    def start_session(
        self,
        *,
        trainee: str = "",
        persona_id: str,
        scenario_id: str,
        lang: str,
        mode: str = "practice",
        backend: str | None = None,
        model_id: str | None = None,
        options: dict | None = None,
        persona_hash: str | None = None,
        scenario_hash: str | None = None,
        consent: bool = False,
    ) -> str:
        sid = new_id()
        row = {
            "id": sid,
            "trainee": trainee,
            "persona_id": persona_id,
            "scenario_id": scenario_id,
            "lang": lang,
            "mode": mode,
            "backend": backend,
            "model_id": model_id,
            "options": _dumps(options or {}),
            "persona_hash": persona_hash,
            "scenario_hash": scenario_hash,
            "started": utc_now(),
            "consent": int(consent),
        }
        with self._writing():
            self.db["sessions"].insert(row)
        return sid

    def add_turn(
        self,
        sid: str,
        *,
        speaker: str,
        text: str,
        latency_ms: float | None = None,
        first_token_ms: float | None = None,
        prompt: str | None = None,
        source: str | None = None,
        guard: list | dict | None = None,
        state: dict | None = None,
    ) -> str:
        """Append a turn; its position is 0 for the first turn of the session, then 1, 2, ..."""
        tid = new_id()
        with self._writing():
            self.db.execute(
                "INSERT INTO turns (id, session_id, position, speaker, text, created, latency_ms,"
                " first_token_ms, prompt, source, guard, state) SELECT ?, ?,"
                " COALESCE(MAX(position) + 1, 0), ?, ?, ?, ?, ?, ?, ?, ?, ? FROM turns"
                " WHERE session_id = ?",
                [
                    tid,
                    sid,
                    speaker,
                    text,
                    utc_now(),
                    latency_ms,
                    first_token_ms,
                    prompt,
                    source,
                    _dumps(guard),
                    _dumps(state),
                    sid,
                ],
            )
        return tid

    def add_detections(self, tid: str, detections: list[dict]) -> None:
        rows = [
            {
                "turn_id": tid,
                "behaviour": d["behaviour"],
                "detected": int(bool(d["detected"])),
                "confidence": d.get("confidence"),
                "sentence": d.get("sentence"),
                "exemplar": d.get("exemplar"),
            }
            for d in detections
        ]
        with self._writing():
            self.db["detections"].insert_all(rows, replace=True)

    def remove_turns_from(self, sid: str, position: int) -> None:
        """Rewind: delete the turns at `position` and after (with their detections), and their
        words from the full-text index and, unless another program is reading, from the log."""
        from simulator.store import wipe

        sql = "DELETE FROM turns WHERE session_id = ? AND position >= ?"
        if wipe.delete_rows(self.db, sql, [sid, position]):
            wipe.checkpoint(self.db, wait=0)  # the practice screen never waits on a reader

    def end_session(self, sid: str, outcome: str, scores: dict | None = None) -> None:
        """Mark finished. `scores`: per-rubric 0-100, e.g. {"listening": 70, "hospitality": 55}."""
        if scores is not None:
            try:
                scores = {
                    str(k): float(v) if isinstance(v, float) else int(v)
                    for k, v in dict(scores).items()
                }
            except (TypeError, ValueError):
                raise TypeError(f"scores must map rubric ids to numbers, got {scores!r}") from None
        with self._writing():
            self.db.execute(
                "UPDATE sessions SET ended = ?, outcome = ?, scores = COALESCE(?, scores)"
                " WHERE id = ?",
                [utc_now(), outcome, _dumps(scores), sid],
            )

    def set_consent(self, sid: str, consent: bool) -> None:
        with self._writing():
            self.db.execute("UPDATE sessions SET consent = ? WHERE id = ?", [int(consent), sid])

    # -- reading ----------------------------------------------------------------------------

    def session(self, sid: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM sessions WHERE id = ?", [sid]))
        return decode(rows[0]) if rows else None

    def resolve(self, prefix: str) -> dict:
        """The session whose id is or starts with `prefix` (case-insensitive), or StoreError."""
        prefix = prefix.strip().upper()
        rows = (
            list(
                self.db.query(
                    "SELECT * FROM sessions WHERE id >= ? AND id < ? LIMIT 2",
                    [prefix, prefix + "~"],
                )
            )
            if prefix
            else []
        )
        if not rows:
            raise StoreError(f"no session with id {prefix or '(empty)'}")
        if len(rows) > 1 and rows[0]["id"] != prefix:
            raise StoreError(f"id {prefix} is ambiguous; give more characters")
        return decode(rows[0])

    def list_sessions(
        self,
        *,
        trainee: str | None = None,
        persona_id: str | None = None,
        scenario_id: str | None = None,
        since: str | None = None,
        search: str | None = None,
        shared_only: bool = False,
        limit: int | None = None,
    ) -> list[dict]:
        """Sessions, newest first. `since`: an ISO date/time (UTC); `search`: words in turns."""
        where, params = [], []
        for column, value in (
            ("trainee", trainee),
            ("persona_id", persona_id),
            ("scenario_id", scenario_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if since:
            where.append("started >= ?")
            params.append(since)
        if shared_only:
            where.append("consent = 1")
        if search and search.strip():
            where.append(
                "id IN (SELECT session_id FROM turns WHERE rowid IN"
                " (SELECT rowid FROM turns_fts WHERE turns_fts MATCH ?))"
            )
            params.append(fts_query(search))
        sql = "SELECT * FROM sessions"
        sql += (" WHERE " + " AND ".join(where)) if where else ""
        sql += " ORDER BY started DESC, id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [decode(r) for r in self.db.query(sql, params)]

    def turns(self, sid: str) -> list[dict]:
        """The transcript: each turn with `detections` {behaviour: row} and `overrides` [rows]."""
        # One read transaction, so all three queries see the same moment: a turn that another
        # process stores in between would otherwise bring detections for a turn not read.
        with self.db.atomic():
            turns = [
                decode(r)
                for r in self.db.query(
                    "SELECT * FROM turns WHERE session_id = ? ORDER BY position", [sid]
                )
            ]
            detections = list(
                self.db.query(
                    "SELECT d.* FROM detections d JOIN turns t ON t.id = d.turn_id"
                    " WHERE t.session_id = ?",
                    [sid],
                )
            )
            overrides = list(
                self.db.query(
                    "SELECT o.* FROM overrides o JOIN turns t ON t.id = o.turn_id"
                    " WHERE t.session_id = ? ORDER BY o.created",
                    [sid],
                )
            )
        by_id = {t["id"]: t for t in turns}
        for t in turns:
            t["detections"], t["overrides"] = {}, []
        for row in detections:
            row["detected"] = bool(row["detected"])
            by_id[row["turn_id"]]["detections"][row["behaviour"]] = row
        for row in overrides:
            row["agree"] = bool(row["agree"])
            by_id[row["turn_id"]]["overrides"].append(row)
        return turns

    def reviews(self, sid: str) -> list[dict]:
        return list(
            self.db.query("SELECT * FROM reviews WHERE session_id = ? ORDER BY created", [sid])
        )

    def imported_from(self, sid: str) -> dict | None:
        """{"source", "imported"} if `roleplay import` created the session; None if made here."""
        from simulator.store.imports import imported_from

        return imported_from(self.db, sid)

    # -- privacy and health -----------------------------------------------------------------

    def delete_session(self, sid: str, *, wait: float | None = None) -> bool:
        """Delete a session and everything under it, leaving no copy of its text on disk.

        True once its text is gone from the database file and the log; False if there is no such
        session; see `wipe.delete_session` for what happens while another program reads.
        """
        from simulator.store import wipe

        return wipe.delete_session(self.db, sid, self.path, wait)

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]
