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


def lockout_notice(
    recipient: str,
    *,
    at: datetime,
    ip: str | None,
    user_agent: str | None,
    minutes: int,
    at_second_factor: bool = False,
) -> Mail:
    """Sent once per lockout of the account; says so when wrong two-factor codes caused it."""
    paragraphs = [
        f"At {_when(at)} your Workestra account was locked for {minutes} minutes after repeated "
        "failed attempts to enter its password or a two-factor code.",
        f"The last attempt came from IP address {mask_ip(ip) or 'unknown'} using {_device(user_agent)}.",
    ]
    if at_second_factor:
        paragraphs.append(
            "The attempt that locked it was a wrong two-factor code entered after the right password: "
            "someone who is not you may know your password. Change it as soon as the lock ends."
        )
    return _mail(
        recipient,
        "lockout",
        "Your Workestra account was locked after failed sign-in attempts",
        [
            *paragraphs,
            "If this was you, wait until the lock ends and try again. If it was not you, someone may be "
            "guessing your password: once the lock ends, sign in, change your password on the Security "
            "page, sign out the devices you don't recognise, and turn on two-factor authentication.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
    )


def new_sign_in_notice(
    recipient: str, *, at: datetime, ip: str | None, user_agent: str | None, location: str | None
) -> Mail:
    """Sent when a sign-in completes from a client that is not one of the account's known devices."""
    return _mail(
        recipient,
        "new_sign_in",
        "New sign-in to your Workestra account",
        [
            f"Your Workestra account was signed in to at {_when(at)} from a device it had not seen: "
            f"{_device(user_agent)}, near {location or 'an unknown place'}, IP address {mask_ip(ip) or 'unknown'}.",
            "If this was you, there is nothing to do. Not you? Change your password on the Security page "
            "and choose Sign Out Everywhere.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
    )


def code_failing_notice(recipient: str, *, at: datetime, ip: str | None, user_agent: str | None, wrong: int) -> Mail:
    """Sent when wrong two-factor codes follow the right password: the password is known to whoever typed it."""
    return _mail(
        recipient,
        "code_failing",
        "Someone entered your Workestra password but not your two-factor code",
        [
            f"By {_when(at)} your Workestra password was entered correctly, followed by {wrong} wrong "
            f"two-factor codes, the last from IP address {mask_ip(ip) or 'unknown'} using {_device(user_agent)}.",
            "If this was not you, someone knows your password: change it on the Security page now and choose "
            "Sign Out Everywhere. Your two-factor code kept them out.",
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


def api_key_created_notice(
    recipient: str,
    *,
    at: datetime,
    name: str,
    prefix: str,
    ip: str | None,
    user_agent: str | None,
    location: str | None,
) -> Mail:
    """Sent when an API key is created: which key (its name and shown prefix, never the key), where from."""
    place = f" near {location}" if location else ""
    return _mail(
        recipient,
        "api_key_created",
        "A new API key was created for your Workestra account",
        [
            f"An API key named “{name}” (starting with {prefix}) was created for your Workestra account at "
            f"{_when(at)} from IP address {mask_ip(ip) or 'unknown'}{place} using {_device(user_agent)}.",
            "The key can read your account's security data (sessions, security log) until it is revoked.",
            "If this was you, there is nothing to do. If it was not, someone else is signed in to your "
            "account: on the Security page, revoke the key under API keys, change your password with "
            "“Revoke API keys” ticked, and sign out the devices you don't recognise.",
            "This message contains no link on purpose. Always go to Workestra yourself.",
        ],
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
