"""Email addresses: syntax only (no DNS), trimmed and compared case-insensitively.

One form is stored and looked up: NFKC, case-folded, and the domain in its IDNA Unicode form as
email-validator writes it (``ada@bücher.example``), whether it was typed in Unicode, in punycode
(``xn--bcher-kva``) or with another full stop (``。``). Sign-up has always stored this form, so
accounts created before sign-in and the brute-force counters used it need no migration.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from auth.errors import InvalidEmail

MAX_EMAIL_LENGTH = 254


def _folded(raw: str) -> str | None:
    if len(raw) > MAX_EMAIL_LENGTH * 4:
        return None
    email = unicodedata.normalize("NFKC", raw.strip()).casefold()
    if not email or len(email) > MAX_EMAIL_LENGTH or "\x00" in email:
        return None
    try:
        # Lone surrogates arrive through JSON escapes; no database can store or match them.
        email.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return email


def _canonical(email: str) -> str | None:
    """The stored form of a folded address, or None when it is not a valid address."""
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.casefold()


def normalize_email(raw: str) -> str | None:
    """The form used for storage and lookups, or None when no stored address can look like this.

    An invalid address is not refused here (sign-in treats it like an unknown one): it is only folded.
    """
    email = _folded(raw)
    if email is None:
        return None
    return _canonical(email) or email


def validated_email(raw: str) -> str:
    """A normalised, syntactically valid address, or ``InvalidEmail``."""
    email = _folded(raw)
    canonical = _canonical(email) if email is not None else None
    if canonical is None:
        raise InvalidEmail()
    return canonical


def mask_email(address: str) -> str:
    """An address shown to an operator: its first character and its domain (``a***@example.com``)."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"
