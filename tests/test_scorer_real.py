"""Detection with the real embedded model (all-MiniLM-L6-v2) and the shipped calibration.

Every behaviour in both languages, a reply doing several things, the position rules and the
hard cases. The model loads once for this module.
"""

from __future__ import annotations

import pytest

from scoring.scorer import Scorer

pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def scorer():
    s = Scorer.default()
    s.load()
    return s


CLEAR = [
    # (lang, tenant_said, reply, behaviour)
    ("nl", "Ik zit al een week zonder warm water!", "Wat vervelend, ik snap dat u het zat bent.", "acknowledge_emotion"),
    ("en", "I've had no hot water for a week!", "That's awful, I get why you're fed up.", "acknowledge_emotion"),
    ("nl", "Het lekt alleen als de buren boven douchen.", "Dus het lekt alleen als boven gedoucht wordt.", "paraphrase"),
    ("en", "It only leaks when the neighbours upstairs shower.", "So it only leaks when they shower upstairs.", "paraphrase"),
    ("nl", "Die kraan doet raar.", "Wat doet de kraan dan precies?", "open_question"),
    ("en", "The tap's acting up.", "What's it doing exactly?", "open_question"),
    ("nl", "", "Is het zo duidelijk voor u?", "check_understanding"),
    ("en", "", "Is that clear for you?", "check_understanding"),
    ("nl", "Dit is al de derde keer!", "Daar kan ik ook niks aan doen, hoor.", "dismissive"),
    ("en", "This is the third time!", "Well, nothing I can do about that.", "dismissive"),
    ("nl", "", "Goedemiddag, ik ben Said van Bouwbedrijf Kok, ik kom voor de lekkage.", "greet_introduce"),
    ("en", "", "Good afternoon, I'm Sam from Kok Builders, here about the leak.", "greet_introduce"),
    ("nl", "", "Ik draai eerst het water dicht en dan vervang ik de kraan, een half uurtje.", "explain_plan"),
    ("en", "", "I'll turn the water off first and then replace the tap, about half an hour.", "explain_plan"),
    ("nl", "", "Sorry dat u zo lang heeft moeten wachten.", "apologize"),
    ("en", "", "Sorry you had to wait so long.", "apologize"),
    ("nl", "", "Mag ik even in de badkamer kijken?", "ask_permission"),
    ("en", "", "Is it okay if I have a look in the bathroom?", "ask_permission"),
    ("nl", "", "Ik doe even schoenhoesjes aan en leg een kleed neer.", "care_for_home"),
    ("en", "", "I'll put shoe covers on and lay a sheet down.", "care_for_home"),
    ("nl", "", "Het is klaar. Als er nog iets is, belt u maar. Fijne dag!", "close_next_steps"),
    ("en", "", "All done. If anything comes up, just give us a ring. Have a good day!", "close_next_steps"),
]


@pytest.mark.parametrize("lang,tenant,text,behaviour", CLEAR, ids=[f"{c[0]}-{c[3]}" for c in CLEAR])
def test_every_behaviour_in_both_languages(scorer, lang, tenant, text, behaviour):
    turn = 0 if behaviour == "greet_introduce" else 3
    score = scorer.score_turn(text, lang, tenant_said=tenant, turn_index=turn)
    assert behaviour in score.detected, {b: d.confidence for b, d in score.detections.items()}
    d = score.detections[behaviour]
    assert d.sentence and d.sentence in text  # evidence is the trainee's own words
    assert d.exemplar  # and the closest rubric exemplar


@pytest.mark.parametrize("lang,text", [
    ("nl", "Sorry dat ik laat ben — wat is er precies aan de hand?"),
    ("en", "Sorry I'm late — what happened exactly?"),
])
def test_one_reply_can_do_two_things(scorer, lang, text):
    score = scorer.score_turn(text, lang, turn_index=1)
    assert {"apologize", "open_question"} <= set(score.detected)
    assert score.detections["open_question"].sentence.lower().startswith(("wat", "what"))
    assert score.detections["apologize"].sentence.lower().startswith("sorry")


@pytest.mark.parametrize("lang,text", [
    ("nl", "Goedemorgen, ik ben Kees van Installatiebedrijf Smit."),
    ("en", "Morning, I'm Kevin from Smith Installations."),
])
def test_a_greeting_counts_at_the_start_only(scorer, lang, text):
    assert "greet_introduce" in scorer.score_turn(text, lang, turn_index=0).detected
    assert "greet_introduce" not in scorer.score_turn(text, lang, turn_index=5).detected


@pytest.mark.parametrize("lang,closing,rest", [
    ("nl", "Tot ziens en een fijne dag nog!", "Ik ga nu de leiding vervangen. Dat duurt een uur. Daarna test ik de druk."),
    ("en", "Bye now, have a lovely day!", "I'm going to replace the pipe now. It takes an hour. Then I'll test the pressure."),
])
def test_a_closing_counts_at_the_end_of_a_reply_only(scorer, lang, closing, rest):
    assert "close_next_steps" in scorer.score_turn(f"{rest} {closing}", lang, turn_index=6).detected
    assert "close_next_steps" not in scorer.score_turn(f"{closing} {rest}", lang, turn_index=6).detected


# Precision first: "dismissive" is only flagged where it is right >= 90% of the time out of fold
# (scoring.calibration.FLOOR), which today costs recall; these two are missed (known, reported).
MISSED = pytest.mark.xfail(strict=True, reason="precision-first dismissive threshold misses it")


@pytest.mark.parametrize("lang,text", [
    ("nl", "Sorry, maar dat is niet mijn afdeling."),
    pytest.param("nl", "Het spijt me, maar daar ga ik echt niet over.", marks=MISSED),
    ("en", "Sorry, but that's not my department."),
    pytest.param("en", "I'm sorry, but that's really not my problem.", marks=MISSED),
])
def test_sorry_but_not_my_department_is_dismissive_not_an_apology(scorer, lang, text):
    score = scorer.score_turn(text, lang, turn_index=2)
    assert "dismissive" in score.detected
    assert "apologize" not in score.detected


@pytest.mark.parametrize("lang,text,not_", [
    ("nl", "Ik snap het, maar waar is de meterkast?", "acknowledge_emotion"),
    ("nl", "Heeft u het al gemeld bij de corporatie?", "open_question"),
    ("en", "Have you reported it to the office yet?", "open_question"),
    ("nl", "Ik zet die kast even aan de kant.", "ask_permission"),
    ("en", "I'm moving that cupboard out of the way.", "ask_permission"),
])
def test_near_misses_are_not_the_behaviour(scorer, lang, text, not_):
    assert not_ not in scorer.score_turn(text, lang, turn_index=2).detected


@pytest.mark.parametrize("lang,text", [
    ("nl", "Die leidingen zijn van koper."),
    ("en", "That boiler is from 2004."),
])
def test_small_talk_shows_no_behaviour(scorer, lang, text):
    assert scorer.score_turn(text, lang, turn_index=2).detected == []


FALSE_FLAG = pytest.mark.xfail(strict=True, reason="a friendly short 'ja hoor, gewoon' is still "
                                                   "flagged as dismissive (known, reported)")


@pytest.mark.parametrize("lang,tenant,text,brush_off", [
    ("nl", "Moet ik dit zelf betalen?", "Nee, dat kost u niets.", False),
    ("nl", "Het lekt nu al drie weken, ik word er gek van!", "Nou nou, zo erg is het toch niet.",
     True),
    pytest.param("nl", "Is het veilig om vanavond te douchen?", "Ja hoor, dat kan gewoon.", False,
                 marks=FALSE_FLAG),
    ("nl", "Ik ben bang dat het weer gaat lekken.", "Ach, dat valt wel mee hoor.", True),
    ("en", "Will I have to pay for this?", "No, it won't cost you anything.", False),
    ("en", "This leak is driving me mad, three weeks now!", "Oh come on, it's not that bad.", True),
    ("en", "Is it safe to have a shower tonight?", "Yeah, that's fine, go ahead.", False),
    ("en", "I'm scared it'll start leaking again.", "Nah, you're worrying over nothing.", True),
])
def test_a_no_or_a_yes_is_a_brush_off_only_where_it_waves_the_tenant_away(scorer, lang, tenant,
                                                                          text, brush_off):
    """The reader reads the reply after the tenant's line: the same small words answer a question
    or wave a worry away."""
    score = scorer.score_turn(text, lang, tenant_said=tenant, turn_index=2)
    assert ("dismissive" in score.detected) == brush_off, score.detections["dismissive"].confidence
