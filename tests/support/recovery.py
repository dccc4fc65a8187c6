"""Account recovery's documents, and the token a delivered reset mail's link carries."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.support import log_guard
from tests.support.mail import RecordingHandler

# The page the reset links point to (``PUBLIC_URL``); the token travels in the fragment.
PUBLIC_URL = "https://app.workestra.test/security"
RESET_SUBJECT = "Reset your Workestra password"

REQUEST_RESET = """
mutation Request($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) {
    __typename
    ... on PasswordResetRequested { message }
    ... on TooManyAttempts { code message retryAfterSeconds }
    ... on InvalidInput { code field message }
  }
}"""

RESET_FIELDS = """
    __typename
    ... on PasswordReset { signedOutSessions revokedApiKeys }
    ... on Error { code message }
    ... on InvalidInput { field }
    ... on TooManyAttempts { retryAfterSeconds }
    ... on AccountLocked { retryAfterSeconds }
"""
RESET = f"""
mutation Reset($input: ResetPasswordInput!) {{
  resetPassword(input: $input) {{ {RESET_FIELDS} }}
}}"""


def link_token(mail: Any) -> str:
    """The token of the reset link in a delivered mail (noted as a secret for the log guard)."""
    text = mail.message.get_body(("plain",)).get_content()
    found = re.search(re.escape(PUBLIC_URL) + r"#reset=([A-Za-z0-9_-]+)", text)
    assert found, text
    log_guard.note("reset token", found.group(1))
    return found.group(1)


async def mailed_token(handler: RecordingHandler, email: str, timeout: float = 10) -> str:
    """The token of the first reset mail the SMTP server accepted for ``email``, waiting for it."""

    async def wait() -> str:
        while True:
            for mail in handler.received:
                if mail.rcpt_tos == [email] and mail.message["Subject"] == RESET_SUBJECT:
                    return link_token(mail)
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(wait(), timeout)
