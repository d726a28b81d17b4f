"""Broken content files: every kind gives FILE:LINE and exit 1, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.content import load_persona, validate_paths
from simulator.content.yamlfile import ContentError

TEMPLATE = Path(__file__).resolve().parent.parent / "simulator/content/templates/persona.yaml"

SCENARIO = """\
schema_version: 1
title: {nl: Lekkende kraan, en: Leaking tap}
situation: {nl: De kraan lekt., en: The tap leaks.}
briefing: {nl: Repareer de kraan., en: Fix the tap.}
personas: [grumpy]
facts:
  - id: since_monday
    text: {nl: Het lekt sinds maandag., en: It has leaked since Monday.}
    reveal: {min_trust: 6}
turn_limit: 10
resolution:
  description: {nl: Kraan gemaakt., en: Tap fixed.}
  required_behaviours: [explain_plan]
checks:
  - name: friendly
    persona: grumpy
    turns: [Goedemiddag!]
    expect:
      - {after_turn: 1, stance: guarded}
"""


def run_validate(path: Path):
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def write(folder: Path, kind: str, name: str, text: str | bytes) -> Path:
    target = folder / kind / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def persona_text(**replace: str) -> str:
    text = TEMPLATE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def assert_problem(result, path: Path, line: int, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    pattern = re.escape(f"{path.name}") + rf":{line}: "
    lines = [ln for ln in result.output.splitlines() if re.search(pattern, ln)]
    assert lines, f"no {path.name}:{line} in:\n{result.output}"
    for word in words:
        assert any(word in ln for ln in lines), f"{word!r} not in {lines}"


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_template_persona_is_valid(tmp_path):
    path = write(tmp_path, "personas", "new.yaml", persona_text())
    assert run_validate(path).exit_code == 0


def test_yaml_syntax_error(tmp_path):
    text = persona_text(**{"drift: 0.1": "drift: [0.1"})
    path = write(tmp_path, "personas", "p.yaml", text)
    result = run_validate(path)
    assert result.exit_code == 1 and "YAML syntax error" in result.output
    assert re.search(r"p\.yaml:\d+: ", result.output)


def test_missing_field(tmp_path):
    text = persona_text(**{"hidden_need:": "# hidden_need:", "  nl: Wil weten": "#  nl: Wil weten",
                           "  en: Wants to know": "#  en: Wants to know"})
    path = write(tmp_path, "personas", "p.yaml", text)
    # a missing top-level field is reported where the file's mapping starts
    assert_problem(run_validate(path), path, line_of(text, "schema_version"), "hidden_need is missing")


def test_unknown_field_suggests_the_right_one(tmp_path):
    text = persona_text(**{"speaking_style:": "speaking_stile:"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "speaking_stile"), "unknown field", "speaking_style")


def test_wrong_type(tmp_path):
    text = persona_text(**{"drift: 0.1": "drift: lots"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "drift: lots"), "drift", "number")


def test_out_of_range_number(tmp_path):
    text = persona_text(**{"start: {irritation: 4": "start: {irritation: 14"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "irritation: 14"), "start.irritation", "10")


def test_unknown_behaviour_id(tmp_path):
    text = persona_text(**{"  apologize:": "  apologise:"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "apologise"), "unknown behaviour id 'apologise'")


def test_duplicate_key(tmp_path):
    text = persona_text(**{"drift: 0.1": "drift: 0.1\ndrift: 0.3"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "drift: 0.3"), "duplicate key 'drift'")


def test_missing_language_variant(tmp_path):
    text = persona_text(**{"  en: The new tenant\n": ""})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "name:"), "name.en", "nl and en")


def test_too_few_authored_lines(tmp_path):
    text = persona_text(**{'["Ja?", "Goedemiddag. U bent de monteur?", "Ah, daar bent u."]': '["Ja?"]'})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, '["Ja?"]'), "opening.nl", "at least 3")


def test_empty_file(tmp_path):
    path = write(tmp_path, "personas", "p.yaml", "# only a comment\n")
    assert_problem(run_validate(path), path, 1, "empty")


def test_non_utf8_file(tmp_path):
    raw = persona_text().encode("utf-8").replace(b"De nieuwe huurder", b"De nieuwe huurd\xe9r")
    path = write(tmp_path, "personas", "p.yaml", raw)
    assert_problem(run_validate(path), path, 7, "UTF-8")


def test_top_level_list(tmp_path):
    path = write(tmp_path, "personas", "p.yaml", "- a\n- b\n")
    assert_problem(run_validate(path), path, 1, "mapping")


def test_unsupported_schema_version(tmp_path):
    text = persona_text(**{"schema_version: 1": "schema_version: 7"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "schema_version"), "schema_version 7")


def test_valid_scenario_and_unknown_persona(tmp_path):
    good = write(tmp_path, "scenarios", "s.yaml", SCENARIO)
    assert run_validate(good).exit_code == 0
    bad_text = SCENARIO.replace("personas: [grumpy]", "personas: [grumpy, sulky]")
    bad = write(tmp_path, "scenarios", "bad.yaml", bad_text)
    assert_problem(run_validate(bad), bad, line_of(bad_text, "personas:"), "unknown persona id 'sulky'")


def test_scenario_check_names_unknown_fact(tmp_path):
    text = SCENARIO + "      - {fact: no_such_fact, hidden_before: 2}\n"
    path = write(tmp_path, "scenarios", "s.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "checks:"), "no_such_fact")


def test_expectation_must_be_one_kind(tmp_path):
    text = SCENARIO.replace("{after_turn: 1, stance: guarded}", "{after_turn: 1}")
    path = write(tmp_path, "scenarios", "s.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "{after_turn: 1}"), "exactly one of")


def test_all_problems_of_a_folder_are_listed(tmp_path):
    write(tmp_path, "personas", "a.yaml", "")
    write(tmp_path, "personas", "b.yaml", "x: [")
    count, problems = validate_paths([tmp_path / "personas"])
    assert count == 2 and {Path(p.file).name for p in problems} == {"a.yaml", "b.yaml"}


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    result = run_validate(tmp_path / "nope.yaml")
    assert result.exit_code == 1 and "no such file" in result.output


def test_python_api_raises_content_error(tmp_path):
    path = write(tmp_path, "personas", "p.yaml", "schema_version: 1\n")
    with pytest.raises(ContentError) as err:
        load_persona(path)
    assert all(p.file.endswith("p.yaml") for p in err.value.problems)


@pytest.mark.parametrize("kind", ["persona", "scenario", "rubric"])
def test_schema_is_json_schema(kind):
    import json

    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["type"] == "object" and "schema_version" in doc["properties"]


@pytest.mark.parametrize("kind", ["persona", "scenario"])
def test_new_skeleton_validates(tmp_path, kind):
    folder = tmp_path / f"{kind}s"
    result = CliRunner().invoke(main, ["new", kind, "my-new", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    target = folder / "my-new.yaml"
    assert "#" in target.read_text(encoding="utf-8")  # commented for the trainer
    assert run_validate(target).exit_code == 0
    again = CliRunner().invoke(main, ["new", kind, "my-new", "--dir", str(folder)])
    assert again.exit_code != 0 and "exists" in again.output


def test_trainers_own_persona_joins_the_library(roleplay_home):
    from simulator.content import load_library

    result = CliRunner().invoke(main, ["new", "persona", "noisy-neighbour"])
    assert result.exit_code == 0, result.output
    assert (roleplay_home / "personas" / "noisy-neighbour.yaml").exists()
    library = load_library()
    assert "noisy-neighbour" in library.personas and "grumpy" in library.personas


def test_a_broken_own_file_is_left_out_and_the_rest_loads(roleplay_home):
    from simulator.content import load_library

    (roleplay_home / "personas").mkdir()
    (roleplay_home / "personas" / "broken.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    library = load_library()  # a trainer's typo never takes the shipped content down
    assert "grumpy" in library.personas and "broken" not in library.personas
    assert {Path(p.file).name for p in library.problems} == {"broken.yaml"}
    with pytest.raises(ContentError):  # a folder given on purpose is checked strictly
        load_library(persona_dir=roleplay_home / "personas")
    assert "broken" not in load_library(roleplay_home / "personas", strict=False).personas


def test_an_exchange_with_an_act_the_stance_lacks_names_its_line(tmp_path):
    text = persona_text(**{"      act: ask_question\n      behaviours: [greet_introduce]":
                           "      act: thank\n      behaviours: [greet_introduce]"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "act: thank"),
                   "exchanges.nl.0.act", "'thank' is not an act of stance 'guarded'", "deflect")


def test_an_exchange_with_an_unknown_behaviour_names_its_line(tmp_path):
    text = persona_text(**{"      behaviours: [open_question]": "      behaviours: [open_questions]"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "[open_questions]"),
                   "unknown behaviour id 'open_questions'")


def test_misspelt_act_name_is_a_problem_with_file_and_line(tmp_path):
    # the act goes into the tenant model's prompt: a typo must not pass validation
    text = persona_text(**{"    complain:": "    complian:"})
    path = write(tmp_path, "personas", "p.yaml", text)
    assert_problem(run_validate(path), path, line_of(text, "complian:"),
                   "repertoire.hostile.complian", "unknown act 'complian'", "did you mean 'complain'")


def test_template_names_every_known_act():
    from simulator.content.acts import ACTS

    text = TEMPLATE.read_text(encoding="utf-8")
    assert all(act in text for act in ACTS)
