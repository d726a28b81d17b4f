"""Settings: defaults < config file < ROLEPLAY_* variables < command-line flags."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from simulator import paths
from simulator.backends import GenerationOptions
from simulator.cli.options import backend_options, settings_from_cli
from simulator.settings import (
    Settings,
    SettingsError,
    load_settings,
    model_languages,
    save_settings,
)


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for var in ("BACKEND", "MODEL", "BASE_URL", "API_KEY", "EMBEDDER"):
        monkeypatch.delenv(f"ROLEPLAY_{var}", raising=False)


def write_config(text: str):
    paths.config_path().write_text(text, encoding="utf-8")
    return paths.config_path()


def test_defaults_use_the_embedded_models():
    settings = load_settings()
    assert settings.backend == "auto"  # llama.cpp for the embedded GGUF
    assert settings.model is None and settings.embedder is None
    assert settings.generation == GenerationOptions()


def test_file_then_environment_then_flags(monkeypatch):
    write_config('backend = "openai"\nmodel = "file-model"\nbase_url = "http://a:1"\n'
                 "[generation]\nmax_new_tokens = 40\n")
    assert load_settings().model == "file-model"
    monkeypatch.setenv("ROLEPLAY_MODEL", "env-model")
    assert load_settings().model == "env-model"
    settings = load_settings(model="flag-model", base_url=None)
    assert settings.model == "flag-model"
    assert settings.base_url == "http://a:1"  # None means "flag not given"
    assert settings.generation.max_new_tokens == 40


def test_generation_overrides_merge_with_the_file():
    write_config("[generation]\ntemperature = 0.2\n")
    settings = load_settings(generation={"seed": 7})
    assert settings.generation.temperature == 0.2 and settings.generation.seed == 7


def test_save_then_load_round_trips_including_quotes_and_unicode():
    original = Settings(backend="openai", base_url="http://127.0.0.1:8000", model='a "quoted" ë',
                        generation=GenerationOptions(seed=3, temperature=0.0))
    path = save_settings(original)
    assert path == paths.config_path()
    assert load_settings() == original


def test_save_validates_settings_changed_without_validation():
    bad = Settings().model_copy(update={"backend": "nonsense"})
    with pytest.raises(SettingsError, match="backend"):
        save_settings(bad)
    assert not paths.config_path().exists()


def test_broken_toml_names_file_and_line():
    path = write_config('backend = "openai"\nmodel = "unterminated\n')
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(path) in info.value.message and "line 2" in info.value.message


def test_unknown_key_names_file_line_and_key():
    path = write_config('backend = "fake"\n\n[generation]\ntemprature = 0.5\n')
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert f"{path}:4" in info.value.message and "temprature" in info.value.message


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("ROLEPLAY_BACKEND", "llama")
    with pytest.raises(SettingsError, match=r"\$ROLEPLAY_BACKEND"):
        load_settings()


def test_backend_options_give_clean_cli_errors_and_values():
    @click.command()
    @backend_options
    def show(**kwargs):
        click.echo(settings_from_cli(**kwargs).model_dump_json())

    runner = CliRunner()
    result = runner.invoke(show, ["--backend", "openai", "--base-url", "http://x:1",
                                  "--model", "m", "--api-key", "k"])
    assert result.exit_code == 0, result.output
    assert Settings.model_validate_json(result.output).api_key == "k"
    assert runner.invoke(show, ["--backend", "nope"]).exit_code == 2
    write_config("backend = [\n")
    broken = runner.invoke(show, [])
    assert broken.exit_code == 1 and "config.toml" in broken.output
    assert "Traceback" not in broken.output


def test_the_embedded_model_speaks_no_language_and_a_configured_one_both():
    assert model_languages(load_settings()) == ()  # SmolLM2-135M: the corpus answers
    assert model_languages(load_settings(model="/models/qwen")) == ("nl", "en")
    assert model_languages(load_settings(backend="openai", base_url="http://a:1")) == ("nl", "en")
    write_config('model_langs = ["en"]\n')
    assert model_languages(load_settings()) == ("en",)
    assert model_languages(load_settings(model_langs=[])) == ()


def test_model_languages_round_trip_and_bad_values_name_the_line():
    save_settings(Settings(model="/models/qwen", model_langs=["nl"]))
    assert load_settings().model_langs == ["nl"]
    path = write_config('model = "x"\nmodel_langs = ["de"]\n')
    with pytest.raises(SettingsError, match=rf"{path}:2: model_langs"):
        load_settings()


@pytest.mark.parametrize("flag, expected", [("en", ["en"]), ("nl,en", ["nl", "en"]),
                                            ("none", [])])
def test_the_model_langs_flag(flag, expected):
    @click.command()
    @backend_options
    def show(**kwargs):
        click.echo(repr(settings_from_cli(**kwargs).model_langs))

    result = CliRunner().invoke(show, ["--model-langs", flag])
    assert result.exit_code == 0 and result.output.strip() == repr(expected)
    bad = CliRunner().invoke(show, ["--model-langs", "de"])
    assert bad.exit_code == 2 and "unknown language 'de'" in bad.output


def test_the_local_trainee_is_a_setting_in_the_config_file():
    """The app's settings screen and every command read this one value (simulator.identity)."""
    write_config('trainee = " Sam de Vries "\n')
    assert load_settings().trainee == "Sam de Vries"
    assert Settings().trainee is None  # not chosen yet: the login name stands in
    write_config('trainee = "Sam\\u0007"\n')
    with pytest.raises(SettingsError, match=r"config.toml:1: trainee: not a name"):
        load_settings()
