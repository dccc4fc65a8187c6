"""Two-factor authentication flows: set up, enable, the second sign-in step, disable, new backup codes.

Every TOTP code is accepted once: the account keeps the last accepted time step, and a code is taken
only by the conditional update that moves it forward. A backup code is taken by deleting its row.
Both hold under concurrency on SQLite and PostgreSQL: of two requests with one code, one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from auth.accounts import PasswordCheck, SignedIn, confirm_password, open_session, record_failure
from auth.audit import record_event
from auth.batches import delete_oldest
from auth.challenges import (
    charge_wrong_code,
    close_challenge,
    close_open_challenges,
    find_open_challenge,
    is_open,
    session_info,
)
from auth.client_info import ClientInfo
from auth.clock import Clock
from auth.errors import (
    ChallengeExpired,
    InvalidCode,
    TotpAlreadyEnabled,
    TotpNotEnabled,
    TotpSetupNotStarted,
)
from auth.known_devices import attempt_counter, device_of_challenge
from auth.notices import Outbox, backup_codes_regenerated_notice, totp_disabled_notice, totp_enabled_notice
from auth.ports import LocationLookup, SessionEvents
from auth.secret_box import SecretBox
from auth.sessions import announce, mark_authenticated
from auth.throttle import Attempt, attempt_key
from auth.totp import (
    BackupCodeEntry,
    TotpCode,
    backup_code_digest,
    matching_step,
    new_backup_codes,
    new_secret,
    parse_backup_code,
    parse_code,
    parse_totp_code,
    provisioning_uri,
    qr_code_svg,
)
from models import Account, BackupCode, SecurityEventType, SignInChallenge, TotpSetup

# A started setup must be confirmed within this time; later, enableTotp asks for a new start.
SETUP_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class PendingTotpSetup:
    """What the authenticator app and the person need, shown once: nothing is active before ``enable_totp``."""

    secret: str
    otpauth_uri: str
    qr_code_svg: str
    backup_codes: list[str]


async def prune_pending_setups(*, clock: Clock) -> int:
    """Delete setups nobody confirmed within ``SETUP_LIFETIME``, with their backup codes (periodic sweep).

    A batch at a time, oldest first; the codes are deleted by their setup (an index of its own) with it. A
    setup confirmed meanwhile has detached its codes (they are the account's now) and is gone.
    """
    stale = Q(created_at__lte=clock.now() - SETUP_LIFETIME)
    return await delete_oldest(
        TotpSetup.filter(stale), order_by="created_at", recheck=stale, dependents=((BackupCode, "setup_id"),)
    )


async def start_totp_setup(account_id: int, *, box: SecretBox, clock: Clock) -> PendingTotpSetup:
    """A new pending secret and backup codes, replacing any earlier pending setup of the account."""
    account = await Account.get(id=account_id)
    if account.totp_enabled_at is not None:
        raise TotpAlreadyEnabled()
    secret = new_secret()
    codes = new_backup_codes()
    sealed = box.seal(secret, account_id=account.id)
    now = clock.now()
    for last_try in (False, True):
        try:
            async with in_transaction() as connection:
                await TotpSetup.filter(account_id=account.id).using_db(connection).delete()
                setup = await TotpSetup.create(
                    account_id=account.id, secret=sealed, created_at=now, using_db=connection
                )
                await _store_backup_codes(account.id, codes, setup_id=setup.id, now=now, connection=connection)
            break
        except IntegrityError:
            # A concurrent start inserted its setup first (one per account); replace it in turn.
            if last_try:
                raise
    uri = provisioning_uri(secret, account.email)
    return PendingTotpSetup(secret, uri, qr_code_svg(uri), codes)


async def enable_totp(
    account_id: int,
    code: str,
    info: ClientInfo,
    *,
    box: SecretBox,
    clock: Clock,
    outbox: Outbox,
    session_id: object | None = None,
) -> Account:
    """Confirm the pending setup with a first code: 2FA goes on and its backup codes become valid."""
    account = await Account.get(id=account_id)
    now = clock.now()
    setup = await _pending_setup(account, now=now)
    step = _setup_code_step(account, setup, code, box=box, now=now)
    async with in_transaction() as connection:
        await _switch_totp_on(account, setup, step, now=now, connection=connection)
        mail = totp_enabled_notice(account.email, at=now, ip=info.ip, user_agent=info.user_agent)
        await outbox.enqueue(mail, now=now, using_db=connection)
        await record_event(
            account.id, SecurityEventType.TOTP_ENABLED, info, at=now, session_id=session_id, using_db=connection
        )
    outbox.wake()
    return await Account.get(id=account.id)


async def _pending_setup(account: Account, *, now: datetime) -> TotpSetup:
    """The account's setup still waiting for its first code, or why there is none to confirm."""
    if account.totp_enabled_at is not None:
        raise TotpAlreadyEnabled()
    setup = await TotpSetup.get_or_none(account_id=account.id)
    if setup is None or now - setup.created_at >= SETUP_LIFETIME:
        raise TotpSetupNotStarted()
    return setup


def _setup_code_step(account: Account, setup: TotpSetup, code: str, *, box: SecretBox, now: datetime) -> int:
    """The time step a first code matches for the pending secret; ``InvalidCode`` otherwise."""
    entry = parse_totp_code(code)
    if entry is None:
        raise InvalidCode()
    step = matching_step(box.open(setup.secret, account_id=account.id), entry, at=now)
    if step is None:
        raise InvalidCode()
    return step


async def _switch_totp_on(
    account: Account, setup: TotpSetup, step: int, *, now: datetime, connection: BaseDBAsyncClient
) -> None:
    """Make the setup the account's second factor, once: the step is used, its backup codes replace the old."""
    enabled = (
        await Account.filter(_step_is_new(step), id=account.id, totp_enabled_at=None)
        .using_db(connection)
        .update(totp_enabled_at=now, totp_secret=setup.secret, totp_last_step=step, backup_codes_created_at=now)
    )
    if not enabled:
        if await Account.filter(id=account.id, totp_enabled_at__isnull=False).using_db(connection).exists():
            raise TotpAlreadyEnabled()
        raise InvalidCode()  # this step was already used
    await BackupCode.filter(account_id=account.id, setup_id=None).using_db(connection).delete()
    await BackupCode.filter(setup_id=setup.id).using_db(connection).update(setup_id=None)
    if not await TotpSetup.filter(id=setup.id).using_db(connection).delete():
        # A new startTotpSetup replaced the setup this code belongs to: the newer one decides.
        raise InvalidCode()


async def verify_two_factor(
    challenge_token: str,
    code: str,
    info: ClientInfo,
    *,
    box: SecretBox,
    check: PasswordCheck,
    locations: LocationLookup,
    events: SessionEvents,
) -> SignedIn:
    """The second sign-in step: a TOTP or backup code against a challenge; opens the session.

    Input that cannot be a code is refused before any work and counts nowhere. A well-formed wrong
    (or replayed) code counts towards the account's lockout like a wrong password and against the
    challenge, which takes at most ``MAX_WRONG_CODES`` of them.
    """
    entry = parse_code(code)
    if entry is None:
        raise InvalidCode()
    challenge = await find_open_challenge(challenge_token, clock=check.clock)
    if challenge is None:
        raise ChallengeExpired()
    # A challenge opened from a known device counts on that device, as its password step did.
    device = await device_of_challenge(challenge.known_device_id, challenge.account_id)
    async with check.guard.attempt(*attempt_counter(challenge.account.email, device, info.ip)) as attempt:
        account = await _redeem_for_challenge(challenge, entry, info, attempt=attempt, box=box, check=check)
        if not await close_challenge(challenge, clock=check.clock):
            raise ChallengeExpired()
        signed_in = await open_session(
            account,
            challenge.client,
            session_info(challenge, locations),
            device=device,
            clock=check.clock,
            outbox=check.outbox,
            attempt=attempt,
        )
    await announce(events, account.id)
    return signed_in


async def _redeem_for_challenge(
    challenge: SignInChallenge,
    entry: TotpCode | BackupCodeEntry,
    info: ClientInfo,
    *,
    attempt: Attempt,
    box: SecretBox,
    check: PasswordCheck,
) -> Account:
    """The challenge's account once its code is used up; a wrong code counts against both and is raised."""
    # Re-read under the claim: the challenge may have been finished or closed meanwhile.
    account = await Account.get(id=challenge.account_id)
    if account.totp_enabled_at is None or not await is_open(challenge, clock=check.clock):
        raise ChallengeExpired()
    if not await _redeem_audited(account, entry, info, box=box, clock=check.clock):
        await charge_wrong_code(challenge, clock=check.clock)
        await record_failure(
            attempt, account, info, check=check, refusal=InvalidCode, event=SecurityEventType.TWO_FACTOR_FAILED
        )
    return account


async def confirm_code(account: Account, code: str, info: ClientInfo, *, box: SecretBox, check: PasswordCheck) -> None:
    """Re-check a signed-in account's TOTP or backup code under the brute-force rules (``confirm_password``'s twin).

    Input that cannot be a code is refused before any work and counts nowhere; a well-formed wrong or
    replayed code counts like a wrong password, and a right one resets the count.
    """
    entry = parse_code(code)
    if entry is None:
        raise InvalidCode()
    async with check.guard.attempt(attempt_key(account.email), info.ip) as attempt:
        # Re-read under the claim: 2FA may have been switched off meanwhile.
        account = await Account.get(id=account.id)
        if account.totp_enabled_at is None:
            raise TotpNotEnabled()
        if not await _redeem_audited(account, entry, info, box=box, clock=check.clock):
            await record_failure(
                attempt, account, info, check=check, refusal=InvalidCode, event=SecurityEventType.TWO_FACTOR_FAILED
            )
        await attempt.succeeded()


async def disable_totp(
    account_id: int, password: str, info: ClientInfo, *, check: PasswordCheck, session_id: object | None = None
) -> Account:
    """Switch 2FA off at once (the password is required): secret, backup codes and open challenges go."""
    account = await Account.get(id=account_id)
    if account.totp_enabled_at is None:
        raise TotpNotEnabled()
    await confirm_password(account, password, info, check=check)
    now = check.clock.now()
    async with in_transaction() as connection:
        disabled = (
            await Account.filter(id=account.id, totp_enabled_at__isnull=False)
            .using_db(connection)
            .update(totp_enabled_at=None, totp_secret=None, totp_last_step=None, backup_codes_created_at=None)
        )
        if not disabled:
            raise TotpNotEnabled()
        await BackupCode.filter(account_id=account.id).using_db(connection).delete()
        await TotpSetup.filter(account_id=account.id).using_db(connection).delete()
        await close_open_challenges(account.id, clock=check.clock, using_db=connection)
        mail = totp_disabled_notice(account.email, at=now, ip=info.ip, user_agent=info.user_agent)
        await check.outbox.enqueue(mail, now=now, using_db=connection)
        await record_event(
            account.id, SecurityEventType.TOTP_DISABLED, info, at=now, session_id=session_id, using_db=connection
        )
        if session_id is not None:
            # The password was just confirmed: the session counts as recently authenticated.
            await mark_authenticated(session_id, now, using_db=connection)
    check.outbox.wake()
    return await Account.get(id=account.id)


async def regenerate_backup_codes(
    account_id: int, password: str, info: ClientInfo, *, check: PasswordCheck, session_id: object | None = None
) -> list[str]:
    """A new set of backup codes (the password is required); every earlier code stops working."""
    account = await Account.get(id=account_id)
    if account.totp_enabled_at is None:
        raise TotpNotEnabled()
    await confirm_password(account, password, info, check=check)
    codes = new_backup_codes()
    now = check.clock.now()
    async with in_transaction() as connection:
        # Conditional on 2FA still being on; on PostgreSQL it also orders us with a concurrent disable.
        if (
            not await Account.filter(id=account.id, totp_enabled_at__isnull=False)
            .using_db(connection)
            .update(backup_codes_created_at=now)
        ):
            raise TotpNotEnabled()
        await BackupCode.filter(account_id=account.id, setup_id=None).using_db(connection).delete()
        await _store_backup_codes(account.id, codes, setup_id=None, now=now, connection=connection)
        mail = backup_codes_regenerated_notice(account.email, at=now, ip=info.ip, user_agent=info.user_agent)
        await check.outbox.enqueue(mail, now=now, using_db=connection)
        await record_event(
            account.id,
            SecurityEventType.BACKUP_CODES_REGENERATED,
            info,
            at=now,
            session_id=session_id,
            using_db=connection,
        )
    check.outbox.wake()
    return codes


async def backup_codes_remaining(account_id: int) -> int:
    """Unused backup codes of the account's active set (0 when 2FA is off)."""
    return await BackupCode.filter(account_id=account_id, setup_id=None, account__totp_enabled_at__isnull=False).count()


async def _redeem_audited(
    account: Account, entry: TotpCode | BackupCodeEntry, info: ClientInfo, *, box: SecretBox, clock: Clock
) -> bool:
    """``redeem_code``; a backup code is used up and audited in one transaction."""
    if not isinstance(entry, BackupCodeEntry):
        return await redeem_code(account, entry, box=box, clock=clock)
    async with in_transaction() as connection:
        accepted = await redeem_code(account, entry, box=box, clock=clock, using_db=connection)
        if accepted:
            await record_event(
                account.id, SecurityEventType.BACKUP_CODE_USED, info, at=clock.now(), using_db=connection
            )
    return accepted


def _step_is_new(step: int) -> Q:
    """Only a step newer than the last accepted one may be used."""
    return Q(totp_last_step=None) | Q(totp_last_step__lt=step)


async def redeem_code(
    account: Account,
    entry: TotpCode | BackupCodeEntry,
    *,
    box: SecretBox,
    clock: Clock,
    using_db: BaseDBAsyncClient | None = None,
) -> bool:
    """Use a code of the account up if it is valid now; False when it is wrong, replayed or already used.

    Atomic on its own: of concurrent calls with one code, exactly one gets True.
    """
    if isinstance(entry, BackupCodeEntry):
        digest = backup_code_digest(entry)
        taken = BackupCode.filter(account_id=account.id, setup_id=None, code_hash=digest).using_db(using_db)
        return await taken.delete() > 0
    if account.totp_secret is None:
        return False
    step = matching_step(box.open(account.totp_secret, account_id=account.id), entry, at=clock.now())
    if step is None:
        return False
    advanced = await Account.filter(_step_is_new(step), id=account.id, totp_enabled_at__isnull=False).update(
        totp_last_step=step
    )
    return advanced == 1


async def _store_backup_codes(
    account_id: int, codes: list[str], *, setup_id: int | None, now: datetime, connection: BaseDBAsyncClient
) -> None:
    rows = []
    for code in codes:
        entry = parse_backup_code(code)
        if entry is None:
            raise ValueError("a generated backup code must parse")
        digest = backup_code_digest(entry)
        rows.append(BackupCode(account_id=account_id, setup_id=setup_id, code_hash=digest, created_at=now))
    await BackupCode.bulk_create(rows, using_db=connection)
