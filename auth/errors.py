"""The domain's exception tree: each maps to one GraphQL error type in the schema."""

from __future__ import annotations

from enum import Enum


class ErrorCode(str, Enum):
    """Machine-readable reason of a failure; stable across releases (the API's ``ErrorCode``)."""

    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    INVALID_CODE = "INVALID_CODE"
    CHALLENGE_EXPIRED = "CHALLENGE_EXPIRED"
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"  # noqa: S105 (a reason, not a password)
    PASSWORD_TOO_LONG = "PASSWORD_TOO_LONG"  # noqa: S105
    PASSWORD_REUSED = "PASSWORD_REUSED"  # noqa: S105
    EMAIL_INVALID = "EMAIL_INVALID"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    TOTP_ALREADY_ENABLED = "TOTP_ALREADY_ENABLED"
    TOTP_NOT_ENABLED = "TOTP_NOT_ENABLED"
    TOTP_SETUP_NOT_STARTED = "TOTP_SETUP_NOT_STARTED"
    REAUTHENTICATION_REQUIRED = "REAUTHENTICATION_REQUIRED"
    INVALID_RESET_TOKEN = "INVALID_RESET_TOKEN"  # noqa: S105 (a reason, not a token)


class AuthError(Exception):
    """Base of every expected, user-facing failure of an account-security operation."""

    code: ErrorCode = ErrorCode.INVALID_INPUT
    message = "The request is not valid."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class InvalidCredentials(AuthError):
    """The email and password do not match (deliberately silent about which one is wrong)."""

    code = ErrorCode.INVALID_CREDENTIALS
    message = "The email or password is incorrect."


class EmailTaken(AuthError):
    """An account already uses this email address."""

    code = ErrorCode.EMAIL_TAKEN
    message = "An account with this email address already exists."


class InvalidEmail(AuthError):
    """The email address is not syntactically valid."""

    code = ErrorCode.EMAIL_INVALID
    message = "This is not a valid email address."


class PasswordPolicyViolation(AuthError):
    """The new password breaks one rule of the policy; ``code`` names the rule."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class NotFound(AuthError):
    """The thing does not exist or does not belong to the requester (indistinguishable on purpose)."""

    code = ErrorCode.NOT_FOUND
    message = "Not found."


class InvalidInput(AuthError):
    """A field failed validation; ``field`` names it in the API's spelling."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RateLimited(AuthError):
    """Base for refusals that say when to try again; answered as ``TooManyAttempts`` unless a subclass says more."""

    code = ErrorCode.TOO_MANY_ATTEMPTS
    message = "Too many attempts. Try again later."

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = max(1, int(retry_after_seconds))


class TooManyAttempts(RateLimited):
    """Too many recent failures: the attempt was refused without being evaluated."""


class IpLimitReached(TooManyAttempts):
    """The client's address used up its allowance (per-IP cap); answered as ``TooManyAttempts``."""


class AccountLocked(RateLimited):
    """The account is locked after repeated failures: the attempt was refused without being evaluated."""

    code = ErrorCode.ACCOUNT_LOCKED
    message = "This account is temporarily locked after too many failed attempts."


class InvalidCode(AuthError):
    """The two-factor code is wrong, already used, or not shaped like a code."""

    code = ErrorCode.INVALID_CODE
    message = "The code is not valid. Enter the current code from your authenticator app or an unused backup code."


class ChallengeExpired(AuthError):
    """The sign-in challenge is unknown, used, expired or used up by wrong codes: sign in again."""

    code = ErrorCode.CHALLENGE_EXPIRED
    message = "This sign-in has expired. Sign in again with your password."


class TotpAlreadyEnabled(AuthError):
    """Two-factor authentication is already on."""

    code = ErrorCode.TOTP_ALREADY_ENABLED
    message = "Two-factor authentication is already enabled."


class TotpNotEnabled(AuthError):
    """Two-factor authentication is off."""

    code = ErrorCode.TOTP_NOT_ENABLED
    message = "Two-factor authentication is not enabled."


class TotpSetupNotStarted(AuthError):
    """There is no pending setup to confirm (none was started, or it is over an hour old)."""

    code = ErrorCode.TOTP_SETUP_NOT_STARTED
    message = "Start the two-factor setup first (a setup must be confirmed within an hour)."


class ReauthenticationRequired(AuthError):
    """The operation makes a long-lived credential: the session must have proved who it is recently."""

    code = ErrorCode.REAUTHENTICATION_REQUIRED
    message = "Confirm it's you: enter your password (or a two-factor code) again, then retry."


class InvalidResetToken(AuthError):
    """The reset link is unknown, used, replaced by a newer one or expired (indistinguishable on purpose)."""

    code = ErrorCode.INVALID_RESET_TOKEN
    message = "This reset link is not valid any more. Ask for a new one."
