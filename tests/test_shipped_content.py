"""The personas and scenarios that ship with roleplay are complete, valid and behave as described.

A trainer relies on these files as they are: six tenants, six practice situations, every check
in a scenario passing, and every tenant reacting in its own way to the same behaviour.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.behaviours import BEHAVIOURS, LANGS, NEGATIVE, STANCES
from simulator.content import Library, load_library
from simulator.engine.checks import run_check
from simulator.engine.director import Director

REPO = Path(__file__).resolve().parent.parent
PERSONAS = {"doubting", "grumpy", "impatient", "anxious", "chatty", "demanding"}
SCENARIOS = {
    "late-leaking-tap",
    "mould-second-complaint",
    "boiler-winter",
    "repeat-visit",
    "moving-belongings",
    "closing-the-job",
}
# The personas a string of brush-offs must drive to the door (DESIGN.md: tenant shuts the door).
ESCALATE_ON_DISMISSIVE = ("grumpy", "demanding", "impatient")
# A technician who shows the good behaviours, one or two per turn, as a trainer would model it.
GOOD_SCRIPT = [
    ["greet_introduce", "ask_permission"],
    ["acknowledge_emotion", "apologize"],
    ["open_question"],
    ["paraphrase", "explain_plan"],
    ["check_understanding"],
    ["care_for_home", "explain_plan"],
    ["close_next_steps"],
]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_exactly_the_six_personas_ship_and_load(library: Library) -> None:
    assert set(library.personas) == PERSONAS


def test_exactly_the_six_scenarios_ship_and_load(library: Library) -> None:
    assert set(library.scenarios) == SCENARIOS


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_scenario_has_a_gated_fact_and_checks(library: Library, scenario_id: str) -> None:
    scenario = library.scenarios[scenario_id]
    gated = [f.id for f in scenario.facts if f.reveal is not None]
    assert gated, f"{scenario_id}: no fact waits for rapport or a behaviour"
    assert len(scenario.checks) >= 2, f"{scenario_id}: fewer than two checks"


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_persona_has_enough_authored_lines(library: Library, persona_id: str) -> None:
    persona = library.personas[persona_id]
    short = []
    for stance in STANCES:
        acts = persona.repertoire[stance]
        if len(acts) < 2:
            short.append(f"{stance}: only {len(acts)} act(s)")
        for act, lines in acts.items():
            short += [f"{stance}.{act}.{lang}" for lang in LANGS if len(lines.get(lang)) < 3]
    short += [f"opening.{lang}" for lang in LANGS if len(persona.opening.get(lang)) < 3]
    assert not short, f"{persona_id}: too few lines for {short}"


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_dismissive_hurts_and_good_behaviours_help(library: Library, persona_id: str) -> None:
    persona = library.personas[persona_id]
    dismissive = persona.reactions["dismissive"]
    assert dismissive.irritation > 0 and dismissive.trust < 0
    good = [persona.reactions[b] for b in BEHAVIOURS if b not in NEGATIVE]
    assert sum(r.irritation for r in good) < 0
    assert sum(r.trust for r in good) > 0
    start = persona.stance_for(persona.start.irritation, persona.start.trust)
    assert start in ("guarded", "hostile"), f"{persona_id} opens the door {start}"


def test_personas_react_differently(library: Library) -> None:
    tables = {
        pid: tuple((b, r.irritation, r.trust) for b, r in sorted(p.reactions.items()))
        for pid, p in library.personas.items()
    }
    same = [(a, b) for a, b in itertools.combinations(sorted(tables), 2) if tables[a] == tables[b]]
    assert not same, f"identical reaction tables: {same}"


def _play(director: Director, turns: list[list[str]]) -> None:
    for behaviours in turns:
        if director.finished:
            break
        director.observe(behaviours)


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_good_technician_satisfies_every_persona(library: Library, scenario_id: str) -> None:
    scenario = library.scenarios[scenario_id]
    for persona_id in library.personas_for(scenario_id):
        director = Director(library.personas[persona_id], scenario, seed=1)
        _play(director, GOOD_SCRIPT)
        assert director.outcome == "resolved", f"{persona_id} in {scenario_id}: {director.state}"


@pytest.mark.parametrize("persona_id", ESCALATE_ON_DISMISSIVE)
def test_brush_offs_escalate(library: Library, persona_id: str) -> None:
    scenario = library.scenarios["late-leaking-tap"]
    director = Director(library.personas[persona_id], scenario, seed=1)
    _play(director, [["dismissive"]] * 5)
    assert director.outcome == "escalated", f"{persona_id}: {director.state}"


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_scenario_checks_hold(library: Library, scenario_id: str) -> None:
    """Every check passes, with pinned behaviours (no scorer), as `roleplay` would run it."""
    scenario = library.scenarios[scenario_id]
    problems = []
    for check in scenario.checks:
        if any(t.behaviours is None for t in check.scripted()):
            problems.append(f"'{check.name}': a turn without pinned behaviours")
            continue
        result = run_check(library, scenario_id, check)
        problems += [f"'{check.name}': {reason}" for reason in result.reasons]
    assert not problems, "\n".join(problems)


def test_validate_command_accepts_shipped_content() -> None:
    from simulator.cli import main  # here, so a broken CLI does not hide the content tests

    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_installed_roleplay_validates_shipped_content() -> None:
    if (REPO / "simulator" / "cli" / "__main__.py").exists():
        command = [sys.executable, "-m", "simulator.cli"]
    else:
        command = [str(Path(sys.executable).parent / "roleplay")]
    done = subprocess.run(
        [*command, "validate"], check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("persona_id", sorted(PERSONAS))
def test_persona_corpus_covers_every_act_in_both_languages(library: Library, persona_id: str):
    persona = library.personas[persona_id]
    for lang in LANGS:
        exchanges = persona.exchanges.get(lang)
        assert len(exchanges) >= 60, f"{persona_id}.{lang}: {len(exchanges)} exchanges"
        covered = {(e.stance, e.act) for e in exchanges}
        missing = [(s, a) for s in STANCES for a in persona.repertoire[s] if (s, a) not in covered]
        assert not missing, f"{persona_id}.{lang}: no exchange for {missing}"
        acts = {e.act for e in exchanges}
        assert {"answer", "deflect"} <= acts, f"{persona_id}.{lang}: no answers or deflections"
        tenant = [e.tenant for e in exchanges]
        assert len(set(tenant)) == len(tenant), f"{persona_id}.{lang}: a tenant line twice"


def test_no_two_personas_share_a_corpus_line(library: Library):
    seen: dict[str, str] = {}
    for pid, persona in library.personas.items():
        for lang in LANGS:
            for e in persona.exchanges.get(lang):
                assert seen.setdefault(e.tenant, pid) == pid, f"{e.tenant!r}: {seen[e.tenant]}, {pid}"


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_every_fact_has_first_person_lines_and_questions(library: Library, scenario_id: str):
    for fact in library.scenarios[scenario_id].facts:
        assert fact.says and fact.asked_by, f"{scenario_id}.{fact.id}"
        for lang in LANGS:
            assert len(fact.says.get(lang)) >= 3 and len(fact.asked_by.get(lang)) >= 3
            third = [t for t in fact.says.get(lang) if t.lower().startswith(("de huurder",
                                                                              "the tenant"))]
            assert not third, f"{scenario_id}.{fact.id}: third person: {third}"
