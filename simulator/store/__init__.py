"""The session store (SQLite through sqlite-utils): see docs/architecture.md, "Store".

Every query lives in this package; the rest of roleplay calls `Store` methods (and the review and
agreement functions here), never its connection.
"""

from simulator.store.imports import ImportClash, Imported, SessionRows
from simulator.store.imports import row as table_row
from simulator.store.migrations import NewerDatabaseError
from simulator.store.store import Store, StoreError
from simulator.store.wipe import WipePending

__all__ = [
    "ImportClash", "Imported", "NewerDatabaseError", "SessionRows", "Store", "StoreError",
    "WipePending", "table_row",
]
