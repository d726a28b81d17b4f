"""`roleplay evaluate` / `calibrate` and the labelled-file reader: clear FILE:LINE errors, honest metrics."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scoring.evaluation import DataError, Item, load_items, metrics
from simulator.cli import main

GOOD = {"id": "a", "lang": "nl", "tenant_said": "", "text": "Mag ik binnenkomen?", "labels": ["ask_permission"]}


def write(tmp_path, lines):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(l if isinstance(l, str) else json.dumps(l) for l in lines) + "\n")
    return path


@pytest.mark.parametrize("bad,line,words", [
    ("{not json", 2, "invalid JSON"),
    ({"id": "b", "lang": "de", "text": "x", "labels": []}, 2, "lang is 'de'"),
    ({"id": "b", "lang": "nl", "text": "x", "labels": ["greet"]}, 2, "unknown behaviour 'greet'"),
    ({"id": "b", "lang": "nl", "labels": []}, 2, "missing text"),
    ({"id": "a", "lang": "nl", "text": "x", "labels": []}, 2, "duplicate id 'a'"),
    ({"id": "b", "lang": "nl", "text": "x", "labels": "apologize"}, 2, "labels is not a list"),
    ({"id": "b", "lang": "nl", "text": "x", "labels": [], "turn_index": -1}, 2, "turn_index"),
    ("[1, 2]", 2, "expected an object"),
])
def test_malformed_lines_name_file_and_line(tmp_path, bad, line, words):
    path = write(tmp_path, [GOOD, bad])
    with pytest.raises(DataError) as err:
        load_items(path)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert words in str(err.value)


@pytest.mark.parametrize("command", [["evaluate"], ["evaluate", "--json"], ["calibrate", "--data"]])
def test_cli_exits_2_with_a_message_never_a_traceback(tmp_path, command):
    path = write(tmp_path, [GOOD, "", '{"id": "b", "lang": "nl", "text": "x", "labels": [1]}'])
    result = CliRunner().invoke(main, [*command, str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: labels is not a list of strings" in result.output
    assert "Traceback" not in result.output


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    result = CliRunner().invoke(main, ["evaluate", str(empty)])
    assert result.exit_code == 2 and "empty.jsonl:1: file has no items" in result.output
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "nope.jsonl:1: cannot read file" in result.output


def test_metrics_by_behaviour_language_and_macro():
    items = [
        Item("1", "nl", "x", ("apologize",)), Item("2", "nl", "x", ("apologize",)),
        Item("3", "nl", "x", ()), Item("4", "en", "x", ("paraphrase",)),
    ]
    predicted = [{"apologize"}, set(), {"apologize"}, {"paraphrase"}]
    report = metrics(items, predicted)
    apol = report["behaviours"]["apologize"]
    assert (apol["precision"], apol["recall"], apol["support"]) == (0.5, 0.5, 2)
    assert report["behaviours"]["paraphrase"]["f1"] == 1.0
    assert report["macro_f1"] == 0.75  # mean over behaviours that occur
    assert report["by_lang"]["nl"]["macro_f1"] == 0.5
    assert report["by_lang"]["en"]["macro_f1"] == 1.0


@pytest.mark.real_model
def test_evaluate_json_on_a_small_file(tmp_path):
    lines = [
        {"id": "1", "lang": "nl", "tenant_said": "", "text": "Goedemorgen, ik ben Piet van Bouwbedrijf Kok.", "labels": ["greet_introduce"]},
        {"id": "2", "lang": "en", "tenant_said": "", "text": "Sorry I'm late, the traffic was awful.", "labels": ["apologize"]},
        {"id": "3", "lang": "en", "tenant_said": "", "text": "Those are copper pipes.", "labels": []},
    ]
    result = CliRunner().invoke(main, ["evaluate", "--json", str(write(tmp_path, lines))])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["behaviours"]) >= {"greet_introduce", "apologize", "dismissive"}
    assert set(report["behaviours"]["apologize"]) >= {"precision", "recall", "f1", "support"}
    assert report["behaviours"]["apologize"]["support"] == 1
    assert set(report["by_lang"]) == {"nl", "en"} and "macro_f1" in report["by_lang"]["nl"]
    assert 0 <= report["macro_f1"] <= 1


SCORER_ID = "all-MiniLM-L6-v2+gemma-3-270m-L8-framed"


@pytest.mark.real_model
def test_calibrate_stores_thresholds_in_the_users_home_and_the_scorer_uses_them(roleplay_home):
    from scoring.model import resolve, user_path
    from scoring.scorer import Scorer

    result = CliRunner().invoke(main, ["calibrate", "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "Cross-validated figures (3 folds" in result.stdout and "macro-F1" in result.stdout
    target = user_path(SCORER_ID)
    assert target.is_file() and str(roleplay_home) in str(target)
    stored = json.loads(target.read_text())
    assert stored["cv"]["folds"] == 3 and set(stored["cv"]["by_lang"]) == {"nl", "en"}
    assert resolve(SCORER_ID).source == str(target)
    assert Scorer.default().model_id == SCORER_ID  # MiniLM plus the reader (scoring.reader)
