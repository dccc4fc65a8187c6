"""A small GraphQL-over-HTTP client for tests, and the documents the tests send."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support import log_guard

BROWSER_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)

SESSION_FIELDS = "id client device { browser os } location ipAddress lastActiveAt createdAt expiresAt current"

SIGN_UP = f"""
mutation SignUp($input: SignUpInput!) {{
  signUp(input: $input) {{
    __typename
    ... on SignedIn {{ token account {{ id email twoFactorEnabled }} session {{ {SESSION_FIELDS} }} }}
    ... on Error {{ code message }}
    ... on TooManyAttempts {{ retryAfterSeconds }}
  }}
}}"""

SIGN_IN = f"""
mutation SignIn($input: SignInInput!) {{
  signIn(input: $input) {{
    __typename
    ... on SignedIn {{ token account {{ id email }} session {{ {SESSION_FIELDS} }} }}
    ... on Error {{ code message }}
    ... on TooManyAttempts {{ retryAfterSeconds }}
    ... on AccountLocked {{ retryAfterSeconds }}
  }}
}}"""

ME = "query { me { id email twoFactorEnabled backupCodesRemaining passwordChangedAt createdAt } }"
ACTIVE_SESSIONS = f"query {{ activeSessions {{ {SESSION_FIELDS} }} }}"
SIGN_OUT = "mutation { signOut { __typename ... on SignedOut { sessionId } } }"
REVOKE_SESSION = """
mutation Revoke($id: ID!) {
  revokeSession(id: $id) { __typename ... on SessionRevoked { id } ... on Error { code message } }
}"""
REVOKE_OTHERS = "mutation { revokeAllOtherSessions { __typename ... on SessionsRevoked { count } } }"
SIGN_OUT_EVERYWHERE = "mutation { signOutEverywhere { __typename ... on SessionsRevoked { count } } }"
PASSWORD_POLICY = "query { passwordPolicy { minLength maxLength historySize } }"


@dataclass
class GraphQLClient:
    """Posts GraphQL documents; keeps cookies like a browser and optionally sends a Bearer token."""

    http: httpx.AsyncClient
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    async def post(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"user-agent": BROWSER_UA, **self.headers, **kwargs.pop("headers", {})}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        # ASCII-escaped JSON, as browsers may send it; it also carries lone surrogates such as \ud800.
        body = json.dumps({"query": query, "variables": variables or {}})
        headers.setdefault("content-type", "application/json")
        log_guard.note_sent(variables)
        log_guard.note("token", self.token)
        response = await self.http.post("/graphql", content=body, headers=headers, **kwargs)
        _note_response_secrets(response)
        return response

    async def execute(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The JSON body of a 200 response (errors included, for the test to inspect)."""
        response = await self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self.execute(query, variables, **kwargs)
        assert "errors" not in body, body
        return body["data"]


def _note_response_secrets(response: httpx.Response) -> None:
    for value in response.cookies.values():
        log_guard.note("cookie", value)
    if response.headers.get("content-type", "").endswith("json"):
        try:
            log_guard.note_received(response.json())
        except ValueError:
            pass


def error_codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of each top-level error."""
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    __typename
    ... on PasswordChanged { signedOutSessions account { email passwordChangedAt } }
    ... on Error { code message }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
  }
}"""


async def change_password(client: GraphQLClient, current: str, new: str, **extra: object) -> dict:
    data = await client.data(CHANGE_PASSWORD, {"input": {"currentPassword": current, "newPassword": new, **extra}})
    return data["changePassword"]
