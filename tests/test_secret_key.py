"""SECRET_KEY: required in production, generated once into a private file in development."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from workestra.secret_key import resolve_secret_key
from workestra.settings import Settings, SettingsError


def test_a_configured_key_is_used_as_is(tmp_path: Path) -> None:
    key = "k" * 40
    settings = Settings(secret_key=key, secret_key_file=str(tmp_path / "var" / "secret.key"))
    assert resolve_secret_key(settings) == key
    assert not (tmp_path / "var").exists()


def test_development_generates_a_private_key_once_and_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "var" / "secret.key"
    settings = Settings(environment="development", secret_key_file=str(path))
    with caplog.at_level(logging.WARNING, logger="workestra.secret_key"):
        first = resolve_secret_key(settings)
        second = resolve_secret_key(settings)
    assert first == second and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no draft left behind
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "development key" in warnings[0].getMessage()
    assert first not in caplog.text


def test_an_existing_development_key_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text("an-existing-development-key-0123456789\n")
    path.chmod(0o600)
    assert resolve_secret_key(Settings(secret_key_file=str(path))) == "an-existing-development-key-0123456789"


def test_production_never_generates_a_key(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    with pytest.raises(SettingsError):
        resolve_secret_key(Settings(environment="production", secret_key_file=str(path)))
    assert not path.exists()
    with pytest.raises(SettingsError, match="SECRET_KEY is required"):
        Settings.from_env({"ENVIRONMENT": "production"}, env_file=None)


def test_a_short_secret_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"SECRET_KEY": "short-key-123"}, env_file=None)
    assert "at least 32" in str(refused.value) and "short-key-123" not in str(refused.value)
    assert Settings.from_env({"SECRET_KEY": "x" * 32}, env_file=None).secret_key == "x" * 32
