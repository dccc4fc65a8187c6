"""Settings are read by their fields' types and held to the bounds declared beside them; bad values are
refused by the variable's name, never echoed."""

from __future__ import annotations

from dataclasses import fields

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


# -- every variable is read by its field's type, and a bad value is refused by name, never echoed -------

WHOLE_NUMBERS = [f.name.upper() for f in fields(Settings) if isinstance(getattr(Settings(), f.name), int)]
TEXTS = ["DATABASE_URL", "BROADCAST_URL", "SMTP_URL", "MAIL_FROM", "HOST", "PUBLIC_ORIGIN", "WEB_DIST", "SECRET_KEY"]


@pytest.mark.parametrize("variable", WHOLE_NUMBERS)
@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        ("", "must be a whole number"),
        ("   ", "must be a whole number"),
        ("\x00", "must not contain control characters"),
        ("5\x00", "must not contain control characters"),
        ("ten", "must be a whole number"),
        ("1.5", "must be a whole number"),
        ("1e3", "must be a whole number"),
        ("1_000", "must be a whole number"),
        ("\u0661\u0662", "must be a whole number"),  # Arabic-Indic digits, which int() would take
        ("9" * 5000, "must be a whole number"),  # past int()'s digit limit, and slow to parse
        (str(2**31), "must be"),
        (str(10**19), "must be"),
        ("-1", "must be at least"),
        ("-99999999999999999999", "must be"),
    ],
)
def test_a_bad_whole_number_is_refused_naming_its_variable(variable: str, raw: str, refusal: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({variable: raw}, env_file=None)
    message = str(refused.value)
    assert message.startswith(f"{variable} must")
    assert refusal in message
    assert not raw.strip() or raw.strip() not in message, "the value itself is never echoed"


@pytest.mark.parametrize(
    ("variable", "smallest", "largest"),
    [
        ("WEB_IDLE_TIMEOUT", 1, 2**31 - 1),
        ("MAIL_RETRY_FOR", 1, 2**31 - 1),
        ("HASH_CONCURRENCY", 1, 2**31 - 1),
        ("HASH_NICENESS", 0, 19),
        ("MAX_DOCUMENT_LENGTH", 1, 2**31 - 1),
        ("WS_MESSAGE_BURST", 1, 2**31 - 1),
        ("SHUTDOWN_GRACE", 1, 2**31 - 1),
        ("IPV6_LIMIT_PREFIX", 16, 128),
        ("SOCKET_CHECK_INTERVAL_MS", 50, 1000),
        ("PORT", 0, 65535),
        ("METRICS_PORT", 0, 65535),
        ("ACTIVITY_ANNOUNCE_INTERVAL", 0, 2**31 - 1),
        ("SESSION_ABSOLUTE_LIFETIME", 0, 2**31 - 1),
    ],
)
def test_each_whole_number_is_held_to_the_bounds_declared_beside_its_field(
    variable: str, smallest: int, largest: int
) -> None:
    for accepted in (smallest, largest, f" +{smallest} "):
        settings = Settings.from_env({variable: str(accepted)}, env_file=None)
        assert getattr(settings, variable.lower()) == int(str(accepted).strip())
    for refused in (smallest - 1, largest + 1):
        with pytest.raises(SettingsError, match=f"^{variable} must be"):
            Settings.from_env({variable: str(refused)}, env_file=None)


@pytest.mark.parametrize("variable", TEXTS)
@pytest.mark.parametrize("raw", ["\x00", "sqlite://var/a\x00b", "line\nbreak", "tab\there", "bell\x07"])
def test_a_text_with_control_characters_is_refused_naming_its_variable(variable: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=f"^{variable} must not contain control characters$"):
        Settings.from_env({variable: raw}, env_file=None)


@pytest.mark.parametrize("variable", ["TRUSTED_PROXIES", "METRICS_ALLOWED_IPS"])
@pytest.mark.parametrize("raw", ["10.0.0.0/8,\x00", "not-an-ip", "10.0.0.0/33", "::1/129", "1" * 5000])
def test_a_bad_network_list_is_refused_naming_its_variable(variable: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=f"^{variable} must"):
        Settings.from_env({variable: raw}, env_file=None)


def test_texts_and_lists_are_read_by_their_types() -> None:
    settings = Settings.from_env(
        {
            "SMTP_URL": "  ",
            "GEOIP_DATABASE": " /data/geo.mmdb ",
            "ALLOWED_ORIGINS": " https://a.example , ,https://b.example",
            "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
            "PORT": " 8080 ",
        },
        env_file=None,
    )
    assert settings.smtp_url is None
    assert settings.geoip_database == "/data/geo.mmdb"
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.0/8", "192.0.2.1/32"]
    assert settings.port == 8080
