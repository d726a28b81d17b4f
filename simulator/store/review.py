"""Who may see a session, and the team leader's reviews and overrides.

The model, kept simple on purpose (this is a privacy default, not access control against someone
who can read the database file):
- a trainee (`Viewer(trainee=NAME)`) sees all of their own sessions, shared or not;
- everyone else (a reviewer, or nobody in particular) sees only sessions whose trainee consented
  to share them with the team leader.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.store.ids import new_id, utc_now
from simulator.store.store import Store, StoreError
from simulator.vocabulary import BEHAVIOURS


@dataclass(frozen=True)
class Viewer:
    reviewer: str | None = None
    trainee: str | None = None

    @property
    def is_owner_view(self) -> bool:
        """Acting as a trainee looking at their own sessions (no reviewer given)."""
        return self.trainee is not None and self.reviewer is None

    def can_see(self, session: dict) -> bool:
        if self.is_owner_view and session["trainee"] == self.trainee:
            return True
        return bool(session["consent"])


def visible_session(store: Store, prefix: str, viewer: Viewer) -> dict:
    """Resolve an id (prefix) to a session this viewer may see, or StoreError."""
    session = store.resolve(prefix)
    if not viewer.can_see(session):
        raise StoreError(
            f"session {session['id']} is not shared with the team leader "
            "(the trainee did not give consent)"
        )
    return session


def deletable_session(store: Store, prefix: str, viewer: Viewer) -> dict:
    """Resolve an id (prefix) to a session this viewer may delete: only its own trainee may.

    Seeing a shared session is not enough: a team leader (or anyone naming another trainee)
    reads it, but only the person who practised decides that it goes.
    """
    if viewer.reviewer is not None:
        raise StoreError(
            "a team leader cannot delete a trainee's session; only the trainee can "
            "(sessions delete ID --trainee NAME)"
        )
    if viewer.trainee is None:
        raise StoreError("only a session's own trainee can delete it: give --trainee NAME")
    session = store.resolve(prefix)
    if session["trainee"] != viewer.trainee:
        raise StoreError(
            f"session {session['id']} is not {viewer.trainee}'s; only its own trainee can delete "
            "it (--trainee NAME)"
        )
    return session


def list_visible(store: Store, viewer: Viewer, **filters) -> list[dict]:
    """Sessions this viewer may see; `filters` as Store.list_sessions."""
    if viewer.is_owner_view:
        return store.list_sessions(trainee=viewer.trainee, **filters)
    return store.list_sessions(trainee=viewer.trainee, shared_only=True, **filters)


def add_review(store: Store, sid: str, reviewer: str, comment: str) -> str:
    if not reviewer.strip() or not comment.strip():
        raise StoreError("a review needs a reviewer name and a comment")
    rid = new_id()
    store.db["reviews"].insert(
        {
            "id": rid,
            "session_id": sid,
            "reviewer": reviewer.strip(),
            "comment": comment.strip(),
            "created": utc_now(),
        }
    )
    return rid


def trainee_turn(store: Store, sid: str, number: int) -> dict:
    """The turn shown as `number` (1-based: position + 1), which must be the trainee's."""
    rows = list(
        store.db.query(
            "SELECT id, speaker FROM turns WHERE session_id = ? AND position = ?", [sid, number - 1]
        )
    )
    if not rows:
        raise StoreError(f"session {sid} has no turn {number}")
    if rows[0]["speaker"] != "trainee":
        raise StoreError(f"turn {number} is the tenant's; behaviours are scored on trainee turns")
    return rows[0]


def override(
    store: Store, sid: str, number: int, behaviour: str, agree: bool, reviewer: str
) -> dict:
    """Record that `reviewer` agrees or disagrees with the automatic label for one behaviour.

    A missing detection row counts as "not detected". A reviewer's later verdict on the same
    detection replaces the earlier one. Returns {"detected": auto label, "human": label}.
    """
    if behaviour not in BEHAVIOURS:
        raise StoreError(
            f"unknown behaviour {behaviour!r}; expected one of {', '.join(BEHAVIOURS)}"
        )
    if not reviewer.strip():
        raise StoreError("an override needs the reviewer's name")
    turn = trainee_turn(store, sid, number)
    store.db.execute(
        "INSERT INTO overrides (id, turn_id, behaviour, reviewer, agree, created)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (turn_id, behaviour, reviewer)"
        " DO UPDATE SET agree = excluded.agree, created = excluded.created",
        [new_id(), turn["id"], behaviour, reviewer.strip(), int(agree), utc_now()],
    )
    rows = list(
        store.db.query(
            "SELECT detected FROM detections WHERE turn_id = ? AND behaviour = ?",
            [turn["id"], behaviour],
        )
    )
    detected = bool(rows and rows[0]["detected"])
    return {"detected": detected, "human": detected if agree else not detected}


def judge(store: Store, sid: str, number: int, behaviour: str, shown: bool, reviewer: str) -> dict:
    """Record what the trainee did (`shown`), whatever the scorer said: adds a missed behaviour
    or removes a wrong detection. Stored as an override, so κ and calibration read it alike."""
    turn = trainee_turn(store, sid, number)
    rows = list(store.db.query(
        "SELECT detected FROM detections WHERE turn_id = ? AND behaviour = ?",
        [turn["id"], behaviour]))
    detected = bool(rows and rows[0]["detected"])
    return override(store, sid, number, behaviour, shown == detected, reviewer)


def final_labels(turn: dict) -> dict[str, bool]:
    """Behaviour -> shown, after the team leaders' overrides (the latest verdict wins)."""
    auto = {b: bool(d["detected"]) for b, d in turn.get("detections", {}).items()}
    labels = dict(auto)
    for row in turn.get("overrides", []):
        shown = auto.get(row["behaviour"], False)
        labels[row["behaviour"]] = shown if row["agree"] else not shown
    return labels


def reviewed_items(store: Store) -> list:
    """Every trainee turn a team leader judged, as a labelled item (scoring.evaluation.Item).

    The labels are what the team leaders decided: their verdicts where they gave one, the
    scorer's label for the behaviours of that turn they left alone (they saw the badges and let
    them stand). Context is rebuilt from the transcript as the session gave it to the scorer:
    the tenant's line before, the trainee turn's index, and whether it was the last one.
    """
    from scoring.evaluation import Item

    rows = store.db.query(
        "SELECT DISTINCT t.session_id FROM overrides o JOIN turns t ON t.id = o.turn_id"
        " ORDER BY t.session_id"
    )
    items = []
    for sid in [r["session_id"] for r in rows]:
        session = store.session(sid)
        turns = store.turns(sid)
        trainee = [t for t in turns if t["speaker"] == "trainee"]
        tenant_before, index = "", 0
        for turn in turns:
            if turn["speaker"] == "tenant":
                tenant_before = turn["text"]
                continue
            if turn["overrides"]:
                labels = tuple(b for b, shown in final_labels(turn).items() if shown)
                items.append(Item(turn["id"], session["lang"], turn["text"], labels,
                                  tenant_before, index, turn is trainee[-1]))
            index += 1
    return items
