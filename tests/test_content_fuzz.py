"""Property-based fuzz of the content loader: any bytes give problems or a model, never a crash."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.content import validate_paths
from simulator.content.limits import MAX_ALIAS_VALUES
from simulator.content.persona import Persona
from simulator.content.yamlfile import ContentError, load_model

TEMPLATE = (Path(__file__).resolve().parent.parent / "simulator/content/templates/persona.yaml").read_text(
    encoding="utf-8"
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-20, 20) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def check_never_crashes(path: Path) -> None:
    try:
        load_model(path, Persona)
    except ContentError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.line >= 1 and problem.file.endswith(path.name) and problem.message
    count, _problems = validate_paths([path])
    assert count == 1


@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes(tmp_path, raw):
    path = tmp_path / "personas" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    check_never_crashes(path)


@FUZZ
@given(data=yaml_values)
def test_random_yaml_documents(tmp_path, data):
    path = tmp_path / "personas" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_never_crashes(path)


@FUZZ
@given(cut=st.integers(0, len(TEMPLATE)), junk=st.text(max_size=20))
def test_mutated_template(tmp_path, cut, junk):
    """Real-looking files with a piece replaced: the typical trainer's typo."""
    path = tmp_path / "personas" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(TEMPLATE[:cut] + junk + TEMPLATE[cut + len(junk):], encoding="utf-8")
    check_never_crashes(path)


def nested_aliases(levels: int, width: int, merge: bool) -> str:
    """Level i repeats level i-1 `width` times: in a list, or as merge keys of a mapping."""
    if merge:
        lines = ["a0: &a0 {" + ", ".join(f"k{i}: x" for i in range(width)) + "}"]
    else:
        lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"a{i}: &a{i} " + (f"{{<<: [{refs}]}}" if merge else f"[{refs}]"))
    return "schema_version: 1\n" + "\n".join(lines) + "\n"


@FUZZ
@given(levels=st.integers(1, 6), width=st.integers(1, 8), merge=st.booleans())
def test_aliases_are_allowed_up_to_the_budget_and_refused_beyond(tmp_path, levels, width, merge):
    """Nested anchors and aliases (or merge keys): refused exactly when they repeat too much."""
    path = tmp_path / "personas" / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(nested_aliases(levels, width, merge), encoding="utf-8")
    check_never_crashes(path)
    # values in the node graph: a mapping counts its keys and values, {<<: [...]} is 3 + the list
    size = 1 + width * (2 if merge else 1)
    repeated = 0
    for _ in range(1, levels):
        repeated += width * size
        size = (3 if merge else 1) + width * size
    messages = [p.message for p in validate_paths([path])[1]]
    assert any("aliases" in m for m in messages) == (repeated > MAX_ALIAS_VALUES), messages
