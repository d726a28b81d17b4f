"""What a practice session needs from its collaborators: a back-end, a scorer and a store.

Structural types (Protocols): `scoring.scorer.Scorer` is a `TurnScorer` and
`simulator.store.Store` a `SessionStore` without naming them, so the engine depends on neither
the store nor the scorer's models, and a test can pass its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from simulator.backends.base import Backend

if TYPE_CHECKING:
    from scoring.embedder import Embedder
    from scoring.scorer import Detection, TurnScore

__all__ = ["Backend", "SessionStore", "TurnScorer"]


@runtime_checkable
class TurnScorer(Protocol):
    """Finds the behaviours in a trainee's line (`scoring.scorer.Scorer`)."""

    embedder: Embedder | None  # the tenant's corpus compares lines with it (None: words only)

    def score_turn(
        self,
        text: str,
        lang: str,
        tenant_said: str = "",
        turn_index: int = 0,
        is_last: bool = False,
    ) -> TurnScore: ...

    def read_ahead(self, tenant_said: str, draft: str = "") -> None:
        """Prepare for the trainee's answer to this tenant line, and to what they have typed
        of it so far (`draft`), while they type; the turn then does only what is new."""


@runtime_checkable
class SessionStore(Protocol):
    """Keeps a session turn by turn (`simulator.store.Store`): each call is on disk when it
    returns, so a crash loses nothing already said."""

    def start_session(
        self,
        *,
        trainee: str,
        persona_id: str,
        scenario_id: str,
        lang: str,
        mode: str,
        backend: str | None,
        model_id: str | None,
        options: dict | None,
        persona_hash: str | None,
        scenario_hash: str | None,
        consent: bool,
        opening: str | None,
        opening_state: dict | None,
        first_words: dict | None = None,
    ) -> str: ...

    def add_trainee_turn(
        self, sid: str, *, text: str, state: dict | None, detections: Iterable[Detection]
    ) -> str: ...

    def add_tenant_turn(
        self,
        sid: str,
        *,
        text: str,
        source: str,
        state: dict | None,
        guard: list | None,
        latency_ms: float | None,
        first_token_ms: float | None,
        prompt: list[dict[str, str]] | None,
    ) -> str: ...

    def remove_turns_from(self, sid: str, position: int) -> None: ...

    def discard_if_empty(self, sid: str) -> bool: ...

    def end_session(self, sid: str, outcome: str, scores: dict | None = None) -> None: ...
