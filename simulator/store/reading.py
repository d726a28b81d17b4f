"""What the store reads: sessions, transcripts, reviews, and whole sessions for a bundle.

A session without a single trainee turn (the tenant's opening alone, left by an older roleplay
or by a crash) is never listed: there is nothing of the trainee in it to review or to count.
"""

from __future__ import annotations

from sqlite_utils import Database

from simulator.store.rows import StoreError, decode, fts_query

SPOKEN = "EXISTS (SELECT 1 FROM turns t WHERE t.session_id = sessions.id AND t.speaker = 'trainee')"
UNDER_TURNS = "SELECT * FROM {} WHERE turn_id IN (SELECT id FROM turns WHERE session_id = ?)"


class StoreReading:
    """The reading half of `Store` (store.py); `db` is its connection."""

    db: Database

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
        """Sessions with at least one trainee turn, newest first. `since`: an ISO date/time
        (UTC); `search`: words in turns."""
        where, params = [SPOKEN], []
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
        sql = "SELECT * FROM sessions WHERE " + " AND ".join(where)
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

    def session_record(self, sid: str) -> dict:
        """The session with every row under it, as a bundle holds it (raw rows, JSON decoded):
        {"session", "turns", "detections", "reviews", "overrides"}; StoreError if unknown."""
        with self.db.atomic():  # one moment, as in turns()
            session = self.session(sid)
            if session is None:
                raise StoreError(f"no session with id {sid}")
            return {
                "session": session,
                "turns": self._rows(
                    "SELECT * FROM turns WHERE session_id = ? ORDER BY position", sid
                ),
                "detections": self._rows(UNDER_TURNS.format("detections"), sid),
                "reviews": self._rows("SELECT * FROM reviews WHERE session_id = ?", sid),
                "overrides": self._rows(UNDER_TURNS.format("overrides"), sid),
            }

    def _rows(self, sql: str, sid: str) -> list[dict]:
        return [decode(r) for r in self.db.query(sql, [sid])]

    def imported_from(self, sid: str) -> dict | None:
        """{"source", "imported"} if `roleplay import` created the session; None if made here."""
        from simulator.store.imports import imported_from

        return imported_from(self.db, sid)
