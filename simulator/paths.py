"""Where user data lives. Resolved at call time so tests (and users) can redirect it."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "roleplay"


def home() -> Path:
    """The one directory for database, model caches and config: $ROLEPLAY_HOME or the platform's."""
    env = os.environ.get("ROLEPLAY_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    env = os.environ.get("ROLEPLAY_DB")
    return Path(env).expanduser() if env else home() / "roleplay.db"


def cache_dir(kind: str) -> Path:
    """A cache folder, e.g. cache_dir("models") or cache_dir("embeddings").

    $ROLEPLAY_CACHE_DIR moves caches out of the home (the tests share one across the run).
    """
    env = os.environ.get("ROLEPLAY_CACHE_DIR")
    path = (Path(env).expanduser() if env else home() / "cache") / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


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
