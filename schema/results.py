"""Result unions: one success type and the errors each mutation can return."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.errors import (
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    NotFound,
    PasswordPolicyViolation,
    TooManyAttempts,
)
from schema.types import PasswordChanged, SessionRevoked, SessionsRevoked, SignedIn, SignedOut, TwoFactorRequired

SignUpResult = Annotated[
    SignedIn | EmailTaken | InvalidEmail | PasswordPolicyViolation,
    strawberry.union("SignUpResult", description="Outcome of signUp."),
]
SignInResult = Annotated[
    SignedIn | TwoFactorRequired | InvalidCredentials | AccountLocked | TooManyAttempts,
    strawberry.union("SignInResult", description="Outcome of the password step of signing in."),
]
SignOutResult = Annotated[SignedOut, strawberry.union("SignOutResult", description="Outcome of signOut.")]
RevokeSessionResult = Annotated[
    SessionRevoked | NotFound, strawberry.union("RevokeSessionResult", description="Outcome of revokeSession.")
]
RevokeAllOtherSessionsResult = Annotated[
    SessionsRevoked,
    strawberry.union("RevokeAllOtherSessionsResult", description="Outcome of revokeAllOtherSessions."),
]
SignOutEverywhereResult = Annotated[
    SessionsRevoked,
    strawberry.union("SignOutEverywhereResult", description="Outcome of signOutEverywhere."),
]
ChangePasswordResult = Annotated[
    PasswordChanged | InvalidCredentials | PasswordPolicyViolation | AccountLocked | TooManyAttempts,
    strawberry.union("ChangePasswordResult", description="Outcome of changePassword."),
]
