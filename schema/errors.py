"""The ``Error`` interface, ``ErrorCode`` and one GraphQL type per expected failure."""

from __future__ import annotations

from enum import Enum
from typing import overload

import strawberry
from graphql import GraphQLError

from auth import errors as domain


@strawberry.enum(description="Machine-readable reason of an error; stable across releases.")
class ErrorCode(Enum):
    INVALID_CREDENTIALS = strawberry.enum_value("INVALID_CREDENTIALS", description="Email or password is wrong.")
    ACCOUNT_LOCKED = strawberry.enum_value("ACCOUNT_LOCKED", description="Locked after repeated failures.")
    TOO_MANY_ATTEMPTS = strawberry.enum_value("TOO_MANY_ATTEMPTS", description="Wait before trying again.")
    INVALID_CODE = strawberry.enum_value("INVALID_CODE", description="The two-factor code is wrong or used.")
    CHALLENGE_EXPIRED = strawberry.enum_value("CHALLENGE_EXPIRED", description="The sign-in challenge is used up.")
    PASSWORD_TOO_SHORT = strawberry.enum_value("PASSWORD_TOO_SHORT", description="Below the minimum length.")
    PASSWORD_TOO_LONG = strawberry.enum_value("PASSWORD_TOO_LONG", description="Above the maximum length.")
    PASSWORD_REUSED = strawberry.enum_value("PASSWORD_REUSED", description="One of the recent passwords.")
    EMAIL_INVALID = strawberry.enum_value("EMAIL_INVALID", description="Not a syntactically valid email address.")
    EMAIL_TAKEN = strawberry.enum_value("EMAIL_TAKEN", description="An account already uses this email.")
    INVALID_INPUT = strawberry.enum_value("INVALID_INPUT", description="A field failed validation.")
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="No such thing belongs to this account.")
    TOTP_ALREADY_ENABLED = strawberry.enum_value("TOTP_ALREADY_ENABLED", description="Two-factor is already on.")
    TOTP_NOT_ENABLED = strawberry.enum_value("TOTP_NOT_ENABLED", description="Two-factor is off.")
    TOTP_SETUP_NOT_STARTED = strawberry.enum_value(
        "TOTP_SETUP_NOT_STARTED", description="No pending two-factor setup to confirm."
    )
    INVALID_RESET_TOKEN = strawberry.enum_value(
        "INVALID_RESET_TOKEN", description="The reset link is unknown, used, replaced or expired."
    )


@strawberry.interface(description="An expected failure, returned as data in a mutation's result union.")
class Error:
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation, safe to show.")


@strawberry.type(description="The email or password is incorrect (never says which).")
class InvalidCredentials(Error):
    pass


@strawberry.type(description="An account with this email address already exists.")
class EmailTaken(Error):
    pass


@strawberry.type(description="The email address is not syntactically valid.")
class InvalidEmail(Error):
    pass


@strawberry.type(description="The password breaks one rule of the policy; `code` names the rule.")
class PasswordPolicyViolation(Error):
    pass


@strawberry.type(description="Nothing with this id belongs to the signed-in account.")
class NotFound(Error):
    pass


@strawberry.type(description="A field failed validation.")
class InvalidInput(Error):
    field: str = strawberry.field(description="The input field at fault, in the API's spelling.")


@strawberry.type(description="The account is locked after repeated failures; nothing was checked.")
class AccountLocked(Error):
    retry_after_seconds: int = strawberry.field(description="Seconds until the lock ends.")


@strawberry.type(description="Too many recent failures; the attempt was refused without being checked.")
class TooManyAttempts(Error):
    retry_after_seconds: int = strawberry.field(description="Seconds until the next attempt is evaluated.")


@strawberry.type(description="The two-factor code is wrong, already used, or not a code at all.")
class InvalidCode(Error):
    pass


@strawberry.type(description="The sign-in challenge is unknown, expired or used up: sign in again with the password.")
class ChallengeExpired(Error):
    pass


@strawberry.type(description="Two-factor authentication is already on.")
class TotpAlreadyEnabled(Error):
    pass


@strawberry.type(description="Two-factor authentication is off.")
class TotpNotEnabled(Error):
    pass


@strawberry.type(description="There is no pending setup to confirm: call startTotpSetup first.")
class TotpSetupNotStarted(Error):
    pass


@strawberry.type(description="The reset link is unknown, used, replaced by a newer one or expired: ask for a new one.")
class InvalidResetToken(Error):
    pass


_BY_DOMAIN: dict[type[domain.AuthError], type[Error]] = {
    domain.InvalidCredentials: InvalidCredentials,
    domain.EmailTaken: EmailTaken,
    domain.InvalidEmail: InvalidEmail,
    domain.PasswordPolicyViolation: PasswordPolicyViolation,
    domain.NotFound: NotFound,
    domain.InvalidCode: InvalidCode,
    domain.ChallengeExpired: ChallengeExpired,
    domain.TotpAlreadyEnabled: TotpAlreadyEnabled,
    domain.TotpNotEnabled: TotpNotEnabled,
    domain.TotpSetupNotStarted: TotpSetupNotStarted,
    domain.InvalidResetToken: InvalidResetToken,
}


# Every concrete error type, so the schema documents them all (even any no union uses yet).
ERROR_TYPES: tuple[type[Error], ...] = (*_BY_DOMAIN.values(), AccountLocked, InvalidInput, TooManyAttempts)


# One signature per domain error, so a resolver catching only the errors of its result union is typed to
# return members of that union.
@overload
def error_from(exc: domain.InvalidCredentials) -> InvalidCredentials: ...


@overload
def error_from(exc: domain.EmailTaken) -> EmailTaken: ...


@overload
def error_from(exc: domain.InvalidEmail) -> InvalidEmail: ...


@overload
def error_from(exc: domain.PasswordPolicyViolation) -> PasswordPolicyViolation: ...


@overload
def error_from(exc: domain.NotFound) -> NotFound: ...


@overload
def error_from(exc: domain.InvalidInput) -> InvalidInput: ...


@overload
def error_from(exc: domain.TooManyAttempts) -> TooManyAttempts: ...


@overload
def error_from(exc: domain.AccountLocked) -> AccountLocked: ...


@overload
def error_from(exc: domain.InvalidCode) -> InvalidCode: ...


@overload
def error_from(exc: domain.ChallengeExpired) -> ChallengeExpired: ...


@overload
def error_from(exc: domain.TotpAlreadyEnabled) -> TotpAlreadyEnabled: ...


@overload
def error_from(exc: domain.TotpNotEnabled) -> TotpNotEnabled: ...


@overload
def error_from(exc: domain.TotpSetupNotStarted) -> TotpSetupNotStarted: ...


@overload
def error_from(exc: domain.InvalidResetToken) -> InvalidResetToken: ...


def error_from(exc: domain.AuthError) -> Error:
    """The GraphQL error value for a domain error."""
    code = ErrorCode(exc.code)
    if isinstance(exc, domain.InvalidInput):
        return InvalidInput(code=code, message=exc.message, field=exc.field)
    if isinstance(exc, domain.AccountLocked):
        return AccountLocked(code=code, message=exc.message, retry_after_seconds=exc.retry_after_seconds)
    if isinstance(exc, domain.TooManyAttempts):
        return TooManyAttempts(code=code, message=exc.message, retry_after_seconds=exc.retry_after_seconds)
    return _BY_DOMAIN[type(exc)](code=code, message=exc.message)


class PublicError(GraphQLError):
    """A top-level error meant for the client; production masking lets these through."""

    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class Unauthenticated(PublicError):
    """No valid session or API key came with the request."""

    code = "UNAUTHENTICATED"

    def __init__(self) -> None:
        super().__init__("Sign in to use this operation.")


class Forbidden(PublicError):
    """The credential may not use this operation (API keys cannot change account security)."""

    code = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__("This credential may not use this operation.")


class ServiceUnavailable(PublicError):
    """The database was briefly unreachable; nothing was done and the client may retry."""

    code = "SERVICE_UNAVAILABLE"
    message = "The service is briefly unavailable; try again in a moment."

    def __init__(self) -> None:
        super().__init__(self.message)


class HttpOnly(PublicError):
    """The operation sets or clears the session cookie, which only an HTTP response can carry."""

    code = "HTTP_ONLY"

    def __init__(self) -> None:
        super().__init__("This operation sets or clears the session cookie: send it over HTTP, not the WebSocket.")


class TooManySubscriptions(PublicError):
    """The account runs as many live operations on this server as it may; one must end first."""

    code = "TOO_MANY_SUBSCRIPTIONS"

    def __init__(self) -> None:
        super().__init__("This account has too many live subscriptions on this server; end one and try again.")


class SessionEnded(PublicError):
    """The socket's session or API key ended; ``extensions.reason`` says why (when known). The socket closes next
    with 4403: a client should sign in again rather than reconnect."""

    code = "SESSION_ENDED"

    def __init__(self, reason: str | None) -> None:
        super().__init__("Your session ended; sign in again.")
        if reason is not None:
            self.extensions = {"code": self.code, "reason": reason}


class InvalidArgument(PublicError):
    """A query argument is out of range or malformed; ``extensions.field`` names it."""

    code = "INVALID_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code, "field": field}
