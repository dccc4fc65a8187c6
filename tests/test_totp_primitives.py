"""TOTP and backup-code primitives, and the at-rest encryption of secrets, as pure table tests."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from auth.secret_box import SecretBox, SecretUnreadable, derive_key
from auth.totp import (
    BACKUP_CODE_ALPHABET,
    BackupCodeEntry,
    TotpCode,
    backup_code_digest,
    code_at,
    matching_step,
    new_backup_codes,
    new_secret,
    parse_backup_code,
    parse_code,
    parse_totp_code,
    provisioning_uri,
    qr_code_svg,
    time_step,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# On a step boundary, like the app's test clock.
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("123456", "123456"),
        ("000000", "000000"),
        ("  123456  ", "123456"),
        ("\t123456\r\n", "123456"),
        ("", None),
        ("      ", None),
        ("12345", None),
        ("1234567", None),
        ("12 3456", None),
        ("123-456", None),
        ("+123456", None),
        ("-123456", None),
        ("12345a", None),
        ("１２３４５６", None),  # full-width digits: NFKC would make them ASCII, we refuse them
        ("12345６", None),
        ("١٢٣٤٥٦", None),  # Arabic-Indic digits match Python's \d
        ("\u3000123456", None),  # ideographic space: str.strip() would remove it
        ("\u00a0123456", None),
        ("123456\x00", None),
        ("\x00", None),
        ("😀", None),
        ("1" * 65, None),
        (" " * 58 + "123456", "123456"),  # 64 characters: still looked at
        (" " * 59 + "123456", None),  # 65: refused by length alone
        ("1" * 10_000, None),
    ],
)
def test_totp_code_shape(raw: str, parsed: str | None) -> None:
    result = parse_totp_code(raw)
    assert (result.digits if result else None) == parsed


def test_ten_megabytes_of_input_are_refused() -> None:
    huge = " " * 10_000_000 + "123456"
    assert parse_code(huge) is None


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS"),
        ("abcd-efgh-jkmn-pqrs", "ABCDEFGHJKMNPQRS"),
        ("ABCDEFGHJKMNPQRS", "ABCDEFGHJKMNPQRS"),
        ("ABCD EFGH JKMN PQRS", "ABCDEFGHJKMNPQRS"),
        ("  ABCD-EFGH-JKMN-PQRS\n", "ABCDEFGHJKMNPQRS"),
        ("0123-4567-89VW-XYZ0", "0123456789VWXYZ0"),
        ("ABCD-EFGH-JKMN-PQR", None),  # 15 symbols
        ("ABCD-EFGH-JKMN-PQRST", None),  # 17 symbols
        ("ABCD-EFGH-JKMN-PQRO", None),  # O, I, L and U are not in the alphabet
        ("ABCD-EFGH-JKMN-PQRI", None),
        ("ABCD_EFGH_JKMN_PQRS", None),
        ("ABCD.EFGH.JKMN.PQRS", None),
        ("ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ-ＰＱＲＳ", None),
        ("ABCD-EFGH-JKMN-PQRS\x00", None),
        ("ABCD-EFGH-JKMN-PQRß", None),  # "ß".upper() is "SS": non-ASCII is refused before upper-casing
        ("ﬁBCD-EFGH-JKMN-PQRS", None),
        ("", None),
        ("-" * 64, None),
        ("A" * 65, None),
    ],
)
def test_backup_code_shape(raw: str, parsed: str | None) -> None:
    result = parse_backup_code(raw)
    assert (result.symbols if result else None) == parsed


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("123456", TotpCode),
        ("ABCD-EFGH-JKMN-PQRS", BackupCodeEntry),
        ("1234-5678-9012-3456", BackupCodeEntry),
        ("12345678", type(None)),
        ("", type(None)),
    ],
)
def test_a_code_is_either_totp_or_backup_never_both(raw: str, kind: type) -> None:
    assert type(parse_code(raw)) is kind


@pytest.mark.parametrize(
    ("offset_steps", "accepted"),
    [(-3, False), (-2, False), (-1, True), (0, True), (1, True), (2, False), (3, False)],
)
def test_drift_window_is_one_step_either_way(offset_steps: int, accepted: bool) -> None:
    code = TotpCode(code_at(SECRET, T0, step_offset=offset_steps))
    step = matching_step(SECRET, code, at=T0)
    assert step == (time_step(T0) + offset_steps if accepted else None)


@pytest.mark.parametrize("seconds_into_step", [0, 1, 15, 29])
def test_a_code_belongs_to_its_30_second_step(seconds_into_step: int) -> None:
    at = T0 + timedelta(seconds=seconds_into_step)
    assert time_step(at) == time_step(T0)
    assert matching_step(SECRET, TotpCode(code_at(SECRET, T0)), at=at) == time_step(T0)
    assert time_step(T0 + timedelta(seconds=30)) == time_step(T0) + 1


def test_the_code_of_another_secret_is_refused() -> None:
    other = new_secret()
    code = TotpCode(code_at(other, T0))
    if code.digits not in {code_at(SECRET, T0, step_offset=k) for k in (-1, 0, 1)}:  # 1 in 333,333 collides
        assert matching_step(SECRET, code, at=T0) is None


def test_rfc_6238_reference_value() -> None:
    # RFC 6238 appendix B, SHA-1, T = 59 s, truncated to 6 digits.
    rfc_secret = base64.b32encode(b"12345678901234567890").decode()
    assert code_at(rfc_secret, datetime(1970, 1, 1, 0, 0, 59, tzinfo=UTC)) == "287082"


def test_secrets_have_160_bits_and_do_not_repeat() -> None:
    secrets_made = {new_secret() for _ in range(100)}
    assert len(secrets_made) == 100
    for secret in secrets_made:
        assert re.fullmatch(r"[A-Z2-7]{32}", secret)
        assert len(base64.b32decode(secret)) == 20


def test_backup_codes_are_80_bit_grouped_and_unique() -> None:
    sets = [new_backup_codes() for _ in range(10)]
    every = [code for codes in sets for code in codes]
    assert all(len(codes) == 10 for codes in sets)
    assert len(set(every)) == 100
    pattern = re.compile(f"[{BACKUP_CODE_ALPHABET}]{{4}}(-[{BACKUP_CODE_ALPHABET}]{{4}}){{3}}")
    assert all(pattern.fullmatch(code) for code in every)
    assert len(set(BACKUP_CODE_ALPHABET)) == 32 and not set("ILOU") & set(BACKUP_CODE_ALPHABET)
    # 16 symbols of 5 bits each.
    assert 16 * 5 >= 64
    assert all(parse_backup_code(code) is not None for code in every)


@pytest.mark.parametrize("typed", ["ABCD-EFGH-JKMN-PQRS", "abcdefghjkmnpqrs", " abcd efgh jkmn pqrs "])
def test_backup_code_digest_ignores_grouping_and_case(typed: str) -> None:
    entry = parse_backup_code(typed)
    assert entry is not None
    digest = backup_code_digest(entry)
    assert digest == backup_code_digest(BackupCodeEntry("ABCDEFGHJKMNPQRS"))
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert "ABCD" not in digest.upper()


def test_provisioning_uri_names_issuer_account_and_secret() -> None:
    uri = provisioning_uri(SECRET, "ada+work@example.com")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/Workestra:ada+work@example.com"
    query = parse_qs(parts.query)
    assert query["secret"] == [SECRET]
    assert query["issuer"] == ["Workestra"]
    # Defaults an authenticator assumes when absent: SHA1, 6 digits, 30 s.
    assert query.get("digits", ["6"]) == ["6"] and query.get("period", ["30"]) == ["30"]


def test_qr_code_is_a_standalone_svg_of_exactly_that_uri() -> None:
    svg = qr_code_svg(provisioning_uri(SECRET, "ada@example.com"))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert "<title>" in svg and "<?xml" not in svg
    assert svg == qr_code_svg(provisioning_uri(SECRET, "ada@example.com"))
    assert svg != qr_code_svg(provisioning_uri(SECRET, "grace@example.com"))


KEY = "unit-test-secret-key-0123456789abcdef"


def test_sealed_secrets_open_only_for_their_account_and_key() -> None:
    box = SecretBox.from_secret_key(KEY)
    sealed = box.seal(SECRET, account_id=7)
    assert box.open(sealed, account_id=7) == SECRET
    assert SECRET not in sealed
    assert sealed != box.seal(SECRET, account_id=7)  # a fresh nonce every time
    with pytest.raises(SecretUnreadable):
        box.open(sealed, account_id=8)
    with pytest.raises(SecretUnreadable):
        SecretBox.from_secret_key(KEY + "x").open(sealed, account_id=7)


def _flip_last_symbol(sealed: str) -> str:
    return sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: "",
        lambda s: "v1.",
        lambda s: "v1.AAAA",
        lambda s: "v1.!!!not-base64!!!",
        lambda s: "v2." + s.partition(".")[2],
        lambda s: s.partition(".")[2],
        _flip_last_symbol,
        lambda s: s + "AAAA",
        lambda s: "v1.\x00\ud800",
    ],
)
def test_damaged_ciphertexts_are_refused(damage) -> None:
    box = SecretBox.from_secret_key(KEY)
    with pytest.raises(SecretUnreadable):
        box.open(damage(box.seal(SECRET, account_id=1)), account_id=1)


def test_key_derivation_is_stable_and_separated() -> None:
    assert derive_key(KEY) == derive_key(KEY)
    assert len(derive_key(KEY)) == 32
    assert derive_key(KEY) != derive_key(KEY + "!")
    assert derive_key(KEY) != KEY.encode()[:32]
    with pytest.raises(ValueError):
        derive_key("")
