"""Numbered schema migrations (sqlite-utils `Migrations`), applied whenever a store is opened.

Never edit a step that has shipped: add a new `mNNN_` step. A database that has steps this code
does not know was written by a newer roleplay; `check_not_newer` refuses to touch it.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("roleplay")


class NewerDatabaseError(Exception):
    """The database has migrations this version of roleplay does not know."""


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            trainee TEXT NOT NULL DEFAULT '',
            persona_id TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'practice',
            backend TEXT,
            model_id TEXT,
            options TEXT,            -- JSON
            persona_hash TEXT,
            scenario_hash TEXT,
            started TEXT NOT NULL,   -- UTC ISO 8601
            ended TEXT,              -- NULL while unfinished (or interrupted)
            outcome TEXT,
            consent INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idx_sessions_started ON sessions(started);
        CREATE INDEX idx_sessions_trainee ON sessions(trainee, started);
        CREATE TABLE turns (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            speaker TEXT NOT NULL CHECK (speaker IN ('trainee', 'tenant')),
            text TEXT NOT NULL,
            created TEXT NOT NULL,
            latency_ms REAL,
            first_token_ms REAL,
            prompt TEXT,             -- JSON of the messages the model saw
            source TEXT,             -- model | fallback | authored
            guard TEXT,              -- JSON list of guard reasons
            state TEXT,              -- JSON {irritation, trust, stance, act}
            UNIQUE (session_id, position)
        );
        CREATE TABLE detections (
            turn_id TEXT NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
            behaviour TEXT NOT NULL,
            detected INTEGER NOT NULL,
            confidence REAL,
            sentence TEXT,
            exemplar TEXT,
            PRIMARY KEY (turn_id, behaviour)
        );
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL,
            comment TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX idx_reviews_session ON reviews(session_id);
        CREATE TABLE overrides (
            id TEXT PRIMARY KEY,
            turn_id TEXT NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
            behaviour TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            agree INTEGER NOT NULL,  -- 1: the detection was right; 0: the opposite is true
            created TEXT NOT NULL,
            UNIQUE (turn_id, behaviour, reviewer)
        );
        """
    )


@MIGRATIONS()
def m002_session_scores(db: Database) -> None:
    # Per-rubric scores (0-100) computed when the session ends, JSON {"listening": 72, ...}.
    db.execute("ALTER TABLE sessions ADD COLUMN scores TEXT")


@MIGRATIONS()
def m003_turns_fts(db: Database) -> None:
    # remove_diacritics: "cafe" finds "café"; Dutch text has accents (ideeën, één).
    db["turns"].enable_fts(["text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@MIGRATIONS()
def m004_imports(db: Database) -> None:
    # Where imported sessions came from: one row per `roleplay import`, one link per session it
    # created. A table of its own, so a session's own row stays as it was exported.
    db.executescript(
        """
        CREATE TABLE imports (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,    -- the bundle file, as an absolute path
            imported TEXT NOT NULL,  -- UTC ISO 8601
            exported TEXT,           -- the bundle's own header: when and by which roleplay
            roleplay TEXT
        );
        CREATE TABLE imported_sessions (
            session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            import_id TEXT NOT NULL REFERENCES imports(id)
        );
        CREATE INDEX idx_imported_sessions_import ON imported_sessions(import_id);
        """
    )


def known_names() -> list[str]:
    return [m.name for m in MIGRATIONS._migrations]


def check_not_newer(db: Database, where: str) -> None:
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in set(known_names())]
    if unknown:
        raise NewerDatabaseError(
            f"{where} was written by a newer version of roleplay (schema step {unknown[-1]}); "
            "update roleplay to open it"
        )


def migrate(db: Database, where: str, stop_before: str | None = None) -> None:
    check_not_newer(db, where)
    MIGRATIONS.apply(db, stop_before=stop_before)
