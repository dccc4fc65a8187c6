"""Signing in with a second factor through the GraphQL API: the documents and the steps."""

from __future__ import annotations

from auth.clock import FrozenClock
from auth.totp import code_at
from tests.support.actors import PASSWORD
from tests.support.graphql import GraphQLClient

SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on TwoFactorRequired { challenge expiresAt }
    ... on SignedIn { token session { id client } }
    ... on Error { code }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


VERIFY = """
mutation Verify($challenge: String!, $code: String!) {
  verifyTwoFactor(input: {challenge: $challenge, code: $code}) {
    __typename
    ... on SignedIn { token account { email twoFactorEnabled backupCodesRemaining } session { id client current } }
    ... on Error { code message }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


DISABLE = """
mutation Disable($password: String!) {
  disableTotp(input: {password: $password}) {
    __typename
    ... on TotpDisabled { account { twoFactorEnabled backupCodesRemaining } }
    ... on Error { code }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


REGENERATE = """
mutation Regenerate($password: String!) {
  regenerateBackupCodes(input: {password: $password}) {
    __typename
    ... on BackupCodes { codes }
    ... on Error { code }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


async def sign_in(client: GraphQLClient, email: str, password: str = PASSWORD, kind: str = "WEB") -> dict:
    data = await client.data(SIGN_IN, {"input": {"email": email, "password": password, "client": kind}})
    return data["signIn"]


async def challenge_for(client: GraphQLClient, email: str, kind: str = "WEB") -> str:
    payload = await sign_in(client, email, kind=kind)
    assert payload["__typename"] == "TwoFactorRequired", payload
    return payload["challenge"]


async def verify(client: GraphQLClient, challenge: str, code: str) -> dict:
    return (await client.data(VERIFY, {"challenge": challenge, "code": code}))["verifyTwoFactor"]


def wrong_code(secret: str, clock: FrozenClock) -> str:
    """Six digits that match no step of the drift window."""
    near = {code_at(secret, clock.now(), step_offset=k) for k in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1_000_000, 7919)) if c not in near)
