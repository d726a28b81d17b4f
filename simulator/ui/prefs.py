"""What the app remembers between runs: language, consent, the reviewer's name and the last
persona and scenario in a small JSON in the home dir; the trainee's name is the local trainee of
simulator.identity (config file), so the app and the `roleplay` commands act as the same person."""

from __future__ import annotations

import json

from simulator import paths


def _path():
    return paths.home() / "ui.json"


def _load_json() -> dict:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_prefs() -> dict:
    """The remembered values; "trainee" is the local trainee (chosen name, else the login name)."""
    from simulator.identity import local_trainee, os_user_name
    from simulator.settings import SettingsError

    data = _load_json()
    try:
        data["trainee"] = local_trainee()
    except SettingsError:  # a broken config file: the settings screen says so; practice goes on
        data["trainee"] = data.get("trainee") or os_user_name()
    return data


def earlier_name() -> str | None:
    """The name typed on the start screen before the local trainee lived in the config file."""
    name = _load_json().get("trainee")
    return name if isinstance(name, str) and name.strip() else None


def save_prefs(**values: object) -> None:
    trainee = values.pop("trainee", None)
    if isinstance(trainee, str) and trainee.strip():
        from simulator.identity import save_trainee
        from simulator.settings import SettingsError

        try:
            save_trainee(trainee)
        except (SettingsError, OSError):
            pass  # remembering the name is a convenience; never fail a session over it
    data = _load_json() | {k: v for k, v in values.items() if v is not None}
    try:
        _path().write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass


def last_choice() -> tuple[str | None, str | None]:
    """The persona and scenario of the last conversation started (None: none remembered)."""
    data = _load_json()
    persona, scenario = data.get("persona"), data.get("scenario")
    return (persona if isinstance(persona, str) else None,
            scenario if isinstance(scenario, str) else None)


def remember_choice(persona_id: str | None, scenario_id: str | None) -> None:
    """Keep the persona and scenario for the next start (the start screen checks they exist)."""
    save_prefs(persona=persona_id, scenario=scenario_id)
