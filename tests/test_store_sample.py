"""A realistic stored session for store, export and CLI tests (imported by those tests).

Also tests that the sample itself is stored the way the engine will store sessions.
"""

from __future__ import annotations

from simulator.store import Store

CONVERSATION_NL = [
    (
        "tenant",
        "Eindelijk! Ik wacht al sinds acht uur. Weet u wel hoe lang dit lek al duurt?",
        {"irritation": 7, "trust": 3, "stance": "hostile", "act": "complain"},
        {},
    ),
    (
        "trainee",
        "Goedemorgen, ik ben Sander van Bouwbedrijf De Vries. Sorry dat ik later ben.",
        None,
        {
            "greet_introduce": "Goedemorgen, ik ben Sander van Bouwbedrijf De Vries.",
            "apologize": "Sorry dat ik later ben.",
        },
    ),
    (
        "tenant",
        "Ja, dat zeggen ze allemaal. Het water loopt langs de muur naar beneden.",
        {"irritation": 6, "trust": 4, "stance": "hostile", "act": "describe"},
        {},
    ),
    (
        "trainee",
        "Dat is ook echt vervelend, zeker met kleine kinderen in huis.",
        None,
        {"acknowledge_emotion": "Dat is ook echt vervelend"},
    ),
    (
        "tenant",
        "Precies. Niemand luistert hier ooit naar ons.",
        {"irritation": 4, "trust": 5, "stance": "guarded", "act": "vent"},
        {},
    ),
    (
        "trainee",
        "Mag ik even binnenkomen? Ik trek wel schoenhoesjes aan.",
        None,
        {
            "ask_permission": "Mag ik even binnenkomen?",
            "care_for_home": "Ik trek wel schoenhoesjes aan.",
        },
    ),
    (
        "tenant",
        "Goed dan. Het zit in de badkamer, boven.",
        {"irritation": 3, "trust": 6, "stance": "cooperative", "act": "allow"},
        {},
    ),
    (
        "trainee",
        "Dat had u zelf ook wel kunnen dichtkitten hoor.",
        None,
        {"dismissive": "Dat had u zelf ook wel kunnen dichtkitten hoor."},
    ),
    (
        "tenant",
        "Pardon? Daar betaal ik toch huur voor!",
        {"irritation": 6, "trust": 4, "stance": "hostile", "act": "object"},
        {},
    ),
]


def make_session(
    store: Store,
    *,
    trainee: str = "Sander",
    consent: bool = True,
    lang: str = "nl",
    end: bool = True,
    conversation=None,
) -> str:
    sid = store.start_session(
        trainee=trainee,
        persona_id="grumpy",
        scenario_id="late-leaking-tap",
        lang=lang,
        mode="practice",
        backend="fake",
        model_id="fake-tenant",
        options={"temperature": 0.7},
        persona_hash="p" * 8,
        scenario_hash="s" * 8,
        consent=consent,
    )
    for speaker, text, state, shown in conversation or CONVERSATION_NL:
        tid = store.add_turn(
            sid,
            speaker=speaker,
            text=text,
            state=state,
            source="model" if speaker == "tenant" else None,
            latency_ms=120.0 if speaker == "tenant" else None,
            prompt='[{"role": "system"}]' if speaker == "tenant" else None,
        )
        if speaker == "trainee":
            store.add_detections(
                tid,
                [
                    {
                        "behaviour": b,
                        "detected": True,
                        "confidence": 0.8,
                        "sentence": s,
                        "exemplar": "voorbeeld",
                    }
                    for b, s in shown.items()
                ]
                + [
                    {
                        "behaviour": "open_question",
                        "detected": False,
                        "confidence": 0.2,
                        "sentence": "",
                        "exemplar": "",
                    }
                ],
            )
    if end:
        store.end_session(sid, "escalated", {"listening": 55, "hospitality": 80})
    return sid


def test_sample_session_is_stored_in_order(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        sid = make_session(store)
        turns = store.turns(sid)
        assert [t["position"] for t in turns] == list(range(len(CONVERSATION_NL)))
        assert [t["text"] for t in turns] == [c[1] for c in CONVERSATION_NL]
        assert turns[1]["detections"]["greet_introduce"]["detected"] is True
        assert store.session(sid)["scores"] == {"listening": 55, "hospitality": 80}
