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
