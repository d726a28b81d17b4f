"""The shipped rubric files: valid, complete, enough exemplars, and no gold-set leakage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.behaviours import BEHAVIOURS, LANGS
from scoring.rubric import RUBRIC_DIR, behaviour_specs, load_rubrics
from simulator.cli import main

DEV = Path(__file__).resolve().parent.parent / "scoring" / "data" / "dev.jsonl"


@pytest.fixture(scope="module")
def specs():
    return behaviour_specs(load_rubrics())


def test_both_rubrics_validate_with_the_cli():
    result = CliRunner().invoke(main, ["validate", *map(str, sorted(RUBRIC_DIR.glob("*.yaml")))])
    assert result.exit_code == 0, result.output
    assert "2 file(s) valid" in result.output


def test_every_behaviour_has_enough_varied_exemplars_in_both_languages(specs):
    assert set(specs) == set(BEHAVIOURS)
    for b, spec in specs.items():
        for lang in LANGS:
            ex = spec.examples.get(lang)
            assert len(ex.positive) >= 15, (b, lang)
            assert len(ex.negative) >= 5, (b, lang)
            assert len(set(ex.positive)) == len(ex.positive), (b, lang, "duplicate exemplar")
            assert not set(ex.positive) & set(ex.negative), (b, lang)


def test_position_and_negative_flags(specs):
    assert specs["greet_introduce"].position == "start"
    assert specs["close_next_steps"].position == "end"
    assert specs["dismissive"].negative
    assert not any(s.negative for b, s in specs.items() if b != "dismissive")


def test_dev_set_does_not_leak_rubric_exemplars(specs):
    exemplars = {
        t.lower() for s in specs.values() for lang in LANGS
        for t in s.examples.get(lang).positive + s.examples.get(lang).negative
    }
    texts = [json.loads(line)["text"].lower() for line in DEV.read_text().splitlines() if line.strip()]
    assert not [t for t in texts if t in exemplars]


def test_a_broken_rubric_names_file_and_line(tmp_path):
    source = (RUBRIC_DIR / "listening.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "listening.yaml"
    broken.write_text(source.replace("    negative: true\n", "    negative: maybe\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    line = source.splitlines().index("    negative: true") + 1
    assert f"listening.yaml:{line}:" in result.output
    assert "Traceback" not in result.output
