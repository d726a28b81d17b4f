"""The local trainee: the person at the keyboard, so plain commands show their own sessions."""

from __future__ import annotations

import json

import pytest
from test_sessions_cli import at_keyboard, play_without_a_name, run  # noqa: F401

from simulator import paths
from simulator.identity import FALLBACK, chosen_trainee, local_trainee, os_user_name, save_trainee
from simulator.settings import SettingsError, load_settings
from simulator.store import Store


@pytest.mark.usefixtures("at_keyboard")
def test_the_name_chosen_in_the_app_is_the_one_every_command_uses():
    save_trainee("  Sam de Vries ")
    assert chosen_trainee() == "Sam de Vries" == local_trainee()
    sid = play_without_a_name()
    with Store.open() as store:
        assert store.session(sid)["trainee"] == "Sam de Vries"
    assert sid[:12] in run("sessions", "list").output
    share = run("sessions", "share", sid)
    assert share.exit_code == 0 and "shared" in share.output
    assert sid[:12] in run("sessions", "list", "--as-reviewer", "Anja").output
    progress = run("progress", "--json")
    assert progress.exit_code == 0 and [p["session_id"] for p in json.loads(progress.output)] == [sid]
    # the explicit flags still work
    assert sid[:12] in run("sessions", "list", "--trainee", "Sam de Vries").output
    assert run("sessions", "delete", sid, "--yes", "--trainee", "jdevries").exit_code == 1


def test_a_team_leader_names_whose_progress():
    result = run("progress", "--as-reviewer", "Anja")
    assert result.exit_code == 2 and "--trainee NAME" in result.output


def test_the_name_lives_in_the_config_file_next_to_the_other_settings():
    paths.config_path().write_text('backend = "fake"\n', encoding="utf-8")
    assert chosen_trainee() is None
    save_trainee("Noor")
    settings = load_settings()
    assert settings.trainee == "Noor" and settings.backend == "fake"  # other values untouched
    paths.config_path().write_text('backend = "fake"\ntrainee = "  "\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"config.toml:2: trainee: not a name"):
        local_trainee()
    with pytest.raises(SettingsError, match="not a name"):
        save_trainee("Sam\nde Vries")


def test_without_a_login_name_a_neutral_name_stands_in(monkeypatch):
    import getpass

    def no_user():
        raise OSError("no username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert os_user_name() == FALLBACK == local_trainee()
    monkeypatch.setattr(getpass, "getuser", lambda: "bad\x1bname")
    assert os_user_name() == FALLBACK
