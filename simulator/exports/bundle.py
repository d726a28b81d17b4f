"""JSON bundles: sessions with everything under them, to move between machines.

Ids are kept, so importing the same bundle twice adds nothing the second time. A session whose
id is already here is left exactly as it is: a bundle never adds turns, reviews or labels to a
session that exists (that transcript is someone's, and the bundle may come from anyone).

Importing reads the file as a stream (one session in memory at a time) and twice: first every
session is checked against the schema (bundle_schema.py) with nothing written, then all of them
are written in one transaction, in batches. Any problem: one line naming the file and line, and
nothing imported.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from pydantic import ValidationError

from simulator import __version__
from simulator.exports.bundle_schema import Record, Turn, problem
from simulator.exports.jsonstream import JsonStreamError, Member, members
from simulator.store import Store, StoreError
from simulator.store import imports as writer
from simulator.store.ids import utc_now
from simulator.store.store import decode
from simulator.store.writing import problem as problem_of
from simulator.store.writing import write_transaction

FORMAT = "roleplay-bundle"
VERSION = 1
CHILD_TABLES = ("turns", "detections", "reviews", "overrides")
BATCH = 200  # sessions per round of inserts: thousands of rows per statement, a small batch
NOTHING = "; nothing was imported"
NOT_A_BUNDLE = "this file is not a roleplay bundle (made with `roleplay export --format json`)"


class BundleError(StoreError):
    """What is wrong with a bundle, as one line; nothing was imported."""


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
    source: str = ""
    imported: list[str] = field(default_factory=list)  # new session ids
    skipped: list[str] = field(default_factory=list)  # already here, left as they are
    added: dict[str, int] = field(default_factory=dict)  # table -> new rows


def check_bundle(bundle: dict | Path) -> dict:
    """Check the whole bundle against the schema, writing nothing; its header, or BundleError."""
    header: dict = {}
    for _ in records(bundle, header):
        pass
    return header


def import_bundle(
    store: Store, bundle: dict | Path, source: str | None = None, header: dict | None = None
) -> ImportResult:
    """Add the bundle's new sessions, all or nothing. `bundle`: a file (streamed) or its data.

    `header`: what `check_bundle` returned, if the caller checked it already (before opening
    the store); otherwise it is checked here, before anything is written.
    """
    header = check_bundle(bundle) if header is None else header
    result = ImportResult(source=source or _source(bundle))
    result.added = dict.fromkeys(("sessions",) + CHILD_TABLES, 0)
    try:
        with write_transaction(store.db):
            import_id = writer.record_import(store.db, result.source, header)
            rows = (_prepared(where, record) for where, record in records(bundle, {}))
            for batch in _batches(rows, BATCH):
                _write(store, batch, import_id, result)
    except sqlite3.IntegrityError as err:  # checked above; a last guard, still one line
        raise BundleError(
            f"{result.source}: clashes with the sessions here: {err}{NOTHING}"
        ) from None
    except sqlite3.OperationalError as err:  # locked, full, read-only
        message = problem_of(err, store.path) or f"cannot write to the session database: {err}"
        raise StoreError(f"{message}{NOTHING}") from None
    return result


def records(bundle: dict | Path, header: dict) -> Iterator[tuple[str, Record]]:
    """(where, checked record) for each session; fills `header` (format, version, ...)."""
    seen: set[str] = set()
    for member in _members(bundle):
        where = _where(bundle, member)
        if member.key != "sessions":
            _check_header(member, where)
            if member.key in ("format", "version", "exported", "roleplay"):
                header[member.key] = member.value
        elif member.index is None:
            if member.value != []:
                raise BundleError(f"{where}: 'sessions' is not a list of sessions{NOTHING}")
            header["sessions"] = 0
        else:
            record = _record(member, where)
            if record.session.id in seen:
                raise BundleError(f"{where}: session {record.session.id} appears twice{NOTHING}")
            seen.add(record.session.id)
            header["sessions"] = member.index + 1
            yield where, record
    if header.get("format") != FORMAT or "sessions" not in header:
        raise BundleError(f"{_where(bundle, None)}: {NOT_A_BUNDLE}")
    if "version" not in header:
        raise BundleError(f"{_where(bundle, None)}: the bundle has no version{NOTHING}")


def _members(bundle: dict | Path) -> Iterator[Member]:
    if isinstance(bundle, dict):
        for key, value in bundle.items():
            if key == "sessions" and isinstance(value, list) and value:
                yield from (Member(key, v, 0, i) for i, v in enumerate(value))
            else:
                yield Member(key, value, 0)
        return
    if not isinstance(bundle, Path):
        raise BundleError(NOT_A_BUNDLE)
    try:
        with bundle.open(encoding="utf-8-sig") as file:  # a BOM, if an editor added one
            yield from members(file, "sessions")
    except JsonStreamError as err:
        raise BundleError(f"{bundle}:{err.line}: not valid JSON: {err.message}{NOTHING}") from None
    except OSError as err:
        raise BundleError(f"cannot read {bundle}: {err.strerror or err}") from None


def _where(bundle: dict | Path, member: Member | None) -> str:
    if isinstance(bundle, Path):
        return f"{bundle}:{member.line}" if member else str(bundle)
    return f"sessions[{member.index}]" if member and member.index is not None else "bundle"


def _check_header(member: Member, where: str) -> None:
    if member.key == "format" and member.value != FORMAT:
        raise BundleError(f"{where}: {NOT_A_BUNDLE}")
    if member.key != "version":
        return
    version = member.value
    if type(version) is not int:
        raise BundleError(
            f"{where}: the bundle version must be a whole number, not {version!r}{NOTHING}"
        )
    if version > VERSION:
        raise BundleError(f"{where}: this bundle was made by a newer roleplay; update to import it")
    if version < 1:
        raise BundleError(f"{where}: unknown bundle version {version}{NOTHING}")


def _record(member: Member, where: str) -> Record:
    try:
        return Record.model_validate(member.value)
    except ValidationError as err:
        raise BundleError(f"{where}: session {member.index + 1}: {problem(err)}{NOTHING}") from None


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _source(bundle: dict | Path) -> str:
    return str(bundle.resolve()) if isinstance(bundle, Path) else "(data)"


@dataclass(frozen=True, slots=True)
class _Rows:
    """One checked session as the tuples to insert: a fraction of its pydantic models' size."""

    where: str
    sid: str
    tables: dict[str, list[tuple]]


def _prepared(where: str, record: Record) -> _Rows:
    # vars(): a model's field values, without model_dump's copy (the rows are made right away).
    tables = {
        "sessions": [writer.row("sessions", vars(record.session))],
        "turns": [writer.row("turns", _turn_values(t)) for t in record.turns],
    }
    for table in ("detections", "reviews", "overrides"):
        tables[table] = [writer.row(table, vars(r)) for r in getattr(record, table)]
    return _Rows(where, record.session.id, tables)


def _turn_values(turn: Turn) -> dict:
    if turn.state is None:
        return vars(turn)
    return {**vars(turn), "state": turn.state.model_dump(exclude_unset=True)}


def _write(store: Store, batch: list[_Rows], import_id: str, result: ImportResult) -> None:
    present = writer.taken(store.db, "sessions", [s.sid for s in batch])
    new = [s for s in batch if s.sid not in present]
    result.skipped += [s.sid for s in batch if s.sid in present]
    _check_new_ids(store, new)
    for table in ("sessions",) + CHILD_TABLES:
        result.added[table] += writer.insert(
            store.db, table, [row for s in new for row in s.tables[table]]
        )
    writer.link(store.db, import_id, [s.sid for s in new])
    result.imported += [s.sid for s in new]


def _check_new_ids(store: Store, new: list[_Rows]) -> None:
    """The ids under a new session must be new too: no clash with rows here, nor in the bundle."""
    for table, kind in (("turns", "turn"), ("reviews", "review"), ("overrides", "override")):
        ids = [(row[0], s.where) for s in new for row in s.tables[table]]  # id is column 0
        clash = writer.taken(store.db, table, [i for i, _ in ids])
        seen: set[str] = set()
        for i, where in ids:
            if i in clash or i in seen:
                raise BundleError(
                    f"{where}: {kind} {i} is already used, here or earlier in this bundle{NOTHING}"
                )
            seen.add(i)
