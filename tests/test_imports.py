"""The seams: light imports stay light (which module may import which: tests/test_layers.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "transformers", "sentence_transformers")
ROOT = Path(__file__).resolve().parent.parent


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


@pytest.mark.parametrize(
    "module", ["simulator", "simulator.vocabulary", "scoring", "simulator.content", "scoring.rubric"]
)
def test_engine_and_scoring_import_light(module):
    loaded = loaded_after(f"import {module}")
    assert not loaded & {*HEAVY, "textual"}, loaded & {*HEAVY, "textual"}


def test_cli_import_loads_no_model_library():
    loaded = loaded_after("import simulator.cli")
    assert not loaded & set(HEAVY)
