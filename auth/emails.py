"""Email addresses: syntax only (no DNS), trimmed and compared case-insensitively."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from auth.errors import InvalidEmail

MAX_EMAIL_LENGTH = 254


def normalize_email(raw: str) -> str:
    """The form used for storage and lookups; syntax is not checked here (sign-in must not reveal it)."""
    return unicodedata.normalize("NFKC", raw.strip()).casefold()[: MAX_EMAIL_LENGTH + 1]


def validated_email(raw: str) -> str:
    """A normalised, syntactically valid address, or ``InvalidEmail``."""
    email = normalize_email(raw)
    if not email or len(email) > MAX_EMAIL_LENGTH or "\x00" in email:
        raise InvalidEmail()
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail() from None
    return result.normalized.casefold()
