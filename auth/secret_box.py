"""Encryption at rest of TOTP secrets: AES-256-GCM under a key derived from the service's SECRET_KEY.

A sealed value is ``v1.<base64url(nonce ‖ ciphertext ‖ tag)>`` with a fresh random 96-bit nonce per
encryption. The associated data names the account, so a ciphertext copied to another account's row
does not open there.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = "v1"
_NONCE_BYTES = 12
# Domain separation: a later use of SECRET_KEY derives its own, unrelated key.
_KDF_INFO = b"workestra/totp-secret/v1"


class SecretUnreadable(Exception):
    """A sealed secret does not open: another SECRET_KEY, another account, or damaged data."""


def derive_key(secret_key: str) -> bytes:
    """The 256-bit AES key of this purpose, derived from SECRET_KEY with HKDF-SHA256."""
    if not secret_key:
        raise ValueError("secret_key must not be empty")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KDF_INFO).derive(secret_key.encode("utf-8"))


def _associated_data(account_id: int) -> bytes:
    return f"account:{account_id}".encode("ascii")


class SecretBox:
    """Seals and opens small secrets bound to an account id."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_secret_key(cls, secret_key: str) -> SecretBox:
        """The box for the service's SECRET_KEY."""
        return cls(derive_key(secret_key))

    def seal(self, plaintext: str, *, account_id: int) -> str:
        """The sealed form of ``plaintext`` for ``account_id`` (different every call)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), _associated_data(account_id))
        return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def open(self, sealed: str, *, account_id: int) -> str:
        """The plaintext sealed for ``account_id``, or ``SecretUnreadable``."""
        version, _, payload = sealed.partition(".")
        if version != _VERSION:
            raise SecretUnreadable("unknown format")
        try:
            raw = base64.urlsafe_b64decode(payload.encode("ascii"))
            nonce, ciphertext = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
            return self._aead.decrypt(nonce, ciphertext, _associated_data(account_id)).decode("utf-8")
        except (InvalidTag, ValueError, binascii.Error, UnicodeError):
            raise SecretUnreadable("does not open with this key for this account") from None
