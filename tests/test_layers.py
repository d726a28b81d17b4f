"""The layers hold: import-linter's contracts (pyproject.toml), and only the store runs SQL.

    simulator.cli > simulator.ui | simulator.tuning > simulator.exports > simulator.engine | simulator.store
    > scoring > simulator.content > simulator.vocabulary | simulator.paths

A module imports only from the layers below its own, even indirectly and inside functions
(docs/architecture.md, "Layout and owners"). `lint-imports` at the repository root says the same.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "simulator.cli",
    "simulator.ui | simulator.tuning",
    "simulator.exports",
    "simulator.engine | simulator.store",
    "scoring",
    "simulator.content",
    "simulator.vocabulary | simulator.paths",
]


def contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_the_import_contracts_hold():
    code = (
        "from importlinter.cli import lint_imports\n"
        "raise SystemExit(lint_imports(config_filename='pyproject.toml', no_cache=True,"
        " no_logo=True))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(contracts())} kept, 0 broken" in run.stdout


def test_the_contracts_are_the_documented_layers_and_seams():
    found = contracts()
    [layers] = [c for c in found.values() if c["type"] == "layers"]
    assert layers["layers"] == LAYERS
    forbidden = {
        m for c in found.values() if c["type"] == "forbidden" for m in c["forbidden_modules"]
    }
    assert {"textual", "sqlite3", "sqlite_utils"} <= forbidden
    [protected] = [c for c in found.values() if c["type"] == "protected"]
    assert "simulator.store.writing" in protected["protected_modules"]


def test_nothing_outside_the_store_touches_its_connection():
    """Queries live in simulator/store: everything else calls Store's methods, never `.db`."""
    offenders = []
    for folder in ("simulator", "scoring"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.is_relative_to(ROOT / "simulator" / "store"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr == "db"
            ]
    assert not offenders, offenders
