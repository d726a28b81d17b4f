"""The tenant does not ask for what the trainee just told or showed: a name, a company, a pass."""

from __future__ import annotations

import random

import pytest

from simulator.content import load_library
from simulator.engine.actor import TenantActor
from simulator.engine.asked import CALL, PASS, WHO, asks, given, gives
from simulator.engine.director import Decision, TenantState
from simulator.engine.prompt import Turn

LIBRARY = load_library()


@pytest.mark.parametrize("line, wanted", [
    ("O ja? Er heeft niemand gebeld, hoor. Van welk bedrijf bent u dan? En waar is uw pasje?",
     {WHO, PASS}),
    ("Zomaar opendoen? Nee hoor. Ik weet niet eens hoe u heet of waar u vandaan komt.", {WHO}),
    ("Eh... mag ik eerst even uw pasje zien? Dat vraag ik altijd, hoor, niks persoonlijks.", {PASS}),
    ("Erm... could I see your ID first? I always ask, it's nothing personal.", {PASS}),
    ("One moment. Your name and the reference number first, then you can go through.", {WHO}),
    ("O... is het nu helemaal klaar? En als het weer misgaat, wie moet ik dan bellen?", {CALL}),
    ("Yeah, who do I ring when it goes again? Because nobody ever answers the main number.",
     {CALL}),
    # a story about a pass, "pas" as in "only then", a name wanted on paper: nothing asked
    ("Precies, ja. Die wilde vooraf geld hebben. Sindsdien vraag ik altijd naar een pasje.", set()),
    ("Ja hoor, doet u maar. Hij is wel zwaar, hè, pas op uw rug.", set()),
    (("Tuesday morning, between eight and twelve? Good. I'll write that down with your name next "
     "to it."), set()),
])
def test_what_a_tenant_line_asks_for(line, wanted):
    assert asks(line) == wanted


@pytest.mark.parametrize("line, wanted", [
    ("Goedemiddag mevrouw, ik ben Sandra van de corporatie, hier is mijn pasje.", {WHO, PASS}),
    ("goeiemiddag, ik ben ahmed van van dijk installatie", {WHO}),
    ("Dag, ik kom namens de woningcorporatie voor de kraan.", {WHO}),
    ("Hi, I'm Sam from Van Dijk. Here's my ID.", {WHO, PASS}),
    ("Ik ben Mark. Wilt u mijn pasje zien?", {WHO, PASS}),
    ("Ik ben Linda de Vries van Bouwservice Oost. Hier is mijn legitimatiepas.", {WHO, PASS}),
    ("I've got my card here if you want to see it.", {PASS}),
    ("Als het weer gaat lekken belt u de storingsdienst, het nummer staat op de ketel.", {CALL}),
    ("If it starts again, just ring the repairs line.", {CALL}),
    ("Kantoor belt u voor een nieuwe afspraak.", set()),
    ("hoi ik kom voor de reparatie", set()),
    ("Ik ben zo klaar, nog tien minuten.", set()),
    ("I'm sorry, I'm late.", set()),
])
def test_what_a_trainee_line_tells_of_itself(line, wanted):
    assert gives(line) == wanted


def test_a_yes_right_after_the_tenant_asked_gives_what_was_asked():
    asked = Turn("tenant", "Heeft u een pasje? Kunt u dat even door de kier laten zien?")
    assert given([asked, Turn("trainee", "Ja, hier.")]) == {PASS}
    assert given([asked, Turn("trainee", "Moment, ik kijk even.")]) == set()
    assert given([asked, Turn("trainee", "Moment."), Turn("trainee", "Ja.")]) == set()


def anxious_actor(seed: int) -> TenantActor:
    scenario = LIBRARY.scenarios["late-leaking-tap"]
    return TenantActor(LIBRARY.personas["anxious"], scenario, "nl", rng=random.Random(seed))


def wary(stance: str) -> Decision:
    return Decision(turn=1, behaviours=("greet_introduce",), state=TenantState(4, 3), stance=stance,
                    act="hesitate", act_stance=stance, allowed_facts=(), new_facts=())


@pytest.mark.parametrize("stance", ["guarded", "hostile"])
def test_a_tenant_told_name_and_pass_does_not_ask_for_them(stance):
    intro = [Turn("tenant", "Ja? Wie bent u? Ik verwachtte niemand, hoor."),
             Turn("trainee", "Goedemiddag, ik ben Ahmed van de corporatie, hier is mijn pasje.")]
    lines = {anxious_actor(seed).speak(wary(stance), intro, {}).text for seed in range(12)}
    assert not [line for line in lines if asks(line)], lines


def test_a_tenant_not_told_who_came_still_asks():
    bare = [Turn("tenant", "Ja? Wie bent u? Ik verwachtte niemand, hoor."),
            Turn("trainee", "hoi ik kom voor de reparatie")]
    lines = {anxious_actor(seed).speak(wary("guarded"), bare, {}).text for seed in range(12)}
    assert any(WHO in asks(line) for line in lines), lines


def test_leaving_a_line_out_of_the_corpus_changes_only_the_turns_it_would_win():
    """A trainer's edit to a persona changes only the replies it should: how near ties are
    broken does not depend on how many lines compete."""
    decision = Decision(turn=2, behaviours=("open_question",), state=TenantState(2, 6),
                        stance="cooperative", act="answer", act_stance="cooperative",
                        allowed_facts=(), new_facts=())
    for seed in range(20):  # seven lines of this stance, act and behaviour tie on an empty line
        whole, edited = anxious_actor(seed).corpus, anxious_actor(seed).corpus
        chosen = whole.choose(decision, "", [])  # ties: the tie-break decides
        edited.exchanges = [e for e in edited.exchanges[1:] if e != chosen]
        edited.exchanges.append(chosen)
        assert edited.choose(decision, "", []) == chosen, seed


def test_a_tenant_told_whom_to_ring_does_not_ask_who_to_ring():
    scenario = LIBRARY.scenarios["closing-the-job"]
    history = [Turn("tenant", "Eh, goedemorgen."),
               Turn("trainee", "Zo, het is klaar. Als het weer misgaat, belt u gewoon de "
                               "storingsdienst, het nummer staat op de sticker op de ketel."),
               Turn("tenant", "Goed."), Turn("trainee", "Fijne dag nog, mevrouw!")]
    done = Decision(turn=4, behaviours=("close_next_steps",), state=TenantState(1, 8),
                    stance="cooperative", act="agree", act_stance="cooperative",
                    allowed_facts=(), new_facts=())
    lines = {TenantActor(LIBRARY.personas[pid], scenario, "nl", rng=random.Random(seed))
             .speak(done, history, {}).text
             for pid in ("doubting", "grumpy", "demanding") for seed in range(6)}
    assert not [line for line in lines if CALL in asks(line)], lines
