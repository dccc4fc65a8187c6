"""The mail outbox and its sender, against a real SMTP server (aiosmtpd) and a SQLite file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from auth.clock import FrozenClock
from models.outbox import OutboxMessage

# db and postgres_url are the outbox database's fixtures, shared with tests/test_shutdown.py.
from tests.support.mail import (  # noqa: F401
    BODY_SECRET,
    MAIL_FROM,
    RecordingHandler,
    db,
    notification,
    postgres_url,
    sender,
    start_smtp,
)
from tests.support.server import free_port
from workestra.mail import (
    Mail,
    MailSender,
    OutboxCounts,
    SmtpServer,
    enqueue,
    outbox_counts,
    parse_smtp_url,
    retry_dead,
    retry_delay,
)

_SECOND = timedelta(seconds=1)


@pytest.fixture
def smtp() -> Iterator[tuple[str, RecordingHandler]]:
    """A real SMTP server on 127.0.0.1; yields its URL and the handler recording what it accepts."""
    controller, handler = start_smtp()
    yield f"smtp://127.0.0.1:{controller.port}", handler
    controller.stop()


async def only_row() -> OutboxMessage:
    rows = await OutboxMessage.all()
    assert len(rows) == 1
    return rows[0]


@pytest.mark.usefixtures("db")
async def test_queued_mail_is_delivered_once_as_text_and_html(smtp, clock) -> None:
    url, server = smtp
    await enqueue(notification(), now=clock.now())
    mailer = sender(clock, url)

    assert await mailer.deliver_due() == 1
    assert await mailer.deliver_due() == 0

    assert len(server.received) == 1
    received = server.received[0]
    assert received.mail_from == "security@workestra.test"
    assert received.rcpt_tos == ["ada@example.com"]
    message = received.message
    assert message["From"] == MAIL_FROM
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Your password was changed — Workestra"
    assert message["Date"] == format_datetime(clock.now())
    assert message["Message-ID"].endswith("@workestra.test>")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body(("plain",)).get_content().strip() == f"Your password was changed. {BODY_SECRET}"
    html = message.get_body(("html",)).get_content().strip()
    assert html == f"<p>Your password was <b>changed</b>. {BODY_SECRET}</p>"
    row = await only_row()
    assert (row.sent_at, row.attempts, row.claimed_until, row.failed_at) == (clock.now(), 0, None, None)


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("recipient", "subject"),
    [
        ("ada@example.com", "New sign-in to your Workestra account"),  # the product's: every header ASCII
        ("zoë@example.com", "Your password was changed — Workestra"),
    ],
)
async def test_a_mail_arrives_whole_with_ascii_or_other_headers(smtp, clock, recipient: str, subject: str) -> None:
    url, server = smtp
    text = f"Signed in from Zürich — {BODY_SECRET}\n\n" + "a long line " * 20
    await enqueue(Mail(recipient, subject, text, f"<p>Zürich — {BODY_SECRET}</p>", "new_sign_in"), now=clock.now())

    assert await sender(clock, url).deliver_due() == 1

    message = server.received[0].message
    assert (message["From"], message["To"], message["Subject"]) == (MAIL_FROM, recipient, subject)
    assert (message["Auto-Submitted"], message["Date"]) == ("auto-generated", format_datetime(clock.now()))
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    # Lines travel with CRLF endings over SMTP.
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == text.rstrip("\n")
    assert message.get_body(("html",)).get_content().strip() == f"<p>Zürich — {BODY_SECRET}</p>"


@pytest.mark.usefixtures("db")
async def test_smtp_down_keeps_the_mail_and_retries_with_backoff_until_it_is_up(smtp, clock) -> None:
    url, server = smtp
    await enqueue(notification(), now=clock.now())
    down = sender(clock, f"smtp://127.0.0.1:{free_port()}")

    assert await down.deliver_due() == 0
    row = await only_row()
    assert (row.attempts, row.sent_at, row.claimed_until) == (1, None, None)
    assert row.last_error == "SMTPConnectError"
    assert row.next_attempt_at == clock.now() + retry_delay(1) * _SECOND

    # Not due yet: no attempt is made.
    clock.advance(retry_delay(1) - 1)
    assert await down.deliver_due() == 0
    assert (await only_row()).attempts == 1

    clock.advance(1)
    assert await down.deliver_due() == 0
    row = await only_row()
    assert row.attempts == 2
    assert row.next_attempt_at == clock.now() + retry_delay(2) * _SECOND

    up = sender(clock, url)
    assert await up.deliver_due() == 0  # the backoff is respected by every sender
    clock.advance(retry_delay(2))
    assert await up.deliver_due() == 1
    clock.advance(3600)
    assert await up.deliver_due() == 0
    assert len(server.received) == 1
    row = await only_row()
    assert row.sent_at == clock.now() - 3600 * _SECOND
    assert row.attempts == 2  # the failures stay on record


@pytest.mark.usefixtures("db")
async def test_two_senders_at_once_deliver_each_mail_exactly_once(smtp, clock) -> None:
    url, server = smtp
    recipients = [f"user{n}@example.com" for n in range(10)]
    for recipient in recipients:
        await enqueue(notification(recipient), now=clock.now())
    first, second = sender(clock, url), sender(clock, url)

    counts = await asyncio.gather(first.deliver_due(), second.deliver_due())

    assert sum(counts) == 10
    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(recipients)
    assert await OutboxMessage.filter(sent_at=None).count() == 0


@pytest.mark.usefixtures("db")
async def test_a_new_process_delivers_what_an_old_one_queued(smtp, clock) -> None:
    url, server = smtp
    await enqueue(notification(), now=clock.now())
    sender(clock, url)  # the process that queued it stops before delivering

    assert await sender(clock, url).deliver_due() == 1
    assert len(server.received) == 1


@pytest.mark.usefixtures("db")
async def test_a_claim_left_by_a_crashed_sender_expires(smtp, clock) -> None:
    url, server = smtp
    await enqueue(notification(), now=clock.now())
    # A sender claimed the row and died mid-send.
    await OutboxMessage.all().update(claimed_until=clock.now() + 60 * _SECOND)
    survivor = sender(clock, url, claim_seconds=60)

    assert await survivor.deliver_due() == 0
    clock.advance(60)
    assert await survivor.deliver_due() == 0  # the claim runs until the end of its last second
    clock.advance(1)
    assert await survivor.deliver_due() == 1
    assert len(server.received) == 1


@pytest.mark.usefixtures("db")
async def test_development_outbox_logs_subject_and_recipient_but_never_the_body(clock, caplog) -> None:
    await enqueue(notification(kind="lockout"), now=clock.now())
    caplog.set_level(logging.DEBUG, logger="workestra.mail")

    assert await sender(clock, None).deliver_due() == 1

    lines = [r for r in caplog.records if r.name == "workestra.mail"]
    assert len(lines) == 1
    row = await only_row()
    line = lines[0].getMessage()
    assert lines[0].levelno == logging.INFO
    for expected in (str(row.id), "lockout", "ada@example.com", "Your password was changed — Workestra"):
        assert expected in line
    assert BODY_SECRET not in line
    assert row.sent_at == clock.now()


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [
        (1, 5),
        (2, 10),
        (3, 20),
        (4, 40),
        (5, 80),
        (10, 2560),
        (11, 3600),
        (12, 3600),
        (0, 5),
        (-7, 5),
        (10**12, 3600),
    ],
)
def test_retry_delay_doubles_from_five_seconds_up_to_one_hour(attempts: int, seconds: int) -> None:
    assert retry_delay(attempts) == seconds


async def fail_until(mailer: MailSender, clock: FrozenClock, hours: float) -> None:
    """Let ``mailer`` meet a dead SMTP server at every retry it schedules during ``hours``."""
    end = clock.now() + timedelta(hours=hours)
    while clock.now() < end:
        assert await mailer.deliver_due() == 0
        row = await only_row()
        if row.failed_at is not None:
            return
        clock.advance((row.next_attempt_at - clock.now()).total_seconds())


@pytest.mark.usefixtures("db")
async def test_smtp_down_longer_than_twelve_retries_keeps_the_mail_until_it_returns(smtp, clock) -> None:
    url, server = smtp
    await enqueue(notification(), now=clock.now())
    down = sender(clock, f"smtp://127.0.0.1:{free_port()}")

    # A weekend-sized outage: far past the 12 attempts (2 h 25 min) of the old schedule.
    await fail_until(down, clock, hours=30)
    assert await down.deliver_due() == 0
    row = await only_row()
    assert (row.failed_at, row.sent_at) == (None, None)
    assert row.attempts > 12
    assert row.next_attempt_at - clock.now() == timedelta(hours=1)  # the back-off is capped

    clock.advance(3600)
    assert await sender(clock, url).deliver_due() == 1
    assert len(server.received) == 1
    assert (await outbox_counts(clock.now())) == OutboxCounts(pending=0, dead=0, oldest_pending_seconds=0.0)


@pytest.mark.usefixtures("db")
async def test_past_the_retry_period_the_mail_is_kept_dead_logged_and_counted(smtp, clock, caplog) -> None:
    url, server = smtp
    queued_at = clock.now()
    await enqueue(notification(kind="lockout"), now=queued_at)
    down = sender(clock, f"smtp://127.0.0.1:{free_port()}")
    caplog.set_level(logging.WARNING, logger="workestra.mail")

    await fail_until(down, clock, hours=80)
    row = await only_row()
    assert row.failed_at is not None and row.sent_at is None
    # Retried for the whole default period (three days), and not once more after it.
    assert timedelta(days=3) <= row.failed_at - queued_at < timedelta(days=3, hours=1)
    assert await outbox_counts(clock.now()) == OutboxCounts(pending=0, dead=1, oldest_pending_seconds=0.0)

    dead_lines = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(dead_lines) == 1
    line = dead_lines[0].getMessage()
    assert f"mail {row.id} (lockout) dead after {row.attempts} attempts" in line
    assert "ada@example.com" not in line and BODY_SECRET not in line

    clock.advance(days=30)
    assert await sender(clock, url).deliver_due() == 0
    assert await down.deliver_due() == 0
    assert server.received == []

    # The operator queues it again: the next pass delivers it.
    assert await retry_dead(row.id, now=clock.now())
    assert not await retry_dead(row.id, now=clock.now())  # it is pending now, not dead
    assert await sender(clock, url).deliver_due() == 1
    assert len(server.received) == 1


@pytest.mark.parametrize("retry_for", [1, 600])
@pytest.mark.usefixtures("db")
async def test_the_retry_period_is_configurable(clock, retry_for: int) -> None:
    await enqueue(notification(), now=clock.now())
    down = sender(clock, f"smtp://127.0.0.1:{free_port()}", retry_for_seconds=retry_for)
    await fail_until(down, clock, hours=1)
    row = await only_row()
    assert row.failed_at is not None
    assert timedelta(seconds=retry_for) <= row.failed_at - row.created_at < timedelta(seconds=retry_for + 3600)


@pytest.mark.usefixtures("db")
async def test_a_retried_mail_that_fails_again_is_dead_again(clock) -> None:
    await enqueue(notification(), now=clock.now())
    down = sender(clock, f"smtp://127.0.0.1:{free_port()}", retry_for_seconds=60)
    await fail_until(down, clock, hours=1)
    attempts = (await only_row()).attempts
    assert await retry_dead((await only_row()).id, now=clock.now())
    assert await down.deliver_due() == 0
    row = await only_row()
    assert (row.attempts, row.failed_at) == (attempts + 1, clock.now())


@pytest.mark.usefixtures("db")
async def test_outbox_counts_report_the_oldest_pending_mail(clock) -> None:
    await enqueue(notification(), now=clock.now())
    clock.advance(90)
    await enqueue(notification("grace@example.com"), now=clock.now())
    clock.advance(10)
    assert await outbox_counts(clock.now()) == OutboxCounts(pending=2, dead=0, oldest_pending_seconds=100.0)


@pytest.mark.usefixtures("db")
async def test_a_lockout_mail_queued_during_an_outage_reaches_two_senders_once(smtp, clock) -> None:
    url, server = smtp
    await enqueue(notification(kind="lockout"), now=clock.now())
    await fail_until(sender(clock, f"smtp://127.0.0.1:{free_port()}"), clock, hours=5)
    clock.advance(3600)
    counts = await asyncio.gather(sender(clock, url).deliver_due(), sender(clock, url).deliver_due())
    assert sorted(counts) == [0, 1]
    assert len(server.received) == 1


@pytest.mark.usefixtures("db")
async def test_a_mail_that_cannot_be_built_is_given_up_at_once(smtp, clock) -> None:
    url, server = smtp
    await enqueue(
        Mail(recipient="ada@example.com", subject="Hi\r\nBcc: eve@example.com", text="t", html="h", kind="x"),
        now=clock.now(),
    )

    assert await sender(clock, url).deliver_due() == 0

    row = await only_row()
    assert (row.attempts, row.last_error, row.failed_at) == (1, "ValueError", clock.now())
    assert server.received == []


@pytest.mark.usefixtures("db")
async def test_enqueue_rolls_back_with_the_callers_transaction(clock) -> None:
    with pytest.raises(RuntimeError):
        async with in_transaction() as connection:
            await enqueue(notification(), now=clock.now(), using_db=connection)
            raise RuntimeError("the change that caused the mail failed")
    assert await OutboxMessage.all().count() == 0

    async with in_transaction() as connection:
        await enqueue(notification(), now=clock.now(), using_db=connection)
    assert await OutboxMessage.all().count() == 1


@pytest.mark.usefixtures("db")
async def test_smtp_credentials_are_percent_decoded_and_used(clock) -> None:
    controller, server = start_smtp(with_auth=True)
    try:
        await enqueue(notification(), now=clock.now())
        url = f"smtp://mail%40workestra.test:p%40ss%3Aw%2Ford@127.0.0.1:{controller.port}"
        assert await sender(clock, url).deliver_due() == 1
    finally:
        controller.stop()
    assert server.logins == [("mail@workestra.test", "p@ss:w/ord")]
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpServer("mail.example.com", 25)),
        ("smtp://u:p@mail.example.com:2525", SmtpServer("mail.example.com", 2525, "u", "p")),
        ("smtp://u%40x:%F0%9F%94%91@h?starttls=true", SmtpServer("h", 587, "u@x", "🔑", start_tls=True)),
        ("smtp://h:26?starttls=false", SmtpServer("h", 26)),
        ("smtps://u:@h", SmtpServer("h", 465, "u", "", use_tls=True)),
    ],
)
def test_parse_smtp_url(url: str, expected: SmtpServer) -> None:
    assert parse_smtp_url(url) == expected
    assert parse_smtp_url(url).password == expected.password


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://u:hunter2@h",
        "smtp://u:hunter2@",
        "smtp://u:hunter2@h:99999",
        "smtp://u:hunter2@h:port",
        "smtps://u:hunter2@h?starttls=true",
    ],
)
def test_parse_smtp_url_refuses_bad_urls_without_echoing_them(url: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_smtp_url(url)
    assert "hunter2" not in str(refused.value)
    assert "hunter2" not in repr(parse_smtp_url("smtp://u:hunter2@h"))


@pytest.mark.usefixtures("db")
async def test_wake_sends_a_fresh_mail_without_waiting_for_the_poll(smtp, clock) -> None:
    url, server = smtp
    mailer = sender(clock, url, poll_interval=60)
    task = asyncio.create_task(mailer.run())
    await asyncio.sleep(0.05)  # the first, empty pass is done; the loop now waits a full minute

    await enqueue(notification(), now=clock.now())
    mailer.wake()
    await wait_until(lambda: len(server.received) == 1)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.usefixtures("db")
async def test_run_survives_a_failing_pass_and_logs_no_payload(smtp, clock, caplog, monkeypatch) -> None:
    url, server = smtp
    await enqueue(notification(), now=clock.now())
    mailer = sender(clock, url, poll_interval=0.01)
    real_pass = mailer.deliver_due
    failures = iter([RuntimeError("database said: ada@example.com")])

    async def flaky_pass() -> int:
        for failure in failures:
            raise failure
        return await real_pass()

    monkeypatch.setattr(mailer, "deliver_due", flaky_pass)
    task = asyncio.create_task(mailer.run())
    await wait_until(lambda: len(server.received) == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert "mail delivery pass failed: RuntimeError" in caplog.text
    assert "ada@example.com" not in caplog.text


@pytest.mark.usefixtures("db")
async def test_run_stops_even_when_a_library_swallowed_the_cancellation(clock, monkeypatch) -> None:
    mailer = sender(clock, None, poll_interval=60)

    async def pass_that_loses_the_cancel() -> int:
        # What Python 3.11's asyncio.wait_for (inside aiosmtplib) does when a reply races a cancel.
        asyncio.current_task().cancel()
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            pass
        return 0

    monkeypatch.setattr(mailer, "deliver_due", pass_that_loses_the_cancel)
    task = asyncio.create_task(mailer.run())
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(2):
            await asyncio.shield(task)
    assert task.cancelled()


async def wait_until(condition: Any, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
