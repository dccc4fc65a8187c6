"""The people the tests act as, and how each reaches its state through the API."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from auth.clock import FrozenClock
from auth.totp import code_at
from tests.support.graphql import SIGN_IN, SIGN_UP, GraphQLClient

PASSWORD = "correct horse battery staple"

MakeClient = Callable[..., GraphQLClient]

START_TOTP_SETUP = """
mutation {
  startTotpSetup {
    __typename
    ... on TotpSetup { secret otpauthUri qrCodeSvg backupCodes }
    ... on Error { code message }
  }
}"""

ENABLE_TOTP = """
mutation Enable($code: String!) {
  enableTotp(input: {code: $code}) {
    __typename
    ... on TotpEnabled { account { email twoFactorEnabled backupCodesRemaining } }
    ... on Error { code message }
  }
}"""

REAUTHENTICATE = """
mutation Reauthenticate($input: ReauthenticateInput!) {
  reauthenticate(input: $input) {
    __typename
    ... on Reauthenticated { until }
    ... on Error { code message }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
    ... on InvalidInput { field }
  }
}"""

CREATE_API_KEY = """
mutation Create($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on ApiKeyCreated { secret apiKey { id name prefix createdAt lastUsedAt expiresAt } }
    ... on InvalidInput { code field message }
    ... on ReauthenticationRequired { code message }
  }
}"""


def node_key(global_id: str) -> str:
    """The random key inside a global id ("<Type>:<key>" in base64), for tests that look rows up directly."""
    return base64.b64decode(global_id).decode().split(":", 1)[1]


# The waits the brute-force ladder asks for after each wrong password; the sixth wrong one locks.
LOCKOUT_DELAYS = (1, 2, 4, 8, 16, 0)


@dataclass
class User:
    """A signed-up person and the browser they signed up with."""

    email: str
    password: str
    id: str
    browser: GraphQLClient
    session_id: str

    @property
    def session_key(self) -> str:
        """The session's own id in the database (``session_id`` is its global id)."""
        return node_key(self.session_id)


@dataclass
class TotpUser:
    """A person with 2FA on: their browser, the secret their app holds and their backup codes."""

    user: User
    secret: str
    backup_codes: list[str]

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def browser(self) -> GraphQLClient:
        return self.user.browser


@dataclass
class ApiKeyClient:
    """A client authenticated by an API key of a person, and what creating the key answered."""

    client: GraphQLClient
    created: dict


async def sign_up_user(make_client: MakeClient, email: str, password: str = PASSWORD) -> User:
    """Sign up through the API with a fresh browser."""
    browser = make_client()
    data = await browser.data(SIGN_UP, {"input": {"email": email, "password": password}})
    payload = data["signUp"]
    assert payload["__typename"] == "SignedIn", payload
    return User(email, password, payload["account"]["id"], browser, payload["session"]["id"])


async def start_setup(client: GraphQLClient) -> dict:
    """Start TOTP enrolment; the payload holds the secret and the backup codes."""
    return (await client.data(START_TOTP_SETUP))["startTotpSetup"]


async def enable(client: GraphQLClient, code: str) -> dict:
    """Finish TOTP enrolment with a code from the authenticator."""
    return (await client.data(ENABLE_TOTP, {"code": code}))["enableTotp"]


def totp(secret: str, clock: FrozenClock, steps: int = 0) -> str:
    """The authenticator's code for ``secret`` at the clock's time, ``steps`` periods away."""
    return code_at(secret, clock.now(), step_offset=steps)


async def enroll_totp(user: User, clock: FrozenClock) -> TotpUser:
    """Turn 2FA on for ``user`` with the code of the current step, then move past that step."""
    setup = await start_setup(user.browser)
    enabled = await enable(user.browser, totp(setup["secret"], clock))
    assert enabled["__typename"] == "TotpEnabled", enabled
    # The enabling step is used; later codes come from later steps.
    clock.advance(30)
    return TotpUser(user, setup["secret"], setup["backupCodes"])


async def lock_out(attacker: GraphQLClient, email: str, clock: FrozenClock) -> None:
    """Six wrong passwords for ``email``, each after the wait the previous one earned: the account locks."""
    for delay in LOCKOUT_DELAYS:
        await attacker.data(SIGN_IN, {"input": {"email": email, "password": "wrong password"}})
        clock.advance(delay)


async def create_api_key(client: GraphQLClient, name: str = "CI dashboard", expires_at: str | None = None) -> dict:
    """Create an API key as the person signed in on ``client``; the payload holds the secret once."""
    return (await client.data(CREATE_API_KEY, {"input": {"name": name, "expiresAt": expires_at}}))["createApiKey"]


async def reauthenticate(client: GraphQLClient, *, password: str | None = None, code: str | None = None) -> dict:
    """Prove it's you again on ``client`` (password or code); the payload says until when, or why not."""
    given = {name: value for name, value in (("password", password), ("code", code)) if value is not None}
    return (await client.data(REAUTHENTICATE, {"input": given}))["reauthenticate"]


def key_client(make_client: MakeClient, secret: str) -> GraphQLClient:
    """A fresh client that sends ``secret`` as its Bearer credential."""
    return make_client(authorization=f"Bearer {secret}")
