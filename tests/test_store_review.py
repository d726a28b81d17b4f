"""Who sees what, team-leader overrides, and Cohen's kappa."""

from __future__ import annotations

import pytest
from test_store_sample import make_session

from simulator.store import Store, StoreError
from simulator.store.agreement import agreement, cohen_kappa
from simulator.store.review import (
    Viewer,
    add_review,
    list_visible,
    override,
    visible_session,
)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        yield store


def test_reviewers_see_only_shared_sessions_and_trainees_all_their_own(store):
    shared = make_session(store, trainee="Sander", consent=True)
    private = make_session(store, trainee="Sander", consent=False)
    other = make_session(store, trainee="Piet", consent=False)
    leader = Viewer(reviewer="Anja")
    assert [s["id"] for s in list_visible(store, leader)] == [shared]
    assert {s["id"] for s in list_visible(store, Viewer(trainee="Sander"))} == {shared, private}
    assert [s["id"] for s in list_visible(store, Viewer())] == [shared]
    assert list_visible(store, Viewer(reviewer="Anja", trainee="Piet")) == []
    with pytest.raises(StoreError, match="not shared"):
        visible_session(store, private, leader)
    with pytest.raises(StoreError, match="not shared"):
        visible_session(store, other, Viewer(trainee="Sander"))
    assert visible_session(store, private, Viewer(trainee="Sander"))["id"] == private
    store.set_consent(private, True)
    assert visible_session(store, private, leader)["id"] == private


def test_override_flips_or_confirms_the_automatic_label(store):
    sid = make_session(store)
    # Turn 2 (1-based, as in `show`) is the trainee's greeting: greet_introduce was detected.
    assert override(store, sid, 2, "greet_introduce", False, "Anja") == {
        "detected": True,
        "human": False,
    }
    assert override(store, sid, 2, "open_question", True, "Anja") == {
        "detected": False,
        "human": False,
    }
    # A reviewer changing their mind replaces the earlier verdict.
    override(store, sid, 2, "greet_introduce", True, "Anja")
    rows = store.turns(sid)[1]["overrides"]
    assert [(r["behaviour"], r["agree"]) for r in rows] == [
        ("open_question", True),
        ("greet_introduce", True),
    ]


@pytest.mark.parametrize(
    "number, behaviour, message",
    [(1, "paraphrase", "tenant"), (99, "paraphrase", "no turn 99"), (2, "smiles", "unknown")],
)
def test_override_rejects_bad_targets(store, number, behaviour, message):
    sid = make_session(store)
    with pytest.raises(StoreError, match=message):
        override(store, sid, number, behaviour, True, "Anja")


def test_review_needs_a_comment(store):
    sid = make_session(store)
    with pytest.raises(StoreError):
        add_review(store, sid, "Anja", "   ")
    add_review(store, sid, "Anja", "Goed begin")
    assert [r["comment"] for r in store.reviews(sid)] == ["Goed begin"]


def test_cohen_kappa_matches_a_hand_computation():
    auto = [1, 1, 0, 0, 1, 0, 1, 1]
    human = [1, 0, 0, 0, 1, 1, 1, 1]
    # observed 6/8; chance 0.625^2 + 0.375^2 = 0.53125; kappa = 0.21875 / 0.46875
    assert cohen_kappa(list(zip(map(bool, auto), map(bool, human), strict=True))) == pytest.approx(
        0.21875 / 0.46875
    )
    assert cohen_kappa([(True, True)] * 5) is None  # one label only: undefined
    assert cohen_kappa([]) is None
    assert cohen_kappa([(True, True), (False, False)]) == 1.0
    assert cohen_kappa([(True, False), (False, True)]) == -1.0


def test_agreement_per_behaviour_and_overall(store):
    sid = make_session(store)
    override(store, sid, 2, "greet_introduce", True, "Anja")  # yes / yes
    override(store, sid, 4, "greet_introduce", True, "Anja")  # no / no
    override(store, sid, 6, "ask_permission", False, "Anja")  # yes / no
    override(store, sid, 8, "open_question", True, "Anja")  # no / no
    result = agreement(store)
    greet = result["behaviours"]["greet_introduce"]
    assert (greet["items"], greet["agree"], greet["kappa"]) == (2, 2, 1.0)
    assert result["behaviours"]["ask_permission"]["kappa"] == 0.0  # po 0, pe 0
    assert result["behaviours"]["paraphrase"]["items"] == 0
    overall = result["overall"]
    assert (overall["items"], overall["agree"], overall["disagree"]) == (4, 3, 1)
    # pairs: (T,T) (F,F) (T,F) (F,F): po .75, pe .5*.25+.5*.75 = .5, kappa .5
    assert overall["kappa"] == pytest.approx(0.5)


def test_a_team_leader_adds_a_behaviour_the_scorer_missed(store):
    from simulator.store.review import final_labels, judge

    sid = make_session(store)
    # Turn 4: "Dat is ook echt vervelend, zeker met kleine kinderen in huis." -- the scorer said
    # acknowledge_emotion only; the team leader hears a paraphrase of the tenant too.
    assert judge(store, sid, 4, "paraphrase", True, "Anja") == {"detected": False, "human": True}
    # ...and removes a wrong detection by saying what the trainee did, not what the scorer did.
    assert judge(store, sid, 4, "acknowledge_emotion", False, "Anja") == {
        "detected": True, "human": False}
    labels = final_labels(store.turns(sid)[3])
    assert labels["paraphrase"] is True and labels["acknowledge_emotion"] is False
    pairs = agreement(store)["behaviours"]
    assert (pairs["paraphrase"]["items"], pairs["paraphrase"]["disagree"]) == (1, 1)


def test_reviewed_turns_become_labelled_items_with_their_context(store):
    from simulator.store.review import judge, reviewed_items

    sid = make_session(store)
    make_session(store, trainee="Piet")  # nobody reviewed this one: it teaches nothing
    judge(store, sid, 4, "paraphrase", True, "Anja")
    judge(store, sid, 8, "dismissive", True, "Anja")  # agrees with the scorer
    items = reviewed_items(store)
    assert [it.text for it in items] == [
        "Dat is ook echt vervelend, zeker met kleine kinderen in huis.",
        "Dat had u zelf ook wel kunnen dichtkitten hoor.",
    ]
    first, last = items
    # Labels: the verdicts, and the scorer's labels the team leader let stand.
    assert set(first.labels) == {"acknowledge_emotion", "paraphrase"}
    assert first.tenant_said.startswith("Ja, dat zeggen ze allemaal")
    assert (first.turn_index, first.is_last, first.lang) == (1, False, "nl")
    assert set(last.labels) == {"dismissive"} and last.is_last and last.turn_index == 3


def test_kappa_is_withheld_below_the_minimum_number_of_judgements(store):
    from simulator.store.agreement import KAPPA_MIN

    sid = make_session(store)
    override(store, sid, 2, "greet_introduce", True, "Anja")
    override(store, sid, 4, "greet_introduce", True, "Anja")
    assert agreement(store)["overall"]["items"] == 2 < KAPPA_MIN
