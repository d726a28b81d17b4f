"""The scorer's plumbing with the FakeEmbedder: no model, fast. Real detection: test_scorer_real."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.behaviours import BEHAVIOURS
from scoring.embedder import EmbeddingCache, FakeEmbedder
from scoring.features import question_flags, split_sentences
from scoring.rubric import load_rubrics
from scoring.scorer import Scorer


class CountingEmbedder(FakeEmbedder):
    def __init__(self):
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts):
        self.encoded += list(texts)
        return super().encode(texts)


@pytest.fixture(scope="module")
def rubrics():
    return load_rubrics()


@pytest.fixture
def scorer(rubrics):
    return Scorer(rubrics, FakeEmbedder())


def test_every_behaviour_gets_a_detection_with_evidence(scorer):
    score = scorer.score_turn("Mag ik even binnenkomen?", "nl")
    assert list(score.detections) == list(BEHAVIOURS)
    d = score.detections["ask_permission"]
    assert d.detected and d.sentence == "Mag ik even binnenkomen?"
    assert d.exemplar == "Mag ik even binnenkomen?"
    assert score.detected == ["ask_permission"]


def test_each_sentence_is_scored_on_its_own(scorer):
    score = scorer.score_turn("Excuses voor het wachten. Mag ik even binnenkomen?", "nl")
    assert {"apologize", "ask_permission"} <= set(score.detected)
    assert score.detections["apologize"].sentence == "Excuses voor het wachten."
    assert score.sentences == ["Excuses voor het wachten.", "Mag ik even binnenkomen?"]


def test_reply_language_selects_the_exemplars(scorer):
    d = scorer.score_turn("Can I come in for a sec?", "en").detections["ask_permission"]
    assert d.detected and d.exemplar == "Can I come in for a sec?"


def test_greeting_only_counts_near_the_start(scorer):
    text = "Goedemorgen, ik ben Kees van Bouwbedrijf De Vries."
    assert "greet_introduce" in scorer.score_turn(text, "nl", turn_index=0).detected
    late = scorer.score_turn(text, "nl", turn_index=5).detections["greet_introduce"]
    assert not late.detected and late.confidence == 0.0


def test_closing_only_counts_at_the_end_of_a_reply(scorer):
    closing = "Fijne dag nog, en succes met de verbouwing."
    end = scorer.score_turn(f"Het is gemaakt. {closing}", "nl", turn_index=6)
    assert "close_next_steps" in end.detected
    first = scorer.score_turn(
        f"{closing} Ik ga de kraan vervangen. Daarna ontlucht ik de ketel. Dan de thermostaat.",
        "nl", turn_index=6)
    assert "close_next_steps" not in first.detected


def test_empty_reply_detects_nothing(scorer):
    score = scorer.score_turn("   ", "nl")
    assert score.detected == [] and all(d.confidence == 0 for d in score.detections.values())


def test_unchanged_exemplars_are_never_re_embedded(rubrics, tmp_path, monkeypatch):
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path))  # not the cache shared by all tests
    first = CountingEmbedder()
    Scorer(rubrics, first).load()
    assert len(first.encoded) > 400
    second = CountingEmbedder()
    Scorer(rubrics, second).load()
    assert second.encoded == []


def test_cache_embeds_only_new_texts(tmp_path):
    embedder = CountingEmbedder()
    cache = EmbeddingCache("some/model", tmp_path)
    a, fresh = cache.embed(embedder, ["een", "twee"])
    b, fresh2 = cache.embed(embedder, ["twee", "drie", "een"])
    assert (fresh, fresh2) == (2, 1) and embedder.encoded == ["een", "twee", "drie"]
    np.testing.assert_allclose(b[0], a[1])
    np.testing.assert_allclose(b[2], a[0])


def test_sentence_split_keeps_a_greeting_with_its_name():
    assert split_sentences("Goedemorgen, ik ben Jan. Wat is er aan de hand?") == [
        "Goedemorgen, ik ben Jan.", "Wat is er aan de hand?"]
    assert split_sentences("Sorry dat ik laat ben — wat is er precies aan de hand?") == [
        "Sorry dat ik laat ben", "wat is er precies aan de hand?"]


@pytest.mark.parametrize("text,lang,open_,closed", [
    ("Wat is er precies gebeurd?", "nl", 1, 0),
    ("Hoe lang speelt dit al?", "nl", 1, 0),
    ("Klopt het dat het sinds maandag lekt?", "nl", 0, 1),
    ("Heeft u het al gemeld?", "nl", 0, 1),
    ("What happened?", "en", 1, 0),
    ("Did you report it?", "en", 0, 1),
    ("Wat een gedoe.", "nl", 0, 0),
])
def test_question_form(text, lang, open_, closed):
    flags = question_flags(text, lang)
    assert (flags["open_start"], flags["closed_start"]) == (open_, closed)


def test_an_uncalibrated_model_falls_back_to_margin_heuristics(scorer):
    scorer.load()
    assert scorer.calibration.source == "uncalibrated"  # shipped thresholds are for MiniLM only


def test_exemplar_probe_recognises_the_rubric_exemplars(rubrics):
    """Fitted on exemplars only, the probe must at least tell its own exemplars apart."""
    scorer = Scorer(rubrics, FakeEmbedder(), training=[])
    scorer.load()
    bank = scorer._banks["nl"]
    predicted = np.argmax(bank.pos @ bank.probe + bank.probe_bias, axis=1)
    assert (predicted == bank.pos_owner).mean() > 0.9


def test_training_replies_teach_the_probes_in_their_own_language(rubrics):
    """A phrase the training split labels as a behaviour raises that behaviour's probes."""
    from scoring.evaluation import Item

    taught = [Item(f"t{i}", "nl", f"Krijg nou wat, flapdrol nummer {i}.", ("dismissive",))
              for i in range(12)]
    plain = Scorer(rubrics, FakeEmbedder(), training=[])
    learned = Scorer(rubrics, FakeEmbedder(), training=taught)
    line = ["Krijg nou wat, flapdrol."]

    def probes(scorer, lang):
        cand = scorer.candidates(line, scorer.encode(line), lang, None, 2, False)["dismissive"]
        return cand.values["lex_reply"], cand.values["probe"]

    (lex0, probe0), (lex1, probe1) = probes(plain, "nl"), probes(learned, "nl")
    assert lex1 > lex0 + 1.0 and probe1 > probe0
    assert probes(learned, "en") == probes(plain, "en")  # Dutch replies do not teach English


def test_rival_and_probe_features_reach_the_model(scorer):
    scorer.load()
    sentences = ["Ja ja, ik weet het, ik heb niet de hele dag."]
    cands = scorer.candidates(sentences, scorer.embedder.encode(sentences), "nl", None, 0, False)
    values = cands["dismissive"].values
    assert {"rival", "probe", "hurry", "cutoff"} <= set(values)
    assert values["hurry"] == 1.0 and values["cutoff"] == 1.0


@pytest.mark.parametrize("sentence,cue,expected", [
    ("Dus het lekt alleen als het hard regent.", "summary", 1.0),
    ("So it only leaks when it rains hard.", "summary", 1.0),
    ("Mag ik even in de meterkast kijken?", "permission", 1.0),
    ("Is dat zo duidelijk voor u?", "permission", 0.0),
    ("Is dat zo duidelijk voor u?", "check", 1.0),
    ("I'll lay a sheet over the sofa first.", "care", 1.0),
    ("Mocht het weer gaan tikken, belt u gerust.", "next_contact", 1.0),
    ("Ach, tja, dat hoort er nou eenmaal bij.", "brush_off", 1.0),
    ("Ik snap dat u er klaar mee bent.", "brush_off", 0.0),
])
def test_word_cues(sentence, cue, expected):
    from scoring.features import cue_flags

    assert cue_flags(sentence)[cue] == expected
