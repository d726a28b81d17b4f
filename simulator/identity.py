"""Who is at the keyboard: the local trainee, one value in the config file (`trainee = "..."`).

On a laptop the person practising is the trainee. The app asks the name once (proposing the OS
user name) and the settings screen changes it; `roleplay play`, `sessions list/show/delete`,
`export`, `share` and `progress` act as this trainee unless `--trainee NAME` or
`--as-reviewer NAME` says otherwise. Until a name is chosen, the OS user name stands in.
"""

from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path

from simulator import paths

FALLBACK = "trainee"  # when the OS has no user name to offer (some containers)


def os_user_name() -> str:
    """The login name, or FALLBACK when there is none (no USER variable, no password entry)."""
    try:
        name = getpass.getuser().strip()
    except (OSError, KeyError, ImportError):
        return FALLBACK
    return name if name and name.isprintable() and len(name) <= 80 else FALLBACK


def chosen_trainee() -> str | None:
    """The name chosen in the app or written in the config file; None when nobody chose one.

    SettingsError for a config file that is not TOML or a name that is not one (FILE:LINE).
    """
    from simulator.settings import _read_config, _validate

    config = paths.config_path()
    name = _read_config(config).get("trainee")
    if name is None:
        return None
    return _validate({"trainee": name}, {"trainee": str(config)}).trainee


def local_trainee() -> str:
    """The trainee every command and screen acts as: the chosen name, else the OS user name."""
    return chosen_trainee() or os_user_name()


def save_trainee(name: str) -> str:
    """Keep `name` as the local trainee in the config file (the file's other values untouched);
    returns the name as stored (trimmed). SettingsError for a name that is not one."""
    from simulator.settings import _read_config, _validate, to_toml

    config = paths.config_path()
    values = _read_config(config)
    chosen = _validate({"trainee": name}, {"trainee": "the trainee's name"}).trainee
    if values.get("trainee") == chosen:
        return chosen  # unchanged: the file is left exactly as the user wrote it
    values["trainee"] = chosen
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=config.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(to_toml(values))
        os.replace(tmp, config)
    finally:
        Path(tmp).unlink(missing_ok=True)  # only left when the write failed
    return chosen
