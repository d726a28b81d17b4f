"""Writing imported sessions: batched inserts and a record of the import.

The caller wraps it all in one `writing.write_transaction`: all or nothing.

The rows come checked (simulator/exports/bundle_schema.py); this module only writes them and
says which ids are already taken, so an import never adds to a session that is already here.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from simulator.store.ids import new_id, utc_now
from simulator.store.store import JSON_COLUMNS

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
