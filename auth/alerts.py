"""Alerts that tell the owner: a sign-in from a device the account did not know, and a known password
whose two-factor codes keep failing. Each is queued and audited in the transaction of what it reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from auth.audit import record_event
from auth.client_info import ClientInfo
from auth.notices import Outbox, code_failing_notice, new_sign_in_notice
from models import Account, SecurityEvent, SecurityEventType

# Wrong two-factor codes after the right password that make the owner be told.
WRONG_CODES_ALERTED = 3


async def alert_new_sign_in(
    account: Account,
    info: ClientInfo,
    *,
    at: datetime,
    session_id: object,
    outbox: Outbox,
    using_db: BaseDBAsyncClient,
) -> None:
    """Mail the owner about a completed sign-in from a client without a known-device credential."""
    mail = new_sign_in_notice(account.email, at=at, ip=info.ip, user_agent=info.user_agent, location=info.location)
    await outbox.enqueue(mail, now=at, using_db=using_db)
    await record_event(
        account.id, SecurityEventType.NEW_DEVICE_SIGN_IN, info, at=at, session_id=session_id, using_db=using_db
    )


async def alert_if_codes_keep_failing(
    account: Account,
    info: ClientInfo,
    *,
    at: datetime,
    window_seconds: int,
    outbox: Outbox,
    using_db: BaseDBAsyncClient,
) -> bool:
    """After a wrong two-factor code (audited in this transaction): mail the owner at the third one.

    Counted from the account's audit log over the lock window, since its latest completed sign-in or
    alert, so one run of wrong codes is told once. The account row is locked first: a device's counter
    and the email's are claimed apart, and their failures must still be counted one after the other.
    """
    await Account.select_for_update().using_db(using_db).get(id=account.id)
    events = SecurityEvent.filter(account_id=account.id, occurred_at__gt=at - timedelta(seconds=window_seconds))
    reset = (
        await events.filter(type__in=[SecurityEventType.SIGN_IN, SecurityEventType.PASSWORD_KNOWN_CODE_FAILING])
        .using_db(using_db)
        .order_by("-id")
        .first()
    )
    if reset is not None:
        events = events.filter(id__gt=reset.id)
    wrong = await events.filter(type=SecurityEventType.TWO_FACTOR_FAILED).using_db(using_db).count()
    if wrong < WRONG_CODES_ALERTED:
        return False
    mail = code_failing_notice(account.email, at=at, ip=info.ip, user_agent=info.user_agent, wrong=wrong)
    await outbox.enqueue(mail, now=at, using_db=using_db)
    await record_event(account.id, SecurityEventType.PASSWORD_KNOWN_CODE_FAILING, info, at=at, using_db=using_db)
    return True
