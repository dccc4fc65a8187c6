"""Security mails reach a real SMTP server: one per lockout, and the password-changed notice."""

from __future__ import annotations

import asyncio

import pytest

from auth.clock import FrozenClock
from tests.support.actors import PASSWORD, User
from tests.support.graphql import SIGN_IN, change_password
from tests.support.mail import SMTP_PORT, RecordingHandler, received
from tests.support.server import free_port


@pytest.mark.settings(
    smtp_url=f"smtp://127.0.0.1:{SMTP_PORT}", mail_from="Workestra Security <security@workestra.test>"
)
async def test_one_lockout_mail_per_lockout_is_delivered(
    smtp: RecordingHandler, locked_user: User, make_client
) -> None:
    user, attacker = locked_user, make_client()
    for _ in range(10):  # attempts during the lock send nothing more
        await attacker.data(SIGN_IN, {"input": {"email": user.email, "password": "wrong password"}})
    await received(smtp, 1)
    await asyncio.sleep(0.3)
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail.rcpt_tos == [user.email]
    assert mail.message["From"] == "Workestra Security <security@workestra.test>"
    assert mail.message["Subject"] == "Your Workestra account was locked after failed sign-in attempts"
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert "locked for 15 minutes" in text
    assert "127.0.0.xxx" in text and "Chrome 131 on macOS" in text
    assert "http" not in text.lower() and "<a " not in html
    assert "wrong password" not in text + html and PASSWORD not in text + html


@pytest.mark.settings(smtp_url=f"smtp://127.0.0.1:{SMTP_PORT}")
async def test_the_password_changed_mail_is_delivered(smtp: RecordingHandler, user: User) -> None:
    await change_password(user.browser, PASSWORD, "a brand new passphrase")
    await received(smtp, 1)
    assert smtp.received[0].message["Subject"] == "Your Workestra password was changed"


@pytest.mark.settings(smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_retry_for=600)
async def test_mail_retry_for_decides_when_an_undelivered_mail_is_dead(app, user: User, clock: FrozenClock) -> None:
    from models import OutboxMessage
    from workestra.mail import outbox_counts

    await change_password(user.browser, PASSWORD, "a brand new passphrase")
    sender = app.state.services.outbox.sender
    for _ in range(100):
        await sender.deliver_due()
        row = await OutboxMessage.get(kind="password_changed")
        if row.failed_at is not None:
            break
        clock.advance(max(1.0, (row.next_attempt_at - clock.now()).total_seconds()))
    assert row.failed_at is not None and row.sent_at is None
    assert 600 <= (row.failed_at - row.created_at).total_seconds() < 600 + 3600
    assert (await outbox_counts(clock.now())).dead == 1


@pytest.mark.parametrize("raw", ["0", "-5", "three days", " "])
def test_mail_retry_for_must_be_a_positive_number_of_seconds(raw: str) -> None:
    from workestra.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="MAIL_RETRY_FOR"):
        Settings.from_env({"MAIL_RETRY_FOR": raw}, env_file=None)
    assert Settings.from_env({"MAIL_RETRY_FOR": " 3600 "}, env_file=None).mail_retry_for == 3600
