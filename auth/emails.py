"""Email addresses: syntax only (no DNS), trimmed and compared case-insensitively."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from auth.errors import InvalidEmail

MAX_EMAIL_LENGTH = 254


def normalize_email(raw: str) -> str | None:
    """The form used for storage and lookups, or None when no stored address can look like this.

    Syntax is not checked here: sign-in treats an impossible address like an unknown one.
    """
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


def validated_email(raw: str) -> str:
    """A normalised, syntactically valid address, or ``InvalidEmail``."""
    email = normalize_email(raw)
    if email is None:
        raise InvalidEmail()
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail() from None
    return result.normalized.casefold()


def mask_email(address: str) -> str:
    """An address shown to an operator: its first character and its domain (``a***@example.com``)."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"
