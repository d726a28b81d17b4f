"""The session store (SQLite through sqlite-utils): see docs/architecture.md, "Store"."""

from simulator.store.migrations import NewerDatabaseError
from simulator.store.store import Store, StoreError

__all__ = ["NewerDatabaseError", "Store", "StoreError"]
