"""The security mails: what they say, built from ids and masked values only.

No mail carries a secret or a link, except the password-reset mail: its bodies hold ``SECRET_PLACEHOLDER``
where the link's token goes, and the token travels beside them (``Mail.secret``) until it is delivered.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from auth.devices import parse_device
from auth.network import mask_ip


@dataclass(frozen=True)
class Mail:
    """One message for the outbox."""

    recipient: str
    subject: str
    text: str
    html: str
    kind: str
    # Filled in for SECRET_PLACEHOLDER only when the mail is sent; never part of the stored bodies.
    secret: str | None = None


# Where a mail's secret goes in its bodies; made of characters that neither HTML escaping nor URLs change.
SECRET_PLACEHOLDER = "[[secret]]"  # noqa: S105 (a placeholder, not a secret)


class Outbox(Protocol):
    """Where mails are queued, inside the transaction of the change they report."""

    async def enqueue(self, mail: Mail, *, now: datetime, using_db: BaseDBAsyncClient | None = None) -> None: ...

    def wake(self) -> None: ...


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _device(user_agent: str | None) -> str:
    device = parse_device(user_agent)
    parts = [part for part in (device.browser, device.os) if part]
    return " on ".join(parts) if parts else "an unknown device"


def _mail(recipient: str, kind: str, subject: str, paragraphs: list[str]) -> Mail:
    text = "\n\n".join(paragraphs) + "\n\n— Workestra Security\n"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return Mail(recipient, subject, text, f"<html><body>{body}<p>— Workestra Security</p></body></html>", kind)


def lockout_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None, minutes: int) -> Mail:
    """Sent once per lockout of the account."""
    return _mail(
        recipient,
        "lockout",
        "Your Workestra account was locked after failed sign-in attempts",
        [
            f"At {_when(at)} your Workestra account was locked for {minutes} minutes after repeated "
            "failed attempts to enter its password or a two-factor code.",
            f"The last attempt came from IP address {mask_ip(ip) or 'unknown'} using {_device(user_agent)}.",
            "If this was you, wait until the lock ends and try again. If it was not you, someone may be "
            "guessing your password: once the lock ends, sign in, change your password on the Security "
            "page, sign out the devices you don't recognise, and turn on two-factor authentication.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
    )


def password_changed_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None) -> Mail:
    """Sent after every password change."""
    return _mail(
        recipient,
        "password_changed",
        "Your Workestra password was changed",
        [
            f"The password of your Workestra account was changed at {_when(at)} "
            f"from IP address {mask_ip(ip) or 'unknown'} using {_device(user_agent)}.",
            "If this was you, there is nothing to do. If it was not, reset your password right away and "
            "contact your workspace administrator.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
    )


def _two_factor_change(
    recipient: str, kind: str, subject: str, what: str, *, at: datetime, ip: str | None, user_agent: str | None
) -> Mail:
    return _mail(
        recipient,
        kind,
        subject,
        [
            f"{what} at {_when(at)} from IP address {mask_ip(ip) or 'unknown'} using {_device(user_agent)}.",
            "If this was you, there is nothing to do. If it was not, someone else is signed in to your "
            "account: change your password on the Security page, sign out the devices you don't recognise, "
            "and contact your workspace administrator.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
    )


def totp_enabled_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None) -> Mail:
    """Sent when two-factor authentication is switched on."""
    return _two_factor_change(
        recipient,
        "totp_enabled",
        "Two-factor authentication was turned on for your Workestra account",
        "Two-factor authentication was turned on for your Workestra account; every sign-in now asks for a "
        "code from your authenticator app. Keep your backup codes somewhere safe. This happened",
        at=at,
        ip=ip,
        user_agent=user_agent,
    )


def totp_disabled_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None) -> Mail:
    """Sent when two-factor authentication is switched off."""
    return _two_factor_change(
        recipient,
        "totp_disabled",
        "Two-factor authentication was turned off for your Workestra account",
        "Two-factor authentication was turned off for your Workestra account, and its backup codes were "
        "deleted; signing in now needs only your password. This happened",
        at=at,
        ip=ip,
        user_agent=user_agent,
    )


def backup_codes_regenerated_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None) -> Mail:
    """Sent when a new set of backup codes replaces the old one."""
    return _two_factor_change(
        recipient,
        "backup_codes_regenerated",
        "New backup codes were made for your Workestra account",
        "A new set of two-factor backup codes was made for your Workestra account, and the previous codes "
        "no longer work. This happened",
        at=at,
        ip=ip,
        user_agent=user_agent,
    )


def password_reset_link_notice(recipient: str, *, link_base: str, minutes: int) -> Mail:
    """The reset link asked for with ``requestPasswordReset``; the token goes in the URL fragment.

    Built from the request alone: the page shows the same confirmation whether or not this mail is sent.
    """
    link = f"{link_base}#reset={SECRET_PLACEHOLDER}"
    paragraphs = [
        "Someone asked to reset the password of your Workestra account. To choose a new password, open "
        f"this link within {minutes} minutes (it works once, and only the newest link you asked for works):",
        link,
        "If you did not ask for this, ignore this mail: your password stays as it is. Nobody can use the "
        "link without access to this mailbox.",
    ]
    text = "\n\n".join(paragraphs) + "\n\n— Workestra Security\n"
    escaped = html.escape(link)
    body = (
        f'<p>{html.escape(paragraphs[0])}</p><p><a href="{escaped}">{escaped}</a></p>'
        f"<p>{html.escape(paragraphs[2])}</p><p>— Workestra Security</p>"
    )
    return Mail(
        recipient, "Reset your Workestra password", text, f"<html><body>{body}</body></html>", "password_reset_link"
    )


def password_reset_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None) -> Mail:
    """Sent after a password was reset from a link: every session and API key was ended."""
    return _mail(
        recipient,
        "password_reset",
        "Your Workestra password was reset",
        [
            f"The password of your Workestra account was reset with a link sent to this address at {_when(at)} "
            f"from IP address {mask_ip(ip) or 'unknown'} using {_device(user_agent)}.",
            "Every device was signed out and every API key revoked. If this was you, sign in with the new "
            "password. If it was not, someone can read this mailbox: secure it, then reset your password again "
            "and contact your workspace administrator.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
    )
