"""The app is on screen at once: importing it (and the CLI) loads no model libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "transformers", "sentence_transformers")


def test_importing_the_app_loads_no_model_libraries():
    code = (
        "import sys, simulator.ui.app, simulator.cli, simulator.cli.app\n"
        "from simulator.ui.app import create_app\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_building_the_app_loads_no_model_libraries():
    """create_app (library, store, hub) is cheap too; models load later in a worker."""
    code = (
        "import sys\n"
        "from simulator.ui.app import create_app\n"
        "app = create_app(lang='nl', warm_up=False)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_roleplay_without_arguments_opens_the_app(monkeypatch):
    from click.testing import CliRunner

    import simulator.ui.app as ui_app
    from simulator.cli import main

    opened = []
    monkeypatch.setattr(ui_app.RoleplayApp, "run", lambda self: opened.append(self.lang))
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert len(opened) == 1
    result = CliRunner().invoke(main, ["app", "--lang", "en"])
    assert result.exit_code == 0 and opened[-1] == "en"
