"""MAX_SUBSCRIPTIONS_PER_ACCOUNT is read from the environment and validated like the other caps."""

from __future__ import annotations

import pytest

from workestra.settings import Settings, SettingsError


def test_the_default_allows_100_subscriptions_per_account() -> None:
    assert Settings.from_env({}, env_file=None).max_subscriptions_per_account == 100


def test_the_cap_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"MAX_SUBSCRIPTIONS_PER_ACCOUNT": " 7 "}, env_file=None)
    assert settings.max_subscriptions_per_account == 7


@pytest.mark.parametrize("raw", ["0", "-1", "", "ten", "1e3", "\x00"])
def test_a_cap_below_one_or_not_a_number_is_refused_by_name(raw: str) -> None:
    with pytest.raises(SettingsError, match="MAX_SUBSCRIPTIONS_PER_ACCOUNT"):
        Settings.from_env({"MAX_SUBSCRIPTIONS_PER_ACCOUNT": raw}, env_file=None)


def test_repr_masks_the_passwords_of_urls_and_hides_the_secret_key() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://app:db-pass-123@db.internal:5432/workestra",
            "SMTP_URL": "smtps://mailer:smtp-pass-456@mail.internal:465",
            "BROADCAST_URL": "redis://:redis-pass-789@cache.internal:6379/0",
            "SECRET_KEY": "k" * 40,
        },
        env_file=None,
    )
    shown = repr(settings)
    for secret in ("db-pass-123", "smtp-pass-456", "redis-pass-789", "k" * 40):
        assert secret not in shown
    assert "postgres://app:***@db.internal:5432/workestra" in shown
    assert "smtps://mailer:***@mail.internal:465" in shown
    assert "redis://:***@cache.internal:6379/0" in shown
    # The URLs themselves are untouched: only their display is masked.
    assert settings.database_url == "postgres://app:db-pass-123@db.internal:5432/workestra"
