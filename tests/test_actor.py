"""The actor's prompt says who the tenant is and what to do; bad model lines never reach the trainee."""

from __future__ import annotations

import random

import pytest

from simulator.backends import BackendError, FakeBackend
from simulator.content import load_library
from simulator.engine.actor import ReplyCancelled, TenantActor, clean
from simulator.engine.director import NEIGHBOURS, Director
from simulator.engine.prompt import HISTORY_TURNS, Turn, brief, history_start


def Scripted(replies: list) -> FakeBackend:
    """Scripted replies streamed word by word; `calls` keeps (messages, options) per call."""
    return FakeBackend(replies)


@pytest.fixture(scope="module")
def library():
    return load_library()


def actor_for(library, lang, backend, persona="grumpy", scenario="repeat-visit"):
    p, s = library.personas[persona], library.scenarios[scenario]
    return TenantActor(p, s, lang, backend, rng=random.Random(0)), Director(p, s, seed=0)


def gated(director, lang):
    return {f.id: f.text.get(lang) for f in director.gated_facts()}


HISTORY_NL = [Turn("tenant", "Nou, daar zijn jullie weer."),
              Turn("trainee", "Goedemiddag, ik ben Sam van Jansen. Mag ik binnenkomen?")]
HISTORY_EN = [Turn("tenant", "Well, here you lot are again."),
              Turn("trainee", "Good afternoon, I'm Sam from Jansen. May I come in?")]


def test_prompt_holds_persona_scenario_stance_act_and_facts(library):
    actor, director = actor_for(library, "nl", None)
    decision = director.observe(["greet_introduce"])
    messages = actor.messages(decision, HISTORY_NL)
    system, note = messages[0]["content"], messages[-1]["content"]
    persona, scenario = actor.persona, actor.scenario
    for text in (persona.background.nl, persona.speaking_style.nl,
                 persona.hidden_need.nl, scenario.situation.nl):
        assert brief(text, 1) in system  # the start of each; a small model loses long prompts
    assert "afwachtend" in note or "boos" in note  # the stance, in Dutch
    assert decision.act.replace("_", " ") in note
    for fact in director.allowed_facts()[-2:]:
        assert fact.text.nl in note
    prompt = "\n".join(m["content"] for m in messages)
    for fact in director.gated_facts():
        assert fact.text.nl not in prompt  # the model cannot tell what it never saw
    examples = actor.authored(decision)[:3]
    assert all(e in note for e in examples) and "niet overnemen" in note
    assert note.rstrip().endswith("Antwoord alleen in het Nederlands.")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "system"]
    assert messages[-2]["content"] == HISTORY_NL[-1].text


def test_the_prompt_grows_at_the_end_so_the_model_cache_holds(library):
    """What stays the same comes first: from one turn to the next, the earlier prompt (up to its
    note for that turn) is a prefix of the new one, so a cached model only reads the new part."""
    actor, director = actor_for(library, "nl", None)
    history = list(HISTORY_NL)
    before = actor.messages(director.observe(["greet_introduce"]), history)
    history += [Turn("tenant", "Nou, kom maar."), Turn("trainee", "Dank u. Waar is de kraan?")]
    after = actor.messages(director.observe(["open_question"]), history)
    assert after[: len(before) - 1] == before[:-1]
    assert after[0]["content"] == actor.system  # the same system text at every turn


def test_the_oldest_turns_drop_out_in_blocks_not_one_by_one():
    starts = [history_start(n) for n in range(1, 30)]
    assert starts[:11] == [0] * 11  # up to 11 turns: all of them
    assert all(n - history_start(n) >= HISTORY_TURNS for n in range(HISTORY_TURNS, 30))
    assert len(set(starts)) <= 4  # the prefix changed at most 3 times in 29 turns


def test_newly_allowed_facts_are_flagged_to_mention(library):
    actor, director = actor_for(library, "en", None)
    decision = None
    for _ in range(6):
        decision = director.observe(["acknowledge_emotion", "open_question", "apologize"])
        if decision.new_facts or decision.finished:
            break
    assert decision.new_facts, "no fact became allowed"
    note = actor.messages(decision, HISTORY_EN)[-1]["content"]
    new = [f.text.en for f in actor.scenario.facts if f.id in decision.new_facts]
    assert f"Mention this now: {' '.join(new)}" in note
    assert note.rstrip().endswith("Answer in English only.")


def test_a_good_model_line_is_used_and_streamed(library):
    backend = Scripted(['Henk: "Nou, kom dan maar binnen. Het is in de keuken."\nMonteur: Dank u.'])
    actor, director = actor_for(library, "nl", backend)
    chunks = []
    line = actor.speak(director.observe(["greet_introduce"]), HISTORY_NL, {}, chunks.append)
    assert line.source == "model" and line.guard == [] and line.attempts == 1
    assert line.text == "Nou, kom dan maar binnen. Het is in de keuken."
    assert chunks and "".join(chunks).startswith("Henk")
    assert line.first_token_ms is not None and line.latency_ms >= line.first_token_ms
    assert line.prompt == backend.calls[0][0]


def test_a_failing_line_is_regenerated_once_with_the_problem_named(library):
    backend = Scripted(["As an AI, I do not live anywhere.", "Well, about time you showed up."])
    actor, director = actor_for(library, "en", backend)
    line = actor.speak(director.observe([]), HISTORY_EN, {})
    assert line.source == "model" and line.text == "Well, about time you showed up."
    assert line.guard == ["attempt 1: speaks as an assistant"]
    retry = backend.calls[1][0][-1]["content"]  # the note for this turn
    assert "you spoke as an AI assistant" in retry
    assert retry.rstrip().endswith("Answer in English only.")  # the language still comes last


def corpus_lines(actor, stance=None) -> list[str]:
    return [e.tenant for e in actor.persona.exchanges.get(actor.lang)
            if stance is None or e.stance == stance]


def without_corpus(library, persona="grumpy"):
    p = library.personas[persona]
    return p.model_copy(update={"exchanges": type(p.exchanges)()})


def test_two_failures_give_the_corpus_line_for_stance_and_language(library):
    backend = Scripted(["I am fed up with waiting.", "Goedemiddag, ik ben de monteur."])
    actor, director = actor_for(library, "nl", backend)
    decision = director.observe(["dismissive"])
    line = actor.speak(decision, HISTORY_NL, {})
    assert line.source == "corpus" and line.attempts == 2
    assert line.text in corpus_lines(actor, decision.stance)
    assert line.guard == ["attempt 1: wrong language (en)",
                          "attempt 2: speaks as the technician"]


def test_fallback_avoids_lines_already_said(library):
    scenario = library.scenarios["repeat-visit"]
    actor = TenantActor(without_corpus(library), scenario, "nl", None, rng=random.Random(0))
    director = Director(actor.persona, scenario, seed=0)
    decision = director.observe([])
    authored = actor.authored(decision)
    said = authored[:-1]
    history = [Turn("tenant", t) for t in said] + [HISTORY_NL[-1]]
    assert actor.speak(decision, history, {}).text == authored[-1]


def test_a_backend_error_falls_back_with_the_reason(library):
    backend = Scripted([BackendError("server at http://127.0.0.1:9 is down")])
    actor, director = actor_for(library, "en", backend)
    line = actor.speak(director.observe([]), HISTORY_EN, {})
    assert line.source == "corpus" and line.text in corpus_lines(actor)
    assert line.guard == ["backend: server at http://127.0.0.1:9 is down"]
    assert len(backend.calls) == 1  # a broken back-end is not asked twice


def test_the_gated_fact_guard_uses_what_the_director_hides(library):
    actor, director = actor_for(library, "nl", None)
    hidden = director.gated_facts()[0]
    backend = Scripted([hidden.text.nl, hidden.text.nl + " Echt waar."])
    actor.backend = backend
    line = actor.speak(director.observe([]), HISTORY_NL, gated(director, "nl"))
    assert line.source == "corpus" and line.fact is None
    assert f"attempt 1: reveals fact '{hidden.id}' too early" in line.guard


def test_without_a_backend_the_tenant_answers_from_the_corpus(library):
    actor, director = actor_for(library, "en", None)
    decision = director.observe([])
    line = actor.speak(decision, HISTORY_EN, {})
    assert line.source == "corpus" and line.guard == [] and line.prompt is None
    # The mood decides first: this stance, or the nearest one when its line answers much better.
    nearest = [decision.stance, NEIGHBOURS[decision.stance][0]]
    assert line.text in [t for s in nearest for t in corpus_lines(actor, s)]


def test_without_a_corpus_the_tenant_speaks_the_acts_authored_lines(library):
    scenario = library.scenarios["repeat-visit"]
    actor = TenantActor(without_corpus(library), scenario, "en", None, rng=random.Random(0))
    decision = Director(actor.persona, scenario, seed=0).observe([])
    line = actor.speak(decision, HISTORY_EN, {})
    assert line.source == "fallback" and line.text in actor.authored(decision)


def test_stopping_mid_reply_cancels_it(library):
    backend = Scripted(["Nou, daar zijn jullie weer eens, hoor, wat fijn."])
    actor, director = actor_for(library, "nl", backend)
    seen = []
    with pytest.raises(ReplyCancelled):
        actor.speak(director.observe([]), HISTORY_NL, {}, seen.append,
                    should_stop=lambda: len(seen) >= 3)
    assert len(seen) == 3


def test_generation_stops_once_the_line_is_complete(library):
    long = "Ja. Nee. Misschien. Nou ja, dat weet ik ook niet. En verder nog iets heel anders."
    backend = Scripted([long])
    actor, director = actor_for(library, "nl", backend)
    streamed = []
    line = actor.speak(director.observe([]), HISTORY_NL, {}, streamed.append)
    assert len("".join(streamed)) < len(long)  # the back-end was told to stop early
    assert line.text == "Ja. Nee. Misschien."


@pytest.mark.parametrize(
    "raw, expected",
    [
        ('"Kom maar binnen."', "Kom maar binnen."),
        ("Huurder: Kom maar binnen.", "Kom maar binnen."),
        ("\n\nKom maar binnen.\nMonteur: dank u", "Kom maar binnen."),
        ("Kom maar binnen. Het is in de", "Kom maar binnen."),
        ("Kom maar binnen", "Kom maar binnen"),
        ("Mevrouw Jansen: Kom maar binnen.", "Kom maar binnen."),
        ("Monteur: Dag, hoe gaat het?", "Monteur: Dag, hoe gaat het?"),
    ],
)
def test_clean_keeps_only_the_tenants_words(raw, expected):
    assert clean(raw, ["Henk de Vries"]) == expected


def test_a_line_going_wrong_is_not_generated_to_the_end(library):
    english = "I have been waiting here all morning for you and nobody ever calls me back at all."
    backend = Scripted([english, "Nou, kom dan maar binnen."])
    actor, director = actor_for(library, "nl", backend)
    streamed = []
    line = actor.speak(director.observe([]), HISTORY_NL, {}, streamed.append)
    assert line.source == "model" and line.text == "Nou, kom dan maar binnen."
    assert line.guard[0].startswith("attempt 1: wrong language (en)")
    assert len("".join(streamed)) < len(english) + len(line.text)  # stopped after a few words


@pytest.mark.parametrize("cue, tenant, trainee, fits", [
    ("Ik ben Kim, dit is mijn eigen nummer.", "Kim, eigen nummer. Mooi.", "Ik ben Sam, hier is mijn nummer.", False),
    ("Ik ben Kim, dit is mijn eigen nummer.", "Kim, eigen nummer. Mooi.", "Ik ben Kim, bel me gerust.", True),
    ("Ik kom donderdag terug.", "Donderdag? Hoe laat dan?", "Ik kom maandag terug.", False),
    ("Het duurt een half uurtje.", "Half uurtje, zeg je. En dan?", "Dat is een half uurtje werk.", True),
    ("Ik ben om half een klaar.", "Half één? Dan ben ik al weg.", "Ik heb het binnen een half uur gemaakt.", False),
    ("Vertel eens een mop.", "Een mop? Nee hoor.", "Vertel eens een mop!", True),
    # a quoted opening, however long, puts words in the trainee's mouth unless they said them
    ("Hallo, ik ben Peter. Ik ga pas weg als het werkt.", "Pas weg als het werkt, zeg je. Dat wil ik wel eens zien.",
     "Vandaag ga ik eerst meten, dan weten we waar het lekt.", False),
    ("Hallo, ik ben Peter. Ik ga pas weg als het werkt.", "Pas weg als het werkt, zeg je. Dat wil ik wel eens zien.",
     "Beloofd: ik ga pas weg als het werkt.", True),
    ("I'll stay until it works, I promise.", "Until it works, you say. We'll see.", "I'll be quick.", False),
    # a count in words is as specific as a digit
    ("Ik maak het droog, en over twee weken kom ik kijken.", "Over twee weken dan. Goed, als je dan ook echt komt.",
     "Ik bel de opzichter en laat het u vandaag weten.", False),
    ("Just covering up first, about five minutes.", "Five minutes covering up? And the job?",
     "Just covering up first, about five minutes.", True),
    # "X dan?" picks up the trainee's X; a count is said in its diminutive too
    ("Ik maak het tijdelijk, volgende week komt er iemand.", "Volgende week wanneer dan? Ik moet vrij regelen.",
     "Daar moet alles uit voor ik kan beginnen.", False),
    ("Even kijken, dat duurt een kwartiertje. Daarna weet ik meer.", "Oké, een kwartier. En daarna?",
     "Ik ga het weer behandelen.", False),
    ("Even kijken, dat duurt een kwartiertje. Daarna weet ik meer.", "Oké, een kwartier. En daarna?",
     "Geef me een kwartiertje om te kijken.", True),
    # a capital at a sentence's start is no name: "Ik" is not taken over from "... werkt. Ik ga"
    ("Het werkt weer. Ik ga nu.", "Gaat u al? Dan zeg ik maar dag.", "Zo, klaar, tot ziens.", True),
])
def test_a_line_that_takes_over_the_trainees_words_only_answers_those_words(cue, tenant, trainee,
                                                                            fits):
    from simulator.engine.echo import echoes, says_all

    assert says_all(trainee, echoes(cue, tenant)) is fits
