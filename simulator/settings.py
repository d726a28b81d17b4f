"""Settings: which tenant model, which embedder, how to generate.

Sources, later ones win: defaults < config file (`paths.config_path()`, TOML) < environment
(ROLEPLAY_BACKEND, ROLEPLAY_MODEL, ROLEPLAY_BASE_URL, ROLEPLAY_API_KEY, ROLEPLAY_EMBEDDER) <
explicit overrides (CLI flags: simulator/cli/options.py; None means "not given").
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from simulator import paths
from simulator.backends.base import GenerationOptions

BackendName = Literal["auto", "llamacpp", "transformers", "openai", "fake"]
ENV_VARS = {
    "backend": "ROLEPLAY_BACKEND",
    "model": "ROLEPLAY_MODEL",
    "base_url": "ROLEPLAY_BASE_URL",
    "api_key": "ROLEPLAY_API_KEY",
    "embedder": "ROLEPLAY_EMBEDDER",
}


class SettingsError(Exception):
    """A broken config file or setting; the message names the file (and line) or variable.

    The `roleplay` command shows it as one `Error:` line (simulator.cli)."""

    @property
    def message(self) -> str:
        return str(self)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # auto: llama.cpp for the embedded model and .gguf files, transformers for HF ids/folders
    backend: BackendName = "auto"
    model: str | None = None  # None: the embedded SmolLM2-135M-Instruct
    base_url: str | None = None  # the openai back-end's server, e.g. http://127.0.0.1:8000
    api_key: str | None = None
    embedder: str | None = None  # None: the embedded all-MiniLM-L6-v2
    generation: GenerationOptions = Field(default_factory=GenerationOptions)
    timeout: float = Field(60.0, gt=0)  # seconds a model server may stay silent mid-answer
    # Languages the tenant model may speak; in the others the tenant corpus answers. None: every
    # language for a model you configured, none for the embedded SmolLM2-135M (it cannot speak
    # Dutch and leaves the scene in English: measured, see benchmarks/tenant_fidelity.py).
    model_langs: list[Literal["nl", "en"]] | None = None
    # Who practises on this computer; every command and screen acts as this trainee unless told
    # otherwise (simulator.identity). None: not chosen yet, the OS user name stands in.
    trainee: str | None = Field(None, max_length=80)

    @field_validator("trainee")
    @classmethod
    def _person_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip() or not value.isprintable():
            raise PydanticCustomError(
                "person_name", "not a name; expected a name on one line, without control characters"
            )
        return value.strip()

    @field_validator("base_url")
    @classmethod
    def _server_address(cls, value: str | None) -> str | None:
        if not value or is_server_address(value):
            return value
        raise PydanticCustomError(
            "server_address",
            "not a server address ({shown}); expected one like http://127.0.0.1:8000",
            {"shown": json.dumps(value[:60], ensure_ascii=False)},
        )


HOSTNAME = re.compile(r"[A-Za-z0-9._~%:-]+")  # names, IPv4, IPv6 (urlsplit drops the brackets)


def is_server_address(value: str) -> bool:
    """An address with a host and a valid port, as the openai back-end reads it ("http://"
    optional). The back-end itself says which schemes it speaks."""
    if any(c.isspace() or not c.isprintable() for c in value):
        return False
    parts = urlsplit(value if "://" in value else f"http://{value}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0-65535
    except ValueError:
        return False
    return HOSTNAME.fullmatch(parts.hostname or "") is not None


def model_languages(settings: Any) -> tuple[str, ...]:
    """The languages in which the tenant model writes the lines (see Settings.model_langs)."""
    chosen = getattr(settings, "model_langs", None)
    if chosen is not None:
        return tuple(chosen)
    embedded = getattr(settings, "backend", "auto") in ("auto", "llamacpp", "transformers") and (
        not getattr(settings, "model", None)
    )
    return () if embedded else ("nl", "en")


def load_settings(**overrides: Any) -> Settings:
    """Defaults, then the config file, then ROLEPLAY_* variables, then non-None overrides."""
    config = paths.config_path()
    values = _read_config(config)
    origin = {key: f"{config}" for key in values}
    for field, var in ENV_VARS.items():
        if os.environ.get(var):
            values[field], origin[field] = os.environ[var], f"${var}"
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "generation" and isinstance(value, dict):
            value = {**values.get("generation", {}), **value}
        values[key], origin[key] = value, "the command line"
    return _validate(values, origin)


def save_settings(settings: Settings) -> Path:
    """Validate and write the settings to the config file (atomically); returns its path."""
    try:
        settings = Settings.model_validate(settings.model_dump())
    except ValidationError as err:
        raise SettingsError(f"invalid settings: {_describe(err)}") from err
    path = paths.config_path()
    data = settings.model_dump(exclude_none=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(to_toml(data))
    os.replace(tmp, path)
    return path


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:  # its message says "(at line L, column C)"
        raise SettingsError(f"{path}: not valid TOML: {err}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise SettingsError(f"{path}: cannot read the config file: {err}") from err


def _validate(values: dict[str, Any], origin: dict[str, str]) -> Settings:
    try:
        return Settings.model_validate(values)
    except ValidationError as err:
        loc = err.errors()[0]["loc"]
        where = origin.get(str(loc[0]) if loc else "", "settings")
        if where == str(paths.config_path()):
            line = _line_of(paths.config_path(), loc)
            where = f"{where}:{line}" if line else where
        raise SettingsError(f"{where}: {_describe(err)}") from err


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(part) for part in first["loc"]) or "settings"
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return f"{loc}: {first['msg']}{more}"


def _line_of(path: Path, loc: tuple) -> int | None:
    """The line of the key a validation error is about (good enough for a flat TOML file)."""
    keys = [str(k) for k in loc if isinstance(k, str)]
    if not keys:
        return None
    pattern = re.compile(rf"^\s*{re.escape(keys[-1])}\s*=")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def to_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for our flat settings plus one level of tables (no extra dependency)."""
    lines = [f"{key} = {_toml_value(v)}" for key, v in data.items() if not isinstance(v, dict)]
    for key, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{key}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(str(value), ensure_ascii=False)
