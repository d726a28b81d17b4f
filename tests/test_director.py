"""The director follows the content semantics of docs/architecture.md, deterministically."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.behaviours import BEHAVIOURS, LANGS
from simulator.content import load_library, load_persona
from simulator.content.persona import Persona
from simulator.content.scenario import Scenario
from simulator.engine.director import Director, TenantState
from simulator.engine.session import PracticeSession

TEMPLATE = Path(__file__).resolve().parent.parent / "simulator/content/templates/persona.yaml"
EMPATHETIC = [
    ["greet_introduce", "ask_permission"],
    ["acknowledge_emotion", "apologize"],
    ["open_question"],
    ["paraphrase", "explain_plan"],
    ["care_for_home", "check_understanding"],
    ["close_next_steps"],
]
DISMISSIVE = [["dismissive"]] * 6


def scenario(**overrides) -> Scenario:
    data = {
        "schema_version": 1,
        "title": {"nl": "Lekkage", "en": "Leak"},
        "situation": {"nl": "Een lekkende kraan.", "en": "A leaking tap."},
        "briefing": {"nl": "Repareer de kraan.", "en": "Fix the tap."},
        "facts": [
            {"id": "leak", "text": {"nl": "De kraan lekt.", "en": "The tap leaks."}},
            {"id": "rent", "text": {"nl": "Huur achterstand.", "en": "Rent arrears."},
             "reveal": {"min_trust": 6}},
            {"id": "dog", "text": {"nl": "Er is een hond.", "en": "There is a dog."},
             "reveal": {"behaviour": "open_question"}},
        ],
        "turn_limit": 8,
        "resolution": {"description": {"nl": "Klaar.", "en": "Done."}, "min_turns": 3},
    }
    data.update(overrides)
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def persona() -> Persona:
    return load_persona(TEMPLATE)  # start 4/4, drift 0.1


def unlimited(persona: Persona) -> Persona:
    """The persona without a step limit: one reply may move it all the way."""
    return Persona.model_validate({**persona.model_dump(),
                                   "step_limit": {"irritation": 10, "trust": 10}})


def with_acts(persona: Persona, stance: str, acts: dict) -> Persona:
    repertoire = persona.model_dump()["repertoire"]
    repertoire[stance] = acts
    # The template's exchanges use its own acts; they are not what these tests are about.
    return Persona.model_validate({**persona.model_dump(), "repertoire": repertoire,
                                   "exchanges": {}})


def test_starts_in_the_persona_start_state(persona):
    director = Director(persona, scenario())
    assert director.state == TenantState(4, 4)
    assert director.stance == "guarded" and director.turns == 0 and not director.finished


def test_reactions_then_drift_back_toward_the_start(persona):
    director = Director(persona, scenario())
    decision = director.observe(["acknowledge_emotion"])  # -1 irritation, +1 trust
    assert decision.state.irritation == pytest.approx(3 + 0.1 * (4 - 3))
    assert decision.state.trust == pytest.approx(5 + 0.1 * (4 - 5))
    assert decision.behaviours == ("acknowledge_emotion",)


def test_no_behaviour_drifts_back_to_the_start(persona):
    director = Director(persona, scenario())
    director.observe(["dismissive"])  # 6 / 2, drifted to 5.8 / 2.2
    state = director.observe([]).state
    assert state.irritation == pytest.approx(5.8 + 0.1 * (4 - 5.8))
    assert state.trust == pytest.approx(2.2 + 0.1 * (4 - 2.2))


def test_a_behaviour_given_twice_counts_once(persona):
    once = Director(persona, scenario()).observe(["dismissive"]).state
    twice = Director(persona, scenario()).observe(["dismissive", "dismissive"]).state
    assert once == twice


def test_state_is_clamped_to_0_and_10(persona):
    director = Director(persona, scenario(turn_limit=50))
    for _ in range(3):
        state = director.observe(["dismissive"]).state
        assert 0 <= state.trust <= 10 and 0 <= state.irritation <= 10
    good = Director(unlimited(persona), scenario(turn_limit=50))
    state = good.observe([b for b in BEHAVIOURS if b != "dismissive"]).state
    # 4 - 5.5 = -1.5, drift to -0.95, clamped to 0; trust 4 + 8 = 12, drift to 11.2, clamped to 10
    assert state == TenantState(0, 10)


def test_stacking_every_behaviour_in_one_reply_moves_the_tenant_one_step(persona):
    state = Director(persona, scenario()).observe([b for b in BEHAVIOURS if b != "dismissive"]).state
    # irritation 4 - 5.5 is capped at 4 - 1.5 = 2.5, drift to 2.65; trust 4 + 8 capped at 5.5 -> 5.35
    assert state == TenantState(2.65, 5.35)
    one = Director(persona, scenario()).observe(["acknowledge_emotion"]).state
    assert one == TenantState(3.1, 4.9)  # below the limit a behaviour counts in full


def test_a_repeated_behaviour_counts_half_as_much_each_time(persona):
    # open_question gives trust +1: 1, 0.5, 0.25, 0.125 before drift (undone here: start 4, 0.1)
    moves = []
    d = Director(persona, scenario(turn_limit=50))
    for _ in range(4):
        t = d.state.trust
        d.observe(["open_question"])
        moves.append(round((d.state.trust - 0.1 * 4) / 0.9 - t, 3))
    assert moves == [1.0, 0.5, 0.25, 0.125]


def test_a_dismissive_remark_hurts_as_much_the_second_time(persona):
    director = Director(persona, scenario(turn_limit=50))
    first = director.observe(["dismissive"]).state.irritation - 4
    before = director.state.irritation
    second = director.observe(["dismissive"]).state.irritation
    assert round((second - 0.4) / 0.9 - before, 3) == round((first + 4 - 0.4) / 0.9 - 4, 3) == 2


def test_clamping_with_extreme_reactions(persona):
    data = persona.model_dump()
    data["reactions"]["dismissive"] = {"irritation": 10, "trust": -10}
    data["reactions"]["apologize"] = {"irritation": -10, "trust": 10}
    data["step_limit"] = {"irritation": 10, "trust": 10}
    extreme = Persona.model_validate(data)
    up = Director(extreme, scenario()).observe(["dismissive"])
    assert up.state == TenantState(10, 0) and up.outcome == "escalated"
    down = Director(extreme, scenario()).observe(["apologize"]).state
    assert down == TenantState(0, 10)


def test_unknown_behaviour_ids_are_rejected_without_changing_anything(persona):
    director = Director(persona, scenario())
    with pytest.raises(ValueError, match="unknown behaviour id.*smile"):
        director.observe(["greet_introduce", "smile"])
    assert director.state == TenantState(4, 4) and director.turns == 0


@pytest.mark.parametrize("seed", range(20))
def test_never_the_same_act_three_times_in_a_row(persona, seed):
    two = with_acts(persona, "guarded", {
        "ask_question": {"nl": ["a", "b", "c"], "en": ["a", "b", "c"]},
        "hesitate": {"nl": ["d", "e", "f"], "en": ["d", "e", "f"]},
    })
    for p in (persona, two):  # the template has one act per stance: it must borrow one
        director = Director(p, scenario(turn_limit=50), seed=seed)
        acts = [director.opening.act] + [director.observe([]).act for _ in range(30)]
        triples = [acts[i] for i in range(len(acts) - 2) if len(set(acts[i:i + 3])) == 1]
        assert not triples, acts


def test_a_borrowed_act_comes_with_its_own_stance(persona):
    director = Director(persona, scenario(turn_limit=50), seed=1)
    decisions = [director.observe([]) for _ in range(6)]
    for d in decisions:
        assert d.stance == "guarded"
        assert d.act in persona.repertoire[d.act_stance]
    assert any(d.act_stance != "guarded" for d in decisions)


def test_the_seed_makes_act_choices_reproducible(persona):
    two = with_acts(persona, "guarded", {
        "ask_question": {"nl": ["a", "b", "c"], "en": ["a", "b", "c"]},
        "hesitate": {"nl": ["d", "e", "f"], "en": ["d", "e", "f"]},
        "doubt": {"nl": ["g", "h", "i"], "en": ["g", "h", "i"]},
    })

    def acts(seed):
        director = Director(two, scenario(turn_limit=50), seed=seed)
        return [director.observe([]).act for _ in range(20)]

    assert acts(7) == acts(7)
    assert len({tuple(acts(s)) for s in range(5)}) > 1


def test_facts_wait_for_trust_and_for_behaviours(persona):
    director = Director(persona, scenario())
    assert [f.id for f in director.allowed_facts()] == ["leak"]
    first = director.observe(["open_question"])  # dog: behaviour shown in this turn
    assert first.allowed_facts == ("leak", "dog") and first.new_facts == ("dog",)
    assert [f.id for f in director.gated_facts()] == ["rent"]
    second = director.observe(["greet_introduce", "explain_plan"])  # trust 4.9 -> 6.8
    assert second.state.trust >= 6
    assert "rent" in second.allowed_facts and second.new_facts == ("rent",)
    third = director.observe(["dismissive"])  # trust falls again, the fact stays told
    assert third.state.trust < 6 and "rent" in third.allowed_facts and third.new_facts == ()


def test_no_satisfied_tenant_before_min_turns(persona):
    director = Director(unlimited(persona), scenario(turn_limit=20))
    everything = [b for b in BEHAVIOURS if b != "dismissive"]
    first = director.observe(everything)
    assert persona.stance_for(first.state.irritation, first.state.trust) == "satisfied"
    assert first.stance == "cooperative" and not first.finished
    second = director.observe(everything)
    assert second.stance == "cooperative" and not second.finished
    third = director.observe(everything)
    assert third.stance == "satisfied" and third.outcome == "resolved"


def test_no_satisfied_tenant_before_the_required_behaviours(persona):
    resolution = {"description": {"nl": "K", "en": "D"}, "min_turns": 1,
                  "required_behaviours": ["close_next_steps"]}
    director = Director(unlimited(persona), scenario(resolution=resolution, turn_limit=20))
    good = ["acknowledge_emotion", "explain_plan", "greet_introduce", "care_for_home"]
    for _ in range(3):
        decision = director.observe(good)
        assert decision.stance == "cooperative" and not decision.finished
    assert director.observe(["close_next_steps"]).outcome == "resolved"


def test_escalates_when_irritation_reaches_10(persona, ):
    director = Director(persona, scenario(turn_limit=20))
    decisions = []
    while not director.finished:
        decisions.append(director.observe(["dismissive"]))
    assert decisions[-1].outcome == "escalated" and decisions[-1].state.irritation == 10
    assert all(d.state.irritation < 10 for d in decisions[:-1])
    assert director.closing("nl") in persona.closings.escalated.nl
    with pytest.raises(ValueError, match="ended"):
        director.observe([])


def test_turn_limit_ends_the_conversation(persona):
    director = Director(persona, scenario(turn_limit=4))
    outcomes = [director.observe([]).outcome for _ in range(4)]
    assert outcomes == [None, None, None, "turn_limit"]
    assert director.closing("en") in persona.closings.turn_limit.en


def test_no_satisfied_tenant_before_the_hidden_need_is_met(persona):
    needy = Persona.model_validate({**unlimited(persona).model_dump(),
                                    "need_behaviours": ["paraphrase"]})
    director = Director(needy, scenario(turn_limit=20))
    good = ["acknowledge_emotion", "explain_plan", "close_next_steps", "open_question"]
    for _ in range(4):
        decision = director.observe(good)
        assert decision.stance == "cooperative" and not decision.finished
    assert director.observe(["paraphrase"]).outcome == "resolved"


def test_a_tenant_who_opens_hostile_is_not_won_before_turn_4(persona):
    angry = Persona.model_validate({**unlimited(persona).model_dump(),
                                    "start": {"irritation": 8, "trust": 3}})
    director = Director(angry, scenario(turn_limit=20))  # the scenario asks only 3 turns
    assert director.opening.stance == "hostile" and director.min_turns == 4
    everything = [b for b in BEHAVIOURS if b != "dismissive"]
    stances = [director.observe(everything).stance for _ in range(4)]
    assert stances[:3] == ["cooperative"] * 3 and director.outcome == "resolved"


def test_resolved_closing_line_in_the_session_language(persona):
    director = Director(persona, scenario(turn_limit=20))
    turns = [["acknowledge_emotion", "greet_introduce"], ["explain_plan", "open_question"],
             ["close_next_steps", "paraphrase"], ["care_for_home", "ask_permission"],
             ["apologize", "check_understanding"]] * 4
    for behaviours in turns:
        if director.finished:
            break
        director.observe(behaviours)
    assert director.outcome == "resolved"
    assert director.closing("en") in persona.closings.resolved.en


def test_snapshot_and_restore_undo_a_turn(persona):
    director = Director(persona, scenario(), seed=3)
    director.observe(["greet_introduce"])
    snap = director.snapshot()
    after = director.observe(["open_question"])
    director.restore(snap)
    assert director.turns == 1 and "open_question" not in director.shown
    assert [f.id for f in director.allowed_facts()] == ["leak"]
    assert director.observe(["open_question"]) == after  # same state, same seeded act


# -- acceptance: every shipped persona, nl and en, empathetic beats dismissive ------------------


def _final_state(library, persona_id, scenario_id, lang, script) -> TenantState:
    session = PracticeSession(library, persona_id, scenario_id, lang, seed=1)
    for behaviours in script:
        if session.finished:
            break
        session.say("...", behaviours=behaviours)
        reply = session.reply()
        assert reply.text  # an authored line, in the persona file's language
    return session.state


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_every_shipped_persona_prefers_an_empathetic_technician(library):
    assert len(library.personas) >= 6
    for persona_id in library.personas:
        scenario_id = library.scenarios_for(persona_id)[0]
        for lang in LANGS:
            good = _final_state(library, persona_id, scenario_id, lang, EMPATHETIC)
            bad = _final_state(library, persona_id, scenario_id, lang, DISMISSIVE)
            where = f"{persona_id} on {scenario_id} ({lang})"
            assert good.irritation < bad.irritation, where
            assert good.trust > bad.trust, where
