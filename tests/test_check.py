"""`roleplay check`: scenario checks run headless, PASS/FAIL per check, exit 1 on any failure."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.content import load_library
from simulator.engine.checks import run_check
from simulator.paths import content_dir, user_content_dir

FAILING = """
checks:
  - name: A brush-off satisfies the tenant (wrong on purpose)
    persona: grumpy
    lang: en
    turns:
      - text: Not my problem.
        behaviours: [dismissive]
      - text: Stop whining.
        behaviours: [dismissive]
    expect:
      - {after_turn: 1, stance: satisfied}
      - {after_turn: 5, stance: cooperative}
      - {outcome: resolved}
"""


def run(*args):
    return CliRunner().invoke(main, ["check", *args])


def test_all_shipped_checks_pass():
    library = load_library()
    total = sum(len(s.checks) for s in library.scenarios.values())
    result = run()
    assert result.exit_code == 0, result.output
    assert result.output.count("PASS ") == total and "FAIL" not in result.output
    assert f"{total} passed, 0 failed" in result.output


def test_one_scenario_by_id():
    library = load_library()
    sid = min(library.scenarios)
    result = run(sid)
    assert result.exit_code == 0, result.output
    assert result.output.count("PASS ") == len(library.scenarios[sid].checks)
    assert all(sid in line for line in result.output.splitlines() if line.startswith("PASS"))


def test_unknown_scenario_lists_the_valid_ids():
    result = run("no-such-scenario")
    assert result.exit_code != 0
    assert "unknown scenario 'no-such-scenario'; expected one of:" in result.output
    assert "Traceback" not in result.output


def _trainer_scenario(text: str) -> str:
    """A copy of a shipped scenario with other checks, in the trainer's own folder."""
    source = content_dir("scenarios") / "repeat-visit.yaml"
    body = source.read_text(encoding="utf-8").split("\nchecks:")[0]
    target = user_content_dir("scenarios") / "my-test.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body + "\n" + text, encoding="utf-8")
    return "my-test"


def test_a_failing_check_says_why_and_exits_1():
    sid = _trainer_scenario(FAILING)
    result = run(sid)
    assert result.exit_code == 1, result.output
    out = result.output
    assert "FAIL  my-test: A brush-off satisfies the tenant" in out
    assert "expected stance satisfied after turn 1, got hostile" in out
    assert "expected stance cooperative after turn 5, but the conversation ended" in out
    assert "expected outcome resolved, got escalated after 2 turn(s)" in out
    assert "0 passed, 1 failed" in out


def test_fact_expectations_are_checked_for_every_turn_before():
    library = load_library()
    scenario = library.scenarios["repeat-visit"]
    gated = next(f for f in scenario.facts if f.reveal is not None)
    check = scenario.checks[0].model_copy(update={"expect": []})
    from simulator.content.scenario import Expectation

    played = run_check(library, "repeat-visit", check).played
    first = min((t for t, allowed in played.allowed.items() if gated.id in allowed), default=None)
    if first is None:
        pytest.skip("the first check never reveals the gated fact")
    late = check.model_copy(update={"expect": [Expectation(fact=gated.id, hidden_before=first + 1)]})
    result = run_check(library, "repeat-visit", late)
    assert not result.passed
    assert f"allowed after turn {first}" in result.reasons[0] or "before the first turn" in (
        result.reasons[0]
    )
    ok = check.model_copy(update={"expect": [Expectation(fact=gated.id, hidden_before=first)]})
    assert run_check(library, "repeat-visit", ok).passed


def test_checks_are_deterministic():
    library = load_library()
    sid, scenario = next((s, sc) for s, sc in library.scenarios.items() if sc.checks)
    a = run_check(library, sid, scenario.checks[0]).played.transcript
    b = run_check(library, sid, scenario.checks[0]).played.transcript
    assert a == b


def test_help_says_authored_lines_are_the_default():
    result = CliRunner().invoke(main, ["check", "--help"])
    assert "authored lines" in result.output and "--with-model" in result.output


@pytest.fixture(autouse=True)
def _clean_trainer_folder():
    yield
    shutil.rmtree(user_content_dir("scenarios"), ignore_errors=True)
