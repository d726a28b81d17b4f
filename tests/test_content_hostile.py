"""Hostile and careless content files: each one is refused on its own, with FILE:LINE, fast.

An alias bomb, a huge file, a file name that is not an id, a trainer's file that replaces a
shipped persona, a broken trainer file: none of them may stop practice with the other personas.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_play import KeywordScorer

from simulator.backends import FakeBackend
from simulator.cli import main
from simulator.cli import play as play_module
from simulator.content import load_library

REPO = Path(__file__).resolve().parent.parent
SHIPPED_GRUMPY = (REPO / "personas" / "grumpy.yaml").read_text(encoding="utf-8")
TEMPLATE = (REPO / "simulator/content/templates/persona.yaml").read_text(encoding="utf-8")


def alias_bomb(levels: int, width: int = 9) -> str:
    """The "billion laughs": every level repeats the one before it `width` times."""
    names = "abcdefghijklmnop"
    lines = ["schema_version: 1", f"a: &a [{','.join(['x'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [{','.join([f'*{names[i - 1]}'] * width)}]")
    return "\n".join(lines) + "\n"


def own_file(home: Path, kind: str, name: str, text: str) -> Path:
    path = home / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fake(monkeypatch):
    """`roleplay play` with a scripted model and a keyword scorer (no model loads)."""
    backend = FakeBackend(["Nou, kom dan maar binnen.", "Het zit in de keuken, hoor."])
    monkeypatch.setattr(play_module, "_backend", lambda kwargs, lang=None: (backend, None))
    monkeypatch.setattr(play_module, "_scorer", lambda: KeywordScorer())


def play(persona: str = "grumpy", scenario: str = "repeat-visit"):
    return CliRunner().invoke(main, ["play", "--persona", persona, "--scenario", scenario,
                                     "--lang", "nl", "--json"], input="Goedemiddag!\nHoe gaat het?\n")


def validate(*paths: Path):
    result = CliRunner().invoke(main, ["validate", *map(str, paths)])
    assert "Traceback" not in result.output, result.output
    return result


def problem_lines(output: str, name: str) -> list[str]:
    return [ln for ln in output.splitlines() if re.search(re.escape(name) + r":\d+: ", ln)]


# --- alias bomb ------------------------------------------------------------------------------

def _limit_memory() -> None:  # so that a regression fails the test instead of the machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def test_the_billion_laughs_file_is_refused_by_a_real_validate_run(roleplay_home):
    path = own_file(roleplay_home, "personas", "bomb.yaml", alias_bomb(levels=9))
    assert path.stat().st_size < 360
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "simulator", "validate", str(path)], env=env,
                          capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory,
                          check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = problem_lines(done.stdout, "bomb.yaml")
    assert lines and all("aliases" in ln and "1000 values" in ln for ln in lines), done.stdout
    assert len(lines) == 1 and len(lines[0]) < 300


def test_an_alias_bomb_in_the_trainers_folder_does_not_stop_practice(roleplay_home, fake):
    own_file(roleplay_home, "personas", "bomb.yaml", alias_bomb(levels=5))
    result = play()
    assert result.exit_code == 0, result.output
    assert re.search(r"bomb\.yaml:5: aliases \(\*name\) repeat more than 1000", result.stderr)
    assert '"outcome"' in result.stdout.splitlines()[-1]


def test_a_merge_key_bomb_is_refused_too(tmp_path):
    lines = ["schema_version: 1", "m0: &m0 {" + ", ".join(f"k{i}: x" for i in range(9)) + "}"]
    lines += [f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}" for i in range(1, 6)]
    path = own_file(tmp_path, "personas", "merge.yaml", "\n".join(lines) + "\n")
    result = validate(path)
    assert result.exit_code == 1 and "aliases" in "".join(problem_lines(result.output, "merge.yaml"))


def test_a_trainer_may_still_reuse_a_block_with_an_alias(tmp_path):
    text = TEMPLATE.replace("closings:\n  resolved:", "closings:\n  resolved: &same", 1)
    start = text.index("  escalated:")
    end = text.index("\n", text.index("en:", start))
    text = text[:start] + "  escalated: *same" + text[end:]
    assert "*same" in text
    assert validate(own_file(tmp_path, "personas", "reuse.yaml", text)).exit_code == 0


# --- size cap and short excerpts ------------------------------------------------------------

def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "personas" / "huge.yaml"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8") as out:
        out.write("schema_version: 1\nname: {nl: '")
        out.write("x" * (8 << 20))
        out.write("', en: x}\n")
    result = validate(path)
    assert result.exit_code == 1
    assert problem_lines(result.output, "huge.yaml") == [
        f"{path}:1: file is larger than 512 KB; expected a smaller file "
        + "(split it, or remove text that is not needed)"]


@pytest.mark.parametrize("field, value", [
    ("description", "{nl: '%s', en: x}"),  # text too long: quoted in the message
    ("drift", "'%s'"),  # not a number
    ("reactions", "\n  ? '%s'\n  : {trust: 1}"),  # an unknown behaviour id, as a key
    ("start", "\n  ? '%s'\n  : 1"),  # an unknown field
], ids=["text", "number", "behaviour-key", "field-name"])
def test_a_long_offending_value_is_quoted_as_a_short_excerpt(tmp_path, field, value):
    long = "w" * 300_000
    text = re.sub(rf"(?m)^{field}:.*(\n  .*)*", f"{field}: {value % long}", TEMPLATE, count=1)
    path = own_file(tmp_path, "personas", "long.yaml", text)
    result = validate(path)
    lines = problem_lines(result.output, "long.yaml")
    assert result.exit_code == 1 and lines, result.output[:2000]
    assert max(len(ln) for ln in result.output.splitlines()) < 600
    assert any("characters)" in ln for ln in lines)


@pytest.mark.parametrize("value", ["1" * 5000, "1" + ":0" * 100_000, "2001-13-45"],
                         ids=["5000-digits", "base-60", "impossible-date"])
def test_numbers_and_dates_that_cannot_be_read_are_one_line_each(tmp_path, value):
    path = own_file(tmp_path, "personas", "odd.yaml", f"schema_version: 1\ndrift: {value}\n")
    result = validate(path)
    lines = problem_lines(result.output, "odd.yaml")
    assert result.exit_code == 1 and len(lines) == 1 and len(lines[0]) < 300, result.output[:2000]
    assert "odd.yaml:2: " in lines[0] and "expected" in lines[0]


# --- ids from file names --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["gрumpy", "Bad Name!", "Grumpy", "under_score", "-x", "a" * 65],
                         ids=["homoglyph", "space", "capital", "underscore", "hyphen-first", "too-long"])
def test_a_file_name_that_is_not_an_id_is_refused(roleplay_home, fake, name):
    path = own_file(roleplay_home, "personas", f"{name}.yaml", SHIPPED_GRUMPY)
    result = validate(path)
    lines = problem_lines(result.output, path.name)
    assert result.exit_code == 1 and lines, result.output
    assert "is not a valid persona id" in lines[0] and "rename the file" in lines[0]
    refused = play(persona=name)  # the file is left out: it cannot be played by its odd name
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert "is not a valid persona id" in refused.output


def test_a_homoglyph_in_a_file_name_is_pointed_out(roleplay_home):
    path = own_file(roleplay_home, "personas", "gрumpy.yaml", SHIPPED_GRUMPY)
    assert "'р' is U+0440, not an ASCII letter" in validate(path).output


def test_new_refuses_an_id_that_is_not_lowercase_words_with_hyphens(tmp_path):
    result = CliRunner().invoke(main, ["new", "persona", "Noisy_Neighbour", "--dir", str(tmp_path)])
    assert result.exit_code != 0 and "hyphens" in result.output and not list(tmp_path.iterdir())


# --- a trainer's file that replaces a shipped one -------------------------------------------

CALM_GRUMPY = SHIPPED_GRUMPY.replace("start: {irritation: 7, trust: 2}", "start: {irritation: 0, trust: 10}")


def test_validate_warns_that_an_own_file_replaces_a_shipped_persona(roleplay_home):
    assert CALM_GRUMPY != SHIPPED_GRUMPY
    path = own_file(roleplay_home, "personas", "grumpy.yaml", CALM_GRUMPY)
    for result in (validate(path), validate()):
        assert result.exit_code == 0, result.output  # still a valid file: a warning, not an error
        [line] = problem_lines(result.output, f"{path}")
        assert "warning: replaces the shipped persona 'grumpy'" in line
        assert "rename the file" in line and "1 warning(s)" in result.output
    library = load_library()
    assert library.personas["grumpy"].start.irritation == 0
    assert library.replaces["persona:grumpy"] == REPO / "personas" / "grumpy.yaml"


def test_play_says_when_the_persona_is_the_trainers_own_version(roleplay_home, fake):
    own_file(roleplay_home, "personas", "grumpy.yaml", CALM_GRUMPY)
    result = play()
    assert result.exit_code == 0, result.output
    assert "persona 'grumpy' is your own version" in result.stderr


# --- one broken trainer file ----------------------------------------------------------------

BROKEN = "schema_version: 1\nname: {nl: Kapot, en: Broken}\nmoood: 3\n"


def test_a_broken_own_file_leaves_every_other_persona_playable(roleplay_home, fake):
    own_file(roleplay_home, "personas", "broken.yaml", BROKEN)
    own_file(roleplay_home, "scenarios", "broken-scene.yaml", "schema_version: [\n")
    result = play()
    assert result.exit_code == 0, result.output
    assert "broken.yaml:3: unknown field 'moood'" in result.stderr
    assert re.search(r"broken-scene\.yaml:\d+: YAML syntax error", result.stderr)
    assert len(result.stdout.splitlines()) == 3  # two turns and the outcome


def test_playing_the_broken_persona_names_its_file_and_line(roleplay_home, fake):
    own_file(roleplay_home, "personas", "broken.yaml", BROKEN)
    result = play(persona="broken")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "persona 'broken' cannot be used until its file is fixed" in result.output
    assert "broken.yaml:3: unknown field 'moood'" in result.output


def test_a_broken_own_copy_of_a_shipped_persona_leaves_the_shipped_one(roleplay_home, fake):
    own_file(roleplay_home, "personas", "grumpy.yaml", SHIPPED_GRUMPY.replace("drift:", "drift: [", 1))
    result = play()
    assert result.exit_code == 0, result.output
    assert "grumpy.yaml" in result.stderr and "your own version" not in result.stderr
    assert load_library().personas["grumpy"].start.irritation == 7


def test_check_runs_the_other_scenarios_and_fails_on_the_broken_file(roleplay_home):
    own_file(roleplay_home, "scenarios", "broken-scene.yaml", "schema_version: [\n")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"broken-scene\.yaml:\d+: YAML syntax error", result.stderr)
    assert re.search(r"(\d+) passed, 0 failed", result.stdout)


# --- the author screen ----------------------------------------------------------------------

async def _author_text(lang: str = "en"):
    from test_ui_support import scripted_factory
    from textual.widgets import OptionList, Static

    from simulator.ui.app import create_app

    app = create_app(session_factory=scripted_factory(), lang=lang, warm_up=False)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_author()
        await pilot.pause()
        screen = app.screen
        options = screen.query_one("#files", OptionList)
        entry = str(options.get_option_at_index(options.highlighted).prompt)
        return entry, str(screen.query_one("#author-text", Static).render())


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_author_screen_says_an_own_file_replaces_a_shipped_one(roleplay_home):
    own_file(roleplay_home, "personas", "grumpy.yaml", CALM_GRUMPY)
    entry, text = await _author_text()
    assert entry.startswith("! P grumpy") and "replaces the shipped one" in entry
    assert "warning: replaces the shipped persona 'grumpy'" in text
