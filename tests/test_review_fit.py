"""Team leaders teach the scorer: thresholds refitted on reviewed turns, measured on held-out ones."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scoring.embedder import FakeEmbedder
from scoring.evaluation import Item
from scoring.review_fit import MIN_EACH, held_out, refit
from scoring.scorer import Scorer

APOLOGIES = ["Sorry dat ik zo laat ben.", "Excuses voor de rommel.", "Het spijt me van gisteren.",
             "Sorry voor het wachten.", "Neemt u me niet kwalijk dat het zo lang duurde.",
             "Sorry, het liep uit bij de vorige klant.", "Excuses, ik had eerder moeten bellen.",
             "Sorry voor de herrie vanochtend.", "Het spijt me dat u vrij moest nemen.",
             "Sorry hoor, dat had niet zo mogen lopen.", "Excuses voor het stof.",
             "Sorry dat u zo lang zonder water zat."]
OTHERS = ["Waar is de meterkast?", "Ik ga eerst de kraan dichtdraaien.", "Hoe lang lekt het al?",
          "Mag ik even binnenkomen?", "Ik leg wel een kleed neer.", "Fijne dag nog!",
          "De pakking is versleten.", "Ik haal even gereedschap uit de bus.",
          "Wat is er precies gebeurd?", "Klopt het dat het gisteren begon?",
          "Ik bel u morgen terug.", "Het duurt ongeveer een uur."]


def items(lang: str = "nl") -> list[Item]:
    out = [Item(f"a{i}{lang}", lang, t, ("apologize",)) for i, t in enumerate(APOLOGIES)]
    return out + [Item(f"o{i}{lang}", lang, t, ()) for i, t in enumerate(OTHERS)]


def test_the_held_out_share_is_fixed_by_the_turn_id():
    ids = [f"turn-{i}" for i in range(400)]
    share = sum(map(held_out, ids)) / len(ids)
    assert 0.2 < share < 0.4
    assert [held_out(i) for i in ids] == [held_out(i) for i in ids]


def test_refit_moves_only_thresholds_with_enough_reviews_and_measures_on_held_out_turns():
    scorer = Scorer(embedder=FakeEmbedder(), use_cache=False)
    scorer.load()
    before = {b: dict(m.thresholds) for b, m in scorer.calibration.behaviours.items()}
    result = refit(scorer, items())
    assert result.items == 24 and 0 < result.held_out < 24
    assert result.before is not None and result.after is not None
    assert result.before["items"] == result.after["items"] == result.held_out
    # Only apologize has >= MIN_EACH turns with and without it; nothing is known about the rest.
    assert set(result.moved) <= {"apologize"}
    for b, model in result.calibration.behaviours.items():
        if b != "apologize":
            assert model.thresholds == before[b]
        assert model.thresholds["en"] == before[b]["en"]  # no English turns were reviewed
    assert result.calibration.source == "reviews"
    assert result.calibration.cv["reviews"] == {"items": 24, "held_out": result.held_out}
    assert MIN_EACH <= len(APOLOGIES)


@pytest.mark.real_model
def test_calibrate_from_reviews_on_a_small_store(roleplay_home):
    from scoring.model import SHIPPED, SHIPPED_MINILM, user_path
    from simulator.cli import main
    from simulator.store import Store
    from simulator.store.review import judge

    shipped = SHIPPED.read_text(), SHIPPED_MINILM.read_text()
    empty = CliRunner().invoke(main, ["calibrate", "--from-reviews"])
    assert empty.exit_code == 1 and "no reviewed turns yet" in empty.output
    with Store.open() as store:
        for k, text in enumerate(APOLOGIES + OTHERS):
            sid = store.start_session(trainee="Sam", persona_id="grumpy", scenario_id="x",
                                      lang="nl", consent=True)
            store.add_turn(sid, speaker="tenant", text="Nou, daar bent u dan eindelijk.")
            store.add_turn(sid, speaker="trainee", text=text)
            judge(store, sid, 2, "apologize", k < len(APOLOGIES), "Anja")
    result = CliRunner().invoke(main, ["calibrate", "--from-reviews"])
    assert result.exit_code == 0, result.output
    assert "24 reviewed turns" in result.output and "held out" in result.output
    assert "F1 before" in result.output and "macro-F1" in result.output
    stored = json.loads(user_path("all-MiniLM-L6-v2+gemma-3-270m-L8-framed").read_text())
    assert stored["source"] == "reviews" and stored["cv"]["reviews"]["items"] == 24
    assert (SHIPPED.read_text(), SHIPPED_MINILM.read_text()) == shipped  # never touched


def test_a_teams_calibration_for_an_older_reading_is_named_as_unused(roleplay_home):
    from scoring.model import SHIPPED, Calibration, outdated, user_path
    from simulator.cli import main

    current = Scorer.default().model_id
    embedder = current.split("+")[0]
    shipped = Calibration.from_json(SHIPPED.read_text(), "shipped")
    assert outdated(current) == [] and "older scorer" not in _agreement()
    for model_id, source in ((f"{embedder}+an-older-reading", "reviews"),
                             ("another-embedder+an-older-reading", "reviews"),
                             (f"{embedder}+fitted-on-a-file", "calibrated"), (embedder, "reviews")):
        path = user_path(model_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Calibration(model_id, shipped.behaviours, source).to_json())
    # Only the team's refit from reviews, for this embedder with a reader, is lost work. Another
    # embedder's, a fit on a labelled file, or MiniLM alone's (another model) is not.
    assert outdated(current) == [f"{embedder}+an-older-reading"]
    assert outdated(embedder) == []  # the scorer without its reader: nothing is outdated
    assert "older scorer" in _agreement() and "calibrate --from-reviews" in _agreement()
    as_json = CliRunner().invoke(main, ["sessions", "agreement", "--json"]).output
    assert json.loads(as_json)["outdated_calibrations"] == [f"{embedder}+an-older-reading"]
    user_path(current).write_text(Calibration(current, shipped.behaviours, "reviews").to_json())
    assert outdated(current) == [] and "older scorer" not in _agreement()
    assert CliRunner().invoke(main, ["sessions", "agreement"]).exit_code == 0


def _agreement() -> str:
    from simulator.cli import main

    return CliRunner().invoke(main, ["sessions", "agreement"]).output
