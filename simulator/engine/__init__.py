"""The tenant engine: director (rules), actor (language model) with guard, practice sessions.

Nothing here imports torch, transformers or textual; back-ends load their models lazily.
"""

from simulator.engine.actor import ReplyCancelled, TenantActor, TenantLine
from simulator.engine.director import Decision, Director, TenantState
from simulator.engine.guard import Guard
from simulator.engine.session import PracticeSession, SessionError, TenantTurn, TraineeTurn

__all__ = [
    "Decision", "Director", "Guard", "PracticeSession", "ReplyCancelled", "SessionError",
    "TenantActor", "TenantLine", "TenantState", "TenantTurn", "TraineeTurn",
]
