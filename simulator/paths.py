"""Where user data lives. Resolved at call time so tests (and users) can redirect it."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "roleplay"
FIX_HOME = "set ROLEPLAY_HOME to a folder you can write to"


class HomeError(Exception):
    """A data folder that cannot be made or used (a file in its way, a read-only disk); the
    message is one readable line that says what to change."""


def ensure_folder(path: Path, what: str, fix: str) -> Path:
    """`path`, created if needed; HomeError if it cannot be. `what` names the folder in the
    message, `fix` says what to change (e.g. "set ROLEPLAY_HOME to a folder you can write to")."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise HomeError(
            f"{what} {path} is a file, not a folder; move the file away or {fix}"
        ) from None
    except NotADirectoryError:
        raise HomeError(
            f"{what} {path} cannot be made: {_file_in_the_way(path)} is a file, not a folder; {fix}"
        ) from None
    except OSError as err:
        raise HomeError(f"cannot make {what} {path} ({err.strerror or err}); {fix}") from None
    return path


def _file_in_the_way(path: Path) -> Path:
    """The nearest existing parent of `path` that is not a folder."""
    for parent in path.parents:
        if parent.exists():
            return parent
    return path


def home() -> Path:
    """The one directory for database, model caches and config: $ROLEPLAY_HOME or the platform's."""
    env = os.environ.get("ROLEPLAY_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return ensure_folder(path, "$ROLEPLAY_HOME" if env else "the data folder", FIX_HOME)


def db_path() -> Path:
    env = os.environ.get("ROLEPLAY_DB")
    return Path(env).expanduser() if env else home() / "roleplay.db"


def cache_dir(kind: str) -> Path:
    """A cache folder, e.g. cache_dir("models") or cache_dir("embeddings").

    $ROLEPLAY_CACHE_DIR moves caches out of the home (the tests share one across the run).
    """
    env = os.environ.get("ROLEPLAY_CACHE_DIR")
    path = (Path(env).expanduser() if env else home() / "cache") / kind
    fix = "set ROLEPLAY_CACHE_DIR to a folder you can write to" if env else FIX_HOME
    return ensure_folder(path, "the cache folder", fix)


def config_path() -> Path:
    return home() / "config.toml"


def content_dir(kind: str) -> Path:
    """The shipped personas/ or scenarios/ folder: in the wheel, or at the repo root when editable."""
    package = Path(__file__).resolve().parent
    installed = package / "_content" / kind
    return installed if installed.is_dir() else package.parent / kind


def user_content_dir(kind: str) -> Path:
    """A trainer's own personas/ or scenarios/ under the home; they add to the shipped ones."""
    return home() / kind
