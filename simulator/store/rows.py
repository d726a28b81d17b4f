"""Rows as the store hands them out (JSON columns decoded, flags as bools), and its error."""

from __future__ import annotations

import json
from typing import Any, Protocol

JSON_COLUMNS = ("options", "guard", "state", "scores")


class StoreError(Exception):
    """A problem a user can cause or fix (message is one readable line)."""


def dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def decode(row: dict) -> dict:
    """A row with its JSON columns decoded and consent as a bool."""
    row = dict(row)
    for key in JSON_COLUMNS:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    if "consent" in row:
        row["consent"] = bool(row["consent"])
    return row


def fts_query(text: str) -> str:
    """Words as quoted FTS5 phrases, so user input never hits FTS syntax (AND, *, quotes)."""
    words = text.split()
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


class Detected(Protocol):
    """A behaviour the scorer looked for in a trainee turn (scoring.scorer.Detection)."""

    behaviour: str
    detected: bool
    confidence: float | None
    sentence: str | None
    exemplar: str | None
