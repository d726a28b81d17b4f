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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from simulator import __version__
from simulator.exports.bundle_schema import Record, Turn, problem
from simulator.exports.jsonstream import JsonStreamError, Member, members
from simulator.store import ImportClash, SessionRows, Store, StoreError, table_row
from simulator.store.ids import utc_now

FORMAT = "roleplay-bundle"
VERSION = 1
NOTHING = "; nothing was imported"
NOT_A_BUNDLE = "this file is not a roleplay bundle (made with `roleplay export --format json`)"


class BundleError(StoreError):
    """What is wrong with a bundle, as one line; nothing was imported."""


def session_record(store: Store, sid: str) -> dict:
    return store.session_record(sid)


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
    sessions = (_prepared(where, record) for where, record in records(bundle, {}))
    try:
        done = store.import_sessions(sessions, source=result.source, header=header)
    except BundleError:
        raise
    except ImportClash as err:
        raise BundleError(f"{err}{NOTHING}") from None
    except StoreError as err:  # locked, full, read-only
        raise StoreError(f"{err}{NOTHING}") from None
    result.imported, result.skipped, result.added = done.imported, done.skipped, done.added
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


def _source(bundle: dict | Path) -> str:
    return str(bundle.resolve()) if isinstance(bundle, Path) else "(data)"


def _prepared(where: str, record: Record) -> SessionRows:
    # vars(): a model's field values, without model_dump's copy (the rows are made right away).
    tables = {
        "sessions": [table_row("sessions", vars(record.session))],
        "turns": [table_row("turns", _turn_values(t)) for t in record.turns],
    }
    for table in ("detections", "reviews", "overrides"):
        tables[table] = [table_row(table, vars(r)) for r in getattr(record, table)]
    return SessionRows(where, record.session.id, tables)


def _turn_values(turn: Turn) -> dict:
    if turn.state is None:
        return vars(turn)
    return {**vars(turn), "state": turn.state.model_dump(exclude_unset=True)}
