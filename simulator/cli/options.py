"""Options several commands share: which tenant model to use (on top of the settings)."""

from __future__ import annotations

from typing import Any, get_args

import click

from simulator.settings import BackendName, Settings, SettingsError, load_settings
from simulator.vocabulary import LANGS


def backend_options(func: Any) -> Any:
    """click options --backend, --model, --base-url, --api-key, --model-langs, passed on by those
    names (None: not given); `settings_from_cli(**kwargs)` turns them into settings."""
    options = [
        click.option(
            "--backend",
            type=click.Choice(list(get_args(BackendName))),
            default=None,
            help="Tenant model back-end (default: from settings).",
        ),
        click.option(
            "--model",
            default=None,
            help="Model: HF id, folder, .gguf file or tenant-gemma (the fine-tuned tenant); server model name for openai.",
        ),
        click.option(
            "--base-url",
            default=None,
            help="OpenAI-compatible server, e.g. http://127.0.0.1:8000 (openai).",
        ),
        click.option("--api-key", default=None, help="API key for the server (openai)."),
        click.option(
            "--model-langs",
            default=None,
            callback=_parse_langs,
            help="Languages the model may speak, e.g. 'en' or 'nl,en' or 'none' (the tenant "
            "corpus answers in the others; default: none for the embedded model, all otherwise).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_from_cli(**kwargs: Any) -> Settings:
    """Settings with the flags from `backend_options` applied on top; a broken setting is one
    `Error:` line naming the file or variable."""
    try:
        return load_settings(**kwargs)
    except SettingsError as err:
        raise click.ClickException(str(err)) from None


def _parse_langs(ctx: Any, param: Any, value: str | None) -> list[str] | None:
    if value is None:
        return None
    langs = [part.strip() for part in value.split(",") if part.strip()]
    if langs == ["none"]:
        return []
    bad = [lang for lang in langs if lang not in LANGS]
    if bad:
        raise click.BadParameter(f"unknown language '{bad[0]}'; expected nl, en or none")
    return langs
