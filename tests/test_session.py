"""A practice session: scorer -> director -> actor, stored turn by turn, with rewind and endings."""

from __future__ import annotations

import json

import pytest
from test_actor import Scripted

from scoring.embedder import FakeEmbedder
from scoring.scorer import Scorer
from simulator.backends.fake import FakeBackend
from simulator.content import load_library
from simulator.engine.actor import ReplyCancelled
from simulator.engine.session import PracticeSession, SessionError
from simulator.store import Store


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def scorer():
    return Scorer(embedder=FakeEmbedder(), use_cache=False)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "roleplay.db") as opened:
        yield opened


def session_for(library, store=None, backend=None, scorer=None, lang="nl", seed=5):
    return PracticeSession(library, "grumpy", "repeat-visit", lang, backend=backend,
                           scorer=scorer, store=store, trainee="Sam", seed=seed)


def test_unknown_ids_name_the_valid_ones(library):
    with pytest.raises(SessionError, match="unknown persona 'grumpyy'; expected one of: .*grumpy"):
        PracticeSession(library, "grumpyy", "repeat-visit", "nl")
    with pytest.raises(SessionError, match="unknown scenario 'nope'; expected one of: .*boiler"):
        PracticeSession(library, "grumpy", "nope", "nl")
    with pytest.raises(SessionError, match="language 'de'"):
        PracticeSession(library, "grumpy", "repeat-visit", "de")
    forbidden = [(p, s) for s in library.scenarios for p in library.personas
                 if not library.scenarios[s].allows(p)]
    if forbidden:
        pid, sid = forbidden[0]
        with pytest.raises(SessionError, match=f"does not allow persona '{pid}'"):
            PracticeSession(library, pid, sid, "nl")


def test_the_same_seed_gives_the_same_conversation(library):
    def run(seed):
        session = session_for(library, seed=seed)
        lines = [session.opening]
        for behaviours in (["greet_introduce"], ["acknowledge_emotion"], ["open_question"]):
            session.say("...", behaviours=behaviours)
            lines.append(session.reply().text)
        return lines

    assert run(3) == run(3)


def test_each_turn_is_stored_the_moment_it_happens(library, store):
    backend = Scripted(["Nou, kom dan maar binnen."])
    session = session_for(library, store, backend)
    assert session.session_id is None and store.list_sessions() == []  # nothing said yet
    session.say("Goedemiddag, ik ben Sam.", behaviours=["greet_introduce"])
    sid = session.session_id
    turns = store.turns(sid)
    assert [(t["speaker"], t["text"]) for t in turns[:1]] == [("tenant", session.opening)]
    opening = session.director.opening
    assert turns[0]["source"] == "authored" and turns[0]["state"]["stance"] == opening.stance
    stored = turns[-1]
    assert stored["speaker"] == "trainee" and stored["position"] == 1  # before the tenant answers
    assert set(stored["detections"]) == {"greet_introduce"}
    reply = session.reply()
    tenant = store.turns(sid)[-1]
    assert tenant["text"] == reply.text == "Nou, kom dan maar binnen."
    assert tenant["source"] == "model" and tenant["state"]["stance"] == reply.stance
    assert json.loads(tenant["prompt"])[0]["role"] == "system"
    meta = store.session(sid)
    assert meta["persona_id"] == "grumpy" and meta["trainee"] == "Sam" and meta["ended"] is None


def test_scored_turns_store_every_detection(library, store, scorer):
    session = session_for(library, store, scorer=scorer)
    turn = session.say("Goedemiddag, ik ben Sam van Jansen. Wat vervelend voor u.")
    assert turn.score is not None and turn.behaviours == turn.score.detected
    stored = store.turns(session.session_id)[-1]
    assert len(stored["detections"]) == 11


def test_rewind_restores_state_and_storage(library, store):
    session = session_for(library, store)
    session.say("Hallo", behaviours=["greet_introduce"])
    session.reply()
    state, stance = session.state, session.stance
    session.say("Rot op", behaviours=["dismissive"])
    session.reply()
    assert session.state != state
    assert session.rewind()
    assert session.state == state and session.stance == stance
    assert len(store.turns(session.session_id)) == 3  # opening + one exchange
    assert [t.speaker for t in session.history] == ["tenant", "trainee", "tenant"]
    # An unanswered line (the reply was cancelled) is taken back too.
    session.say("Nog iets", behaviours=["open_question"])
    assert session.rewind() and not session.awaiting_reply
    assert len(store.turns(session.session_id)) == 3
    assert session.rewind() and session.rewind() is False


def test_a_cancelled_reply_says_nothing(library, store):
    backend = Scripted(["Nou, kom dan maar binnen, het is in de keuken hoor."])
    session = session_for(library, store, backend)
    session.say("Hallo", behaviours=["greet_introduce"])
    with pytest.raises(ReplyCancelled):
        session.reply(should_stop=lambda: bool(backend.calls))
    sid = session.session_id
    assert session.awaiting_reply and len(store.turns(sid)) == 2
    session.rewind()  # back to the tenant's opening: nothing of the trainee left to keep
    assert session.session_id is None and store.session(sid) is None and store.turns(sid) == []


def test_escalation_ends_with_a_closing_line_and_is_stored(library, store):
    session = session_for(library, store, lang="en")
    while not session.finished:
        session.say("Not my problem.", behaviours=["dismissive"])
        reply = session.reply()
    assert session.outcome == "escalated" and reply.act == "closing"
    assert reply.text in session.persona.closings.escalated.en
    assert store.session(session.session_id)["outcome"] == "escalated"
    with pytest.raises(SessionError, match="ended"):
        session.say("Sorry!", behaviours=["apologize"])


def test_the_trainee_can_end_the_conversation(library, store):
    session = session_for(library, store)
    session.say("Hallo", behaviours=["greet_introduce"])
    session.reply()
    session.end()
    assert session.finished and session.outcome == "ended"
    assert store.session(session.session_id)["outcome"] == "ended"


def test_say_and_reply_must_alternate(library):
    session = session_for(library)
    with pytest.raises(SessionError, match="say"):
        session.reply()
    with pytest.raises(SessionError, match="no scorer"):
        session.say("Hallo")
    with pytest.raises(SessionError, match="empty"):
        session.say("   ", behaviours=[])
    session.say("Hallo", behaviours=[])
    with pytest.raises(SessionError, match="reply"):
        session.say("Nog iets", behaviours=[])
    with pytest.raises(ValueError, match="unknown behaviour"):
        session_for(library).say("Hallo", behaviours=["smile"])


def test_a_broken_backend_never_stalls_the_session(library, store):
    class Down:
        model_id = "down"

        def stream(self, messages, options, should_stop=lambda: False):
            raise RuntimeError("connection refused")
            yield  # pragma: no cover

    session = session_for(library, store, Down(), lang="en")
    for _ in range(3):
        session.say("Hello", behaviours=["greet_introduce"])
        reply = session.reply()
        assert reply.source == "corpus" and reply.text
        assert reply.guard == ["backend: connection refused"]
    texts = [t.text for t in session.tenant_turns]
    assert len(set(texts)) == len(texts)  # authored lines are not repeated


def test_report_and_stored_scores_after_the_end(library, store):
    session = session_for(library, store, lang="en")
    for behaviours in (["greet_introduce", "apologize"], ["acknowledge_emotion"], ["dismissive"]):
        session.say("...", behaviours=behaviours)
        session.reply()
    session.end()
    report = session.report()
    assert report.outcome == "ended" and len(report.timeline) == 4
    assert report.behaviours["greet_introduce"].count == 1
    assert report.behaviours["dismissive"].count == 1
    stored = store.session(session.session_id)
    assert stored["scores"] == report.rubric_scores


def test_hint_and_feedback_with_a_scorer(library, scorer):
    session = session_for(library, scorer=scorer, lang="en")
    turn = session.say("Good afternoon, I'm Sam from Jansen. I'm sorry I'm late.")
    assert turn.feedback is not None
    tip = session.hint()
    assert tip.behaviour and tip.text


def sessions_in(store):
    return store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]


def test_a_session_ended_before_the_trainee_spoke_is_never_stored(library, store):
    session = session_for(library, store)
    session.end()
    assert session.finished and session.session_id is None
    assert sessions_in(store) == 0


def test_a_session_rewound_to_the_opening_and_ended_is_not_stored(library, store):
    session = session_for(library, store)
    session.say("Hallo", behaviours=["greet_introduce"])
    session.reply()
    assert sessions_in(store) == 1
    session.rewind()
    session.end()
    assert session.session_id is None and sessions_in(store) == 0
    # Speaking again stores a fresh session, opening and all.
    again = session_for(library, store)
    again.say("Goedemiddag", behaviours=["greet_introduce"])
    assert [t["speaker"] for t in store.turns(again.session_id)] == ["tenant", "trainee"]


def test_the_session_takes_the_stores_seam_and_the_store_conforms(library, store, scorer):
    from simulator.engine.seams import Backend, SessionStore, TurnScorer

    assert isinstance(store, SessionStore) and isinstance(scorer, TurnScorer)
    assert isinstance(Scripted(["Ja?"]), Backend)


class Prefilling(FakeBackend):
    """FakeBackend that, like the llamacpp back-end, can read a prompt ahead; it notes which."""

    def __init__(self):
        super().__init__(["Nou, vooruit dan maar.", "Dat had eerder gemoeten.", "Goed, kom binnen."])
        self.prefilled: list[list[dict]] = []

    def prefill(self, messages, wanted=lambda: True) -> bool:
        self.prefilled.append(messages)
        return True


def test_a_draft_is_worked_ahead_without_changing_the_conversation(library, scorer):
    """draft() scores, decides and builds the tenant's prompt as if the line were sent, and
    keeps none of it: the conversation goes exactly as without it, and the prompt it read
    ahead is the one the reply then sends first."""
    lines = ["Goedemiddag, ik ben Sam van de corporatie.", "Wat vervelend dat u moest wachten",
             "Mag ik even binnenkomen?"]

    def run(drafting: bool):
        backend = Prefilling()
        session = PracticeSession(library, "grumpy", "repeat-visit", "nl", backend=backend,
                                  scorer=scorer, seed=11)
        said, first_asked = [], []
        for line in lines:
            if drafting:
                session.draft(line[:12])  # typing on: not finished, so no model work
                session.draft(line)  # no model work either unless it ends a sentence
                session.draft(line, settled=True)  # a longer pause
                session.draft(line, settled=True)  # the same line again: read once
            before = len(backend.calls)
            turn = session.say(line)
            reply = session.reply()
            said.append((turn.behaviours, turn.stance, reply.text))
            first_asked.append(backend.calls[before][0])
        return said, backend, first_asked

    plain, _, _ = run(False)
    drafted, backend, first_asked = run(True)
    assert drafted == plain
    so_far = [p for p in backend.prefilled if p[-1] == {"role": "user", "content": ""}]
    assert len(so_far) == len(lines)  # the conversation so far, at the first pause of a turn
    assert [p for p in backend.prefilled if p not in so_far] == first_asked


def test_a_pause_overtaken_by_a_newer_one_leaves_the_model_to_the_newer(library, scorer):
    """Each pause's draft() runs in its own worker: an older one that gets the model after a
    newer one would put its own (stale) prompt back in the cache."""
    backend, session = Prefilling(), None
    older, newer = "Goedemiddag, ik ben Sam.", "Goedemiddag, ik ben Sam van de corporatie."

    def prefill(messages, wanted=lambda: True) -> bool:
        if messages[-2]["content"] == older:  # while it waits for the model, a newer pause
            session.draft(newer, settled=True)
        if not wanted():
            return False
        backend.prefilled.append(messages)
        return True

    backend.prefill = prefill
    session = PracticeSession(library, "grumpy", "repeat-visit", "nl", backend=backend,
                              scorer=scorer, seed=3)
    session.draft(older)
    lines = [m[-2]["content"] for m in backend.prefilled if m[-1]["role"] == "system"]
    assert lines == [newer]
