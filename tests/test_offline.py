"""Nothing reaches the network unless configured: hub downloads fail loudly, and fast.

The checks run in fresh interpreters without the test suite's HF_* switches, so they prove that
simulator.offline (not conftest) keeps the libraries offline. Every socket connect and name
lookup is recorded and refused, so a library that tried the network cannot hide it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from simulator.backends import BackendError, make_backend
from simulator.settings import Settings

RECORD_NETWORK = """
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[1:2] or args[:1]))
    raise OSError("network refused by test")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
def report(**values):
    print("RESULT " + json.dumps({**values, "network": attempts}))
"""


def run_fresh(code: str, home) -> dict:
    """Run code in a new interpreter without HF_* variables; returns what it report()ed."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HF_", "TRANSFORMERS_", "ROLEPLAY_"))
    }
    env["ROLEPLAY_HOME"] = str(home)
    script = RECORD_NETWORK + textwrap.dedent(code)
    # The timeout only catches a hang (the failure this file is about); normal runs take seconds.
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no result:\n{done.stdout}\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT ") :])


def test_importing_backends_and_settings_loads_no_heavy_library(roleplay_home):
    result = run_fresh(
        """
        import sys
        import simulator.backends, simulator.settings
        from simulator.backends import make_backend
        from simulator.settings import load_settings
        make_backend(load_settings())
        heavy = ("torch", "transformers", "sentence_transformers", "textual")
        report(loaded=[name for name in heavy if name in sys.modules])
    """,
        roleplay_home,
    )
    assert result["loaded"] == []


@pytest.mark.real_model
def test_a_hub_model_id_fails_loudly_without_touching_the_network(roleplay_home):
    result = run_fresh(
        """
        from simulator.backends import BackendError, make_backend
        from simulator.settings import Settings
        try:
            make_backend(Settings(model="some-org/not-a-local-model")).load()
            report(error=None)
        except BackendError as err:
            report(error=str(err))
    """,
        roleplay_home,
    )
    assert result["error"] and "offline" in result["error"]
    assert "some-org/not-a-local-model" in result["error"]
    assert result["network"] == []


@pytest.mark.real_model
def test_hub_and_sentence_transformers_downloads_raise_without_network(roleplay_home):
    result = run_fresh(
        """
        from simulator.offline import ensure_offline
        ensure_offline()
        errors = {}
        from huggingface_hub import hf_hub_download
        try:
            hf_hub_download("some-org/not-a-local-model", "config.json")
        except Exception as err:
            errors["hub"] = type(err).__name__
        from sentence_transformers import SentenceTransformer
        try:
            SentenceTransformer("some-org/not-a-local-model")
        except Exception as err:
            errors["sentence_transformers"] = type(err).__name__
        report(errors=errors)
    """,
        roleplay_home,
    )
    assert set(result["errors"]) == {"hub", "sentence_transformers"}
    assert result["network"] == []


@pytest.mark.real_model
def test_in_process_hub_id_is_a_backend_error_mentioning_offline():
    with pytest.raises(BackendError, match="offline"):
        make_backend(Settings(model="some-org/not-a-local-model")).load()
