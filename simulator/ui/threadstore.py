"""The store, usable from the tenant's worker thread.

sqlite3 connections refuse use from another thread than the one that opened them, and the
session writes each turn from the worker that scores and streams it. Rather than share the
connection across threads, calls made off the event loop's thread run on it (call_from_thread
waits for the result), so every write still happens on one thread, in order.
"""

from __future__ import annotations

import functools
import threading
from typing import Any


class ThreadSafeStore:
    def __init__(self, store: Any, app: Any) -> None:
        self._store = store
        self._app = app
        self._owner = threading.get_ident()

    @property
    def wrapped(self) -> Any:
        return self._store

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value) or name.startswith("_"):
            return value

        @functools.wraps(value)
        def call(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() == self._owner:
                return value(*args, **kwargs)
            return self._app.call_from_thread(value, *args, **kwargs)

        return call
