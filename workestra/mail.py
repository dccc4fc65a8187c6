"""Notification mail: a transactional outbox and the background sender that empties it.

A flow that changes account security calls :func:`enqueue` inside its own transaction, so the mail
row commits or rolls back together with the change. :class:`MailSender` then delivers due rows
outside any transaction and retries failures with :func:`retry_delay` (capped at an hour) for
``MAIL_RETRY_FOR`` (three days by default) after the mail was queued; a mail still undelivered then is
kept as *dead*: logged (ids only), counted by :func:`outbox_counts` and listed by ``workestra mail``,
which can queue it again (:func:`retry_dead`). See ``models.outbox`` for the states a row goes through.

Several processes may run a sender against one database. Each row is *claimed* by one conditional
update (``claimed_until`` set only where no live claim exists), so two senders never deliver the
same row at the same time. Delivery is at least once: a process that dies after the SMTP server
accepted a mail but before ``sent_at`` was written sends it again when its claim expires. The
Message-ID is derived from the row, so such a duplicate carries the same Message-ID as the first.

Transport: ``smtp://user:pass@host:port`` (plain, port 25), ``smtp://...?starttls=true`` (STARTTLS,
port 587) or ``smtps://...`` (implicit TLS, port 465); user and password are percent-decoded.
Without an SMTP URL the sender is the development outbox: it logs one line per mail (kind,
recipient, subject, id; never the body) and counts it as sent.
"""

from __future__ import annotations

import asyncio
import email.errors
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from auth.clock import Clock
from auth.notices import SECRET_PLACEHOLDER, Mail
from models.outbox import OutboxMessage
from workestra.mime import compose

logger = logging.getLogger("workestra.mail")

RETRY_BASE_SECONDS = 5
RETRY_MAX_SECONDS = 60 * 60
# How long after it was queued a mail is still retried: an outage over a weekend loses nothing.
DEFAULT_RETRY_FOR_SECONDS = 3 * 24 * 60 * 60
SMTP_TIMEOUT_SECONDS = 10.0
_LAST_ERROR_MAX = 200


async def enqueue(mail: Mail, *, now: datetime, using_db: BaseDBAsyncClient | None = None) -> None:
    """Write ``mail`` to the outbox, due at once; call it inside the transaction of the change it reports."""
    await OutboxMessage.create(
        recipient=mail.recipient,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        kind=mail.kind,
        secret=mail.secret,
        created_at=now,
        next_attempt_at=now,
        using_db=using_db,
    )


def with_secret(body: str, secret: str | None) -> str:
    """A stored body with its secret filled in where the placeholder stands (unchanged without one)."""
    return body if secret is None else body.replace(SECRET_PLACEHOLDER, secret)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed deliveries: 5, 10, 20, ... doubling, at most one hour."""
    # Clamp the exponent first so a corrupt or huge count cannot build a giant integer.
    exponent = min(max(attempts, 1) - 1, 20)
    # A shift rather than 2**exponent, which is typed int | float since an exponent may be negative.
    return min(RETRY_BASE_SECONDS << exponent, RETRY_MAX_SECONDS)


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach the SMTP server, parsed from ``SMTP_URL``."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False
    start_tls: bool = False


def parse_smtp_url(url: str) -> SmtpServer:
    """Parse ``smtp[s]://[user[:pass]@]host[:port][?starttls=true]``; errors never repeat the URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError("SMTP_URL is not a valid URL") from None
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("SMTP_URL must name a host")
    flags = parse_qs(parts.query).get("starttls", ["false"])
    start_tls = flags[-1].strip().lower() in ("1", "true", "yes", "on")
    use_tls = parts.scheme == "smtps"
    if use_tls and start_tls:
        raise ValueError("SMTP_URL cannot combine smtps:// with starttls=true")
    default_port = 465 if use_tls else 587 if start_tls else 25
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        use_tls=use_tls,
        start_tls=start_tls,
    )


class MailSender:
    """Delivers due outbox rows: one pass with :meth:`deliver_due`, or forever with :meth:`run`."""

    def __init__(
        self,
        *,
        smtp_url: str | None,
        mail_from: str,
        clock: Clock,
        poll_interval: float = 1.0,
        batch_size: int = 20,
        retry_for_seconds: int = DEFAULT_RETRY_FOR_SECONDS,
        claim_seconds: int = 60,
    ) -> None:
        if retry_for_seconds < 1 or batch_size < 1:
            raise ValueError("retry_for_seconds and batch_size must be at least 1")
        # A claim must outlive one SMTP conversation, or a second sender could take the row mid-send.
        if claim_seconds <= SMTP_TIMEOUT_SECONDS:
            raise ValueError("claim_seconds must exceed the SMTP timeout")
        self._server = parse_smtp_url(smtp_url) if smtp_url else None
        self._mail_from = mail_from
        self._envelope_from = parseaddr(mail_from)[1]
        self._domain = self._envelope_from.rpartition("@")[2] or "localhost"
        self._clock = clock
        self._poll_interval = poll_interval
        self._batch_size = batch_size
        self._retry_for = timedelta(seconds=retry_for_seconds)
        self._claim = timedelta(seconds=claim_seconds)
        self._wake = asyncio.Event()
        self._stopping = False
        # Rows this sender claimed and has not recorded an outcome for yet.
        self._held: set[int] = set()

    def wake(self) -> None:
        """Start the next pass of :meth:`run` now, e.g. right after a transaction queued a mail."""
        self._wake.set()

    def stop(self) -> None:
        """Let :meth:`run` finish the message it is sending, then return without claiming another."""
        self._stopping = True
        self._wake.set()

    async def release_held(self) -> int:
        """Give back the rows claimed but not sent (the sender was cancelled), so other processes send them now."""
        held, self._held = self._held, set()
        if not held:
            return 0
        return await OutboxMessage.filter(id__in=held, sent_at=None).update(claimed_until=None)

    async def run(self) -> None:
        """Deliver due mail every ``poll_interval`` seconds (or on :meth:`wake`) until cancelled or stopped."""
        while not self._stopping:
            try:
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the sender must outlive any single failure
                # The class name only: messages of database and SMTP errors can echo addresses.
                logger.error("mail delivery pass failed: %s", type(exc).__name__)
            _raise_if_cancel_was_swallowed()
            try:
                async with asyncio.timeout(self._poll_interval):
                    await self._wake.wait()
            except TimeoutError:
                pass
            # Cleared before the pass, so a wake() during the pass triggers another one.
            self._wake.clear()

    async def deliver_due(self) -> int:
        """Claim and deliver the due messages once; returns how many were sent."""
        now = self._clock.now()
        due = await OutboxMessage.filter(_due(now)).order_by("next_attempt_at", "id").limit(self._batch_size)
        sent = 0
        for message in due:
            _raise_if_cancel_was_swallowed()
            if self._stopping:
                break
            if not await self._claim_message(message):
                continue
            if await self._deliver(message):
                sent += 1
            self._held.discard(message.id)
        return sent

    async def _claim_message(self, message: OutboxMessage) -> bool:
        """Take the row read as ``message`` for this sender; False when another sender holds it or it is done.

        ``attempts`` unchanged since the read proves the row is still the one read (a message's content
        never changes, and every attempt another sender made would have counted), so it is not read again.
        """
        now = self._clock.now()
        won = await OutboxMessage.filter(_due(now), id=message.id, attempts=message.attempts).update(
            claimed_until=now + self._claim
        )
        if won != 1:
            return False
        self._held.add(message.id)
        return True

    async def _deliver(self, message: OutboxMessage) -> bool:
        """Send one claimed message and record the outcome; True when it was sent."""
        try:
            composed = self._compose(message)
        except (ValueError, TypeError, email.errors.MessageError) as exc:
            # A message that cannot be built never will be: give up now instead of retrying for hours.
            await self._record_failure(message, exc, final=True)
            return False
        try:
            await self._transmit(message, composed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any transport failure is retried
            await self._record_failure(message, exc, final=self._clock.now() - message.created_at >= self._retry_for)
            return False
        # The mail is out: record it even if our claim lapsed meanwhile.
        # The secret (a reset link) has done its work: the row kept for days no longer holds it.
        await OutboxMessage.filter(id=message.id, sent_at=None).update(
            sent_at=self._clock.now(), claimed_until=None, last_error=None, secret=None
        )
        return True

    async def _record_failure(self, message: OutboxMessage, exc: BaseException, *, final: bool) -> None:
        """Count the failed attempt, schedule the retry (or keep the mail as dead) and release the claim."""
        now = self._clock.now()
        attempts = message.attempts + 1
        error = type(exc).__name__[:_LAST_ERROR_MAX]
        changes: dict[str, Any] = {"attempts": attempts, "last_error": error, "claimed_until": None}
        if final:
            changes["failed_at"] = now
            changes["secret"] = None  # a dead mail is kept for the operator, never its secret
        else:
            changes["next_attempt_at"] = now + timedelta(seconds=retry_delay(attempts))
        # ``attempts`` unchanged proves the row is still ours: had our claim lapsed and another
        # sender failed too, its count would already be higher and its retry schedule would stand.
        await OutboxMessage.filter(id=message.id, sent_at=None, attempts=message.attempts).update(**changes)
        if final:
            logger.error(
                "mail %s (%s) dead after %d attempts in %d s: %s; `workestra mail retry %s` queues it again",
                message.id,
                message.kind,
                attempts,
                (now - message.created_at).total_seconds(),
                error,
                message.id,
            )
        else:
            logger.warning(
                "mail %s (%s) attempt %d failed: %s; retrying in %d s",
                message.id,
                message.kind,
                attempts,
                error,
                retry_delay(attempts),
            )

    def _compose(self, message: OutboxMessage) -> Message:
        """A multipart/alternative mail (text, then HTML) with a Message-ID stable across retries."""
        stamp = int(message.created_at.timestamp() * 1_000_000)
        headers = {
            "From": self._mail_from,
            "To": message.recipient,
            "Subject": message.subject,
            "Date": format_datetime(self._clock.now()),
            "Message-ID": f"<outbox.{message.id}.{stamp}@{self._domain}>",
            # RFC 3834: an automatic notification; keeps vacation responders from answering it.
            "Auto-Submitted": "auto-generated",
        }
        return compose(
            headers, with_secret(message.text_body, message.secret), with_secret(message.html_body, message.secret)
        )

    async def _transmit(self, message: OutboxMessage, composed: Message) -> None:
        """Hand the mail to the SMTP server, or log it when none is configured."""
        if self._server is None:
            logger.info(
                "mail %s (%s) to %s, subject %r: development outbox, not sent",
                message.id,
                message.kind,
                message.recipient,
                message.subject,
            )
            return
        server = self._server
        await aiosmtplib.send(
            composed,
            sender=self._envelope_from,
            recipients=[message.recipient],
            hostname=server.host,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.use_tls,
            start_tls=server.start_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
        logger.info("mail %s (%s) sent", message.id, message.kind)


@dataclass(frozen=True)
class OutboxCounts:
    """What an operator watches in the outbox: mail waiting, mail given up on, and the oldest wait."""

    pending: int
    dead: int
    oldest_pending_seconds: float


async def outbox_counts(now: datetime) -> OutboxCounts:
    """Pending and dead mail and the age of the oldest pending one (for metrics and alerts)."""
    pending = OutboxMessage.filter(_PENDING)
    oldest = await pending.order_by("created_at", "id").first()
    return OutboxCounts(
        pending=await pending.count(),
        dead=await OutboxMessage.filter(_DEAD).count(),
        oldest_pending_seconds=max(0.0, (now - oldest.created_at).total_seconds()) if oldest else 0.0,
    )


async def undelivered(limit: int = 1000) -> list[OutboxMessage]:
    """Pending and dead mail, oldest first (what ``workestra mail`` lists)."""
    return await OutboxMessage.filter(sent_at__isnull=True).order_by("created_at", "id").limit(limit)


async def dead_message_ids() -> list[int]:
    """The ids of every dead mail, oldest first."""
    # values_list(flat=True) yields bare values; Tortoise types every values_list row as a tuple.
    return await OutboxMessage.filter(_DEAD).order_by("id").values_list("id", flat=True)  # type: ignore[return-value]


async def retry_dead(message_id: int, *, now: datetime) -> bool:
    """Queue a dead mail for one more attempt now; False when no dead mail has this id.

    Its retry period still counts from when it was queued, so if that attempt fails it is dead again.
    """
    return bool(
        await OutboxMessage.filter(_DEAD, id=message_id).update(failed_at=None, next_attempt_at=now, claimed_until=None)
    )


_PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)
_DEAD = Q(sent_at__isnull=True, failed_at__isnull=False)


def _due(now: datetime) -> Q:
    """Rows to deliver now: pending, their next attempt come, and no live claim by another sender."""
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return unclaimed & _PENDING & Q(next_attempt_at__lte=now)


def _raise_if_cancel_was_swallowed() -> None:
    """Re-raise a cancellation that a library lost, so a cancelled sender stops instead of looping on.

    On Python 3.11 ``asyncio.wait_for`` (which aiosmtplib uses for every SMTP reply) drops a
    cancellation that arrives together with the reply; the task then runs on, still marked as
    cancelling (python/cpython#86296, fixed in 3.12).
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError()
