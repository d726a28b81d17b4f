"""What the app remembers between runs (trainee name, language): a small JSON in the home dir."""

from __future__ import annotations

import json

from simulator import paths


def _path():
    return paths.home() / "ui.json"


def load_prefs() -> dict:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_prefs(**values: object) -> None:
    data = load_prefs() | {k: v for k, v in values.items() if v is not None}
    try:
        _path().write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # remembering the name is a convenience; never fail a session over it
