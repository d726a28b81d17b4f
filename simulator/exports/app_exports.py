"""The export files the app writes on its own, so that deleting a session removes them too.

The report screen saves `roleplay-<session id>.html` under `$ROLEPLAY_HOME/exports/`. Those are
the app's to remove. A file a person saved elsewhere (`roleplay export -o`, a copy they moved or
mailed) is theirs: we cannot know where it went, and say so instead.
"""

from __future__ import annotations

from pathlib import Path

from simulator import paths

SUFFIXES = (".html", ".md", ".csv", ".json")
USER_COPIES = (
    "Copies saved elsewhere (`roleplay export -o`, files moved or e-mailed) are not tracked: "
    "delete those yourself."
)


def folder() -> Path:
    """Where the app puts the exports it writes by itself (resolved at call time)."""
    return paths.home() / "exports"


def path_for(sid: str, suffix: str = ".html") -> Path:
    return folder() / f"roleplay-{sid}{suffix}"


def remove_for(sid: str) -> list[Path]:
    """Remove the app's own exports of session `sid`; the paths removed. OSError if one stays.

    Names are compared exactly, never globbed: an id is not a pattern.
    """
    where = folder()
    if not where.is_dir():
        return []
    names = {path_for(sid, suffix).name for suffix in SUFFIXES}
    removed = []
    for path in sorted(where.iterdir()):
        if path.name in names and path.is_file():
            path.unlink()
            removed.append(path)
    return removed
