"""Feedback is grounded: badges quote the trainee, tips fit the moment, the report adds up."""

from __future__ import annotations

import pytest

from scoring.behaviours import BEHAVIOURS
from scoring.feedback import (
    ReportTurn,
    hint,
    session_report,
    tenant_rating,
    turn_feedback,
)
from scoring.rubric import behaviour_specs, load_rubrics
from scoring.scorer import Detection, TurnScore

SPECS = behaviour_specs(load_rubrics())


def make_score(text: str, lang: str = "nl", **found: str) -> TurnScore:
    """A TurnScore where `found` maps behaviour -> the sentence that showed it."""
    detections = {}
    for b in BEHAVIOURS:
        exemplar = SPECS[b].examples.get(lang).positive[2]
        if b in found:
            detections[b] = Detection(b, True, 0.9, found[b], exemplar)
        else:
            detections[b] = Detection(b, False, 0.1, text, exemplar)
    return TurnScore(text, lang, detections, [text])


def test_badges_quote_the_trainees_own_words_and_nothing_else():
    score = make_score("Sorry dat ik laat ben. Wat is er gebeurd?",
                       apologize="Sorry dat ik laat ben.", open_question="Wat is er gebeurd?")
    fb = turn_feedback(score, "nl")
    assert [(b.behaviour, b.quote) for b in fb.badges] == [
        ("open_question", "Wat is er gebeurd?"), ("apologize", "Sorry dat ik laat ben.")]
    assert [b.name for b in fb.badges] == ["Open vraag", "Excuses maken"]
    assert fb.tip is None  # calm tenant, nothing missing that mattered


def test_no_detection_no_praise():
    fb = turn_feedback(make_score("Die leidingen zijn van koper."), "nl", stance="guarded",
                       irritation=3)
    assert fb.badges == [] and fb.tip is None


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_angry_tenant_without_acknowledgement_gets_that_tip_in_their_language(lang):
    score = make_score("Ik ga de kraan vervangen.", lang, explain_plan="Ik ga de kraan vervangen.")
    fb = turn_feedback(score, lang, stance="hostile", irritation=8)
    assert fb.tip.behaviour == "acknowledge_emotion"
    assert fb.tip.text == SPECS["acknowledge_emotion"].tip.get(lang)
    assert fb.tip.example in SPECS["acknowledge_emotion"].examples.get(lang).positive


def test_acknowledged_emotion_needs_no_tip():
    score = make_score("Wat vervelend voor u.", acknowledge_emotion="Wat vervelend voor u.")
    assert turn_feedback(score, "nl", stance="hostile", irritation=9).tip is None


def test_dismissive_is_flagged_with_a_constructive_alternative():
    score = make_score("Daar ga ik niet over.", dismissive="Daar ga ik niet over.")
    fb = turn_feedback(score, "nl", stance="guarded", irritation=5)
    assert fb.badges[0].negative
    assert fb.tip.behaviour == "dismissive"
    assert fb.tip.example in SPECS["dismissive"].examples.get("nl").negative


def test_hints_follow_the_conversation():
    assert hint("nl", "guarded", 4, set(), 0).behaviour == "greet_introduce"
    assert hint("en", "hostile", 9, {"greet_introduce"}, 2).behaviour == "acknowledge_emotion"
    tip = hint("en", "cooperative", 3, {"greet_introduce", "open_question"}, 2)
    assert tip.behaviour == "explain_plan"
    assert tip.example in SPECS["explain_plan"].examples.get("en").positive


def _turn(i, text, score, before, after, stance="guarded"):
    return ReportTurn(i, text, score, before[0], before[1], after[0], after[1], stance)


def test_session_report():
    greet = make_score("Goedemorgen, ik ben Jan van Smit.", greet_introduce="Goedemorgen, ik ben Jan van Smit.")
    rude = make_score("Daar ga ik niet over.", dismissive="Daar ga ik niet over.")
    ask = make_score("Wat is er gebeurd?", open_question="Wat is er gebeurd?")
    turns = [
        _turn(0, greet.text, greet, (7, 3), (6.5, 4), "guarded"),
        _turn(1, rude.text, rude, (6.5, 4), (8.5, 2), "hostile"),
        _turn(2, ask.text, ask, (8.5, 2), (8.3, 2.3), "hostile"),
    ]
    report = session_report(turns, "nl", {"irritation": 7, "trust": 3}, "turn_limit")
    assert report.behaviours["greet_introduce"].count == 1
    assert report.behaviours["greet_introduce"].quotes == [(0, "Goedemorgen, ik ben Jan van Smit.")]
    assert report.behaviours["dismissive"].count == 1
    # The tenant was hostile and no feeling was acknowledged: that is named, with an example.
    assert "acknowledge_emotion" in report.missing
    ack = report.behaviours["acknowledge_emotion"]
    assert ack.missing and ack.example in SPECS["acknowledge_emotion"].examples.get("nl").positive
    assert "greet_introduce" not in report.missing and "apologize" not in report.missing
    # Listening: one open question of four behaviours (need two each), minus the dismissive remark.
    assert report.rubric_scores["listening"] == 0
    assert report.rubric_scores["hospitality"] == round(100 / 6)
    assert [p.turn for p in report.timeline] == [None, 0, 1, 2]
    assert report.timeline[0].irritation == 7
    assert [m.turn for m in report.moves] == [0, 1]  # turn 2 barely moved the mood
    assert report.moves[1].behaviours == ["dismissive"] and report.moves[1].irritation_delta == 2
    assert 1 <= report.tenant_rating <= 3


def test_listening_score_rewards_listening():
    ack = make_score("Wat vervelend.", acknowledge_emotion="Wat vervelend.", paraphrase="Wat vervelend.",
                     open_question="Wat vervelend.", check_understanding="Wat vervelend.")
    turns = [_turn(i, ack.text, ack, (5, 5), (4, 6)) for i in range(2)]
    report = session_report(turns, "en", {"irritation": 5, "trust": 5}, "resolved")
    assert report.rubric_scores["listening"] == 100
    assert report.tenant_rating == 6  # irritation 4, trust 6


def test_tenant_rating_follows_the_final_mood():
    assert tenant_rating(0, 10, "resolved") == 10
    assert tenant_rating(10, 0, "turn_limit") == 1
    assert tenant_rating(2, 9, "escalated") == 3


BOILER = "Ik ga eerst de ketel ontluchten, dat duurt een kwartiertje."


def test_example_lines_fit_the_job_no_boiler_in_a_tap_job():
    from scoring.scene import Scene

    tap = Scene.of("Flat. Klus: lekkende mengkraan in de keuken.", "nl")
    assert not tap.fits(BOILER) and tap.fits("Ik vervang het binnenwerk van de kraan.")
    plain = hint("nl", "cooperative", 3, {"greet_introduce", "open_question"}, 2)
    assert plain.behaviour == "explain_plan" and plain.example == BOILER  # no scene: as before
    tip = hint("nl", "cooperative", 3, {"greet_introduce", "open_question"}, 2, scene=tap)
    assert tip.behaviour == "explain_plan" and tap.fits(tip.example)
    assert tip.example in SPECS["explain_plan"].examples.get("nl").positive
    # the report: the exemplar closest to the trainee was a boiler line; a tap line replaces it
    said = make_score("Ik kijk wel even.")
    said.detections["explain_plan"] = Detection("explain_plan", False, 0.4, said.text, BOILER)
    turns = [_turn(i, said.text, said, (5, 5), (5, 5)) for i in range(3)]
    report = session_report(turns, "nl", {"irritation": 5, "trust": 5}, "ended", scene=tap)
    assert "explain_plan" in report.missing
    assert report.behaviours["explain_plan"].example != BOILER
    assert all(tap.fits(t.example) for t in report.tips)
    upset = make_score("Ik ga de kraan vervangen.", explain_plan="Ik ga de kraan vervangen.")
    upset.detections["acknowledge_emotion"] = Detection(
        "acknowledge_emotion", False, 0.2, upset.text, "Balen hoor, zo'n lekkage in de badkamer.")
    fb = turn_feedback(upset, "nl", stance="hostile", irritation=8, scene=tap)
    assert fb.tip.behaviour == "acknowledge_emotion" and tap.fits(fb.tip.example)


def test_the_session_gives_examples_that_fit_its_scenario():
    """A real session in the tap job: hints and the report's tips never name another job."""
    from scoring.embedder import FakeEmbedder
    from scoring.scene import scenario_scene
    from scoring.scorer import Scorer
    from simulator.content import load_library
    from simulator.engine.session import PracticeSession

    library = load_library()
    session = PracticeSession(library, "grumpy", "late-leaking-tap", "nl", seed=3,
                              scorer=Scorer(embedder=FakeEmbedder(), use_cache=False))
    scene = scenario_scene(library.scenarios["late-leaking-tap"], "nl")
    for line in ("Goedemorgen.", "Wat is er gebeurd?", "Hm.", "Ja."):
        session.say(line, behaviours=["greet_introduce"] if line == "Goedemorgen." else [])
        session.reply()
        assert scene.fits(session.hint().example)
    assert all(scene.fits(tip.example) for tip in session.report().tips)
    assert not scene.fits(BOILER)
