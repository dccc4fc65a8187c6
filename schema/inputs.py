"""Input objects of the mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.enums import ClientKind


@strawberry.input(description="Create an account and sign in.")
class SignUpInput:
    email: str = strawberry.field(description="Email address; trimmed and compared case-insensitively.")
    password: str = strawberry.field(description="8 to 128 characters of any kind.")
    client: ClientKind = strawberry.field(default=ClientKind.WEB, description="Web (cookie) or mobile (token).")


@strawberry.input(description="The password step of signing in.")
class SignInInput:
    email: str = strawberry.field(description="Email address of the account.")
    password: str = strawberry.field(description="The account's password.")
    client: ClientKind = strawberry.field(default=ClientKind.WEB, description="Web (cookie) or mobile (token).")
    device_token: str | None = strawberry.field(
        default=None,
        description="The known-device credential from an earlier SignedIn.deviceToken (apps; browsers send a cookie).",
    )


@strawberry.input(description="Replace the password; the current one is required.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="8 to 128 characters, none of the last 5 passwords.")
    sign_out_other_sessions: bool = strawberry.field(
        default=True, description="End every other session (the current one stays signed in)."
    )
    revoke_api_keys: bool = strawberry.field(
        default=False, description="Also revoke every API key of the account (their sockets close)."
    )


@strawberry.input(description="Confirm a started two-factor setup with a first code from the authenticator app.")
class EnableTotpInput:
    code: str = strawberry.field(description="The 6-digit code the app shows now; surrounding spaces are ignored.")


@strawberry.input(description="The second step of signing in to an account with two-factor authentication.")
class VerifyTwoFactorInput:
    challenge: str = strawberry.field(description="The challenge from signIn's TwoFactorRequired.")
    code: str = strawberry.field(
        description="A 6-digit code from the authenticator app, or an unused backup code (dashes and spaces allowed)."
    )


@strawberry.input(description="Switch two-factor authentication off; the password is required.")
class DisableTotpInput:
    password: str = strawberry.field(description="The account's current password.")


@strawberry.input(description="Replace the backup codes; the password is required.")
class RegenerateBackupCodesInput:
    password: str = strawberry.field(description="The account's current password.")


@strawberry.input(description="Create an API key (read-only: it cannot run mutations).")
class CreateApiKeyInput:
    name: str = strawberry.field(
        description="What the key is for: 1 to 100 characters after trimming, no control characters."
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="When the key stops working; must be in the future. Null: it never expires."
    )


@strawberry.input(
    description="Prove it's you again, with exactly one of the password or a two-factor code (InvalidInput otherwise)."
)
class ReauthenticateInput:
    password: str | None = strawberry.field(default=None, description="The account's current password.")
    code: str | None = strawberry.field(
        default=None,
        description="With two-factor authentication on: a 6-digit code from the app, or an unused backup code.",
    )


@strawberry.input(description="Ask for a password-reset link by mail.")
class RequestPasswordResetInput:
    email: str = strawberry.field(description="Email address of the account; trimmed and compared case-insensitively.")


@strawberry.input(description="Set a new password with the token of a reset link.")
class ResetPasswordInput:
    token: str = strawberry.field(description="The token from the link's `#reset=` fragment.")
    new_password: str = strawberry.field(description="8 to 128 characters, none of the last 5 passwords.")
    code: str | None = strawberry.field(
        default=None,
        description="With two-factor authentication on: a 6-digit code from the authenticator app or a backup code.",
    )
