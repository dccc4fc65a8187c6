"""Opaque bearer tokens: 256 random bits shown once, stored only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from typing import TypeGuard

TOKEN_BYTES = 32
# A token longer than this cannot be ours; refuse it before hashing anything.
MAX_TOKEN_LENGTH = 128


def new_token() -> str:
    """A fresh URL-safe token (43 characters, 256 bits from the OS CSPRNG)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The hex SHA-256 under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def plausible_token(token: str | None) -> TypeGuard[str]:
    """Cheap shape check so junk credentials cost no database round trip."""
    return token is not None and 0 < len(token) <= MAX_TOKEN_LENGTH and token.isascii() and token.isprintable()
