"""One vocabulary: behaviours, stances and languages have one name each, on screen and on paper."""

from __future__ import annotations

import pytest
from test_store_sample import make_session

from simulator.vocabulary import (
    BEHAVIOUR_NAMES,
    BEHAVIOURS,
    LANGS,
    STANCES,
    behaviour_name,
    language_name,
    stance_name,
)


@pytest.mark.parametrize("lang", LANGS)
def test_a_behaviour_has_one_name_on_screen_in_feedback_and_in_every_export(lang):
    from scoring.feedback import behaviour_name as in_feedback
    from simulator.exports.labels import behaviour_name as in_exports
    from simulator.ui.names import behaviour_name as on_screen

    for b in BEHAVIOURS:
        name = BEHAVIOUR_NAMES[lang][b]
        assert on_screen(b, lang) == in_feedback(b, lang) == in_exports(b, lang) == name, b
    assert len(set(BEHAVIOUR_NAMES[lang].values())) == len(BEHAVIOURS)  # no two alike


@pytest.mark.parametrize("lang", LANGS)
def test_stances_and_languages_read_the_same_on_screen_and_in_exports(lang):
    from simulator.exports.labels import stance_name as in_exports
    from simulator.ui.i18n import t

    for stance in STANCES:
        assert t(f"stance_{stance}", lang) == in_exports(stance, lang) == stance_name(stance, lang)
    for code in LANGS:
        assert t(f"langs_{code}", lang) == language_name(code, lang)


def test_the_html_report_names_behaviours_as_the_screen_does(tmp_path):
    from simulator.exports import render
    from simulator.store import Store
    from simulator.ui.names import behaviour_name as on_screen

    with Store.open(tmp_path / "v.db") as store:
        html = render(store, [make_session(store)], "html")
    for b in ("acknowledge_emotion", "dismissive", "greet_introduce"):
        assert on_screen(b, "nl") in html, b
    assert "Erkent gevoel" not in html and "Wuift weg" not in html  # the old second table


def test_an_unknown_id_reads_as_words():
    assert behaviour_name("smile_kindly", "nl") == "smile kindly"
    assert stance_name(None, "en") == ""


def test_the_content_files_accept_exactly_the_vocabularys_stances_and_languages():
    from typing import get_args

    from simulator.content.base import Lang, Stance

    assert get_args(Stance) == STANCES and get_args(Lang) == LANGS
