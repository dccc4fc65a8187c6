"""Result unions: one success type and the errors each mutation can return."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.device_types import DeviceForgotten
from schema.errors import (
    AccountLocked,
    ChallengeExpired,
    EmailTaken,
    InvalidCode,
    InvalidCredentials,
    InvalidEmail,
    InvalidInput,
    InvalidResetToken,
    NotFound,
    PasswordPolicyViolation,
    ReauthenticationRequired,
    TooManyAttempts,
    TotpAlreadyEnabled,
    TotpNotEnabled,
    TotpSetupNotStarted,
)
from schema.types import (
    ApiKeyCreated,
    ApiKeyRevoked,
    BackupCodes,
    PasswordChanged,
    PasswordReset,
    PasswordResetRequested,
    Reauthenticated,
    SessionRevoked,
    SessionsRevoked,
    SignedIn,
    SignedOut,
    TotpDisabled,
    TotpEnabled,
    TotpSetup,
    TwoFactorRequired,
)

SignUpResult = Annotated[
    SignedIn | EmailTaken | InvalidEmail | PasswordPolicyViolation | TooManyAttempts,
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
VerifyTwoFactorResult = Annotated[
    SignedIn | InvalidCode | ChallengeExpired | AccountLocked | TooManyAttempts,
    strawberry.union("VerifyTwoFactorResult", description="Outcome of the second step of signing in."),
]
StartTotpSetupResult = Annotated[
    TotpSetup | TotpAlreadyEnabled | ReauthenticationRequired,
    strawberry.union("StartTotpSetupResult", description="Outcome of startTotpSetup."),
]
EnableTotpResult = Annotated[
    TotpEnabled | InvalidCode | TotpSetupNotStarted | TotpAlreadyEnabled | ReauthenticationRequired,
    strawberry.union("EnableTotpResult", description="Outcome of enableTotp."),
]
DisableTotpResult = Annotated[
    TotpDisabled | InvalidCredentials | TotpNotEnabled | AccountLocked | TooManyAttempts,
    strawberry.union("DisableTotpResult", description="Outcome of disableTotp."),
]
RegenerateBackupCodesResult = Annotated[
    BackupCodes | InvalidCredentials | TotpNotEnabled | AccountLocked | TooManyAttempts,
    strawberry.union("RegenerateBackupCodesResult", description="Outcome of regenerateBackupCodes."),
]
CreateApiKeyResult = Annotated[
    ApiKeyCreated | InvalidInput | ReauthenticationRequired,
    strawberry.union("CreateApiKeyResult", description="Outcome of createApiKey."),
]
RevokeApiKeyResult = Annotated[
    ApiKeyRevoked | NotFound,
    strawberry.union("RevokeApiKeyResult", description="Outcome of revokeApiKey."),
]
ForgetDeviceResult = Annotated[
    DeviceForgotten | NotFound,
    strawberry.union("ForgetDeviceResult", description="Outcome of forgetDevice."),
]
ReauthenticateResult = Annotated[
    Reauthenticated | InvalidCredentials | InvalidCode | InvalidInput | AccountLocked | TooManyAttempts,
    strawberry.union("ReauthenticateResult", description="Outcome of reauthenticate."),
]
RequestPasswordResetResult = Annotated[
    PasswordResetRequested | TooManyAttempts | InvalidInput,
    strawberry.union("RequestPasswordResetResult", description="Outcome of requestPasswordReset."),
]
ResetPasswordResult = Annotated[
    PasswordReset
    | InvalidResetToken
    | PasswordPolicyViolation
    | InvalidCode
    | AccountLocked
    | TooManyAttempts
    | InvalidInput,
    strawberry.union("ResetPasswordResult", description="Outcome of resetPassword."),
]
