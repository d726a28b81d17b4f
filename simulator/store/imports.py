"""Writing imported sessions: batched inserts and a record of the import.

`Store.import_sessions` wraps it all in one write transaction: all or nothing.

The rows come checked (simulator/exports/bundle_schema.py); this module only writes them and
says which ids are already taken, so an import never adds to a session that is already here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlite_utils import Database

from simulator.store.ids import new_id, utc_now
from simulator.store.rows import JSON_COLUMNS, StoreError

CHILD_TABLES = ("turns", "detections", "reviews", "overrides")
BATCH = 200  # sessions per round of inserts: thousands of rows per statement, a small batch

COLUMNS = {
    "sessions": (
        "id", "trainee", "persona_id", "scenario_id", "lang", "mode", "backend", "model_id",
        "options", "persona_hash", "scenario_hash", "started", "ended", "outcome", "consent",
        "scores",
    ),
    "turns": (
        "id", "session_id", "position", "speaker", "text", "created", "latency_ms",
        "first_token_ms", "prompt", "source", "guard", "state",
    ),
    "detections": ("turn_id", "behaviour", "detected", "confidence", "sentence", "exemplar"),
    "reviews": ("id", "session_id", "reviewer", "comment", "created"),
    "overrides": ("id", "turn_id", "behaviour", "reviewer", "agree", "created"),
}  # fmt: skip
_to_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps less its per-call set-up


def record_import(db: Database, source: str, header: dict) -> str:
    import_id = new_id()
    db.execute(
        "INSERT INTO imports (id, source, imported, exported, roleplay) VALUES (?, ?, ?, ?, ?)",
        [
            import_id,
            source,
            utc_now(),
            _text(header.get("exported")),
            _text(header.get("roleplay")),
        ],
    )
    return import_id


def taken(db: Database, table: str, ids: list[str]) -> set[str]:
    """Which of `ids` are already in `table` (one query, however many ids)."""
    rows = db.execute(
        f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
    )
    return {row[0] for row in rows}


def row(table: str, values: dict) -> tuple:
    """The values of one row, in COLUMNS order, JSON columns as text (bools bind as 0/1)."""
    return tuple(
        _to_json(values[c]) if c in JSON_COLUMNS and values[c] is not None else values[c]
        for c in COLUMNS[table]
    )


def insert(db: Database, table: str, rows: list[tuple]) -> int:
    """Plain INSERTs of `row` tuples (a taken id is an error, never a silent skip); the count."""
    columns = COLUMNS[table]
    db.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        rows,
    )
    return len(rows)


def link(db: Database, import_id: str, sids: list[str]) -> None:
    db.conn.executemany(
        "INSERT INTO imported_sessions (session_id, import_id) VALUES (?, ?)",
        [(sid, import_id) for sid in sids],
    )


def imported_from(db: Database, sid: str) -> dict | None:
    """{"source", "imported"} for a session that `roleplay import` created; None otherwise."""
    rows = db.execute(
        "SELECT i.source, i.imported FROM imported_sessions s JOIN imports i"
        " ON i.id = s.import_id WHERE s.session_id = ?",
        [sid],
    ).fetchall()
    return {"source": rows[0][0], "imported": rows[0][1]} if rows else None


def _text(value: object) -> str | None:
    return value[:200] if isinstance(value, str) else None


class ImportClash(StoreError):
    """An id of the import is already used, here or earlier in the import; nothing was written."""


@dataclass(frozen=True, slots=True)
class SessionRows:
    """One checked session as the tuples to insert (`row`): a fraction of its models' size.

    `where` names it in the file it came from (for messages); `tables`: table -> rows."""

    where: str
    sid: str
    tables: dict[str, list[tuple]]


@dataclass
class Imported:
    imported: list[str] = field(default_factory=list)  # new session ids
    skipped: list[str] = field(default_factory=list)  # already here, left as they are
    added: dict[str, int] = field(default_factory=dict)  # table -> new rows


def write_sessions(
    db: Database, sessions: Iterable[SessionRows], source: str, header: dict
) -> Imported:
    """Write the sessions that are not here yet, in batches, and record the import. The caller
    holds the write transaction; ImportClash when an id under a new session is taken."""
    import_id = record_import(db, source, header)
    result = Imported(added=dict.fromkeys(("sessions",) + CHILD_TABLES, 0))
    for batch in _batches(sessions, BATCH):
        _write(db, batch, import_id, result)
    return result


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _write(db: Database, batch: list[SessionRows], import_id: str, result: Imported) -> None:
    present = taken(db, "sessions", [s.sid for s in batch])
    new = [s for s in batch if s.sid not in present]
    result.skipped += [s.sid for s in batch if s.sid in present]
    _check_new_ids(db, new)
    for table in ("sessions",) + CHILD_TABLES:
        result.added[table] += insert(db, table, [row for s in new for row in s.tables[table]])
    link(db, import_id, [s.sid for s in new])
    result.imported += [s.sid for s in new]


def _check_new_ids(db: Database, new: list[SessionRows]) -> None:
    """The ids under a new session must be new too: no clash with rows here, nor in the import."""
    for table, kind in (("turns", "turn"), ("reviews", "review"), ("overrides", "override")):
        ids = [(row[0], s.where) for s in new for row in s.tables[table]]  # id is column 0
        clash = taken(db, table, [i for i, _ in ids])
        seen: set[str] = set()
        for i, where in ids:
            if i in clash or i in seen:
                raise ImportClash(
                    f"{where}: {kind} {i} is already used, here or earlier in this bundle"
                )
            seen.add(i)
