"""Property-based fuzz of the content loader: any bytes give problems or a model, never a crash."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.content import validate_paths
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
