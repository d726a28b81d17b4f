"""The session store: sessions, turns, detections; reviews live in review.py.

Every write is its own short transaction that takes the write lock first (writing.py), so a turn
is on disk the moment `add_turn` returns, a crash loses nothing already said, and other processes
writing to the same file make it wait rather than fail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from sqlite_utils import Database

from simulator import paths
from simulator.store.ids import new_id, utc_now
from simulator.store.imports import ImportClash, Imported, SessionRows, write_sessions
from simulator.store.migrations import NewerDatabaseError
from simulator.store.reading import StoreReading
from simulator.store.rows import JSON_COLUMNS, Detected, StoreError, decode, dumps, fts_query
from simulator.store.writing import BUSY_TIMEOUT_MS, migrate_locked, problem, write_transaction

__all__ = ["JSON_COLUMNS", "Store", "StoreError", "decode", "fts_query"]


class Store(StoreReading):
    """SQLite session store. Use `Store.open()`; close it (or use `with`) when done.

    Every query runs here and in the modules of this package: other parts call its methods."""

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
        opening: str | None = None,
        opening_state: dict | None = None,
        first_words: dict | None = None,
    ) -> str:
        """A new session; with `opening`, the tenant's first words as its turn 0 (source
        "authored"), and with `first_words` ({text, state, detections}: add_trainee_turn's
        arguments) the trainee's first line, all in one transaction: a session is never stored
        without something the trainee said."""
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
            "options": dumps(options or {}),
            "persona_hash": persona_hash,
            "scenario_hash": scenario_hash,
            "started": utc_now(),
            "consent": int(consent),
        }
        with self._writing():
            self.db["sessions"].insert(row)
            if opening is not None:
                self._insert_turn(sid, "tenant", opening, source="authored", state=opening_state)
            if first_words is not None:
                words = dict(first_words)
                tid = self._insert_turn(sid, "trainee", words["text"], state=words.get("state"))
                self._insert_detections(
                    tid, [_detection_row(d) for d in words.get("detections", ())])
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
        with self._writing():
            return self._insert_turn(
                sid, speaker, text, latency_ms=latency_ms, first_token_ms=first_token_ms,
                prompt=prompt, source=source, guard=guard, state=state,
            )

    def add_trainee_turn(
        self, sid: str, *, text: str, state: dict | None = None, detections: Iterable[Detected] = ()
    ) -> str:
        """The trainee's line with what the scorer found in it, in one transaction."""
        with self._writing():
            tid = self._insert_turn(sid, "trainee", text, state=state)
            self._insert_detections(tid, [_detection_row(d) for d in detections])
        return tid

    def add_tenant_turn(
        self,
        sid: str,
        *,
        text: str,
        source: str,
        state: dict | None = None,
        guard: list | None = None,
        latency_ms: float | None = None,
        first_token_ms: float | None = None,
        prompt: list[dict[str, str]] | None = None,
    ) -> str:
        """The tenant's line; `prompt`: the messages the model saw (None: no model wrote it)."""
        return self.add_turn(
            sid, speaker="tenant", text=text, source=source, state=state, guard=guard,
            latency_ms=latency_ms, first_token_ms=first_token_ms,
            prompt=json.dumps(prompt, ensure_ascii=False) if prompt else None,
        )

    def _insert_turn(self, sid: str, speaker: str, text: str, **columns: object) -> str:
        tid = new_id()
        guard, state = columns.pop("guard", None), columns.pop("state", None)
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
                columns.get("latency_ms"),
                columns.get("first_token_ms"),
                columns.get("prompt"),
                columns.get("source"),
                dumps(guard),
                dumps(state),
                sid,
            ],
        )
        return tid

    def add_detections(self, tid: str, detections: list[dict]) -> None:
        """Detection rows for a turn: {"behaviour", "detected", "confidence", "sentence",
        "exemplar"} (missing keys: None)."""
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
            self._insert_detections(tid, rows)

    def _insert_detections(self, tid: str, rows: list[dict]) -> None:
        self.db["detections"].insert_all(
            [{**row, "turn_id": tid} for row in rows], replace=True
        )

    def remove_turns_from(self, sid: str, position: int) -> None:
        """Rewind: delete the turns at `position` and after (with their detections), and their
        words from the full-text index and, unless another program is reading, from the log."""
        from simulator.store import wipe

        sql = "DELETE FROM turns WHERE session_id = ? AND position >= ?"
        if wipe.delete_rows(self.db, sql, [sid, position]):
            wipe.checkpoint(self.db, wait=0)  # the practice screen never waits on a reader

    def discard_if_empty(self, sid: str) -> bool:
        """Delete the session if it has no trainee turn (nothing the trainee said is in it: the
        tenant's opening alone is not worth keeping). True if it was deleted."""
        from simulator.store import wipe

        sql = (
            "DELETE FROM sessions WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM turns WHERE session_id = ? AND speaker = 'trainee')"
        )
        with self._writing():
            deleted = wipe.delete_rows(self.db, sql, [sid, sid]) > 0
        if deleted:
            wipe.checkpoint(self.db, wait=0)
        return deleted

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
                [utc_now(), outcome, dumps(scores), sid],
            )

    def set_consent(self, sid: str, consent: bool) -> None:
        with self._writing():
            self.db.execute("UPDATE sessions SET consent = ? WHERE id = ?", [int(consent), sid])

    def import_sessions(
        self, sessions: Iterable[SessionRows], *, source: str, header: dict
    ) -> Imported:
        """Add the sessions that are not here yet, all or nothing, in one transaction; a session
        already here is left exactly as it is. ImportClash when an id under a new session is
        taken; StoreError for a locked, full or read-only database. An error that `sessions`
        raises while it is read (a bundle that turns out broken) passes on, nothing written."""
        try:
            with write_transaction(self.db):
                return write_sessions(self.db, sessions, source, header)
        except sqlite3.IntegrityError as err:  # checked before; a last guard, still one line
            raise ImportClash(f"{source}: clashes with the sessions here: {err}") from None
        except sqlite3.OperationalError as err:
            message = problem(err, self.path) or f"cannot write to the session database: {err}"
            raise StoreError(message) from None

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


def _detection_row(d: Detected) -> dict:
    return {
        "behaviour": d.behaviour,
        "detected": int(bool(d.detected)),
        "confidence": d.confidence,
        "sentence": d.sentence,
        "exemplar": d.exemplar or None,  # pinned behaviours (checks) come without one
    }
