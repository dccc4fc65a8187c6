"""The ``Error`` interface, ``ErrorCode`` and one GraphQL type per expected failure."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Self, TypeVar, overload

import strawberry
from graphql import GraphQLError

from auth import errors as domain
from schema.enums import ErrorCode


@strawberry.interface(description="An expected failure, returned as data in a mutation's result union.")
class Error:
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation, safe to show.")

    @classmethod
    def from_domain(cls, exc: domain.AuthError) -> Self:
        """The value of this type for ``exc``, a domain error it answers.

        A field beyond ``code`` and ``message`` (``retryAfterSeconds``, ``field``) is the domain error's attribute
        of the same name, so a type answering an error that lacks it fails loudly (the mapping test builds all).
        """
        facts: dict[str, Any] = {
            f.name: getattr(exc, f.name) for f in dataclasses.fields(cls) if f.name not in {"code", "message"}
        }
        return cls(code=exc.code, message=exc.message, **facts)


# The GraphQL type answering each domain error class; a subclass is answered by its nearest listed base.
_BY_DOMAIN: dict[type[domain.AuthError], type[Error]] = {}

ErrorType = TypeVar("ErrorType", bound=type[Error])


def _answers(*errors: type[domain.AuthError]) -> Callable[[ErrorType], ErrorType]:
    def register(error_type: ErrorType) -> ErrorType:
        for error in errors:
            _BY_DOMAIN[error] = error_type
        return error_type

    return register


@_answers(domain.InvalidCredentials)
@strawberry.type(description="The email or password is incorrect (never says which).")
class InvalidCredentials(Error):
    pass


@_answers(domain.EmailTaken)
@strawberry.type(description="An account with this email address already exists.")
class EmailTaken(Error):
    pass


@_answers(domain.InvalidEmail)
@strawberry.type(description="The email address is not syntactically valid.")
class InvalidEmail(Error):
    pass


@_answers(domain.PasswordPolicyViolation)
@strawberry.type(description="The password breaks one rule of the policy; `code` names the rule.")
class PasswordPolicyViolation(Error):
    pass


@_answers(domain.NotFound)
@strawberry.type(description="Nothing with this id belongs to the signed-in account.")
class NotFound(Error):
    pass


@_answers(domain.InvalidCode)
@strawberry.type(description="The two-factor code is wrong, already used, or not a code at all.")
class InvalidCode(Error):
    pass


@_answers(domain.ChallengeExpired)
@strawberry.type(description="The sign-in challenge is unknown, expired or used up: sign in again with the password.")
class ChallengeExpired(Error):
    pass


@_answers(domain.TotpAlreadyEnabled)
@strawberry.type(description="Two-factor authentication is already on.")
class TotpAlreadyEnabled(Error):
    pass


@_answers(domain.TotpNotEnabled)
@strawberry.type(description="Two-factor authentication is off.")
class TotpNotEnabled(Error):
    pass


@_answers(domain.TotpSetupNotStarted)
@strawberry.type(description="There is no pending setup to confirm: call startTotpSetup first.")
class TotpSetupNotStarted(Error):
    pass


@_answers(domain.AccountLocked)
@strawberry.type(description="The account is locked after repeated failures; nothing was checked.")
class AccountLocked(Error):
    retry_after_seconds: int = strawberry.field(description="Seconds until the lock ends.")


@_answers(domain.InvalidInput)
@strawberry.type(description="A field failed validation.")
class InvalidInput(Error):
    field: str = strawberry.field(description="The input field at fault, in the API's spelling.")


# Every other rate-limit refusal (the per-IP cap included) is answered as too many attempts.
@_answers(domain.RateLimited)
@strawberry.type(description="Too many recent failures; the attempt was refused without being checked.")
class TooManyAttempts(Error):
    retry_after_seconds: int = strawberry.field(description="Seconds until the next attempt is evaluated.")


@_answers(domain.ReauthenticationRequired)
@strawberry.type(
    description="The operation creates a long-lived credential and this session has not proved who it is "
    "recently: call reauthenticate (password or code), then retry."
)
class ReauthenticationRequired(Error):
    pass


@_answers(domain.InvalidResetToken)
@strawberry.type(description="The reset link is unknown, used, replaced by a newer one or expired: ask for a new one.")
class InvalidResetToken(Error):
    pass


# Every concrete error type, so the schema documents them all (even any no union uses yet).
ERROR_TYPES: tuple[type[Error], ...] = tuple(dict.fromkeys(_BY_DOMAIN.values()))


def error_type_for(kind: type[domain.AuthError]) -> type[Error]:
    """The GraphQL error type answering the domain error class ``kind``: the one listed for its nearest base."""
    for base in kind.__mro__:
        if base in _BY_DOMAIN:
            return _BY_DOMAIN[base]
    raise TypeError(f"no GraphQL error type answers {kind.__name__}")


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
def error_from(exc: domain.ReauthenticationRequired) -> ReauthenticationRequired: ...


@overload
def error_from(exc: domain.InvalidResetToken) -> InvalidResetToken: ...


def error_from(exc: domain.AuthError) -> Error:
    """The GraphQL error value for a domain error."""
    return error_type_for(type(exc)).from_domain(exc)


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
