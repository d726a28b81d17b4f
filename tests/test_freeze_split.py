"""scripts/freeze_split.py: splits are frozen, only the training split takes new batches."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "freeze_split.py"


@pytest.fixture
def freeze(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("freeze_split", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "DATA", tmp_path)
    return module


def _write(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _reply(text: str, lang: str = "nl") -> dict:
    return {"lang": lang, "tenant_said": "", "text": text, "labels": ["apologize"]}


def test_a_new_training_batch_is_appended_with_fresh_ids_and_no_reply_twice(freeze, tmp_path):
    _write(tmp_path / "test.jsonl", [{"id": "test-nl-0001", **_reply("Sorry voor het wachten.")}])
    first = _write(tmp_path / "a.jsonl", [_reply("Excuses, ik ben laat."), _reply("Sorry!", "en")])
    assert freeze.main("train", [first]) == 0
    batch = _write(tmp_path / "b.jsonl", [
        _reply("Sorry voor het wachten."),  # in the test split: never also in training
        _reply("excuses, ik ben  laat."),   # already in training (case and spaces aside)
        _reply("Het spijt me van de rommel."),
    ])
    assert freeze.main("train", ["--append", batch]) == 0
    rows = [json.loads(line) for line in (tmp_path / "train.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["train-nl-0001", "train-en-0001", "train-nl-0002"]
    assert rows[-1]["text"] == "Het spijt me van de rommel."


def test_the_test_split_is_never_rewritten_or_appended_to(freeze, tmp_path):
    frozen = _write(tmp_path / "test.jsonl", [{"id": "test-nl-0001", **_reply("Sorry.")}])
    before = Path(frozen).read_text()
    batch = _write(tmp_path / "b.jsonl", [_reply("Het spijt me.")])
    assert freeze.main("test", [batch]) == 1
    assert freeze.main("test", ["--append", batch]) == 2
    assert Path(frozen).read_text() == before


def test_a_bad_draft_row_leaves_the_training_split_as_it_was(freeze, tmp_path):
    _write(tmp_path / "train.jsonl", [{"id": "train-nl-0001", **_reply("Excuses.")}])
    before = (tmp_path / "train.jsonl").read_text()
    bad = _write(tmp_path / "b.jsonl", [{"lang": "nl", "tenant_said": "", "text": "Hoi.",
                                          "labels": ["not_a_behaviour"], "id": "mine-1"}])
    assert freeze.main("train", ["--append", bad]) == 1
    assert (tmp_path / "train.jsonl").read_text() == before
    assert not list(tmp_path.glob(".*partial"))
