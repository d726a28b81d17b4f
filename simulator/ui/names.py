"""Display names of behaviours: the one table in simulator.vocabulary (shared with exports)."""

from __future__ import annotations

from simulator.vocabulary import behaviour_name, is_negative

__all__ = ["behaviour_name", "is_negative"]

