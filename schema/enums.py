"""The domain's enums as the API shows them: the domain owns names and values, the schema adds descriptions.

Schema modules import the enums from here, so an enum is always exposed before a type uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition

from auth.errors import ErrorCode
from models import ClientKind, SecurityEventType

__all__ = ["ClientKind", "ErrorCode", "SecurityEventType", "expose_enum"]

E = TypeVar("E", bound=Enum)


def expose_enum(domain: type[E], *, description: str, values: Mapping[E, str]) -> type[E]:
    """Make the domain enum ``domain`` a GraphQL enum of the same name, every value described.

    A value without a description fails here, at import, so a member added in the domain cannot reach the
    schema undocumented; a description for a value the domain no longer has fails the same way.
    """
    members = set(domain)
    if set(values) != members:
        unlisted = sorted(str(m) for m in members.symmetric_difference(values))
        raise TypeError(f"{domain.__name__}: describe exactly its values (mismatched: {', '.join(unlisted)})")
    exposed = strawberry.enum(domain, description=description)
    if not has_enum_definition(exposed):  # pragma: no cover - strawberry.enum always attaches one
        raise TypeError(f"{domain.__name__} was not made a GraphQL enum")
    for value in exposed.__strawberry_definition__.values:
        value.description = values[domain[value.name]]
    return domain


expose_enum(
    ErrorCode,
    description="Machine-readable reason of an error; stable across releases.",
    values={
        ErrorCode.INVALID_CREDENTIALS: "Email or password is wrong.",
        ErrorCode.ACCOUNT_LOCKED: "Locked after repeated failures.",
        ErrorCode.TOO_MANY_ATTEMPTS: "Wait before trying again.",
        ErrorCode.INVALID_CODE: "The two-factor code is wrong or used.",
        ErrorCode.CHALLENGE_EXPIRED: "The sign-in challenge is used up.",
        ErrorCode.PASSWORD_TOO_SHORT: "Below the minimum length.",
        ErrorCode.PASSWORD_TOO_LONG: "Above the maximum length.",
        ErrorCode.PASSWORD_REUSED: "One of the recent passwords.",
        ErrorCode.EMAIL_INVALID: "Not a syntactically valid email address.",
        ErrorCode.EMAIL_TAKEN: "An account already uses this email.",
        ErrorCode.INVALID_INPUT: "A field failed validation.",
        ErrorCode.NOT_FOUND: "No such thing belongs to this account.",
        ErrorCode.TOTP_ALREADY_ENABLED: "Two-factor is already on.",
        ErrorCode.TOTP_NOT_ENABLED: "Two-factor is off.",
        ErrorCode.TOTP_SETUP_NOT_STARTED: "No pending two-factor setup to confirm.",
        ErrorCode.REAUTHENTICATION_REQUIRED: "Call reauthenticate first, then retry the operation.",
        ErrorCode.INVALID_RESET_TOKEN: "The reset link is unknown, used, replaced or expired.",
    },
)


expose_enum(
    ClientKind,
    description="The kind of client a session belongs to; it decides the idle timeout.",
    values={
        ClientKind.WEB: "A browser; the token lives in an HttpOnly cookie.",
        ClientKind.MOBILE: "A mobile app; the token is sent as a Bearer header.",
    },
)


expose_enum(
    SecurityEventType,
    description="What happened to the account.",
    values={
        SecurityEventType.SIGN_UP: "The account was created (and its first session opened).",
        SecurityEventType.SIGN_IN: "A sign-in completed: a session was opened.",
        SecurityEventType.SIGN_IN_FAILED: (
            "A wrong password, at sign-in or when confirming a change (counted for lockout)."
        ),
        SecurityEventType.TWO_FACTOR_FAILED: "A wrong or replayed two-factor or backup code at sign-in.",
        SecurityEventType.ACCOUNT_LOCKED: "Repeated failures locked the account.",
        SecurityEventType.SIGN_OUT: "A session signed itself out.",
        SecurityEventType.SESSION_REVOKED: "One session was revoked; sessionId names it.",
        SecurityEventType.OTHER_SESSIONS_REVOKED: "Every session but the requesting one was revoked.",
        SecurityEventType.SIGNED_OUT_EVERYWHERE: "Every session was ended, the requesting one too.",
        SecurityEventType.SESSION_EXPIRED: "A session ended after its idle timeout; described by its own device.",
        SecurityEventType.PASSWORD_CHANGED: "The password was changed.",
        SecurityEventType.TOTP_ENABLED: "Two-factor authentication was switched on.",
        SecurityEventType.TOTP_DISABLED: "Two-factor authentication was switched off.",
        SecurityEventType.BACKUP_CODE_USED: "A backup code was used to sign in.",
        SecurityEventType.BACKUP_CODES_REGENERATED: "A new set of backup codes replaced the old one.",
        SecurityEventType.API_KEY_CREATED: "An API key was created.",
        SecurityEventType.API_KEY_REVOKED: "An API key was revoked.",
        SecurityEventType.PASSWORD_RESET: (
            "The password was reset with a link from the mail; every session and API key was ended."
        ),
        SecurityEventType.DEVICE_FORGOTTEN: (
            "A known device was forgotten: its sign-ins count with everyone else's again."
        ),
        SecurityEventType.NEW_DEVICE_SIGN_IN: (
            "A sign-in completed from a client that was not a known device; the owner was mailed."
        ),
        SecurityEventType.PASSWORD_KNOWN_CODE_FAILING: (
            "Three wrong two-factor codes followed a right password; the owner was mailed."
        ),
    },
)
