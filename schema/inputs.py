"""Input objects of the mutations."""

from __future__ import annotations

import strawberry

from schema.types import ClientKind


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


@strawberry.input(description="Replace the password; the current one is required.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="8 to 128 characters, none of the last 5 passwords.")
    sign_out_other_sessions: bool = strawberry.field(
        default=True, description="End every other session (the current one stays signed in)."
    )
