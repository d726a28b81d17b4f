"""JSON bundles: sessions with everything under them, to move between machines.

Ids are kept, so importing the same bundle twice (or a bundle that came back with the team
leader's reviews) adds only what is new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from simulator import __version__
from simulator.store import Store, StoreError
from simulator.store.ids import utc_now
from simulator.store.store import JSON_COLUMNS, decode

FORMAT = "roleplay-bundle"
VERSION = 1
CHILD_TABLES = ("turns", "detections", "reviews", "overrides")


def _rows(store: Store, sql: str, sid: str) -> list[dict]:
    return [decode(r) for r in store.db.query(sql, [sid])]


def session_record(store: Store, sid: str) -> dict:
    session = decode(next(store.db.query("SELECT * FROM sessions WHERE id = ?", [sid])))
    turn_sql = "SELECT * FROM {} WHERE turn_id IN (SELECT id FROM turns WHERE session_id = ?)"
    return {
        "session": session,
        "turns": _rows(store, "SELECT * FROM turns WHERE session_id = ? ORDER BY position", sid),
        "detections": _rows(store, turn_sql.format("detections"), sid),
        "reviews": _rows(store, "SELECT * FROM reviews WHERE session_id = ?", sid),
        "overrides": _rows(store, turn_sql.format("overrides"), sid),
    }


def export_bundle(store: Store, sids: list[str]) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "roleplay": __version__,
        "exported": utc_now(),
        "sessions": [session_record(store, sid) for sid in sids],
    }


def dumps(bundle: dict) -> str:
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)  # new session ids
    skipped: list[str] = field(default_factory=list)  # already present
    added: dict[str, int] = field(default_factory=dict)  # table -> new rows (incl. reviews)


def _encode(row: dict, columns: set[str]) -> dict:
    out = {k: v for k, v in row.items() if k in columns}
    for key in JSON_COLUMNS:
        if key in out and not isinstance(out[key], (str, type(None))):
            out[key] = json.dumps(out[key], ensure_ascii=False)
    if "consent" in out:
        out["consent"] = int(bool(out["consent"]))
    return out


def _insert_new(store: Store, table: str, rows: list[dict]) -> int:
    columns = set(store.db[table].columns_dict)
    before = store.db[table].count
    store.db[table].insert_all([_encode(r, columns) for r in rows], ignore=True)
    return store.db[table].count - before


def check_bundle(bundle: object) -> list[dict]:
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise StoreError("this file is not a roleplay bundle (made with `roleplay export`)")
    if bundle.get("version", 0) > VERSION:
        raise StoreError("this bundle was made by a newer version of roleplay; update to import it")
    records = bundle.get("sessions")
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and isinstance(r.get("session"), dict) and "id" in r["session"]
        for r in records
    ):
        raise StoreError("this roleplay bundle is damaged: 'sessions' is not a list of sessions")
    return records


def import_bundle(store: Store, bundle: object) -> ImportResult:
    """Add the bundle's sessions; sessions whose id exists are skipped, their new reviews kept."""
    result = ImportResult(added=dict.fromkeys(("sessions",) + CHILD_TABLES, 0))
    with store.db.atomic():
        for record in check_bundle(bundle):
            sid = record["session"]["id"]
            new = _insert_new(store, "sessions", [record["session"]])
            (result.imported if new else result.skipped).append(sid)
            result.added["sessions"] += new
            for table in CHILD_TABLES:
                result.added[table] += _insert_new(store, table, record.get(table) or [])
    return result
